import type { ConversationSummary, GroupRole, Profile } from "@hestia/contracts";
import { isoTimestamp } from "@hestia/db";
import type { Deps } from "../../deps";
import type { InboxDetails, InboxRow } from "../messages/store/inbox";
import { otherParticipant } from "../messages/store/message-row";
import { peerProfiles } from "./peers";

/** Whether a mute is on at `now`: without an end, or with an end still ahead. */
export function isMuted(muted: boolean, mutedUntil: string | null, now: number): boolean {
  return muted || (mutedUntil !== null && Date.parse(mutedUntil) > now);
}

/** One inbox row and what was read about it, as the API's summary. */
export function toSummary(
  row: InboxRow,
  details: InboxDetails | undefined,
  extra: { memberCount?: number; peer?: Profile },
  now: number,
): ConversationSummary {
  const unread = Math.max(0, row.lastSeq - row.readSeq - (details?.gaps ?? 0));
  const mutedUntil = row.mutedUntil === null || row.mutedUntil === undefined ? null : isoTimestamp(row.mutedUntil);
  const muted = isMuted(Boolean(row.muted), mutedUntil, now);
  const summary: ConversationSummary = {
    id: row.id,
    kind: row.kind === "GROUP" ? "GROUP" : "DIRECT",
    encrypted: Boolean(row.encrypted),
    lastMessage: details?.lastMessage ?? null,
    lastActivityAt: isoTimestamp(row.activityAt),
    unreadCount: unread,
    mentionCount: Math.min(details?.mentions ?? 0, unread),
    readSeq: row.readSeq,
    deliveredSeq: row.deliveredSeq,
    lastSeq: row.lastSeq,
    muted,
    mutedUntil: muted && !row.muted ? mutedUntil : null,
    // Until edits, deletions and reactions exist, only new messages change a conversation.
    changeSeq: row.lastSeq,
  };
  if (row.kind === "GROUP") {
    summary.group = { id: row.id, name: row.name ?? "", memberCount: extra.memberCount ?? 0, role: row.role as GroupRole };
  } else if (extra.peer) {
    summary.peer = extra.peer;
  }
  return summary;
}

/** Summaries of some of a user's conversations, in the order of `rows`, in a fixed number of queries. */
export async function summarize(deps: Deps, userId: number, baseUrl: string, rows: InboxRow[]): Promise<ConversationSummary[]> {
  const groups = rows.filter((row) => row.kind === "GROUP").map((row) => row.id);
  const peerOf = (row: InboxRow) => (row.kind !== "GROUP" && row.directKey ? otherParticipant(row.directKey, userId) : undefined);
  const peerIds = rows.flatMap((row) => peerOf(row) ?? []);
  const [details, memberCounts, peers] = await Promise.all([
    deps.inbox.details(userId, rows),
    deps.inbox.memberCounts(groups),
    peerProfiles(deps.lean, peerIds, baseUrl),
  ]);
  const now = Date.now();
  return rows.map((row) => {
    const peerId = peerOf(row);
    return toSummary(
      row,
      details.get(row.id),
      { memberCount: memberCounts.get(row.id), peer: peerId === undefined ? undefined : peers.get(peerId) },
      now,
    );
  });
}
