import type { Message } from "@hestia/contracts";
import { decryptedMessage, type Payload } from "./content";
import type { DeviceContext } from "./context";
import type { ConversationRecord } from "./device-store";
import { knownMessage, remember, rememberEdit } from "./known";

/** What a decrypted payload does: the change to the conversation's record, and the event it makes (if any). */
export interface Applied {
  /** Changes the record (saved with the group before `announce`). */
  record(record: ConversationRecord): void;
  /** Tells the app. */
  announce(ctx: DeviceContext): void;
}

const nothing: Applied = { record: () => {}, announce: () => {} };

/**
 * The effect of one decrypted payload, sent as `message` by the device `deviceId` (of `message.userId`, as
 * its verified credential says). An edit counts only from the author of the message it edits, as this
 * device remembers it (an edit of a message it does not remember, or of a deleted one, is ignored);
 * a reaction from any member.
 */
export function applyPayload(record: ConversationRecord, message: Message, payload: Payload, deviceId: number, selfId: number): Applied {
  switch (payload.type) {
    case "text":
      return {
        record: (r) => remember(r, message.id, { userId: message.userId, seq: message.seq, createdAt: message.createdAt }),
        announce: (ctx) => ctx.emit("message", decryptedMessage(record, message, payload, deviceId, selfId)),
      };
    case "edit": {
      const target = knownMessage(record, payload.target);
      if (!target || target.deleted || target.userId !== message.userId) return nothing;
      const edited = { ...message, id: payload.target, seq: target.seq, createdAt: target.createdAt };
      return {
        record: (r) => rememberEdit(r, payload.target, message.id, message.createdAt),
        announce: (ctx) =>
          ctx.emit("messageUpdated", {
            message: { ...decryptedMessage(record, edited, payload, deviceId, selfId), editedAt: message.createdAt },
          }),
      };
    }
    case "reaction":
      if (knownMessage(record, payload.target)?.deleted) return nothing;
      return {
        record: () => {},
        announce: (ctx) =>
          ctx.emit("reaction", {
            conversationId: message.conversationId,
            messageId: payload.target,
            emoji: payload.emoji,
            userId: message.userId,
            added: payload.op === "add",
            deviceId,
          }),
      };
  }
}
