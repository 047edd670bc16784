#!/usr/bin/env node
// Derives the SQLite and MariaDB schemas from prisma/schema.prisma and generates a Prisma client for
// each. Skips the work when the source schema and Prisma's version are unchanged since the last run.
// Usage: node scripts/generate.mjs [--check]   (--check: fail if the derived schemas are stale)
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = readFileSync(join(pkgDir, "prisma/schema.prisma"), "utf8");
const require = createRequire(join(pkgDir, "package.json"));
const prismaVersion = JSON.parse(readFileSync(require.resolve("prisma/package.json"), "utf8")).version;

const HEADER = "// Derived from ../schema.prisma by scripts/generate.mjs: edit that file, not this one.\n";

/** @type {Record<string, (schema: string) => string>} */
export const flavours = {
  // SQLite has no native-type attributes: strip them.
  sqlite: (schema) => schema.replace('provider = "PROVIDER"', 'provider = "sqlite"').replace(/ @db\.\w+(\([^)]*\))?/g, ""),
  mariadb: (schema) => schema.replace('provider = "PROVIDER"', 'provider = "mysql"'),
};

function derive(name) {
  return HEADER + flavours[name](source).replace("generated/FLAVOUR", `generated/${name}`);
}

const check = process.argv.includes("--check");
let stale = false;
for (const name of Object.keys(flavours)) {
  const file = join(pkgDir, "prisma", name, "schema.prisma");
  const wanted = derive(name);
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (current === wanted) continue;
  if (check) {
    console.error(`prisma/${name}/schema.prisma is stale: run pnpm db:generate`);
    stale = true;
    continue;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, wanted);
}
if (check) process.exit(stale ? 1 : 0);

const stampFile = join(pkgDir, "src/generated/.stamp");
const digest = createHash("sha256").update(prismaVersion).update(source).digest("hex");
if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === digest) process.exit(0);

// `prisma generate` needs no schema engine, but Prisma looks for one unless this points at a file.
const engine = process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath;
const prismaBin = join(pkgDir, "node_modules/.bin/prisma");
for (const name of Object.keys(flavours)) {
  const result = spawnSync(prismaBin, ["generate", "--schema", `prisma/${name}/schema.prisma`], {
    cwd: pkgDir,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: engine,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
    },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
writeFileSync(stampFile, digest);
