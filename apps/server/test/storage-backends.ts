import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

/** A storage backend for a test server: the env that selects it, and how to stop what it started. */
export interface StorageBackend {
  name: "local" | "s3";
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The local directory (the default), or an S3-compatible server (s3rver, a fake S3 that keeps objects
 * in a temporary directory) started on a free port, with its own bucket.
 */
export async function startStorageBackend(name: "local" | "s3"): Promise<StorageBackend> {
  if (name === "local") return { name, env: {}, close: async () => undefined };
  const directory = mkdtempSync(join(tmpdir(), "hestia-s3-"));
  const bucket = "hestia-test";
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  const address = (await server.run()) as { port: number };
  return {
    name,
    env: {
      STORAGE_DRIVER: "s3",
      S3_ENDPOINT: `http://127.0.0.1:${address.port}`,
      S3_BUCKET: bucket,
      S3_REGION: "us-east-1",
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
      S3_FORCE_PATH_STYLE: "true",
    },
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
