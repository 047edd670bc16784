import type { ConversationSummary, GroupRole, Message } from "@hestia/contracts";
import { isoTimestamp } from "@hestia/db";
import type { Deps } from "../../deps";
import type { InboxRow } from "../messages/store/inbox";
import { type ConversationRef, toMessage } from "../messages/store/message-row";
import { rawToProfile } from "../users/lean-profile";

/** Whether a mute is on at `now`: without an end, or with an end still ahead. */
export function isMuted(muted: boolean, mutedUntil: string | null, now: number): boolean {
  return muted || (mutedUntil !== null && Date.parse(mutedUntil) > now);
}

const refOf = (row: InboxRow): ConversationRef => ({ id: row.id, kind: row.kind, directKey: row.directKey });

/** The newest message as the summary query read it, if it is still stored. */
function lastMessageOf(row: InboxRow): Message | null {
  if (row.messageId === null || row.messageSeq === null || row.senderId === null) return null;
  const message = toMessage(
    {
      id: row.messageId,
      conversationId: row.id,
      seq: row.messageSeq,
      senderId: row.senderId,
      content: row.content,
      ciphertext: row.ciphertext,
      encrypted: row.messageEncrypted ?? false,
      createdAt: row.messageCreatedAt,
      deletedAt: row.messageDeletedAt,
      username: row.senderUsername ?? "",
    },
    refOf(row),
  );
  if (row.messageMentions)
    message.mentions = row.messageMentions
      .split(",")
      .map(Number)
      .sort((a, b) => a - b);
  return message;
}

/** One row of the summary query as the API's summary; `lastMessage` when the one at `lastSeq` is gone. */
export function toSummary(row: InboxRow, baseUrl: string, now: number, lastMessage = lastMessageOf(row)): ConversationSummary {
  const unread = Math.max(0, row.lastSeq - row.readSeq - Number(row.gaps));
  const mutedUntil = row.mutedUntil === null || row.mutedUntil === undefined ? null : isoTimestamp(row.mutedUntil);
  const muted = isMuted(Boolean(row.muted), mutedUntil, now);
  const summary: ConversationSummary = {
    id: row.id,
    kind: row.kind === "GROUP" ? "GROUP" : "DIRECT",
    encrypted: Boolean(row.encrypted),
    lastMessage,
    lastActivityAt: isoTimestamp(row.activityAt),
    unreadCount: unread,
    mentionCount: Math.min(Number(row.mentions), unread),
    readSeq: row.readSeq,
    deliveredSeq: row.deliveredSeq,
    lastSeq: row.lastSeq,
    muted,
    mutedUntil: muted && !row.muted ? mutedUntil : null,
    changeSeq: row.changeSeq,
  };
  if (row.kind === "GROUP") {
    summary.group = { id: row.id, name: row.name ?? "", memberCount: Number(row.memberCount ?? 0), role: row.role as GroupRole };
  } else if (row.peerId !== null) {
    summary.peer = rawToProfile(
      {
        id: row.peerId,
        username: row.peerUsername ?? "",
        bio: row.peerBio ?? "",
        status: row.peerStatus ?? "offline",
        profilePictureUrl: row.peerPictureUrl,
        avatarKey: row.peerAvatarKey,
        createdAt: row.peerCreatedAt,
      },
      baseUrl,
    );
  }
  return summary;
}

/** Summaries of rows of the summary query, in their order. */
export async function summarize(deps: Deps, baseUrl: string, rows: InboxRow[]): Promise<ConversationSummary[]> {
  // The message at lastSeq is gone only when it was erased with its sender's account: then the newest one left is shown.
  const missing = rows.filter((row) => row.messageId === null && row.lastSeq > 0).map(refOf);
  const replacements = missing.length ? await deps.inbox.newestStored(missing) : new Map<number, Message>();
  const now = Date.now();
  return rows.map((row) => toSummary(row, baseUrl, now, replacements.get(row.id) ?? lastMessageOf(row)));
}
