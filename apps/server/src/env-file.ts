import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";

/** Loads the first existing `.env` file into process.env without overriding variables already set. */
export function loadEnvFile(candidates: string[]): string | undefined {
  const file = candidates.find((candidate) => existsSync(candidate));
  if (!file) return undefined;
  for (const [key, value] of Object.entries(parseEnv(readFileSync(file, "utf8")))) {
    if (process.env[key] === undefined) process.env[key] = value;
  }
  return file;
}

/**
 * Loads the server's `.env`: the first of the working directory's, apps/server's and the repository's
 * (for the server and its command-line tools alike). Answers the file loaded, if any.
 */
export function loadServerEnvFile(): string | undefined {
  const serverDir = resolve(import.meta.dirname, "..");
  return loadEnvFile([resolve(process.cwd(), ".env"), resolve(serverDir, ".env"), resolve(serverDir, "../../.env")]);
}
