// Bundles src/main.ts for browsers into public/app.js (socket.io-client's browser build, no Node built-ins).
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL(".", import.meta.url));

/** Bundles the app; `write: false` answers the code instead of writing public/app.js. */
export async function bundleApp({ write = true } = {}) {
  const result = await build({
    entryPoints: [`${root}src/main.ts`],
    outfile: `${root}public/app.js`,
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    sourcemap: write,
    write,
    logLevel: write ? "info" : "silent",
  });
  return result.outputFiles?.find((file) => file.path.endsWith(".js"))?.text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleApp();
