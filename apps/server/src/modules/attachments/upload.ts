import type { IncomingMessage } from "node:http";
import { Readable, Transform } from "node:stream";
import type { Attachment } from "@hestia/contracts";
import busboy from "busboy";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import { ATTACHMENT_COLUMNS, type AttachmentRow, cleanFileName, toAttachment } from "./attachment-row";
import { deleteBlobs, storageUsed } from "./attachments.service";
import { createMarkupScanner, inlineable, SNIFF_BYTES, sniffType, THUMBNAIL_TYPES } from "./sniff";
import { newBlobKey, thumbnailKeyOf } from "./storage/blob-store";
import { readImage } from "./thumbnail";

/** Room for the multipart framing around the file (boundaries, part headers, a few small fields). */
const MULTIPART_OVERHEAD = 16 * 1024;

const MiB = 1024 * 1024;
const size = (bytes: number) =>
  bytes >= MiB
    ? `${Math.round((bytes / MiB) * 10) / 10} MiB`
    : bytes >= 1024
      ? `${Math.round((bytes / 1024) * 10) / 10} KiB`
      : `${bytes} bytes`;

export const fileTooLarge = (maxBytes: number) =>
  new AppError("PAYLOAD_TOO_LARGE", `The file is too large: at most ${size(maxBytes)}`, { details: { limit: "file", maxBytes } });

const overQuota = (quotaBytes: number, usedBytes: number) =>
  new AppError(
    "PAYLOAD_TOO_LARGE",
    `Your storage quota is used up: your files take ${size(usedBytes)} of ${size(quotaBytes)}; delete some before uploading more`,
    { details: { limit: "quota", quotaBytes, usedBytes } },
  );

const badForm = (why: string) => new AppError("BAD_REQUEST", `${why}: send multipart/form-data with the file in the field "file"`);

interface Received {
  name: string;
  size: number;
  /** The type sniffed from the file's first bytes. */
  sniffed: Promise<string>;
  /** Whether markup was found; only looked for while the type could be served inline. */
  markup: boolean;
  fields: Record<string, string>;
}

/**
 * `POST /attachments`: streams the multipart body's `file` into the blob store (never held in memory),
 * sniffs its type from its first bytes, reads image dimensions and makes a thumbnail, and records it as
 * a pending upload. Over the file limit or the owner's quota: 413, and nothing is left in storage.
 */
export async function receiveUpload(deps: Deps, actor: Actor, req: IncomingMessage, query: Record<string, unknown>): Promise<Attachment> {
  const { maxBytes, quotaBytes } = deps.config.attachments;
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (declared > maxBytes + MULTIPART_OVERHEAD) throw fileTooLarge(maxBytes);
  const used = await storageUsed(deps, actor.id);
  if (used >= quotaBytes || used + Math.max(0, declared - MULTIPART_OVERHEAD) > quotaBytes) throw overQuota(quotaBytes, used);

  const key = newBlobKey();
  const received = await receiveFile(deps, req, key, maxBytes);
  const written = [key];
  try {
    const usedNow = await storageUsed(deps, actor.id);
    if (usedNow + received.size > quotaBytes) throw overQuota(quotaBytes, usedNow);
    const encrypted = received.fields.encrypted === "true" || query.encrypted === "true";
    const mimeType = encrypted ? "application/octet-stream" : await received.sniffed;
    let image: Awaited<ReturnType<typeof readImage>>;
    if (THUMBNAIL_TYPES.has(mimeType)) {
      const blob = await deps.blobs.get(key);
      image = blob && (await readImage(blob.stream));
    }
    let thumbnailKey: string | null = null;
    if (image?.thumbnail) {
      thumbnailKey = thumbnailKeyOf(key);
      written.push(thumbnailKey);
      await deps.blobs.put(thumbnailKey, Readable.from([image.thumbnail]), { contentType: "image/webp" });
    }
    // One lean statement (as the message store writes): the ORM's per-query compilation was the largest
    // share of an upload's CPU time.
    const row = await deps.lean.get<AttachmentRow>(
      `INSERT INTO \`Attachment\` (\`ownerId\`, \`state\`, \`storageKey\`, \`thumbnailKey\`, \`name\`, \`mimeType\`, \`size\`, \`width\`, \`height\`, \`encrypted\`, \`inline\`, \`createdAt\`)
       VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${ATTACHMENT_COLUMNS}`,
      [
        actor.id,
        key,
        thumbnailKey,
        cleanFileName(received.name),
        mimeType,
        received.size,
        image?.width ?? null,
        image?.height ?? null,
        encrypted,
        // A polyglot (an image that is also markup) is only ever a download.
        !encrypted && inlineable(mimeType) && !received.markup,
        new Date(),
      ],
    );
    if (!row) throw new Error("the attachment insert returned no row");
    return toAttachment(row, deps.config.publicUrl);
  } catch (error) {
    await deleteBlobs(deps, written);
    throw error;
  }
}

/** Parses the multipart body, streaming its one file into storage under `key`; a failure leaves nothing stored. */
function receiveFile(deps: Deps, req: IncomingMessage, key: string, maxBytes: number): Promise<Received> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 8, fieldSize: 1024, parts: 10 } });
    } catch {
      reject(badForm("Not a multipart body"));
      return;
    }
    const fields: Record<string, string> = {};
    let failure: Error | undefined;
    let stored: Promise<Received> | undefined;
    let tap: Transform | undefined;
    let file: Readable | undefined;
    let settled = false;
    const fail = (error: Error) => {
      failure ??= error;
      tap?.destroy(failure);
      // The rest of the body is read and dropped, so the answer comes once the client has sent it all.
      file?.unpipe();
      file?.resume();
    };
    const finish = async () => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      try {
        if (failure) {
          if (
            await stored?.then(
              () => true,
              () => false,
            )
          )
            await deps.blobs.delete(key);
          throw failure;
        }
        if (!stored) throw badForm("No file");
        resolve(await stored);
      } catch (error) {
        reject(error);
      }
    };
    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    parser.on("file", (name, stream, info) => {
      if (name !== "file" || stored) {
        stream.resume();
        fail(badForm(`Unexpected file field "${name}"`));
        return;
      }
      file = stream;
      const headChunks: Buffer[] = [];
      let headLength = 0;
      let sniffed: Promise<string> | undefined;
      const sniff = () => {
        sniffed ??= sniffType(Buffer.concat(headChunks).subarray(0, SNIFF_BYTES));
        return sniffed;
      };
      // The markup scan matters only for types served inline: once the head says the file is not one of
      // them (most files), the rest of it passes through unscanned.
      let scanning = true;
      const scanner = createMarkupScanner();
      tap = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          if (headLength < SNIFF_BYTES) {
            // A copy of the bytes sniffed, not the chunk: a chunk is a view of a 64 KiB socket read.
            const part = Buffer.from(chunk.subarray(0, SNIFF_BYTES - headLength));
            headChunks.push(part);
            headLength += part.length;
            if (headLength >= SNIFF_BYTES)
              void sniff().then(
                (type) => {
                  if (!inlineable(type)) scanning = false;
                },
                () => undefined,
              );
          }
          if (scanning) scanner.feed(chunk);
          callback(null, chunk);
        },
      });
      stream.on("limit", () => fail(fileTooLarge(maxBytes)));
      stream.on("error", (error: Error) => fail(error));
      stream.pipe(tap);
      const put = deps.blobs.put(key, tap).then(({ size }) => ({
        name: info.filename ?? "file",
        size,
        sniffed: sniff(),
        markup: scanner.found,
        fields,
      }));
      put.catch(() => undefined);
      stored = put;
    });
    parser.on("filesLimit", () => fail(badForm("Only one file per upload")));
    parser.on("error", (error: Error) => {
      fail(badForm(`Malformed multipart body (${error.message})`));
      void finish();
    });
    parser.on("close", () => void finish());
    req.on("close", () => {
      if (!req.complete) {
        fail(new AppError("BAD_REQUEST", "The upload was interrupted"));
        void finish();
      }
    });
    req.pipe(parser);
  });
}
