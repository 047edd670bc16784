import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";

/**
 * Where avatar files live. The local folder is the default; object storage can implement the same
 * three calls. Names are chosen by the server (see avatarName) and never come from clients unchecked.
 */
export interface AvatarStore {
  save(name: string, data: Buffer): Promise<void>;
  /** The file's bytes as a stream and its size, or undefined when there is no such file. */
  open(name: string): Promise<{ stream: Readable; size: number } | undefined>;
  /** Deletes a file; a missing file is not an error. */
  remove(name: string): Promise<void>;
}

/** Avatar names: 32 random hex characters and the image's extension. */
export const AVATAR_NAME = /^[0-9a-f]{32}\.(png|jpg|webp)$/;

export function avatarName(extension: "png" | "jpg" | "webp"): string {
  return `${randomBytes(16).toString("hex")}.${extension}`;
}

/** Avatars as files in one folder; writes go through a temporary file and a rename, so readers never see half a file. */
export function createLocalAvatarStore(dir: string): AvatarStore {
  const pathOf = (name: string) => {
    if (!AVATAR_NAME.test(name)) throw new Error(`not an avatar name: ${name}`);
    return join(dir, name);
  };
  return {
    async save(name, data) {
      await mkdir(dir, { recursive: true });
      const temporary = join(dir, `.${name}.${randomBytes(4).toString("hex")}.tmp`);
      await writeFile(temporary, data);
      await rename(temporary, pathOf(name));
    },
    async open(name) {
      if (!AVATAR_NAME.test(name)) return undefined;
      try {
        const { size, isFile } = await stat(pathOf(name)).then((s) => ({ size: s.size, isFile: s.isFile() }));
        return isFile ? { stream: createReadStream(pathOf(name)), size } : undefined;
      } catch {
        return undefined;
      }
    },
    async remove(name) {
      await rm(pathOf(name), { force: true });
    },
  };
}
