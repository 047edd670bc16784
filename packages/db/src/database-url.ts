import { isAbsolute, resolve } from "node:path";

export type DatabaseTarget = { flavour: "sqlite"; file: string } | { flavour: "mariadb"; url: string; database: string };

export const DEFAULT_SQLITE_FILE = "hestia.db";

/**
 * Reads a DATABASE_URL: unset or `file:` selects the embedded SQLite file (relative paths resolve
 * against `dataDir`); `mysql://` or `mariadb://` selects MariaDB.
 */
export function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseTarget {
  if (!url || url.trim() === "") return { flavour: "sqlite", file: resolve(dataDir, DEFAULT_SQLITE_FILE) };
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length).replace(/^\/\/(?=\/)/, "");
    if (path === "") throw new Error("DATABASE_URL: file: needs a path, e.g. file:./hestia.db");
    return { flavour: "sqlite", file: isAbsolute(path) ? path : resolve(dataDir, path) };
  }
  if (url.startsWith("mysql://") || url.startsWith("mariadb://")) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error("DATABASE_URL: not a valid URL (expected mysql://user:password@host:port/database)");
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
    if (!database) throw new Error("DATABASE_URL: name a database, e.g. mysql://root@127.0.0.1:3306/hestia");
    parsed.protocol = "mariadb:";
    return { flavour: "mariadb", url: parsed.toString(), database };
  }
  throw new Error("DATABASE_URL: expected file:<path>, mysql://... or mariadb://...");
}
