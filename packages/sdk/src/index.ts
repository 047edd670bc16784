export { createClient, type ClientOptions, type HestiaClient } from "./client";
export type * from "./types";
export { HestiaError, type ClientErrorCode } from "./errors";
export { newIdempotencyKey, type RetryOptions } from "./idempotency";
export {
  Realtime,
  type RealtimeEvents,
  type RealtimeEventName,
  type RealtimeOptions,
} from "./realtime/realtime";
export type {
  AuthResult,
  Credentials,
  DmNotification,
  ErrorCode,
  Group,
  GroupDetails,
  GroupMember,
  GroupRole,
  Health,
  Membership,
  Message,
  Presence,
  Profile,
  FriendRequestProfile,
  UserStatus,
} from "@hestia/contracts";
