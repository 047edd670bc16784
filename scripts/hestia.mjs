#!/usr/bin/env node
// One entry point for `npm start` and `npm test` on a machine that has only Node and npm:
// installs dependencies with the pinned pnpm, generates the Prisma clients, then runs the task.
// Each step is skipped when its inputs have not changed since the last run.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { BUILT_CONDITION, ensureBuilt, serverArgs, serverDir } from "./lib/build.mjs";
import { PNPM, pnpm, root, run, runOrExit } from "./lib/pnpm.mjs";

const task = process.argv[2] ?? "start";
const taskArgs = process.argv.slice(3);

function log(message) {
  console.log(`[hestia] ${message}`);
}

function hashFiles(files) {
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(file);
    hash.update(existsSync(join(root, file)) ? readFileSync(join(root, file)) : "missing");
  }
  return hash.digest("hex");
}

function upToDate(stampFile, digest) {
  return existsSync(stampFile) && readFileSync(stampFile, "utf8") === digest;
}

function writeStamp(stampFile, digest) {
  mkdirSync(dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, digest);
}

/** pnpm's node-gyp ignores npm's `nodedir`; pass it through so native addons build offline. */
function nodedirEnv() {
  if (process.env.npm_config_nodedir) return {};
  const probe = spawnSync("npm", ["config", "get", "nodedir"], { encoding: "utf8" });
  const value = probe.status === 0 ? probe.stdout.trim() : "";
  return value && value !== "undefined" && value !== "null" ? { npm_config_nodedir: value } : {};
}

function ensureInstalled() {
  const manifests = ["pnpm-lock.yaml", "pnpm-workspace.yaml", "package.json", ...workspaceManifests()];
  const stamp = join(root, "node_modules", ".hestia-install");
  const digest = hashFiles(manifests);
  if (upToDate(stamp, digest)) return;
  log(`installing dependencies with ${PNPM}`);
  const status = pnpm(["install", "--frozen-lockfile"], { env: nodedirEnv() });
  if (status !== 0) process.exit(status);
  writeStamp(stamp, digest);
}

/**
 * The package.json of every workspace package: the entries under `packages:` in pnpm-workspace.yaml,
 * each a folder or a `folder/*` pattern.
 */
function workspaceManifests() {
  const workspace = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const entries = (/^packages:\n((?:\s+-.*\n?)+)/m.exec(workspace)?.[1] ?? "").match(/-\s*["']?([^"'\s]+)/g) ?? [];
  return entries
    .map((entry) => entry.replace(/^-\s*["']?/, ""))
    .flatMap((pattern) => {
      if (!pattern.endsWith("/*")) return [`${pattern}/package.json`];
      const folder = pattern.slice(0, -2);
      return existsSync(join(root, folder))
        ? readdirSync(join(root, folder))
            .sort()
            .map((name) => `${folder}/${name}/package.json`)
        : [];
    })
    .filter((file) => existsSync(join(root, file)));
}

function ensureGenerated() {
  // The generate script keeps its own stamp; calling it is cheap when nothing changed.
  runOrExit(process.execPath, [join(root, "packages/db/scripts/generate.mjs")]);
}

function bin(pkgDir, name) {
  return join(root, pkgDir, "node_modules", ".bin", name);
}

/** Runs the server as a child that receives our SIGINT/SIGTERM, so it can shut down gracefully. */
function runForwardingSignals(command, args, cwd) {
  const child = spawn(command, args, { cwd, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

ensureInstalled();
ensureGenerated();

switch (task) {
  case "setup":
    break;
  case "start": {
    // Compiled JavaScript (built here when missing or stale); `npm run dev` runs the sources with tsx.
    const status = ensureBuilt(log);
    if (status !== 0) process.exit(status);
    log("starting the server");
    runForwardingSignals(process.execPath, serverArgs(taskArgs), serverDir);
    break;
  }
  case "build":
    process.exitCode = ensureBuilt(log);
    break;
  case "test":
    process.exitCode = run(bin(".", "vitest"), ["run", "--coverage", ...taskArgs]);
    break;
  case "example": {
    // npm run example:<name> -- [args]: one of examples/<name>, run against a local server.
    const [name, ...exampleArgs] = taskArgs;
    const dir = `examples/${name}`;
    if (name && existsSync(join(root, dir, "serve.mjs"))) {
      // A browser example: bundled, then served (its page names the server to talk to).
      runOrExit(process.execPath, ["build.mjs"], { cwd: join(root, dir) });
      runForwardingSignals(process.execPath, ["serve.mjs", ...exampleArgs], join(root, dir));
      break;
    }
    if (!name || !existsSync(join(root, dir, "src/main.ts"))) {
      console.error(`unknown example "${name ?? ""}" (see examples/)`);
      process.exit(2);
    }
    runForwardingSignals(bin(dir, "tsx"), ["src/main.ts", ...exampleArgs], join(root, dir));
    break;
  }
  case "bench":
    runForwardingSignals(bin("bench", "tsx"), ["src/run.ts", ...taskArgs], join(root, "bench"));
    break;
  case "cluster":
    runForwardingSignals(process.execPath, [join(root, "scripts/cluster.mjs"), ...taskArgs], root);
    break;
  case "admin":
    // npm run admin -- grant <username> | revoke <username> | list: server admins, on the configured database.
    process.exitCode =
      ensureBuilt(log) || run(process.execPath, [`--conditions=${BUILT_CONDITION}`, join(serverDir, "dist/admin-cli.js"), ...taskArgs]);
    break;
  case "check-packages":
    process.exitCode = run(process.execPath, [join(root, "scripts/check-packages.mjs"), ...taskArgs]);
    break;
  default:
    console.error(`unknown task "${task}" (expected start, build, test, setup, admin, example, bench, cluster or check-packages)`);
    process.exitCode = 2;
}
