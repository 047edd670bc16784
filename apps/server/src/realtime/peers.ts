import { randomBytes } from "node:crypto";
import type { Logger } from "../logger";
import type { RedisClient } from "./redis";

/**
 * The server processes of a deployment, each announcing itself in Redis with an expiry. A process that
 * dies may have committed and acknowledged messages whose broadcast never left it (still in its
 * buffers): every other process then learns of the death when the entry expires, and tells its own
 * sockets to catch up. A process that shuts down cleanly delivers first and leaves the list itself.
 */
export interface Peers {
  /** Renews this process's entry; calls `onDeath` once for each other process found dead since the last call. */
  beat(): Promise<void>;
  /** Leaves the list (clean shutdown). */
  leave(): Promise<void>;
}

export function createPeers(
  redis: RedisClient,
  prefix: string,
  ttlMs: number,
  onDeath: (processId: string) => void,
  logger: Logger,
): Peers {
  const id = randomBytes(8).toString("hex");
  const key = `${prefix}:processes`;
  const mourned = new Set<string>();
  return {
    async beat() {
      const now = Date.now();
      await redis.zAdd(key, { score: now + ttlMs, value: id });
      for (const dead of await redis.zRangeByScore(key, "-inf", now)) {
        if (dead === id || mourned.has(dead)) continue;
        mourned.add(dead);
        logger.warn({ process: dead }, "a server process stopped without shutting down: telling sockets to catch up");
        onDeath(dead);
      }
      // Long dead entries go; by then every live process has seen them.
      await redis.zRemRangeByScore(key, "-inf", now - 10 * ttlMs);
    },
    async leave() {
      await redis.zRem(key, id);
    },
  };
}
