import { createServer, type Server as HttpServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createDb, type Db, migrate, openLean, parseDatabaseUrl } from "@hestia/db";
import { createAccessCache } from "./cache/access";
import { createInvalidationBus } from "./cache/invalidation";
import type { Config } from "./config";
import type { Deps } from "./deps";
import { createExpressApp } from "./http/express-app";
import { createLogger, type Logger } from "./logger";
import { countDeliveries, countRefusals, countSends } from "./metrics/instrument";
import { createMetrics, disabledMetrics } from "./metrics/metrics";
import { createUrlSigner } from "./modules/attachments/signed-url";
import { createBlobStore } from "./modules/attachments/storage";
import { startAttachmentSweep } from "./modules/attachments/sweep";
import { createAuthRateLimiter } from "./modules/auth/rate-limit";
import { createTokenService } from "./modules/auth/tokens";
import { createLocalAvatarStore } from "./modules/avatars/avatar-store";
import { createConversationsRuntime } from "./modules/conversations/conversations.runtime";
import { createKeyPackageClaimLimiter } from "./modules/e2ee/claim-rate-limit";
import { createInboxQueries } from "./modules/messages/store/inbox";
import { createMessageStore } from "./modules/messages/store/message-store";
import { drainTransactions } from "./modules/messages/store/steps";
import { setPresence } from "./modules/presence/presence.service";
import { createPresenceWrites } from "./modules/presence/presence-writes";
import { createFirebaseSender, type FirebaseOverrides } from "./modules/push/firebase-sender";
import { createPushService } from "./modules/push/push.service";
import { createLimits } from "./rate-limit";
import { createAnnouncements } from "./realtime/announcements";
import { createPeers, type Peers } from "./realtime/peers";
import { createMemoryPresenceStore, createRedisPresenceStore, degradeQuietly } from "./realtime/presence-store";
import { connectRedis, socketIoAdapter } from "./realtime/redis";
import { resyncOnReturn } from "./realtime/resync";
import { createSocketBroadcaster } from "./socket/broadcaster";
import { admitSocket, onConnection } from "./socket/connection";
import { createHandlers } from "./socket/handlers";
import { createSocketServer, type HestiaServer } from "./socket/io";
import { coalesceWrites } from "./socket/write-coalescing";

export interface CreateAppOptions {
  config: Config;
  logger?: Logger;
  /** Where the Firebase client sends (tests point it at a local fake FCM). */
  firebase?: FirebaseOverrides;
}

export interface App {
  deps: Deps;
  httpServer: HttpServer;
  io: HestiaServer;
  /** Starts listening; resolves with the bound address (use port 0 for a free port). */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /**
   * Graceful shutdown: readiness turns 503, new connections are refused, clients are told to reconnect
   * elsewhere and their sockets closed, in-flight requests finish (5 s at most), then pushes under way,
   * Redis and the database are closed.
   */
  close(): Promise<void>;
}

/** How long clients are asked to wait before reconnecting after a shutdown. */
const RECONNECT_HINT_MS = 1_000;

/** Builds the whole server (database migrated, HTTP, REST, tRPC, Socket.IO) without listening. */
export async function createApp(options: CreateAppOptions): Promise<App> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const target = parseDatabaseUrl(config.databaseUrl, config.dataDir);
  const { applied } = await migrate(target);
  if (applied.length) logger.info({ applied }, "database migrated");
  const db: Db = createDb(target);
  const lean = openLean(target, { synchronous: config.sqliteSynchronous });
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  const invalidation = await createInvalidationBus(redis, config.redisPrefix, logger);
  const access = createAccessCache(lean, invalidation);
  const tokens = createTokenService(access, config.jwt);
  const sharedCounters = redis && { client: redis.client, prefix: config.redisPrefix };
  const metrics = config.metrics.enabled ? createMetrics() : disabledMetrics;
  // The request handler is registered before Socket.IO attaches, so Socket.IO sees /socket.io/ requests
  // (HTTP long-polling) first and passes every other request on to it.
  let handleRequest: RequestListener = (_req, res) => res.writeHead(503).end();
  const httpServer = createServer((req, res) => handleRequest(req, res));
  const io = createSocketServer(httpServer, { config, tokens });
  if (redis) io.adapter(socketIoAdapter(redis, config.redisPrefix, logger));
  coalesceWrites(io);
  metrics.trackSockets(() => io.of("/").sockets.size);
  const broadcaster = countDeliveries(
    createSocketBroadcaster(io, redis && { link: redis.link, gaps: resyncOnReturn(io, redis.link, logger) }),
    metrics,
  );
  const inbox = createInboxQueries(lean);
  const push = createPushService({ db, logger, broadcaster, inbox }, config.push && createFirebaseSender(config.push, options.firebase));
  if (push.enabled) logger.info("push notifications on (Firebase Cloud Messaging)");
  else logger.info("push notifications off: set FIREBASE_SERVICE_ACCOUNT or GOOGLE_APPLICATION_CREDENTIALS to send them");
  const presenceTtlMs = config.presenceTtlSeconds * 1000;
  const messages = countSends(createMessageStore(lean, { onCommit: metrics.enabled ? metrics.commit : undefined }), metrics);
  const deps: Deps = {
    db,
    lean,
    messages,
    inbox,
    conversations: createConversationsRuntime({ lean, broadcaster, invalidation, logger, typingTtlMs: config.typingTimeoutMs }),
    access,
    invalidation,
    config,
    logger,
    tokens,
    authLimiter: createAuthRateLimiter(config.authRateLimit, sharedCounters),
    keyPackageClaimLimiter: createKeyPackageClaimLimiter(config.keyPackageClaimsPerMinute, sharedCounters),
    limits: countRefusals(createLimits(config.rateLimits, sharedCounters), metrics),
    broadcaster,
    announcements: createAnnouncements(sharedCounters, logger),
    avatars: createLocalAvatarStore(join(config.uploadDir, "avatars")),
    blobs: createBlobStore(config.attachments, config.uploadDir),
    attachmentLinks: createUrlSigner(config.jwt.secret),
    push,
    presenceWrites: createPresenceWrites(lean),
    presence: redis
      ? degradeQuietly(createRedisPresenceStore(redis.client, presenceTtlMs, `${config.redisPrefix}:presence:`))
      : createMemoryPresenceStore(),
    redis,
    lifecycle: { shuttingDown: false },
    metrics,
  };
  handleRequest = createExpressApp(deps);
  io.use((socket, next) => void admitSocket(socket, deps).then(next));
  const handlers = createHandlers(deps);
  io.on("connection", (socket) => onConnection(socket, handlers));
  const peers = redis && createPeers(redis.client, config.redisPrefix, presenceTtlMs, () => io.local.emit("resync", {}), logger);
  const heartbeat = redis ? startPresenceHeartbeat(deps, io, presenceTtlMs / 3, peers) : undefined;
  const stopSweep = startAttachmentSweep(deps);

  let closing: Promise<void> | undefined;
  return {
    deps,
    httpServer,
    io,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          httpServer.off("error", reject);
          resolve(httpServer.address() as AddressInfo);
        });
      });
    },
    close() {
      closing ??= (async () => {
        deps.lifecycle.shuttingDown = true;
        clearInterval(heartbeat);
        stopSweep();
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        // Only this process's sockets (with Redis, io.emit would reach every process).
        io.local.emit("shutdown", { reconnectAfterMs: RECONNECT_HINT_MS });
        // Writes of this turn are coalesced (write-coalescing.ts) and leave at its end: let them go first.
        await new Promise((resolve) => setImmediate(resolve));
        // Closing the transports, not the Socket.IO sessions, makes clients reconnect on their own.
        await new Promise<void>((resolve) => io.close(() => resolve()));
        httpServer.closeIdleConnections();
        // In-flight requests get a moment to finish; then remaining connections are cut.
        const timer = setTimeout(() => httpServer.closeAllConnections(), 5_000);
        await stopped;
        clearTimeout(timer);
        await push.close();
        await messages.drain();
        await drainTransactions(lean);
        await peers?.leave().catch(() => undefined);
        await invalidation.close();
        await redis?.close();
        await deps.blobs.close();
        await lean.close();
        await db.$disconnect();
      })();
      return closing;
    },
  };
}

/**
 * With Redis: keeps this process's sockets counted as online, and finds users whose sockets were on a
 * process that died (their entries expired), telling their friends they are offline.
 */
function startPresenceHeartbeat(deps: Deps, io: HestiaServer, everyMs: number, peers?: Peers): NodeJS.Timeout {
  let running = false;
  const beat = async () => {
    await peers?.beat().catch(() => undefined);
    const local = [...io.of("/").sockets.values()].map((socket) => ({ userId: socket.data.actor.id, socketId: socket.id }));
    for (const userId of await deps.presence.refresh(local)) await setPresence(deps, userId, true);
    for (const userId of await deps.presence.sweep()) await setPresence(deps, userId, false);
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    beat()
      .catch((error: unknown) => deps.logger.warn({ err: error }, "presence heartbeat failed"))
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return timer;
}
