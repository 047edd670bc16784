import { createShardedAdapter } from "@socket.io/redis-adapter";
import { createClient, type RedisClientType } from "redis";
import type { Logger } from "../logger";
import { Link } from "./link";

export type RedisClient = RedisClientType;

export interface RedisConnection {
  /** Commands and publishing. */
  client: RedisClient;
  /** Subscriptions only (a subscribed connection can run nothing else). */
  subscriber: RedisClient;
  /** Whether both connections are up; `down` and `up` events as that changes. */
  link: Link;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 10_000;
/** Longest a command may wait for Redis; past it the command fails and the caller degrades. */
const COMMAND_TIMEOUT_MS = 1_000;

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}

/**
 * Two connections to Redis. They reconnect on their own with backoff; errors while Redis is away are
 * logged (once per outage) instead of crashing the process.
 *
 * Commands never wait for Redis to come back: while it is away they fail at once (no offline queue),
 * and a command unanswered within a second fails too, so every caller can fall back (local delivery,
 * per-process rate limits, local presence) instead of stalling. Subscriptions do queue: they are
 * replayed when the connection returns, and nothing waits on them.
 */
export async function connectRedis(url: string, logger: Logger): Promise<RedisConnection> {
  const reconnectStrategy = (retries: number) => Math.min(100 * 2 ** retries, 1_000);
  const client: RedisClient = createClient({
    url,
    socket: { reconnectStrategy },
    disableOfflineQueue: true,
    commandOptions: { timeout: COMMAND_TIMEOUT_MS },
  });
  const subscriber: RedisClient = createClient({ url, socket: { reconnectStrategy } });
  for (const [name, connection] of [
    ["commands", client],
    ["subscriptions", subscriber],
  ] as const) {
    let down = false;
    connection.on("error", (error: Error) => {
      if (!down) logger.error({ err: error, connection: name }, "Redis connection error");
      down = true;
    });
    connection.on("ready", () => {
      if (down) logger.info({ connection: name }, "Redis connection restored");
      down = false;
    });
  }
  // node-redis keeps retrying a first connection for ever; a server that cannot reach Redis at start-up
  // should say so and exit instead.
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all([client.connect(), subscriber.connect()]),
      new Promise((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis at ${redactUrl(url)} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s`)),
          CONNECT_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (error) {
    client.destroy();
    subscriber.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    client,
    subscriber,
    link: new Link([client, subscriber]),
    async ping() {
      try {
        return (await client.ping()) === "PONG";
      } catch {
        return false;
      }
    },
    async close() {
      // A clean close waits for pending commands, which never finish while Redis is unreachable:
      // then the connections are dropped instead (pending commands fail).
      await Promise.all(
        [client, subscriber].map(async (connection) => {
          if (!connection.isOpen) return;
          if (!connection.isReady) return connection.destroy();
          const closed = connection.close().then(
            () => true,
            () => true,
          );
          if (!(await Promise.race([closed, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000).unref())]))) {
            connection.destroy();
          }
        }),
      );
    },
  };
}

/**
 * Socket.IO's Redis adapter, sharded: one channel per room that has local sockets, so a DM reaches
 * only the processes where its sender or recipient is connected instead of every process.
 *
 * The adapter subscribes and unsubscribes without handling failures (as rooms come and go, and on
 * close); while Redis is unreachable those would be unhandled rejections, which end a Node process.
 * It gets a view of the subscriber whose failures are logged instead.
 */
export function socketIoAdapter(redis: RedisConnection, prefix: string, logger: Logger) {
  const subscriber = Object.create(redis.subscriber) as RedisClient;
  const report = (error: unknown) => logger.warn({ err: error }, "Redis subscription change failed");
  subscriber.sSubscribe = ((...args: Parameters<RedisClient["sSubscribe"]>) => {
    const done = redis.subscriber.sSubscribe(...args);
    done.catch(report);
    return done;
  }) as RedisClient["sSubscribe"];
  subscriber.sUnsubscribe = ((...args: Parameters<RedisClient["sUnsubscribe"]>) => {
    const done = redis.subscriber.sUnsubscribe(...args);
    done.catch(report);
    return done;
  }) as RedisClient["sUnsubscribe"];
  return createShardedAdapter(redis.client, subscriber, { subscriptionMode: "dynamic", channelPrefix: `${prefix}:socket.io` });
}
