#!/usr/bin/env node
// Checks the published packages as users get them: builds @hestia/contracts and @hestia/sdk, packs
// them as `pnpm publish` would, lints the tarballs (publint, Are the Types Wrong?), then installs
// them into an empty project and type-checks and runs code that uses them, as ESM and as CommonJS.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pnpm, root, run, runOrExit } from "./lib/pnpm.mjs";

const packages = [
  { name: "@hestia/contracts", dir: "packages/contracts" },
  { name: "@hestia/sdk", dir: "packages/sdk" },
];
const bin = (name) => join(root, "node_modules/.bin", name);
const work = mkdtempSync(join(tmpdir(), "hestia-packages-"));
const keep = process.argv.includes("--keep");

function step(message) {
  console.log(`\n[check-packages] ${message}`);
}

function must(status, what) {
  if (status !== 0) {
    console.error(`[check-packages] failed: ${what}`);
    process.exit(status);
  }
}

try {
  const tarballs = {};
  for (const { name, dir } of packages) {
    step(`build and pack ${name}`);
    must(pnpm(["--filter", name, "build"]), `build ${name}`);
    const destination = join(work, "tarballs", name.replace("/", "__"));
    must(pnpm(["pack", "--pack-destination", destination], { cwd: join(root, dir) }), `pack ${name}`);
    const [file] = readdirSync(destination).filter((entry) => entry.endsWith(".tgz"));
    tarballs[name] = join(destination, file);

    step(`no Node.js built-ins in ${name} (it runs in browsers)`);
    for (const file of ["dist/index.js", "dist/index.cjs"]) {
      // dist/node.* (the `/node` entry) may use Node.js; the main entry may not.
      const code = readFileSync(join(root, dir, file), "utf8");
      const builtin =
        /(?:from\s*|import\s*|require\(\s*|import\(\s*)["'](node:[\w/]+|fs|path|os|crypto|http|https|net|tls|stream|child_process)["']/.exec(
          code,
        );
      if (builtin) must(1, `${name} ${file} imports ${builtin[1]}`);
    }

    step(`publint ${name}`);
    runOrExit(bin("publint"), ["run", tarballs[name], "--strict"]);
    step(`are the types wrong? ${name}`);
    runOrExit(bin("attw"), [tarballs[name]]);
  }

  step("install the tarballs into an empty project");
  const app = join(work, "app");
  const files = {
    "package.json": JSON.stringify({ name: "hestia-sdk-consumer", private: true, version: "0.0.0" }, null, 2),
    // The same program three ways: TypeScript with Node's module resolution, ESM and CommonJS at run time.
    "tsconfig.json": JSON.stringify({
      compilerOptions: {
        strict: true,
        module: "nodenext",
        moduleResolution: "nodenext",
        target: "es2022",
        noEmit: true,
        skipLibCheck: false,
        types: [],
      },
      include: ["*.ts", "*.mts", "*.cts"],
    }),
    "tsconfig.bundler.json": JSON.stringify({
      compilerOptions: {
        strict: true,
        module: "esnext",
        moduleResolution: "bundler",
        target: "es2022",
        noEmit: true,
        skipLibCheck: false,
        types: [],
      },
      include: ["app.mts"],
    }),
    "app.mts": `import { createClient, HestiaError, memoryStorage, type DecryptedMessage, type Message, type Profile } from "@hestia/sdk";
import { fileStorage } from "@hestia/sdk/node";
import { contract, MessageSchema } from "@hestia/contracts";

const client = createClient({ baseUrl: "http://127.0.0.1:9", e2ee: { storage: memoryStorage() } });
client.e2ee.on("message", (message: DecryptedMessage) => message.text.toUpperCase());
const stored = createClient({ baseUrl: "http://127.0.0.1:9", e2ee: { storage: fileStorage("./keys") } });
void stored;
const me: Promise<Profile> = client.users.me();
client.realtime.on("newDM", (message: Message) => message.content?.toUpperCase());
// @ts-expect-error unknown event names do not type-check
client.realtime.on("nope", () => {});
const path: string = contract.groups.messages.path;
MessageSchema.parse({ id: 1, content: "x", createdAt: "", userId: 1, username: "a", seq: 1, conversationId: 1, encrypted: false });
void me.catch(() => undefined);
void path;
export { HestiaError };
`,
    "app.cts": `import { createClient, HestiaError } from "@hestia/sdk";
import type { Group } from "@hestia/sdk";
const group: Promise<Group> = createClient({ baseUrl: "http://127.0.0.1:9" }).groups.create({ name: "x" });
void group.catch((error: unknown) => error instanceof HestiaError);
`,
    "run.mjs": `import { createClient, HestiaError, memoryStorage } from "@hestia/sdk";
import { fileStorage } from "@hestia/sdk/node";
import { contract } from "@hestia/contracts";
// Loads the MLS implementation: enabling needs the server, so it fails with a network error.
const e2eeError = await createClient({ baseUrl: "http://127.0.0.1:9", e2ee: { storage: memoryStorage() } }).e2ee.enable().catch((e) => e);
if (!(e2eeError instanceof HestiaError) || e2eeError.code !== "NETWORK_ERROR") throw new Error("ESM: expected enable() to fail with NETWORK_ERROR, got " + e2eeError);
if (typeof fileStorage("./keys").get !== "function") throw new Error("ESM: fileStorage missing");
const error = await createClient({ baseUrl: "http://127.0.0.1:9" }).health().catch((e) => e);
if (!(error instanceof HestiaError) || error.code !== "NETWORK_ERROR") throw new Error("ESM: expected a NETWORK_ERROR HestiaError, got " + error);
if (contract.health.check.path !== "/health") throw new Error("ESM: contract missing");
console.log("ESM ok:", error.code);
`,
    "run.cjs": `const { createClient, HestiaError } = require("@hestia/sdk");
const { fileStorage } = require("@hestia/sdk/node");
if (typeof fileStorage("./keys").get !== "function") throw new Error("CJS: fileStorage missing");
const { contract } = require("@hestia/contracts");
createClient({ baseUrl: "http://127.0.0.1:9" }).health().catch((error) => {
  if (!(error instanceof HestiaError) || error.code !== "NETWORK_ERROR") throw new Error("CJS: expected a NETWORK_ERROR HestiaError, got " + error);
  if (contract.health.check.path !== "/health") throw new Error("CJS: contract missing");
  console.log("CJS ok:", error.code);
});
`,
  };
  mkdirSync(app, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(app, file), text);
  const zodVersion = JSON.parse(readFileSync(join(root, "packages/sdk/package.json"), "utf8")).devDependencies.zod;
  const typescriptVersion = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).devDependencies.typescript;
  must(
    run(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        ...Object.values(tarballs),
        `zod@${zodVersion}`,
        `typescript@${typescriptVersion}`,
      ],
      { cwd: app },
    ),
    "npm install of the tarballs",
  );

  step("type-check a consumer (node16 resolution, then bundler resolution)");
  must(run(join(app, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], { cwd: app }), "tsc (nodenext)");
  must(run(join(app, "node_modules/.bin/tsc"), ["-p", "tsconfig.bundler.json"], { cwd: app }), "tsc (bundler)");

  step("run it as ESM and as CommonJS");
  must(run(process.execPath, ["run.mjs"], { cwd: app }), "ESM run");
  must(run(process.execPath, ["run.cjs"], { cwd: app }), "CommonJS run");
  step("all package checks passed");
} finally {
  if (keep) console.log(`[check-packages] kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
