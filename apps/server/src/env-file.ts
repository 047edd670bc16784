import { existsSync, readFileSync } from "node:fs";
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
