import type { E2eeConversation, Message } from "@hestia/contracts";
import { sendIdempotent } from "../idempotency";
import { requireMember, syncRoster } from "./committer";
import { encodePayload, type Payload } from "./content";
import { type DeviceContext, isEpochConflict, MAX_COMMIT_ATTEMPTS } from "./context";
import { ensureGroup } from "./group-sync";
import { applyCommits } from "./inbox";
import { remember, rememberEdit } from "./known";
import * as mls from "./mls";

/** The body of an encrypted message as the REST endpoints take it. */
export type EncryptedSend = { encrypted: true; ciphertext: string; idempotencyKey?: string; attachments?: number[] };

/** Posts an encrypted message to its conversation (a direct message or a group's). */
export type Post = (input: EncryptedSend & { idempotencyKey: string }) => Promise<Message>;

/**
 * Encrypts a payload for the conversation's group and posts it (under the conversation's lock); when the
 * epoch moved on meanwhile, catches up and encrypts again. Resolves with the stored message, remembered on
 * this device (an edit is noted on the message it edits).
 */
export function send(ctx: DeviceContext, conversation: E2eeConversation, payload: Payload, post: Post): Promise<Message> {
  return ctx.withLock(conversation.conversationId, async () => {
    const record = await ensureGroup(ctx, conversation);
    const plaintext = encodePayload(payload);
    // The ids travel in the clear too, so that the conversation's members may download the (opaque) files.
    const files = payload.type === "text" ? payload.files : undefined;
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
        if (payload.type === "text")
          remember(record, message.id, { userId: message.userId, seq: message.seq, createdAt: message.createdAt });
        if (payload.type === "edit") rememberEdit(record, payload.target, message.id, message.createdAt);
        await ctx.conversations.keep(record);
        return message;
      } catch (error) {
        if (!isEpochConflict(error) || attempt >= MAX_COMMIT_ATTEMPTS) throw error;
      }
      await applyCommits(ctx, record);
      requireMember(await syncRoster(ctx, record), conversation.conversationId);
    }
  });
}
