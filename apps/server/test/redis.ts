import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { createClient } from "redis";

/** Answers whether a Redis server answers PING at this URL within a second. */
function probe(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

/**
 * The Redis server tests use: TEST_REDIS_URL, or the local default. Undefined when none answers, so
 * tests that need one skip on a machine without Redis; with TEST_REQUIRE_REDIS set (CI) that fails instead.
 */
export async function redisForTests(): Promise<string | undefined> {
  const url = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
  if (await probe(url)) return url;
  if (process.env.TEST_REQUIRE_REDIS) throw new Error(`TEST_REQUIRE_REDIS is set but no Redis answers at ${url}`);
  console.warn(`no Redis at ${url}: skipping the tests that need one (set TEST_REDIS_URL)`);
  return undefined;
}

/** A key prefix of one's own, and a way to delete everything stored under it. */
export function redisNamespace(url: string) {
  const prefix = `hestia-test-${randomBytes(4).toString("hex")}`;
  return {
    prefix,
    /**
     * How many live sockets the servers using this prefix (as REDIS_PREFIX) count for a user's presence:
     * once a server has handled a socket's connect or disconnect, this count says so.
     */
    async presenceSockets(userId: number): Promise<number> {
      const client = createClient({ url });
      await client.connect();
      try {
        return await client.zCount(`${prefix}:presence:user:${userId}`, `(${Date.now()}`, "+inf");
      } finally {
        await client.close();
      }
    },
    async drop() {
      const client = createClient({ url });
      await client.connect();
      try {
        for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) if (keys.length) await client.del(keys);
      } finally {
        await client.close();
      }
    },
  };
}
