import { pipeline } from "node:stream/promises";
import express, { type Request, type RequestHandler, type Response, type Router } from "express";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { contextFromRequest } from "../../http/context";
import type { AttachmentRow } from "./attachment-row";
import { visibleAttachment } from "./attachments.service";
import { entityTag, requestedRange } from "./ranges";
import { servedType } from "./sniff";
import type { ByteRange } from "./storage/blob-store";
import { receiveUpload } from "./upload";

const ID = /^[1-9]\d{0,14}$/;

/** Response headers of every file: never sniffed, never run (a sandbox with nothing allowed), private. */
function safeHeaders(res: Response, size: number, contentType: string, disposition: string): void {
  res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", String(size));
  res.setHeader("Content-Disposition", disposition);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader(
    "Content-Security-Policy",
    "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox",
  );
  res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
  // Files never change under an id, but who may read them does: private caches only, and briefly.
  res.setHeader("Cache-Control", "private, max-age=300");
}

/** `inline` or `attachment`, with the name in both the plain and the RFC 5987 form. */
export function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** How a file is served: inline only when its bytes were sniffed as a raster image, video or audio without markup. */
export function servingOf(row: AttachmentRow): { contentType: string; disposition: string } {
  const inline = Boolean(row.inline) && !row.encrypted;
  return {
    contentType: inline ? row.mimeType : servedType(row.mimeType),
    disposition: contentDisposition(inline ? "inline" : "attachment", row.name),
  };
}

/**
 * `POST /attachments` (multipart upload), `GET /attachments/:id` (the file) and
 * `GET /attachments/:id/thumbnail`. Downloads take the bearer token or a signed link's query; anyone
 * who may not see the file gets the same 404 as for a file that does not exist.
 */
export function attachmentRoutes(deps: Deps): Router {
  const signer = deps.attachmentLinks;
  const router = express.Router();

  router.post("/attachments", async (req, res) => {
    // The token is checked before any of the body is read.
    const actor = await deps.tokens.requireActor(contextFromRequest(deps, req).token);
    if (!req.is("multipart/form-data")) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", 'Send multipart/form-data with the file in the field "file"');
    }
    try {
      res.status(201).json(await receiveUpload(deps, actor, req, req.query as Record<string, unknown>));
    } catch (error) {
      // Refused before the body was read (too large, over quota): do not wait for the rest of it.
      if (!req.complete) res.setHeader("Connection", "close");
      throw error;
    }
  });

  const serve =
    (variant: "file" | "thumbnail"): RequestHandler =>
    async (req: Request, res) => {
      const id = String(req.params.id);
      if (!ID.test(id)) throw new AppError("VALIDATION_ERROR", "Invalid input: id: must be a positive integer id");
      const query = req.query as Record<string, unknown>;
      let userId: number;
      if (query.sig !== undefined) {
        const signedFor = signer.verify(Number(id), variant, query);
        if (signedFor === undefined) throw new AppError("NOT_FOUND", "Attachment not found");
        userId = signedFor;
      } else {
        userId = (await deps.tokens.requireActor(contextFromRequest(deps, req).token)).id;
      }
      const row = await visibleAttachment(deps, userId, Number(id));
      const key = variant === "thumbnail" ? row.thumbnailKey : row.storageKey;
      if (!key) throw new AppError("NOT_FOUND", "This attachment has no thumbnail");
      // Files are served whole or in one byte range (resumed downloads, media seeking); the size the
      // range is checked against is the recorded one, so S3 is asked only for the bytes sent.
      const etag = entityTag(key);
      let range: ByteRange | undefined;
      if (variant === "file") {
        try {
          range = requestedRange(req, row.size, etag);
        } catch (error) {
          res.setHeader("Content-Range", `bytes */${row.size}`);
          throw error;
        }
      }
      const blob = await deps.blobs.get(key, range);
      if (!blob) throw new AppError("NOT_FOUND", variant === "thumbnail" ? "This attachment has no thumbnail" : "Attachment not found");
      const length = range ? range.end - range.start + 1 : blob.size;
      if (variant === "thumbnail") safeHeaders(res, length, "image/webp", contentDisposition("inline", `${row.name}.webp`));
      else {
        const { contentType, disposition } = servingOf(row);
        safeHeaders(res, length, contentType, disposition);
        res.setHeader("Accept-Ranges", "bytes");
      }
      res.setHeader("ETag", etag);
      if (range) res.status(206).setHeader("Content-Range", `bytes ${range.start}-${range.end}/${blob.size}`);
      if (req.method === "HEAD") {
        blob.stream.destroy();
        res.end();
        return;
      }
      await pipeline(blob.stream, res);
    };
  router.get("/attachments/:id", serve("file"));
  router.get("/attachments/:id/thumbnail", serve("thumbnail"));
  return router;
}
