import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

export interface PrivateRedis {
  url: string;
  /** Kills the server at once (SIGKILL): connections drop, nothing is saved. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty). */
  start(): Promise<void>;
}

/** Whether a `redis-server` binary is on the PATH. */
export function hasRedisServer(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * A Redis server of the test's own on a free port, to kill and restart without touching anyone else's.
 * Needs `redis-server` (Debian package redis-server); in memory only.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const started = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      child = started;
      let output = "";
      const onData = (data: Buffer) => {
        output += data.toString();
        if (output.includes("Ready to accept connections")) {
          started.stdout?.off("data", onData);
          resolve();
        }
      };
      started.stdout?.on("data", onData);
      started.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
      started.once("error", reject);
    });
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill: () =>
      new Promise<void>((resolve) => {
        const running = child;
        if (!running || running.exitCode !== null) return resolve();
        running.once("exit", () => resolve());
        running.kill("SIGKILL");
      }),
    start,
  };
}
