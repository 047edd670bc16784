/** Node-only helpers of the SDK: `import { fileStorage } from "@hestia/sdk/node"`. */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { E2eeStorage } from "./e2ee/storage";

/**
 * Keeps a device's end-to-end encryption state in a directory, one file per key, each replaced
 * atomically (written aside, then renamed). The files hold private keys: keep the directory private.
 */
export function fileStorage(directory: string): E2eeStorage {
  const path = (key: string) => join(directory, `${key.replace(/[^A-Za-z0-9._-]/g, "_")}.json`);
  let ready: Promise<unknown> | undefined;
  const ensureDirectory = () => (ready ??= mkdir(directory, { recursive: true, mode: 0o700 }));
  return {
    async get(key) {
      try {
        return await readFile(path(key), "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async set(key, value) {
      await ensureDirectory();
      const target = path(key);
      const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(temporary, value, { mode: 0o600, flush: true });
      await rename(temporary, target);
    },
    async delete(key) {
      await rm(path(key), { force: true });
    },
  };
}

export type { E2eeStorage } from "./e2ee/storage";
