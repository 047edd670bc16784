import { defineConfig } from "tsup";

/**
 * The runtime build the server loads in production (package condition `hestia-built`): one ESM file with
 * the generated Prisma clients inlined. `dist/..` is this package's folder, as `src/..` is, so the
 * migrations are found from either.
 */
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  platform: "node",
  target: "node20",
  clean: true,
  sourcemap: true,
});
