import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openLean } from "./lean";
import { createWalSync } from "./wal-sync";

describe("durable SQLite commits fsynced off the event loop", () => {
  const directory = mkdtempSync(join(tmpdir(), "hestia-wal-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const freshFile = (name: string) => {
    const file = join(directory, `${name}.db`);
    const database = new Database(file);
    database.pragma("journal_mode = WAL");
    database.exec("CREATE TABLE `Item` (`id` INTEGER PRIMARY KEY, `value` TEXT NOT NULL)");
    database.close();
    return file;
  };

  it("answers concurrent writes once each is durable, and every one is there after reopening", async () => {
    const file = freshFile("writes");
    const lean = openLean({ flavour: "sqlite", file }, { synchronous: "full" });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    const writes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        i % 2
          ? lean.run("INSERT INTO `Item` (`value`) VALUES (?)", [`run ${i}`]).then((result) => result.changes)
          : lean.runMany("INSERT INTO `Item` (`value`) VALUES (?)", [[`many ${i}`]]).then(([changes]) => changes),
      ),
    );
    clearInterval(ticker);
    await lean.close();
    expect(writes.every((changes) => changes === 1)).toBe(true);
    // The event loop kept turning while the log was being fsynced.
    expect(ticks).toBeGreaterThan(0);
    const reopened = new Database(file, { readonly: true });
    expect(reopened.prepare("SELECT COUNT(*) AS `n` FROM `Item`").get()).toEqual({ n: 200 });
    reopened.close();
  });

  it("lets calls made during an fsync share the next one, which starts only after it", async () => {
    const file = freshFile("shared");
    const writer = new Database(file);
    writer.pragma("synchronous = NORMAL");
    writer.prepare("INSERT INTO `Item` (`value`) VALUES ('x')").run();
    const wal = createWalSync(file);
    const order: string[] = [];
    const calls = [wal.sync(), wal.sync(), wal.sync()];
    expect(calls[1]).toBe(calls[2]);
    expect(calls[0]).not.toBe(calls[1]);
    const first = calls[0]?.then(() => order.push("first"));
    const second = calls[1]?.then(() => order.push("second"));
    await Promise.all([first, second]);
    expect(order).toEqual(["first", "second"]);
    // Once idle, a call starts an fsync of its own.
    await expect(wal.sync()).resolves.toBeUndefined();
    await wal.close();
    writer.close();
  });
});
