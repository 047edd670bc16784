// Running the pnpm version package.json pins, on a machine that may only have Node and npm.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
export const PNPM = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager;

/** Runs a command with inherited output; returns its exit status. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** Like run, but exits this process when the command fails. */
export function runOrExit(command, args, options) {
  const status = run(command, args, options);
  if (status !== 0) process.exit(status);
}

/** The global pnpm when it is the pinned version, else the pinned version through npx. */
function pnpmCommand() {
  const wanted = PNPM.split("@")[1];
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  if (probe.status === 0 && probe.stdout.trim() === wanted) return ["pnpm", []];
  return ["npx", ["--yes", PNPM]];
}

/** Runs the pinned pnpm; returns its exit status. */
export function pnpm(args, options = {}) {
  const [command, prefix] = pnpmCommand();
  return run(command, [...prefix, ...args], { ...options, env: { ...process.env, ...options.env } });
}
