import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { expect } from "vitest";
import type { TestServer } from "./helpers";

const serverDir = resolve(import.meta.dirname, "..");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the admin command line (`npm run admin -- ...` runs the same file) in its own process, against
 * the database that `env` names (DATABASE_URL, DATA_DIR).
 */
export function runAdminCli(env: Record<string, string>, args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/modules/moderation/admin-cli.ts", ...args], {
    cwd: serverDir,
    env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolveResult, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolveResult({ code, stdout, stderr }));
  });
}

/** The environment that points the command line at an in-process test server's database. */
export function cliEnv(server: TestServer): Record<string, string> {
  const { databaseUrl, dataDir } = server.app.deps.config;
  return { DATABASE_URL: databaseUrl ?? "", DATA_DIR: dataDir };
}

/** Makes a user a server admin through the command line, as an operator would. */
export async function grantAdmin(env: Record<string, string>, username: string): Promise<void> {
  const result = await runAdminCli(env, ["grant", username]);
  expect(result, result.stderr).toMatchObject({ code: 0 });
}
