import { resolve } from "node:path";
import { parseDatabaseUrl } from "../database-url";
import { migrate } from "../migrate";

// Applies pending migrations to DATABASE_URL (default: the server's embedded SQLite file).
const dataDir = process.env.DATA_DIR ?? resolve(import.meta.dirname, "../../../../apps/server/data");
const target = parseDatabaseUrl(process.env.DATABASE_URL, dataDir);
const { applied } = await migrate(target);
console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
