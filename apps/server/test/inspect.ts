import { Writable } from "node:stream";
import { type Logger, pino } from "pino";
import type { TestServer } from "./helpers";

/** A logger at the most verbose level that keeps every line it writes, for tests that read the logs. */
export function memoryLogger(): { logger: Logger; text(): string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return { logger: pino({ level: "trace" }, destination), text: () => lines.join("") };
}

/** Bytes as hex (so that `findSecret` sees inside them), big integers as text. */
function dumpValue(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString("hex");
  return typeof value === "bigint" ? value.toString() : value;
}

/** Every row of every table of the server's database, as text (one JSON line per row). */
export async function dumpDatabase(server: TestServer): Promise<string> {
  const db = server.app.deps.db;
  const sqliteTables = await db
    .$queryRawUnsafe<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table'")
    .catch(() => undefined);
  const flavour = sqliteTables ? "sqlite" : "mariadb";
  const tables = sqliteTables
    ? sqliteTables.map((row) => row.name)
    : (await db.$queryRawUnsafe<Record<string, string>[]>("SHOW TABLES")).map((row) => Object.values(row)[0]!);
  const quote = (name: string) => (flavour === "sqlite" ? `"${name}"` : `\`${name}\``);
  const lines: string[] = [];
  const lean = server.app.deps.lean;
  for (const table of tables) {
    // Read through the driver: SQLite's full-text index keeps blobs that Prisma's raw queries cannot type.
    const rows = await lean.all<Record<string, unknown>>(`SELECT * FROM ${quote(table)}`);
    for (const row of rows) lines.push(`${table} ${JSON.stringify(row, dumpValue)}`);
  }
  return lines.join("\n");
}

/**
 * Where a secret shows up in a text: as itself, as hex, or inside any base64 or hex run once decoded.
 * Returns the forms found (empty when it appears nowhere).
 */
export function findSecret(text: string, secret: string): string[] {
  const secretBytes = Buffer.from(secret, "utf8");
  const found = new Set<string>();
  if (text.includes(secret)) found.add("text");
  if (text.toLowerCase().includes(secretBytes.toString("hex"))) found.add("hex");
  for (let offset = 0; offset < 3; offset++) {
    // The base64 of the secret at each alignment, without the characters its neighbours change.
    const encoded = Buffer.concat([Buffer.alloc(offset), secretBytes]).toString("base64");
    const stable = encoded.slice(Math.ceil((offset * 4) / 3), Math.floor(((offset + secretBytes.length) * 4) / 3) - 1);
    if (stable.length > 8 && text.includes(stable)) found.add("base64");
  }
  for (const run of text.match(/[A-Za-z0-9+/]{16,}={0,2}/g) ?? []) {
    // A run may start with characters that do not belong to the encoded value: try each alignment.
    for (let shift = 0; shift < 4; shift++) {
      if (Buffer.from(run.slice(shift), "base64").includes(secretBytes)) found.add("base64 (decoded)");
    }
  }
  for (const run of text.match(/(?:[0-9a-fA-F]{2}){8,}/g) ?? []) {
    if (Buffer.from(run, "hex").includes(secretBytes)) found.add("hex (decoded)");
  }
  return [...found];
}
