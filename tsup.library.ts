import type { Options } from "tsup";

/** How the published packages (@hestia/contracts, @hestia/sdk) are built: dual ESM/CJS with types. */
export const libraryBuild: Options = {
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
  external: ["zod"],
};
