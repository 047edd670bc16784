import { contract, type E2eeConversation } from "@hestia/contracts";
import { HestiaError } from "../errors";
import { type DeviceContext, e2eeError, isEpochConflict, MAX_COMMIT_ATTEMPTS } from "./context";
import type { HeldConversation } from "./conversations";
import type { ConversationRecord } from "./device-store";
import { applyCommits } from "./inbox";
import { type Changes, isUnchanged, type MemberChanges, membershipChanges } from "./membership";
import * as mls from "./mls";
import { readNew } from "./receiving";

const { e2ee } = contract;

/** How committing went: nothing to change, the commit accepted, or this device found itself removed from the group. */
export type CommitOutcome = "unchanged" | "committed" | "removed";

/**
 * Makes a commit from the changes `decide` works out against the server's current view and publishes it;
 * when another device's commit won the epoch, applies that one and decides again (under the conversation's lock).
 */
export async function commitChanges(
  ctx: DeviceContext,
  record: HeldConversation,
  decide: (info: E2eeConversation, group: mls.MlsGroup) => Promise<Changes>,
): Promise<CommitOutcome> {
  for (let attempt = 1; ; attempt++) {
    const info = await ctx.session.call(e2ee.conversation, { conversationId: record.conversationId });
    let group = ctx.conversations.group(record);
    if (mls.groupEpoch(group) < info.epoch) {
      // Messages still unread are read first: their epochs' keys are only kept for a few epochs.
      await readNew(ctx, record);
      group = await applyCommits(ctx, record);
    }
    if (!mls.isActive(group)) return "removed";
    const changes = await decide(info, group);
    if (isUnchanged(changes)) return "unchanged";
    if (await publish(ctx, record, group, changes)) return "committed";
    if (attempt >= MAX_COMMIT_ATTEMPTS) throw new HestiaError(409, "CONFLICT", "The group kept changing; try again");
    await applyCommits(ctx, record);
  }
}

/** Brings the group's devices in line with its members' devices (and changes `users`' membership, if given). */
export function syncRoster(ctx: DeviceContext, record: HeldConversation, users: MemberChanges = {}): Promise<CommitOutcome> {
  return commitChanges(ctx, record, (info, group) => membershipChanges(ctx, info, group, users));
}

/** Fails when committing found this device removed from the group: what the caller asked for cannot be done. */
export function requireMember(outcome: CommitOutcome, conversationId: number): void {
  if (outcome === "removed") throw e2eeError("E2EE_NOT_READY", "This device was removed from the conversation's group", { conversationId });
}

/**
 * Publishes a commit made from `group`; false when another commit was accepted for that epoch. If the
 * answer is lost, the commit may have been accepted: it stays pending, and is recognised among the
 * conversation's commits later.
 */
export async function publish(ctx: DeviceContext, record: ConversationRecord, group: mls.MlsGroup, changes: Changes): Promise<boolean> {
  const epoch = mls.groupEpoch(group);
  const made = await mls.commit(group, { add: changes.add.map((entry) => entry.keyPackage), remove: changes.remove });
  // Kept before sending: if the answer is lost, the accepted commit is recognised as this one later.
  record.pending = { epoch, commit: made.commit, state: mls.encodeGroup(made.group) };
  await ctx.conversations.keep(record, group);
  let accepted: { afterMessageId: number };
  try {
    accepted = await ctx.session.call(e2ee.commit, {
      conversationId: record.conversationId,
      deviceId: ctx.device.deviceId,
      epoch,
      commit: made.commit,
      welcome:
        made.welcome && changes.add.length > 0 ? { data: made.welcome, deviceIds: changes.add.map((entry) => entry.deviceId) } : undefined,
      members: changes.members,
    });
  } catch (error) {
    // No answer: `pending` stays.
    if (error instanceof HestiaError && error.retryable) throw error;
    record.pending = undefined;
    await ctx.conversations.keep(record, group);
    if (!isEpochConflict(error)) throw error;
    return false;
  }
  record.pending = undefined;
  if (record.cursor === 0) record.cursor = accepted.afterMessageId;
  await ctx.conversations.keep(record, made.group);
  return true;
}
