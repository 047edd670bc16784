export { createClient, type ClientOptions, type HestiaClient } from "./client";
export type * from "./types";
export { HestiaError, type ClientErrorCode } from "./errors";
export { newIdempotencyKey, type RetryOptions } from "./idempotency";
export { E2ee, type E2eeOptions, type E2eeEvents, type DecryptedMessage } from "./e2ee/e2ee";
export { memoryStorage, type E2eeStorage } from "./e2ee/storage";
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
