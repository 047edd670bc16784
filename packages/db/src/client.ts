import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import type { DatabaseTarget } from "./database-url";
import { PrismaClient as MariaDbClient } from "./generated/mariadb/client";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";

/**
 * Both generated clients share one TypeScript API; the SQLite one stands for both in types.
 */
export type Db = SqliteClient;

export interface DbOptions {
  /** Connections in the MariaDB pool. */
  poolSize?: number;
}

export function createDb(target: DatabaseTarget, options: DbOptions = {}): Db {
  if (target.flavour === "sqlite") {
    mkdirSync(dirname(target.file), { recursive: true });
    return new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: `file:${target.file}`, timeout: 10_000 }) });
  }
  const url = new URL(target.url);
  if (!url.searchParams.has("connectionLimit")) url.searchParams.set("connectionLimit", String(options.poolSize ?? 10));
  const client = new MariaDbClient({ adapter: new PrismaMariaDb(url.toString()) });
  return client as unknown as Db;
}
