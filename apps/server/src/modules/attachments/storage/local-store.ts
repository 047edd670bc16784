import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, opendir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { assertBlobKey, BLOB_KEY, type BlobStore } from "./blob-store";

const TEMPORARY = /^\.[0-9a-f]{32}(\.thumb)?\.[0-9a-f]{8}\.tmp$/;

/**
 * Blobs as files in one directory. A write streams into a temporary file beside its target and is
 * renamed into place when complete, so readers never see half a file and a failed write leaves none.
 */
export function createLocalBlobStore(dir: string): BlobStore {
  const pathOf = (key: string) => {
    assertBlobKey(key);
    return join(dir, key);
  };
  // Made once, not on every write (and made again after a write found it gone).
  let made: Promise<unknown> | undefined;
  const ensureDir = () => {
    made ??= mkdir(dir, { recursive: true }).catch((error) => {
      made = undefined;
      throw error;
    });
    return made;
  };
  return {
    driver: "local",
    async put(key, body) {
      const target = pathOf(key);
      await ensureDir();
      const temporary = join(dir, `.${key}.${randomBytes(4).toString("hex")}.tmp`);
      const out = createWriteStream(temporary, { flags: "wx" });
      try {
        await pipeline(body, out);
        await rename(temporary, target);
      } catch (error) {
        body.destroy();
        if ((error as NodeJS.ErrnoException).code === "ENOENT") made = undefined;
        await rm(temporary, { force: true });
        throw error;
      }
      return { size: out.bytesWritten };
    },
    async get(key, range) {
      if (!BLOB_KEY.test(key)) return undefined;
      try {
        const info = await stat(pathOf(key));
        return info.isFile() ? { stream: createReadStream(pathOf(key), range), size: info.size } : undefined;
      } catch {
        return undefined;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async *list() {
      let entries: Awaited<ReturnType<typeof opendir>>;
      try {
        entries = await opendir(dir);
      } catch {
        return;
      }
      for await (const entry of entries) {
        if (!entry.isFile()) continue;
        const info = await stat(join(dir, entry.name)).catch(() => undefined);
        if (!info) continue;
        if (BLOB_KEY.test(entry.name)) yield { key: entry.name, modifiedAt: info.mtime };
        // A temporary file of a write whose process died: no write lasts a day.
        else if (TEMPORARY.test(entry.name) && Date.now() - info.mtimeMs > 24 * 3600_000) await rm(join(dir, entry.name), { force: true });
      }
    },
    async close() {},
  };
}
