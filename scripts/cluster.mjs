#!/usr/bin/env node
// Starts a local cluster for trying scale-out by hand: N server processes on consecutive ports, sharing
// one MariaDB database and one Redis, with one JWT secret. Ctrl+C stops them all.
//
//   npm run cluster -- [--processes 3] [--port 4001] [--database mysql://root@127.0.0.1:3306/hestia_cluster]
//                      [--redis redis://127.0.0.1:6379]
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { root } from "./lib/pnpm.mjs";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    processes: { type: "string", default: "3" },
    port: { type: "string", default: "4001" },
    database: { type: "string", default: process.env.DATABASE_URL ?? "mysql://root@127.0.0.1:3306/hestia_cluster" },
    redis: { type: "string", default: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" },
  },
});
const count = Number(values.processes);
const firstPort = Number(values.port);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(firstPort)) {
  console.error("usage: npm run cluster -- [--processes N] [--port FIRST_PORT] [--database URL] [--redis URL]");
  process.exit(2);
}

const env = {
  ...process.env,
  DATABASE_URL: values.database,
  REDIS_URL: values.redis,
  JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(48).toString("base64url"),
  NODE_ENV: process.env.NODE_ENV ?? "development",
};
const serverDir = join(root, "apps/server");
const children = [];
for (let i = 0; i < count; i++) {
  const port = firstPort + i;
  // Node with tsx as a loader (no wrapper process), so signals reach the server itself.
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: serverDir,
    env: { ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (chunk) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) console.log(`[${port}] ${line}`);
    });
  }
  child.on("exit", (code, signal) => console.log(`[${port}] exited (${code ?? signal})`));
  children.push(child);
}
console.log(
  `cluster: ${count} processes on ports ${firstPort}-${firstPort + count - 1}, database ${values.database.replace(/\/\/[^@]*@/, "//***@")}, Redis ${values.redis}`,
);
console.log("cluster: kill one with `kill <pid>` to watch its clients move; Ctrl+C stops all");
console.log(`cluster: pids ${children.map((child) => child.pid).join(", ")}`);

let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill(signal);
};
process.on("SIGINT", () => stop("SIGTERM"));
process.on("SIGTERM", () => stop("SIGTERM"));
await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on("exit", resolve)))));
