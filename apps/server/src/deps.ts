import type { Db } from "@hestia/db";
import type { Config } from "./config";
import type { Logger } from "./logger";
import type { AuthRateLimiter } from "./modules/auth/rate-limit";
import type { TokenService } from "./modules/auth/tokens";
import type { AvatarStore } from "./modules/avatars/avatar-store";
import type { KeyPackageClaimLimiter } from "./modules/e2ee/claim-rate-limit";
import type { PushService } from "./modules/push/push.service";
import type { Broadcaster } from "./realtime/broadcaster";
import type { PresenceStore } from "./realtime/presence-store";
import type { RedisConnection } from "./realtime/redis";

/** What services need from the outside world; built once in createApp and injectable in tests. */
export interface Deps {
  db: Db;
  config: Config;
  logger: Logger;
  tokens: TokenService;
  authLimiter: AuthRateLimiter;
  keyPackageClaimLimiter: KeyPackageClaimLimiter;
  broadcaster: Broadcaster;
  avatars: AvatarStore;
  push: PushService;
  presence: PresenceStore;
  /** Set when REDIS_URL is: several processes share fan-out, presence and rate limits through it. */
  redis: RedisConnection | undefined;
  lifecycle: { shuttingDown: boolean };
}

/** The authenticated user a request or socket acts for. */
export interface Actor {
  id: number;
  username: string;
}

/** Per-request facts a service may need that come from the transport. */
export interface RequestInfo {
  /** Absolute base URL of this server as the client reached it, for links in responses. */
  baseUrl: string;
  ip: string;
}
