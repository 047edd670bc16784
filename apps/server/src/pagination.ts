import { AppError } from "./errors";

/**
 * Opaque cursors of paged lists: the sort key of the last item of a page, as base64url JSON. Clients pass
 * them back as they are; anything else is a 400.
 */
export function encodeCursor(position: Record<string, string>): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

export function decodeCursor<K extends string>(cursor: string, keys: readonly K[]): Record<K, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const valid =
    typeof parsed === "object" &&
    parsed !== null &&
    keys.every((key) => typeof (parsed as Record<string, unknown>)[key] === "string" && (parsed as Record<string, string>)[key] !== "");
  if (!valid) throw new AppError("BAD_REQUEST", "Invalid cursor: pass back the nextCursor of the previous page");
  return parsed as Record<K, string>;
}
