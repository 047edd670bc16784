export * from "./attachments";
export * from "./auth";
export * from "./common";
export * from "./conversations";
export * from "./e2ee";
export * from "./endpoint";
export * from "./errors";
export * from "./friends";
export * from "./groups";
export * from "./health";
export * from "./lifecycle";
export * from "./messages";
export * from "./moderation";
export * from "./socket";
export * from "./users";

import { attachmentsContract } from "./attachments";
import { authContract } from "./auth";
import { conversationsContract } from "./conversations";
import { e2eeContract } from "./e2ee";
import { friendsContract } from "./friends";
import { groupsContract } from "./groups";
import { healthContract } from "./health";
import { lifecycleContract } from "./lifecycle";
import { messagesContract } from "./messages";
import { adminContract, blocksContract, reportsContract } from "./moderation";
import { usersContract } from "./users";

/** Every REST endpoint of the Hestia API, grouped by domain. */
export const contract = {
  health: healthContract,
  auth: authContract,
  users: usersContract,
  friends: friendsContract,
  groups: groupsContract,
  messages: messagesContract,
  conversations: conversationsContract,
  e2ee: e2eeContract,
  blocks: blocksContract,
  reports: reportsContract,
  admin: adminContract,
  attachments: attachmentsContract,
  lifecycle: lifecycleContract,
};
export type Contract = typeof contract;
