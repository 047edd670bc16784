import type { Attachment } from "@hestia/contracts";

/** An attachment row as the queries of this module read it. */
export interface AttachmentRow {
  id: number;
  ownerId: number;
  state: string;
  messageId: number | null;
  conversationId: number | null;
  storageKey: string;
  thumbnailKey: string | null;
  name: string;
  mimeType: string;
  size: number;
  width: number | null;
  height: number | null;
  encrypted: number | boolean;
  inline: number | boolean;
}

export const ATTACHMENT_COLUMNS =
  "`id`, `ownerId`, `state`, `messageId`, `conversationId`, `storageKey`, `thumbnailKey`, `name`, `mimeType`, `size`, `width`, `height`, `encrypted`, `inline`";

/** Where a file is downloaded: a path on this server, absolute when PUBLIC_URL is set (the same for every reader). */
export function attachmentPath(publicUrl: string | undefined, id: number, variant: "file" | "thumbnail" = "file"): string {
  return `${publicUrl ?? ""}/attachments/${id}${variant === "thumbnail" ? "/thumbnail" : ""}`;
}

/** A row as the API's `Attachment`. */
export function toAttachment(row: AttachmentRow, publicUrl: string | undefined): Attachment {
  const attachment: Attachment = {
    id: row.id,
    name: row.name,
    mimeType: row.mimeType,
    size: row.size,
    encrypted: Boolean(row.encrypted),
    url: attachmentPath(publicUrl, row.id),
  };
  if (row.width !== null && row.height !== null) {
    attachment.width = row.width;
    attachment.height = row.height;
  }
  if (row.thumbnailKey) attachment.thumbnailUrl = attachmentPath(publicUrl, row.id, "thumbnail");
  return attachment;
}

/** A file name fit to show and to put in a Content-Disposition: no path, no control characters, at most 255 characters. */
export function cleanFileName(name: string | undefined): string {
  const base = (name ?? "").split(/[\\/]/).pop() ?? "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const cleaned = base.replace(/[\u0000-\u001f\u007f-\u009f"]/g, "").trim();
  return [...(cleaned || "file")].slice(0, 200).join("");
}
