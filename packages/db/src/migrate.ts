import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import * as mariadb from "mariadb";
import type { DatabaseTarget } from "./database-url";

export interface MigrationResult {
  /** Names of the migrations applied by this call, oldest first. */
  applied: string[];
}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
}

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Applies the committed SQL migrations that the database has not seen yet, recording them in Prisma's
 * own `_prisma_migrations` table so that `prisma migrate deploy` agrees about what is applied.
 * Safe to call from several processes at once: SQLite takes a write lock, MariaDB a named lock.
 */
export async function migrate(target: DatabaseTarget, migrationsRoot = join(packageDir, "prisma")): Promise<MigrationResult> {
  const migrations = readMigrations(join(migrationsRoot, target.flavour, "migrations"));
  return target.flavour === "sqlite" ? migrateSqlite(target.file, migrations) : migrateMariaDb(target, migrations);
}

function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) throw new Error(`migrations folder not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Returns the migrations still to apply; refuses to go on when an applied one was edited since. */
function pending(migrations: Migration[], applied: AppliedRow[]): Migration[] {
  const known = new Map(applied.map((row) => [row.migration_name, row.checksum]));
  for (const migration of migrations) {
    const checksum = known.get(migration.name);
    if (checksum !== undefined && checksum !== migration.checksum) {
      throw new Error(`migration ${migration.name} was changed after it was applied; add a new migration instead`);
    }
  }
  return migrations.filter((migration) => !known.has(migration.name));
}

function migrateSqlite(file: string, migrations: Migration[]): MigrationResult {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 30_000 });
  try {
    db.pragma("journal_mode = WAL");
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL,
      "checksum" TEXT NOT NULL,
      "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL,
      "logs" TEXT,
      "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
      "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
    )`);
    const insert = db.prepare(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
       VALUES (?, ?, ?, ?, 1)`,
    );
    // IMMEDIATE takes the write lock up front, so concurrent starters apply each migration once.
    const run = db.transaction(() => {
      const applied = db
        .prepare(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL`)
        .all() as AppliedRow[];
      const todo = pending(migrations, applied);
      for (const migration of todo) {
        db.exec(migration.sql);
        insert.run(randomUUID(), migration.checksum, new Date().toISOString(), migration.name);
      }
      return todo.map((migration) => migration.name);
    });
    return { applied: run.immediate() };
  } finally {
    db.close();
  }
}

async function migrateMariaDb(target: Extract<DatabaseTarget, { flavour: "mariadb" }>, migrations: Migration[]): Promise<MigrationResult> {
  const url = new URL(target.url);
  url.pathname = "/";
  const conn = await mariadb.createConnection({ ...connectionOptions(url), multipleStatements: true });
  const lock = `hestia_migrate_${target.database}`.slice(0, 64);
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(target.database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    await conn.query(`USE ${quoteIdentifier(target.database)}`);
    const [locked] = await conn.query<{ ok: number | bigint | null }[]>("SELECT GET_LOCK(?, 120) AS ok", [lock]);
    if (Number(locked?.ok) !== 1) throw new Error("timed out waiting for another process to finish migrating");
    try {
      await conn.query(`CREATE TABLE IF NOT EXISTS _prisma_migrations (
        id VARCHAR(36) PRIMARY KEY NOT NULL,
        checksum VARCHAR(64) NOT NULL,
        finished_at DATETIME(3),
        migration_name VARCHAR(255) NOT NULL,
        logs TEXT,
        rolled_back_at DATETIME(3),
        started_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        applied_steps_count INTEGER UNSIGNED NOT NULL DEFAULT 0
      ) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      const applied = await conn.query<AppliedRow[]>(
        "SELECT migration_name, checksum FROM _prisma_migrations WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL",
      );
      const todo = pending(migrations, applied);
      for (const migration of todo) {
        // MariaDB commits DDL implicitly; like Prisma, a failed migration stays recorded without finished_at.
        const id = randomUUID();
        await conn.query("INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES (?, ?, ?)", [
          id,
          migration.checksum,
          migration.name,
        ]);
        await conn.query(migration.sql);
        await conn.query("UPDATE _prisma_migrations SET finished_at = CURRENT_TIMESTAMP(3), applied_steps_count = 1 WHERE id = ?", [id]);
      }
      return { applied: todo.map((migration) => migration.name) };
    } finally {
      await conn.query("SELECT RELEASE_LOCK(?)", [lock]);
    }
  } finally {
    await conn.end();
  }
}

function connectionOptions(url: URL): mariadb.ConnectionConfig {
  return {
    host: url.hostname || "127.0.0.1",
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username) || "root",
    password: decodeURIComponent(url.password),
  };
}

function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, "``")}\``;
}
