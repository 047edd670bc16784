import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { migrate, openLean, parseDatabaseUrl, sqliteTimestamp } from "@hestia/db";
import { createMessageStore } from "@hestia/server";
import Database from "better-sqlite3";

/** Senders, each writing to a direct conversation of their own, as in the DM scenario. */
const SENDERS = 100;
const CONTENT = "benchmark message";

/** A fresh SQLite database with `SENDERS` users, each with a direct conversation: the rows both sides write. */
async function prepare() {
  const dir = mkdtempSync(join(tmpdir(), "hestia-bench-persist-"));
  const file = join(dir, "persist.db");
  await migrate(parseDatabaseUrl(`file:${file}`, dir));
  const db = new Database(file);
  const now = sqliteTimestamp(new Date());
  db.transaction(() => {
    for (let i = 1; i <= SENDERS * 2; i++) {
      db.prepare("INSERT INTO `User` (`id`, `username`, `usernameKey`, `passwordHash`, `updatedAt`) VALUES (?, ?, ?, '!', ?)").run(
        i,
        `p${i}`,
        `p${i}`,
        now,
      );
    }
    for (let i = 1; i <= SENDERS; i++) {
      db.prepare("INSERT INTO `Conversation` (`id`, `kind`, `directKey`, `updatedAt`) VALUES (?, 'DIRECT', ?, ?)").run(
        i,
        `${i}:${SENDERS + i}`,
        now,
      );
      // Both participants are members, as in every direct conversation: a sender's read cursor moves with each message.
      for (const userId of [i, SENDERS + i]) {
        db.prepare("INSERT INTO `Membership` (`conversationId`, `userId`) VALUES (?, ?)").run(i, userId);
      }
    }
  })();
  db.close();
  return { dir, file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Messages/s through the message store's `append`, called directly (no network) by 100 concurrent
 * senders, each awaiting its previous message: the store's own cost, group commit included.
 */
export async function storeAppendRate(measureMs: number): Promise<number> {
  const { dir, file, cleanup } = await prepare();
  // The server's default durability: every commit fsynced.
  const lean = openLean(parseDatabaseUrl(`file:${file}`, dir), { synchronous: "full" });
  const store = createMessageStore(lean);
  try {
    let stopping = false;
    let stored = 0;
    const senders = Array.from({ length: SENDERS }, async (_, i) => {
      const conversation = { id: i + 1, kind: "DIRECT", directKey: `${i + 1}:${SENDERS + i + 1}` };
      const sender = { id: i + 1, username: `p${i + 1}` };
      while (!stopping) {
        const outcome = await store.append({ conversation, sender, body: { encrypted: false, content: CONTENT } });
        if (outcome.status !== "stored") throw new Error(`append ${outcome.status}`);
        stored++;
      }
    });
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, measureMs));
    const counted = stored;
    const seconds = (performance.now() - started) / 1000;
    stopping = true;
    await Promise.all(senders);
    return counted / seconds;
  } finally {
    await store.drain();
    await lean.close();
    cleanup();
  }
}

/**
 * The ceiling: raw better-sqlite3 writing the same rows (the same conversations, seqs, senders,
 * content and timestamp format) in transactions of 100. Returns rows/s.
 */
export async function rawInsertRate(measureMs: number): Promise<number> {
  const { file, cleanup } = await prepare();
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
    const insert = db.prepare(
      "INSERT INTO `Message` (`conversationId`, `seq`, `senderId`, `content`, `encrypted`, `createdAt`) VALUES (?, ?, ?, ?, 0, ?)",
    );
    let seq = 1;
    const batch = db.transaction(() => {
      // One message from each sender, as 100 concurrent senders give one batch.
      for (let i = 1; i <= SENDERS; i++) insert.run(i, seq, i, CONTENT, sqliteTimestamp(new Date()));
      seq++;
    });
    let rows = 0;
    const started = performance.now();
    while (performance.now() - started < measureMs) {
      batch();
      rows += SENDERS;
    }
    return rows / ((performance.now() - started) / 1000);
  } finally {
    db.close();
    cleanup();
  }
}
