import type { Db, LeanDb } from "@hestia/db";
import type { AccessCache } from "./cache/access";
import type { InvalidationBus } from "./cache/invalidation";
import type { Config } from "./config";
import type { Logger } from "./logger";
import type { Metrics } from "./metrics/metrics";
import type { UrlSigner } from "./modules/attachments/signed-url";
import type { BlobStore } from "./modules/attachments/storage";
import type { AuthRateLimiter } from "./modules/auth/rate-limit";
import type { TokenService } from "./modules/auth/tokens";
import type { AvatarStore } from "./modules/avatars/avatar-store";
import type { ConversationsRuntime } from "./modules/conversations/conversations.runtime";
import type { KeyPackageClaimLimiter } from "./modules/e2ee/claim-rate-limit";
import type { InboxQueries } from "./modules/messages/store/inbox";
import type { MessageStore } from "./modules/messages/store/message-store";
import type { PresenceWrites } from "./modules/presence/presence-writes";
import type { PushService } from "./modules/push/push.service";
import type { Limits } from "./rate-limit";
import type { Announcements } from "./realtime/announcements";
import type { Broadcaster } from "./realtime/broadcaster";
import type { PresenceStore } from "./realtime/presence-store";
import type { RedisConnection } from "./realtime/redis";

/** What services need from the outside world; built once in createApp and injectable in tests. */
export interface Deps {
  /** Prisma: the schema's client, for everything but the hot paths. */
  db: Db;
  /** Prepared statements on the same database, for the hot paths. */
  lean: LeanDb;
  /** Stores and reads every message (group commit). */
  messages: MessageStore;
  /** The inbox's read-only queries (summaries, unread counts, receipts). */
  inbox: InboxQueries;
  /** Typing states, coalesced receipts and cached read-receipts settings of this process. */
  conversations: ConversationsRuntime;
  /** The checks of every request and send (token's user, friendship, membership), cached and invalidated on change. */
  access: AccessCache;
  /** Tells every process's caches about a change. */
  invalidation: InvalidationBus;
  config: Config;
  logger: Logger;
  tokens: TokenService;
  authLimiter: AuthRateLimiter;
  keyPackageClaimLimiter: KeyPackageClaimLimiter;
  /** The named per-user limits (sends, friend requests, lookups, ...): `consume(name, userId)`. */
  limits: Limits;
  broadcaster: Broadcaster;
  /** Which messages were passed on, so a retried send of one that never was is passed on then. */
  announcements: Announcements;
  avatars: AvatarStore;
  /** Attachment files: a local directory or an S3-compatible bucket. */
  blobs: BlobStore;
  /** Signs and checks attachment download links. */
  attachmentLinks: UrlSigner;
  push: PushService;
  presence: PresenceStore;
  /** Writes automatic statuses (online/offline), batched. */
  presenceWrites: PresenceWrites;
  /** Set when REDIS_URL is: several processes share fan-out, presence and rate limits through it. */
  redis: RedisConnection | undefined;
  lifecycle: { shuttingDown: boolean };
  /** Prometheus counters and timings (no-ops when METRICS_ENABLED is off). */
  metrics: Metrics;
}

/** The authenticated user a request or socket acts for. */
export interface Actor {
  id: number;
  username: string;
  /** The session the token belongs to (absent for tokens issued before sessions existed). */
  sessionId?: number;
}

/** Per-request facts a service may need that come from the transport. */
export interface RequestInfo {
  /** Absolute base URL of this server as the client reached it, for links in responses. */
  baseUrl: string;
  ip: string;
  /** The client's User-Agent, shown in the session list. */
  userAgent: string | undefined;
}
