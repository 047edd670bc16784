import { AttachmentSchema } from "@hestia/contracts";
import type { OpenAPIObject } from "trpc-to-openapi";

type PathItem = NonNullable<OpenAPIObject["paths"]>[string];

import { createSchema } from "zod-openapi";

/** Adds the routes served outside the generated REST API (they stream): the upload, the file and its thumbnail. */
export function documentAttachmentRoutes(document: OpenAPIObject, errorRef: { $ref: string }): void {
  const { schema, components } = createSchema(AttachmentSchema, { io: "output" });
  document.components ??= {};
  document.components.schemas ??= {};
  for (const [name, component] of Object.entries(components)) document.components.schemas[name] ??= component;
  const error = (description: string) => ({ description, content: { "application/json": { schema: errorRef } } });
  const id = { name: "id", in: "path" as const, required: true, schema: { type: "string" as const, pattern: "^[1-9][0-9]{0,14}$" } };
  const signed = ["uid", "exp", "sig"].map((name) => ({
    name,
    in: "query" as const,
    required: false,
    schema: { type: "string" as const },
    description: "Part of a signed link (GET /attachments/{id}/signed-url); then no token is needed",
  }));
  const binary = { "*/*": { schema: { type: "string", format: "binary" } } };
  document.paths ??= {};
  document.paths["/attachments"] = {
    post: {
      summary: "Upload a file (pending until a message sends it; expires after 24 h otherwise)",
      description:
        "multipart/form-data with the file in the field `file` and optionally `encrypted=true` (opaque bytes: no sniffing, no " +
        "thumbnail). The type is sniffed from the bytes; images get their dimensions and a thumbnail. Limits: ATTACHMENT_MAX_BYTES " +
        "a file (25 MiB by default) and ATTACHMENT_QUOTA_BYTES per user (1 GiB); past either, 413 and nothing is kept.",
      tags: ["attachments"],
      security: [{ bearerAuth: [] }],
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: {
              type: "object",
              required: ["file"],
              properties: {
                file: { type: "string", format: "binary" },
                encrypted: { type: "string", enum: ["true", "false"] },
              },
            },
          },
        },
      },
      responses: {
        "201": { description: "The pending upload", content: { "application/json": { schema } } },
        "400": error("BAD_REQUEST (no file, malformed body)"),
        "401": error("UNAUTHORIZED | TOKEN_EXPIRED"),
        "413": error("PAYLOAD_TOO_LARGE (the file or your quota; `details.limit` says which)"),
        "415": error("UNSUPPORTED_MEDIA_TYPE (not multipart/form-data)"),
      },
    },
  };
  const rangeHeaders = [
    {
      name: "Range",
      in: "header" as const,
      required: false,
      schema: { type: "string" as const },
      description: "One byte range: `bytes=start-end`, `bytes=start-` or `bytes=-suffix`",
    },
    {
      name: "If-Range",
      in: "header" as const,
      required: false,
      schema: { type: "string" as const },
      description: "The file's ETag: the range only if the file is still that one",
    },
  ];
  const ranged = {
    "206": { description: "One byte range of the file (`Content-Range: bytes start-end/size`)", content: binary },
    "416": error("RANGE_NOT_SATISFIABLE (the range starts past the end; `Content-Range: bytes */size`)"),
  };
  const download = (summary: string, description: string, ranges: boolean): PathItem => ({
    get: {
      summary,
      description,
      tags: ["attachments"],
      security: [{ bearerAuth: [] }, {}],
      parameters: ranges ? [id, ...signed, ...rangeHeaders] : [id, ...signed],
      responses: {
        "200": { description: "The bytes", content: binary },
        ...(ranges ? ranged : {}),
        "400": error("VALIDATION_ERROR"),
        "401": error("UNAUTHORIZED | TOKEN_EXPIRED"),
        "404": error("NOT_FOUND (also for a file you may not see, and for a bad or expired link)"),
      },
    },
  });
  document.paths["/attachments/{id}"] = download(
    "An attachment's bytes (its uploader, and members of the conversation it was sent to)",
    "Served with `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy; inline only for raster images, " +
      "video and audio sniffed from the bytes, as a download (`Content-Disposition: attachment`) for anything else. " +
      "Takes one byte range (`Accept-Ranges: bytes`): 206 with those bytes, 416 for a range past the end.",
    true,
  );
  document.paths["/attachments/{id}/thumbnail"] = download(
    "An image attachment's thumbnail (WebP, at most 320×320, without metadata)",
    "404 for attachments without a thumbnail (not an image, or encrypted).",
    false,
  );
}
