import { z } from "zod";
import { IdSchema, TimestampSchema } from "./common";
import { endpoint } from "./endpoint";

/** Most attachments one message may carry. */
export const MESSAGE_MAX_ATTACHMENTS = 10;

/**
 * An uploaded file as messages and uploads describe it. `mimeType` is sniffed from the bytes (never the
 * client's claim; `application/octet-stream` for encrypted or unrecognised bytes). `url` and
 * `thumbnailUrl` need the bearer token (or use a signed URL from `GET /attachments/{id}/signed-url`);
 * they are paths on this server, absolute when the server has a PUBLIC_URL.
 */
export const AttachmentSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    mimeType: z.string(),
    size: z.number().int(),
    width: z.number().int().optional(),
    height: z.number().int().optional(),
    encrypted: z.boolean(),
    url: z.string(),
    thumbnailUrl: z.string().optional(),
  })
  .meta({ id: "Attachment" });
export type Attachment = z.infer<typeof AttachmentSchema>;

/** The ids of a send's attachments: the sender's own pending uploads, each once, at most 10. */
export const AttachmentIdsSchema = z
  .array(IdSchema)
  .max(MESSAGE_MAX_ATTACHMENTS, `at most ${MESSAGE_MAX_ATTACHMENTS} attachments`)
  .refine((ids) => new Set(ids).size === ids.length, "each attachment at most once");

/** A signed download link: works without a token until `expiresAt`, for the user it was made for only while they may see the file. */
export const SignedAttachmentUrlSchema = z
  .object({ url: z.string(), thumbnailUrl: z.string().optional(), expiresAt: TimestampSchema })
  .meta({ id: "SignedAttachmentUrl" });
export type SignedAttachmentUrl = z.infer<typeof SignedAttachmentUrlSchema>;

export const attachmentsContract = {
  get: endpoint({
    method: "GET",
    path: "/attachments/{id}/info",
    input: z.object({ id: IdSchema }),
    output: AttachmentSchema,
    auth: true,
    summary: "An attachment's description (its uploader, and members of the conversation it was sent to)",
    tags: ["attachments"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND"],
  }),
  signedUrl: endpoint({
    method: "GET",
    path: "/attachments/{id}/signed-url",
    input: z.object({ id: IdSchema }),
    output: SignedAttachmentUrlSchema,
    auth: true,
    summary: "A short-lived download link that needs no token (for <img src>, <video>, downloads)",
    description:
      "The link is bound to you: it stops working when it expires (at most an hour) or when you can no longer see the file " +
      "(you left the conversation, the message was deleted); then it answers 404, like any link to a file you may not see.",
    tags: ["attachments"],
    errors: ["VALIDATION_ERROR", "NOT_FOUND"],
  }),
};
