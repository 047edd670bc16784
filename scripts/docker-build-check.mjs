#!/usr/bin/env node
// Checks the container build without Docker (images cannot be pulled everywhere): runs the Dockerfile's
// build steps (scripts/docker/build.sh) on a clean copy of the repository, then starts the server from the
// result as the image would, checks /health/ready, /metrics and /asyncapi.json, and that SIGTERM drains and
// exits 0. Validates compose.yaml with `docker compose config` where that works (the test
// apps/server/test/deployment.test.ts checks its shape everywhere).
//   node scripts/docker-build-check.mjs [--keep]
import { execSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNPM, root } from "./lib/pnpm.mjs";

const keep = process.argv.includes("--keep");
const log = (message) => console.log(`[docker-check] ${message}`);
const started = performance.now();

function pnpmCommand() {
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  return probe.status === 0 && probe.stdout.trim() === PNPM.split("@")[1] ? "pnpm" : `npx --yes ${PNPM}`;
}

function nodedir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const probe = spawnSync("npm", ["config", "get", "nodedir"], { encoding: "utf8" });
  const value = probe.status === 0 ? probe.stdout.trim() : "";
  return value && value !== "undefined" && value !== "null" ? value : "/usr";
}

/** The server of the built folder, started as the image's CMD; resolves with its port once it listens. */
function startBuilt(appDir, dataDir) {
  const child = spawn(process.execPath, ["--conditions=hestia-built", "dist/main.js"], {
    cwd: appDir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: dataDir,
      JWT_SECRET: randomBytes(32).toString("hex"),
      METRICS_ENABLED: "true",
      METRICS_TOKEN: "docker-check-token-0123456789",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the built server did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk) => {
      output += chunk;
      const match = /Hestia listening on http:\/\/[^:]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then(({ code, signal }) => reject(new Error(`the built server exited (${code ?? signal}) before listening:\n${output}`)));
  });
  return { child, listening, exited, output: () => output };
}

async function expectStatus(url, status, headers = {}) {
  const response = await fetch(url, { headers });
  if (response.status !== status) throw new Error(`${url}: ${response.status}, expected ${status}: ${await response.text()}`);
  return response;
}

const work = mkdtempSync(join(tmpdir(), "hestia-docker-check-"));
try {
  const src = join(work, "src");
  const app = join(work, "app");
  mkdirSync(src);
  // The working tree's tracked files as they are now (uncommitted changes included), nothing untracked.
  const tree = execSync("git stash create", { cwd: root, encoding: "utf8" }).trim() || "HEAD";
  execSync(`git archive --format=tar ${tree} | tar -x -C "${src}"`, { cwd: root, stdio: "inherit", shell: "/bin/sh" });
  log(`clean copy of ${tree === "HEAD" ? "HEAD" : "the working tree"} in ${src}`);

  log("build stage: scripts/docker/build.sh");
  const build = spawnSync("sh", ["scripts/docker/build.sh", app], {
    cwd: src,
    stdio: "inherit",
    env: { ...process.env, PNPM: pnpmCommand(), npm_config_nodedir: nodedir() },
  });
  if (build.status !== 0) throw new Error(`the build stage failed (${build.status ?? build.signal})`);
  for (const file of ["dist/main.js", "node_modules/@hestia/db/dist/index.js", "node_modules/@hestia/db/prisma"]) {
    if (!existsSync(join(app, file))) throw new Error(`the runtime folder lacks ${file}`);
  }
  for (const dev of ["tsx", "vitest", "typescript", "tsup"]) {
    if (existsSync(join(app, "node_modules", dev))) throw new Error(`the runtime folder holds the dev dependency ${dev}`);
  }

  log("runtime stage: node --conditions=hestia-built dist/main.js");
  const dataDir = join(work, "data");
  mkdirSync(dataDir);
  const server = startBuilt(app, dataDir);
  const port = await server.listening;
  const base = `http://127.0.0.1:${port}`;
  const ready = await (await expectStatus(`${base}/health/ready`, 200)).json();
  log(`/health/ready: ${JSON.stringify(ready)}`);
  await expectStatus(`${base}/metrics`, 401);
  await expectStatus(`${base}/metrics`, 200, { authorization: "Bearer docker-check-token-0123456789" });
  await expectStatus(`${base}/asyncapi.json`, 200);
  server.child.kill("SIGTERM");
  const timeout = new Promise((resolve) => setTimeout(() => resolve({ code: "timeout" }), 20_000).unref());
  const { code, signal } = await Promise.race([server.exited, timeout]);
  if (code !== 0) throw new Error(`SIGTERM: the server ended with ${code ?? signal}, expected a clean exit 0:\n${server.output()}`);
  if (!server.output().includes("shutting down")) throw new Error("SIGTERM: no 'shutting down' line was logged");
  log("SIGTERM: drained and exited 0");

  const compose = spawnSync("docker", ["compose", "version"], { encoding: "utf8" });
  if (compose.status === 0) {
    const config = spawnSync("docker", ["compose", "-f", join(src, "compose.yaml"), "config", "--quiet"], {
      stdio: "inherit",
      env: { ...process.env, JWT_SECRET: "x".repeat(32) },
    });
    if (config.status !== 0) throw new Error("docker compose config rejected compose.yaml");
    log("compose.yaml: docker compose config passed");
  } else {
    log("compose.yaml: no `docker compose` here; its shape is checked by apps/server/test/deployment.test.ts");
  }
  log(`ok in ${Math.round((performance.now() - started) / 1000)} s`);
} catch (error) {
  console.error(`[docker-check] FAILED: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  if (keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
