import { defineConfig } from "tsup";
import { libraryBuild } from "../../tsup.library";

// `@hestia/sdk/node` holds what needs Node.js (file storage), so the main entry stays browser-safe.
export default defineConfig({ ...libraryBuild, entry: ["src/index.ts", "src/node.ts"] });
