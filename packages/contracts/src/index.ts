export * from "./errors";
export * from "./common";
export * from "./endpoint";
export * from "./health";
export * from "./auth";
export * from "./users";
export * from "./socket";

import { healthContract } from "./health";
import { authContract } from "./auth";
import { usersContract } from "./users";

/** Every REST endpoint of the Hestia API, grouped by domain. */
export const contract = {
  health: healthContract,
  auth: authContract,
  users: usersContract,
};
export type Contract = typeof contract;
