import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";

/**
 * Where attachment bytes live. Keys are chosen by the server (`newBlobKey`), never by clients. Every
 * backend streams: a `put` never holds a whole file in memory, and a failed `put` leaves nothing behind.
 */
export interface BlobStore {
  readonly driver: "local" | "s3";
  /** Streams `body` into the store under `key`; resolves with the bytes written once the blob is complete. */
  put(key: string, body: Readable, options?: { contentType?: string }): Promise<{ size: number }>;
  /**
   * The blob's bytes as a stream and its size, or undefined when there is no such blob. With `range`
   * (inclusive byte offsets, already checked against the blob's size), only those bytes are streamed;
   * `size` is still the whole blob's.
   */
  get(key: string, range?: ByteRange): Promise<{ stream: Readable; size: number } | undefined>;
  /** Deletes a blob; a missing blob is not an error. */
  delete(key: string): Promise<void>;
  /** Every blob with its last modification time (for the orphan sweep). */
  list(): AsyncIterable<{ key: string; modifiedAt: Date }>;
  /**
   * A short-lived URL that fetches the blob straight from the backend, with these response headers,
   * when the backend has such URLs (S3); undefined otherwise.
   */
  signedUrl?(key: string, options: { expiresInSeconds: number; contentType: string; contentDisposition: string }): Promise<string>;
  close(): Promise<void>;
}

/** Bytes `start` to `end` of a blob, both included (as in HTTP's `Range: bytes=start-end`). */
export interface ByteRange {
  start: number;
  end: number;
}

/** Blob keys: 32 random hex characters, and ".thumb" for a thumbnail. */
export const BLOB_KEY = /^[0-9a-f]{32}(\.thumb)?$/;

export function newBlobKey(): string {
  return randomBytes(16).toString("hex");
}

export function thumbnailKeyOf(key: string): string {
  return `${key}.thumb`;
}

export function assertBlobKey(key: string): void {
  if (!BLOB_KEY.test(key)) throw new Error(`not a blob key: ${key}`);
}
