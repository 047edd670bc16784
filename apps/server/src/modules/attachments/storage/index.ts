import { join } from "node:path";
import type { AttachmentsConfig } from "../attachments.config";
import type { BlobStore } from "./blob-store";
import { createLocalBlobStore } from "./local-store";
import { createS3BlobStore } from "./s3-store";

export type { BlobStore } from "./blob-store";

/** The blob store the configuration names: a local directory (the default) or an S3-compatible bucket. */
export function createBlobStore(config: AttachmentsConfig, uploadDir: string): BlobStore {
  if (config.storage.driver === "s3") return createS3BlobStore(config.storage.s3);
  return createLocalBlobStore(config.storage.dir ?? join(uploadDir, "attachments"));
}
