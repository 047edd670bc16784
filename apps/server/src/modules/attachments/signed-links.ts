import type { SignedAttachmentUrl } from "@hestia/contracts";
import type { Actor, Deps } from "../../deps";
import { attachmentPath } from "./attachment-row";
import { visibleAttachment } from "./attachments.service";

/** A signed link to a file (and its thumbnail) for the actor, who must be able to see it now. */
export async function signedAttachmentUrl(deps: Deps, actor: Actor, id: number): Promise<SignedAttachmentUrl> {
  const row = await visibleAttachment(deps, actor.id, id);
  const expiresAt = new Date(Date.now() + deps.config.attachments.signedUrlTtlSeconds * 1000);
  const link = (variant: "file" | "thumbnail") =>
    `${attachmentPath(deps.config.publicUrl, id, variant)}?${deps.attachmentLinks.sign(id, variant, actor.id, expiresAt)}`;
  return {
    url: link("file"),
    ...(row.thumbnailKey ? { thumbnailUrl: link("thumbnail") } : {}),
    expiresAt: expiresAt.toISOString(),
  };
}
