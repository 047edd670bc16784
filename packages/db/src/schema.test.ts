import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";

it("the committed SQLite and MariaDB schemas are derived from prisma/schema.prisma", () => {
  const script = join(import.meta.dirname, "../scripts/generate.mjs");
  const result = spawnSync(process.execPath, [script, "--check"], { encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
});
