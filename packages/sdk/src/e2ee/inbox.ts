import { type Commit, contract } from "@hestia/contracts";
import { type DeviceContext, PAGE } from "./context";
import type { HeldConversation } from "./conversations";
import type { ConversationRecord } from "./device-store";
import * as mls from "./mls";

const { e2ee } = contract;

/** How to take one commit the server lists, for a group at `epoch`. */
export type CommitStep =
  /** Not the group's next commit (already applied, or one the listing repeats), or at or past `upTo`. */
  | { kind: "skip" }
  /** This device's own pending commit was accepted: its group after the commit is already known. */
  | { kind: "adopt"; state: string }
  /** Another device's commit (or another commit of this device's): applied to the group. */
  | { kind: "apply" };

/** What to do with `commit` when the group is at `epoch`, only epochs below `upTo` wanted. */
export function commitStep(
  commit: Pick<Commit, "epoch" | "deviceId" | "commit">,
  at: { epoch: number; upTo: number; selfDeviceId: number; pending: ConversationRecord["pending"] },
): CommitStep {
  if (commit.epoch !== at.epoch || commit.epoch >= at.upTo) return { kind: "skip" };
  const { pending } = at;
  const own = commit.deviceId === at.selfDeviceId && pending?.epoch === commit.epoch && pending.commit === commit.commit;
  return own ? { kind: "adopt", state: pending.state } : { kind: "apply" };
}

/**
 * Applies the accepted commits after the group's epoch, in epoch order (up to `upTo`, or all), each saved
 * as it is applied; stops once this device is removed. Returns the group.
 */
export async function applyCommits(ctx: DeviceContext, record: HeldConversation, upTo = Number.MAX_SAFE_INTEGER): Promise<mls.MlsGroup> {
  let group = ctx.conversations.group(record);
  while (mls.groupEpoch(group) < upTo && mls.isActive(group)) {
    const commits = await ctx.session.call(e2ee.commits, {
      conversationId: record.conversationId,
      fromEpoch: mls.groupEpoch(group),
      limit: PAGE,
    });
    if (commits.length === 0) break;
    for (const commit of commits) {
      const at = { epoch: mls.groupEpoch(group), upTo, selfDeviceId: ctx.device.deviceId, pending: record.pending };
      const step = commitStep(commit, at);
      if (step.kind === "skip") continue;
      group = step.kind === "adopt" ? mls.decodeGroup(step.state) : await mls.applyCommit(group, commit.commit);
      record.pending = undefined;
      await ctx.conversations.keep(record, group);
      if (!mls.isActive(group)) return group;
    }
    if (commits.length < PAGE) break;
  }
  return group;
}
