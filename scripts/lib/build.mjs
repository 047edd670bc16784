// The production build of the server: @hestia/db and @hestia/server compiled by tsup (contracts inlined).
// Rebuilt only when a source, manifest or build configuration changed since the stamp in the output.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pnpm, root } from "./pnpm.mjs";

/** The condition under which workspace packages export their build instead of their TypeScript source. */
export const BUILT_CONDITION = "hestia-built";
export const serverDir = join(root, "apps/server");
export const serverEntry = join(serverDir, "dist/main.js");
const stampFile = join(serverDir, "dist/.build-stamp");

const inputs = [
  "pnpm-lock.yaml",
  "apps/server/package.json",
  "apps/server/tsup.config.ts",
  "apps/server/src",
  "packages/contracts/package.json",
  "packages/contracts/src",
  "packages/db/package.json",
  "packages/db/tsup.config.ts",
  "packages/db/src",
];

/** Every file under `path`, skipping tests and the generated Prisma clients (their stamp stands for them). */
function listFiles(path) {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const child = relative(root, join(full, entry.name));
      if (entry.isDirectory()) return child.endsWith("src/generated") ? [`${child}/.stamp`] : listFiles(child);
      return entry.name.endsWith(".test.ts") ? [] : [child];
    });
}

/** A digest of every input of the build. */
export function buildDigest() {
  const hash = createHash("sha256");
  for (const file of inputs.flatMap(listFiles)) {
    hash.update(file);
    hash.update(existsSync(join(root, file)) ? readFileSync(join(root, file)) : "missing");
  }
  return hash.digest("hex");
}

/** Whether the build output exists and was made from the current sources. */
export function isBuildCurrent(digest = buildDigest()) {
  return (
    existsSync(serverEntry) &&
    existsSync(join(root, "packages/db/dist/index.js")) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, "utf8") === digest
  );
}

/** Builds the server when its output is missing or stale; returns pnpm's exit status (0 when current). */
export function ensureBuilt(log = () => {}) {
  const digest = buildDigest();
  if (isBuildCurrent(digest)) return 0;
  log("building the server (apps/server/dist)");
  const status = pnpm(["--filter", "@hestia/db", "--filter", "@hestia/server", "run", "build"]);
  if (status === 0) writeFileSync(stampFile, digest);
  return status;
}

/** Node's arguments that run the built server. */
export function serverArgs(extra = []) {
  return [`--conditions=${BUILT_CONDITION}`, serverEntry, ...extra];
}
