import type { E2eeConversation, Message } from "@hestia/contracts";
import type { EncryptedFileRef } from "../attachments/file-crypto";
import { sendIdempotent } from "../idempotency";
import { requireMember, syncRoster } from "./committer";
import { decryptedMessage, encodeText } from "./content";
import { type DeviceContext, isEpochConflict, MAX_COMMIT_ATTEMPTS } from "./context";
import { ensureGroup } from "./group-sync";
import { applyCommits } from "./inbox";
import * as mls from "./mls";
import type { DecryptedMessage } from "./types";

/** The body of an encrypted message as the REST endpoints take it. */
export type EncryptedSend = { encrypted: true; ciphertext: string; idempotencyKey?: string; attachments?: number[] };

/** Posts an encrypted message to its conversation (a direct message or a group's). */
export type Post = (input: EncryptedSend & { idempotencyKey: string }) => Promise<Message>;

/**
 * Encrypts `text` for the conversation's group and posts it (under the conversation's lock); when the
 * epoch moved on meanwhile, catches up and encrypts again. Returns the message as the recipients read it.
 */
export function send(
  ctx: DeviceContext,
  conversation: E2eeConversation,
  text: string,
  post: Post,
  files?: EncryptedFileRef[],
): Promise<DecryptedMessage> {
  return ctx.withLock(conversation.conversationId, async () => {
    const record = await ensureGroup(ctx, conversation);
    const plaintext = encodeText(text, files);
    // The ids travel in the clear too, so that the conversation's members may download the (opaque) files.
    const attachments = files?.length ? { attachments: files.map((file) => file.id) } : {};
    for (let attempt = 1; ; attempt++) {
      const { ciphertext, group } = await mls.encrypt(ctx.conversations.group(record), plaintext);
      // Saved before sending: the group's ratchet moved on whether or not the message arrives.
      await ctx.conversations.keep(record, group);
      try {
        const message = await sendIdempotent<EncryptedSend, Message>(
          { encrypted: true, ciphertext, ...attachments },
          post,
          ctx.session.retry,
        );
        return decryptedMessage(record, message, text, ctx.device.deviceId, files);
      } catch (error) {
        if (!isEpochConflict(error) || attempt >= MAX_COMMIT_ATTEMPTS) throw error;
      }
      await applyCommits(ctx, record);
      requireMember(await syncRoster(ctx, record), conversation.conversationId);
    }
  });
}
