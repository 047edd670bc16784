import { defineConfig } from "vitest/config";

export default defineConfig({ test: { name: "example-web", include: ["src/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 90_000 } });
