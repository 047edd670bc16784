import { fileTypeFromBuffer } from "file-type";

/** Bytes of a file's start that type sniffing reads. */
export const SNIFF_BYTES = 4100;

/**
 * Types a browser shows without running anything: raster images, video and audio. Only these are ever
 * served inline; everything else (HTML, SVG, XML, JS, PDF, unknown) is a download.
 */
const INLINE_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "image/bmp",
  "video/mp4",
  "video/webm",
  "video/quicktime",
  "audio/mpeg",
  "audio/ogg",
  "audio/opus",
  "audio/wav",
  "audio/x-wav",
  "audio/aac",
  "audio/mp4",
  "audio/x-m4a",
  "audio/webm",
  "audio/flac",
  "audio/x-flac",
]);

/** Raster images sharp reads for dimensions and a thumbnail. */
export const THUMBNAIL_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/tiff"]);

/** Types a browser could run or render as a document: never sent with their own type, even as a download. */
const ACTIVE_TYPE = /html|xml|svg|javascript|ecmascript|xhtml/i;

/** What the bytes are, whatever the client said: sniffed type, or text/plain for UTF-8 text, else application/octet-stream. */
export async function sniffType(head: Buffer): Promise<string> {
  const sniffed = await fileTypeFromBuffer(head);
  if (sniffed) return sniffed.mime;
  return looksLikeText(head) ? "text/plain" : "application/octet-stream";
}

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0 || head.includes(0)) return false;
  // A multi-byte character cut at the end of the head is fine; anything else invalid is not text.
  const text = new TextDecoder("utf-8", { fatal: false }).decode(head);
  const invalid = text.slice(0, -1).includes("\uFFFD");
  return !invalid;
}

export function inlineable(mimeType: string): boolean {
  return INLINE_TYPES.has(mimeType);
}

/** The Content-Type a file is served with: its own, except types a browser could run (then an opaque download). */
export function servedType(mimeType: string): string {
  if (ACTIVE_TYPE.test(mimeType)) return "application/octet-stream";
  return mimeType === "text/plain" ? "text/plain; charset=utf-8" : mimeType;
}

/**
 * Finds markup a browser would run if it ever took the file for a document (a polyglot: an image that
 * is also HTML or SVG). Fed the file chunk by chunk; a tag split across two chunks is still found.
 */
export function createMarkupScanner(): { feed(chunk: Buffer): void; readonly found: boolean } {
  const MARKUP = /<(?:script|html|svg|iframe|object|embed|body|head|meta|!doctype|\?xml|a\s|img\s|style|link|base|form)|javascript:/i;
  let tail = "";
  let found = false;
  return {
    feed(chunk) {
      if (found) return;
      const text = tail + chunk.toString("latin1");
      if (MARKUP.test(text)) found = true;
      // A string of its own: a slice of `text` would keep all of it alive until the next chunk.
      tail = chunk.length >= 16 ? chunk.toString("latin1", chunk.length - 16) : text.slice(-16);
    },
    get found() {
      return found;
    },
  };
}
