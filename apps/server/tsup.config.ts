import { defineConfig } from "tsup";

/**
 * The production build (`npm start` runs it): ESM for Node 20, npm dependencies left as imports. The
 * contract (zod data only) is inlined; `@hestia/db` stays an import and resolves to its own build
 * through the `hestia-built` package condition (`node --conditions=hestia-built dist/main.js`).
 */
export default defineConfig({
  entry: { main: "src/main.ts", "admin-cli": "src/modules/moderation/admin-cli.ts" },
  format: ["esm"],
  platform: "node",
  target: "node20",
  noExternal: ["@hestia/contracts"],
  clean: true,
  sourcemap: true,
});
