import { createHash } from "node:crypto";
import type { Request } from "express";
import { AppError } from "../../errors";
import type { ByteRange } from "./storage/blob-store";

/** A strong validator of a file: its bytes never change under a storage key (the key itself stays private). */
export function entityTag(storageKey: string): string {
  return `"${createHash("sha256").update(storageKey).digest("base64url").slice(0, 27)}"`;
}

/**
 * The part of a file a GET asks for (RFC 9110 §14): one byte range, or undefined for the whole file.
 * Ranges a server may ignore are ignored (a malformed header, a unit other than bytes, several ranges,
 * an `If-Range` that names another version); a range that starts past the end is a 416.
 */
export function requestedRange(req: Request, size: number, etag: string): ByteRange | undefined {
  if (req.method !== "GET" || req.headers.range === undefined) return undefined;
  const ifRange = req.headers["if-range"];
  if (ifRange !== undefined && ifRange !== etag) return undefined;
  const ranges = req.range(size, { combine: true });
  if (ranges === -1) {
    throw new AppError("RANGE_NOT_SATISFIABLE", `The range is outside the file (${size} bytes)`, { details: { size } });
  }
  if (ranges === undefined || ranges === -2 || ranges.type !== "bytes" || ranges.length !== 1) return undefined;
  const [only] = ranges;
  return only && { start: only.start, end: only.end };
}
