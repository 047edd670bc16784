import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as mariadb from "mariadb";
import { type DatabaseTarget, parseDatabaseUrl } from "./database-url";

export interface TestDatabase {
  url: string;
  target: DatabaseTarget;
  /** Deletes the database (MariaDB) or its folder (SQLite). */
  drop(): Promise<void>;
}

/** Which database the test suite runs on: TEST_DATABASE=mariadb, or SQLite by default. */
export function testFlavour(): "sqlite" | "mariadb" {
  return process.env.TEST_DATABASE === "mariadb" ? "mariadb" : "sqlite";
}

/**
 * A fresh, empty database for one test file: a SQLite file in a temporary folder, or a new database
 * on the MariaDB server at TEST_MARIADB_URL (default mysql://root@127.0.0.1:3306).
 */
export function createTestDatabase(flavour: "sqlite" | "mariadb" = testFlavour()): TestDatabase {
  if (flavour === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "hestia-test-"));
    const url = `file:${join(dir, "test.db")}`;
    return { url, target: parseDatabaseUrl(url, dir), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const server = new URL(process.env.TEST_MARIADB_URL ?? "mysql://root@127.0.0.1:3306");
  const name = `hestia_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  server.pathname = `/${name}`;
  const url = server.toString();
  return {
    url,
    target: parseDatabaseUrl(url, tmpdir()),
    drop: async () => {
      const conn = await mariadb.createConnection({
        host: server.hostname,
        port: Number(server.port || 3306),
        user: decodeURIComponent(server.username) || "root",
        password: decodeURIComponent(server.password),
      });
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
    },
  };
}
