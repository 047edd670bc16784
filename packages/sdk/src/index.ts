export type {
  Attachment,
  AuthResult,
  BlockedUser,
  ConversationSummary,
  Credentials,
  DataExport,
  DmNotification,
  ErrorCode,
  FriendRequestProfile,
  Group,
  GroupDetails,
  GroupMember,
  GroupRole,
  Health,
  Membership,
  Message,
  MessageDeleted,
  MessageEdit,
  MessageUpdated,
  Presence,
  Profile,
  ReactionCount,
  ReactionEvent,
  Reactions,
  ReadState,
  ReadStateEvent,
  Receipt,
  ReceiptEvent,
  ReplyPreview,
  ReportReason,
  TypingEvent,
  UnreadTotal,
  UserSettings,
  UserStatus,
} from "@hestia/contracts";
export type { Attachments, UploadOptions, UploadSource } from "./attachments/attachments";
export { decryptFile, type EncryptedFileRef, encryptFile } from "./attachments/file-crypto";
export { type ClientOptions, createClient, type HestiaClient } from "./client";
export {
  Conversations,
  type ConversationsEvents,
  type ConversationsOptions,
  type InboxPage,
} from "./conversations/conversations";
export { TYPING_IDLE_MS, TYPING_REPEAT_MS } from "./conversations/typing";
export { type ConversationUnread, UnreadCounter, type UnreadSnapshot } from "./conversations/unread";
export type { Tokens } from "./credentials";
export {
  type DecryptedMessage,
  type DecryptedReaction,
  E2ee,
  type E2eeEvents,
  type E2eeOptions,
  type EncryptedSendOptions,
} from "./e2ee/e2ee";
export { type E2eeStorage, memoryStorage } from "./e2ee/storage";
export { type ClientErrorCode, HestiaError } from "./errors";
export { newIdempotencyKey, type RetryOptions } from "./idempotency";
export { applyDeletion, applyReaction, applyUpdate } from "./messages/apply";
export type { Messages, SearchParams } from "./messages/messages";
export { Realtime } from "./realtime/realtime";
export type { RealtimeEventName, RealtimeEvents, RealtimeOptions } from "./realtime/types";
export type { PageParams, ReportInput, Safety } from "./safety";
export type * from "./types";
