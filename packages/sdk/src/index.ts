export { createClient, type ClientOptions, type HestiaClient } from "./client";
export { HestiaError } from "./errors";
export type { AuthResult, Profile, UserStatus, ErrorCode, Health } from "@hestia/contracts";
