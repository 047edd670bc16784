export * from "./errors";
export * from "./common";
export * from "./endpoint";
export * from "./health";
export * from "./auth";
export * from "./users";
export * from "./friends";
export * from "./messages";
export * from "./groups";
export * from "./socket";
export * from "./e2ee";

import { healthContract } from "./health";
import { authContract } from "./auth";
import { usersContract } from "./users";
import { friendsContract } from "./friends";
import { groupsContract } from "./groups";
import { messagesContract } from "./messages";
import { e2eeContract } from "./e2ee";

/** Every REST endpoint of the Hestia API, grouped by domain. */
export const contract = {
  health: healthContract,
  auth: authContract,
  users: usersContract,
  friends: friendsContract,
  groups: groupsContract,
  messages: messagesContract,
  e2ee: e2eeContract,
};
export type Contract = typeof contract;
