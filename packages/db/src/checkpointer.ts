import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * Copies the SQLite write-ahead log back into the database file from a worker thread. Left to SQLite,
 * the connection whose commit crosses 1,000 WAL pages does it, synchronously: under steady writes that
 * stalled the event loop for 100 ms and more every second or two. The lean connection turns that off
 * (`wal_autocheckpoint = 0`) and this thread checkpoints instead (PASSIVE: it never waits for, nor
 * blocks, readers and writers).
 */
export interface Checkpointer {
  stop(): Promise<void>;
}

// Plain JavaScript evaluated in the worker, so it runs the same from TypeScript sources and from a build.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 0 });
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {}
}, workerData.everyMs);
parentPort.on("message", () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export function startCheckpointer(file: string, everyMs = 500): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, everyMs } });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  return {
    async stop() {
      worker.postMessage("stop");
      await exited;
    },
  };
}
