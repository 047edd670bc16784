import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { migrate, parseDatabaseUrl } from "@hestia/db";
import Database from "better-sqlite3";

/**
 * Raw better-sqlite3 writing the same Message rows as the server (same schema and migrations, WAL), in
 * transactions of 100: the ceiling for storing messages on this machine. Returns rows/s.
 */
export async function rawInsertRate(measureMs: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "hestia-bench-sqlite-"));
  try {
    const file = join(dir, "raw.db");
    await migrate(parseDatabaseUrl(`file:${file}`, dir));
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.prepare("INSERT INTO `User` (`username`, `usernameKey`, `passwordHash`, `updatedAt`) VALUES ('raw', 'raw', '!', ?)").run(Date.now());
    db.prepare("INSERT INTO `Conversation` (`kind`, `updatedAt`) VALUES ('GROUP', ?)").run(Date.now());
    const insert = db.prepare(
      "INSERT INTO `Message` (`conversationId`, `seq`, `senderId`, `content`, `encrypted`, `createdAt`) VALUES (1, ?, 1, ?, 0, ?)",
    );
    const batch = db.transaction((from: number) => {
      for (let seq = from; seq < from + 100; seq++) insert.run(seq, `message ${seq}`, Date.now());
    });
    let seq = 1;
    const started = performance.now();
    while (performance.now() - started < measureMs) {
      batch(seq);
      seq += 100;
    }
    const seconds = (performance.now() - started) / 1000;
    db.close();
    return (seq - 1) / seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
