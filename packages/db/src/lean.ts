import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import * as mariadb from "mariadb";
import { startCheckpointer } from "./checkpointer";
import type { DatabaseTarget } from "./database-url";
import { createWalSync } from "./wal-sync";

/**
 * Lean access to the same database Prisma uses, for the hot paths (storing and reading messages,
 * authenticating every request): prepared statements straight on the drivers, without the ORM's
 * per-query work. Prisma keeps the schema, the migrations and the cold CRUD.
 *
 * Both flavours accept the same SQL for what the hot paths need (backtick identifiers, `?` parameters,
 * `INSERT ... RETURNING`), so most statements are written once.
 */
export type SqlValue = string | number | boolean | null | Date;

export interface RunResult {
  changes: number;
  lastInsertId: number;
}

interface LeanBase {
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  /** Runs one statement once per parameter list, all in one transaction; answers the rows each run changed. */
  runMany(sql: string, rows: readonly (readonly SqlValue[])[]): Promise<number[]>;
  close(): Promise<void>;
}

/**
 * SQLite: one connection of its own beside Prisma's. Its statements run synchronously, so a
 * transaction on it must never await anything (see `transaction`): then nothing else can run inside it.
 */
export interface SqliteLean extends LeanBase {
  flavour: "sqlite";
  /** The statement for `sql`, prepared once. */
  statement(sql: string): Database.Statement;
  /**
   * Runs `work` in one write transaction, synchronously. While Prisma's connection holds the write lock
   * (an interactive transaction between awaits), this waits asynchronously and tries again. Resolves once
   * the commit is durable (see `LeanOptions.synchronous`).
   */
  transaction<T>(work: () => T): Promise<T>;
}

/** MariaDB: a pool of its own beside Prisma's. */
export interface MariaDbLean extends LeanBase {
  flavour: "mariadb";
  /** Runs `work` on one connection inside a transaction; deadlocks and lock time-outs are retried. */
  transaction<T>(work: (connection: MariaDbConnection) => Promise<T>): Promise<T>;
}

export interface MariaDbConnection {
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
}

export type LeanDb = SqliteLean | MariaDbLean;

export interface LeanOptions {
  /** Connections in the MariaDB pool (default 10). */
  poolSize?: number;
  /**
   * SQLite: `full` (default) makes every write durable before it resolves: the write-ahead log is fsynced
   * after the commit on libuv's thread pool (see wal-sync.ts), not inside it. `normal` does not: a commit
   * survives a crash of the process, and the write-ahead log is made durable at each checkpoint (twice a
   * second), so a power loss or an OS crash can lose the last moments of commits.
   */
  synchronous?: "normal" | "full";
}

/** Opens lean access to a database that `migrate` has prepared. */
export function openLean(target: DatabaseTarget, options: LeanOptions = {}): LeanDb {
  return target.flavour === "sqlite"
    ? openSqlite(target.file, options.synchronous ?? "full")
    : openMariaDb(target.url, options.poolSize ?? 10);
}

/** How long a write waits, in total, for the database lock another connection holds. */
const BUSY_PATIENCE_MS = 10_000;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_BUSY_SNAPSHOT" || code === "SQLITE_LOCKED";
}

/** A timestamp as SQLite stores Prisma's DateTime: ISO-8601 text with an explicit offset. */
export function sqliteTimestamp(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

function sqliteParam(value: SqlValue): string | number | null {
  if (value instanceof Date) return sqliteTimestamp(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

function openSqlite(file: string, synchronous: "normal" | "full"): SqliteLean {
  mkdirSync(dirname(file), { recursive: true });
  // A short busy timeout only: the checkpointer thread holds locks for moments, but while Prisma's connection
  // holds the write lock (between the awaits of an interactive transaction), waiting inside this synchronous
  // call would block the very thread that could release it; then withPatience waits asynchronously instead.
  const database = new Database(file, { timeout: 20 });
  database.pragma("journal_mode = WAL");
  // `full` is kept by fsyncing the log after each commit off the event loop's thread (see wal-sync.ts),
  // so the connection itself never waits for the disk.
  database.pragma("synchronous = NORMAL");
  const wal = synchronous === "full" ? createWalSync(file) : undefined;
  const durable = async <T>(result: T): Promise<T> => {
    await wal?.sync();
    return result;
  };
  // Checkpoints run on a worker thread instead of in the middle of a commit (see checkpointer.ts).
  database.pragma("wal_autocheckpoint = 0");
  const checkpointer = startCheckpointer(file);
  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let prepared = statements.get(sql);
    if (!prepared) {
      prepared = database.prepare(sql);
      statements.set(sql, prepared);
    }
    return prepared;
  };
  const withPatience = async <T>(work: () => T): Promise<T> => {
    const deadline = Date.now() + BUSY_PATIENCE_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return work();
      } catch (error) {
        if (!isBusy(error) || Date.now() > deadline) throw error;
        await sleep(Math.min(1 + attempt, 20));
      }
    }
  };
  const params = (values: readonly SqlValue[] = []) => values.map(sqliteParam);
  const reader = readerCache(database);
  return {
    flavour: "sqlite",
    statement,
    all: <T>(sql: string, values?: readonly SqlValue[]) =>
      withPatience(() => {
        const { prepared, toRow } = reader(sql);
        return (prepared.all(...params(values)) as unknown[][]).map(toRow) as T[];
      }),
    get: <T>(sql: string, values?: readonly SqlValue[]) =>
      withPatience(() => {
        const { prepared, toRow } = reader(sql);
        const row = prepared.get(...params(values)) as unknown[] | undefined;
        return (row && toRow(row)) as T | undefined;
      }),
    run: (sql, values) =>
      withPatience(() => {
        const result = statement(sql).run(...params(values));
        return { changes: result.changes, lastInsertId: Number(result.lastInsertRowid) };
      }).then(durable),
    transaction: (work) => withPatience(() => database.transaction(work).immediate()).then(durable),
    runMany: (sql, rows) =>
      withPatience(() => database.transaction(() => rows.map((values) => statement(sql).run(...params(values)).changes)).immediate()).then(
        durable,
      ),
    async close() {
      await checkpointer.stop();
      await wal?.close();
      database.close();
    },
  };
}

interface Reader {
  prepared: Database.Statement;
  toRow: (values: unknown[]) => Record<string, unknown>;
}

/**
 * Statements that return rows, prepared once in raw mode (arrays of values), each with the function that
 * turns such an array into the row object keyed by column name. better-sqlite3 builds a row object
 * through one native property set per column, which costs more than the query itself for a page of wide
 * rows (the inbox's summaries); objects built in JavaScript take a fraction of that time. A column name
 * that repeats keeps its last value, as in better-sqlite3's own rows.
 */
function readerCache(database: Database.Database): (sql: string) => Reader {
  const readers = new Map<string, Reader>();
  return (sql) => {
    let reader = readers.get(sql);
    if (!reader) {
      const prepared = database.prepare(sql).raw(true);
      const names = prepared.columns().map((column) => column.name);
      const toRow = (values: unknown[]) => {
        const row: Record<string, unknown> = {};
        for (let index = 0; index < names.length; index++) row[names[index] as string] = values[index];
        return row;
      };
      reader = { prepared, toRow };
      readers.set(sql, reader);
    }
    return reader;
  };
}

/** MariaDB DATETIME(3) in UTC, as Prisma writes it. */
function mariadbParam(value: SqlValue): string | number | boolean | null {
  if (!(value instanceof Date)) return value;
  return value.toISOString().replace("T", " ").replace("Z", "");
}

/** Deadlock, lock-wait time-out and snapshot conflict: a transaction that fails so succeeds when simply retried. */
const RETRYABLE_ERRNOS = new Set([1213, 1205, 1020]);
const MAX_TRANSACTION_ATTEMPTS = 5;

function openMariaDb(url: string, poolSize: number): MariaDbLean {
  const parsed = new URL(url);
  const pool = mariadb.createPool({
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username) || "root",
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")),
    connectionLimit: poolSize,
    dateStrings: true,
    bigIntAsNumber: true,
    insertIdAsNumber: true,
    decimalAsNumber: true,
    // A pool that cannot hand out a connection fails the query instead of queueing it for ever.
    acquireTimeout: 10_000,
  });
  type Queryable = Pick<mariadb.Pool, "query">;
  const all = async <T>(on: Queryable, sql: string, values: readonly SqlValue[] = []) =>
    (await on.query({ sql }, values.map(mariadbParam))) as T[];
  const run = async (on: Queryable, sql: string, values: readonly SqlValue[] = []): Promise<RunResult> => {
    const result = (await on.query({ sql }, values.map(mariadbParam))) as { affectedRows?: number; insertId?: number };
    return { changes: result.affectedRows ?? 0, lastInsertId: Number(result.insertId ?? 0) };
  };
  return {
    flavour: "mariadb",
    all: (sql, values) => all(pool, sql, values),
    get: async <T>(sql: string, values?: readonly SqlValue[]) => (await all<T>(pool, sql, values))[0],
    run: (sql, values) => run(pool, sql, values),
    runMany(sql, rows) {
      return this.transaction(async (connection) => {
        const changes: number[] = [];
        for (const values of rows) changes.push((await connection.run(sql, values)).changes);
        return changes;
      });
    },
    async transaction(work) {
      for (let attempt = 1; ; attempt++) {
        const connection = await pool.getConnection();
        try {
          await connection.beginTransaction();
          const result = await work({
            all: (sql, values) => all(connection, sql, values),
            run: (sql, values) => run(connection, sql, values),
          });
          await connection.commit();
          return result;
        } catch (error) {
          await connection.rollback().catch(() => undefined);
          const errno = (error as { errno?: unknown }).errno;
          if (typeof errno !== "number" || !RETRYABLE_ERRNOS.has(errno) || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
          await sleep(Math.random() * 10 * attempt);
        } finally {
          await connection.release();
        }
      }
    },
    close: () => pool.end(),
  };
}

/** A timestamp column as read by either flavour, as an ISO-8601 UTC string. */
export function isoTimestamp(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") return new Date(value).toISOString();
  const text = String(value);
  // What sqliteTimestamp wrote (read on every message of every history page): only the offset differs.
  if (text.length === 29 && text.endsWith("+00:00")) return `${text.slice(0, 23)}Z`;
  // MariaDB: "2026-12-02 03:04:05.123" in UTC; SQLite: ISO-8601 with an offset.
  return new Date(/^\d{4}-\d\d-\d\d \d/.test(text) ? `${text.replace(" ", "T")}Z` : text).toISOString();
}

/** A unique-key violation raised by either driver. */
export function isDriverUniqueViolation(error: unknown): boolean {
  const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || errno === 1062;
}

/** A foreign-key violation raised by either driver: the row referred to is gone. */
export function isDriverForeignKeyViolation(error: unknown): boolean {
  const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
  return code === "SQLITE_CONSTRAINT_FOREIGNKEY" || errno === 1452;
}
