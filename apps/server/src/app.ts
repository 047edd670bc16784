import { createServer, type RequestListener, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createDb, migrate, parseDatabaseUrl, type Db } from "@hestia/db";
import type { Config } from "./config";
import type { Deps } from "./deps";
import { createExpressApp } from "./http/express-app";
import { createLogger, type Logger } from "./logger";
import { createLocalAvatarStore } from "./modules/avatars/avatar-store";
import { createFirebaseSender, type FirebaseOverrides } from "./modules/push/firebase-sender";
import { createPushService } from "./modules/push/push.service";
import { createAuthRateLimiter } from "./modules/auth/rate-limit";
import { createTokenService } from "./modules/auth/tokens";
import { createSocketBroadcaster } from "./socket/broadcaster";
import { onConnection } from "./socket/connection";
import { createSocketServer, type HestiaServer } from "./socket/io";

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
  /** Stops accepting, closes sockets and connections, then the database. */
  close(): Promise<void>;
}

/** Builds the whole server (database migrated, HTTP, REST, tRPC, Socket.IO) without listening. */
export async function createApp(options: CreateAppOptions): Promise<App> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const target = parseDatabaseUrl(config.databaseUrl, config.dataDir);
  const { applied } = await migrate(target);
  if (applied.length) logger.info({ applied }, "database migrated");
  const db: Db = createDb(target);
  const tokens = createTokenService(db, config.jwt);
  // The request handler is registered before Socket.IO attaches, so Socket.IO sees /socket.io/ requests
  // (HTTP long-polling) first and passes every other request on to it.
  let handleRequest: RequestListener = (_req, res) => res.writeHead(503).end();
  const httpServer = createServer((req, res) => handleRequest(req, res));
  const io = createSocketServer(httpServer, { config, tokens });
  const broadcaster = createSocketBroadcaster(io);
  const push = createPushService({ db, logger, broadcaster }, config.push && createFirebaseSender(config.push, options.firebase));
  if (push.enabled) logger.info("push notifications on (Firebase Cloud Messaging)");
  else logger.info("push notifications off: set FIREBASE_SERVICE_ACCOUNT or GOOGLE_APPLICATION_CREDENTIALS to send them");
  const deps: Deps = {
    db,
    config,
    logger,
    tokens,
    authLimiter: createAuthRateLimiter(config.authRateLimit),
    broadcaster,
    avatars: createLocalAvatarStore(join(config.uploadDir, "avatars")),
    push,
  };
  handleRequest = createExpressApp(deps);
  io.on("connection", (socket) => onConnection(socket, deps));

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
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        io.disconnectSockets(true);
        await new Promise<void>((resolve) => io.close(() => resolve()));
        httpServer.closeIdleConnections();
        // In-flight requests get a moment to finish; then remaining connections are cut.
        const timer = setTimeout(() => httpServer.closeAllConnections(), 5_000);
        await stopped;
        clearTimeout(timer);
        await push.close();
        await db.$disconnect();
      })();
      return closing;
    },
  };
}
