import { contract, deviceIdentity, type E2eeConversation, mlsGroupId } from "@hestia/contracts";
import { publish, requireMember, syncRoster } from "./committer";
import { type DeviceContext, e2eeError, tolerate } from "./context";
import type { HeldConversation } from "./conversations";
import type { ConversationRecord } from "./device-store";
import { applyCommits } from "./inbox";
import { type MemberChanges, membershipChanges } from "./membership";
import * as mls from "./mls";
import { readNew } from "./receiving";
import { concerns } from "./roster";
import { awaitWelcome, joinWaiting } from "./welcomes";

const { e2ee } = contract;

/** How long the devices of a group spread their reactions to a device change over. */
const DEVICE_SYNC_SPREAD_MS = 1_000;

/**
 * The conversation's group on this device, under the conversation's lock: created if the conversation has
 * none, joined if a welcome waits; brought up to date, its devices in line with its members'.
 */
export async function ensureGroup(ctx: DeviceContext, conversation: E2eeConversation): Promise<HeldConversation> {
  const { conversationId } = conversation;
  let record = await ctx.conversations.record(conversationId);
  if (!ctx.conversations.isMember(record)) record = await joinWaiting(ctx, conversationId);
  if (!record?.state && conversation.epoch === 0) record = await createFirst(ctx, conversation);
  if (!ctx.conversations.isMember(record)) record = await awaitWelcome(ctx, conversationId);
  if (!ctx.conversations.isMember(record)) {
    throw e2eeError(
      "E2EE_NOT_READY",
      "This device is not in the conversation's encrypted group yet: a member's device adds it when it next sends or changes the group",
      { conversationId },
    );
  }
  // Messages still unread are read first: their epochs' keys are only kept for a few epochs.
  await readNew(ctx, record);
  await applyCommits(ctx, record);
  requireMember(await syncRoster(ctx, record), conversationId);
  return record;
}

/** The conversation's group, ensured under its lock. */
export function groupOf(ctx: DeviceContext, conversation: E2eeConversation): Promise<mls.MlsGroup> {
  return ctx.withLock(conversation.conversationId, async () => ctx.conversations.group(await ensureGroup(ctx, conversation)));
}

/** Ensures a group's MLS group and changes its members (admins only): their devices join or leave in the same commit. */
export async function changeMembers(ctx: DeviceContext, groupId: number, users: MemberChanges): Promise<void> {
  await ctx.withLock(groupId, async () => {
    const record = await ensureGroup(ctx, await ctx.session.call(e2ee.conversation, { conversationId: groupId }));
    if (users.add?.length || users.remove?.length) requireMember(await syncRoster(ctx, record, users), groupId);
  });
}

/** Creates the conversation's group (epoch 0) and publishes the first commit, adding every member's devices. */
async function createFirst(ctx: DeviceContext, conversation: E2eeConversation): Promise<ConversationRecord | undefined> {
  const { device } = ctx;
  const own = await mls.generateKeyPackage(deviceIdentity(device.userId, device.deviceId), device.keys);
  const group = await mls.createGroup(mlsGroupId(conversation.conversationId), own);
  const record: ConversationRecord = {
    conversationId: conversation.conversationId,
    kind: conversation.kind,
    groupId: conversation.groupId,
    peerUserId: conversation.peerUserId,
    cursor: 0,
    joinedEpoch: 0,
  };
  const accepted = await publish(ctx, record, group, await membershipChanges(ctx, conversation, group));
  if (!accepted) {
    // Another device created the group first: drop this one; the winner's welcome brings this device in, if it was ready.
    await ctx.conversations.drop(conversation.conversationId);
    return joinWaiting(ctx, conversation.conversationId);
  }
  record.joinedEpoch = 1;
  await ctx.conversations.keep(record);
  return record;
}

/**
 * A user's devices changed: brings this device's groups that include the user up to date. Every online
 * device of every member hears it, so each waits a random moment and the first commit usually leaves
 * the others nothing to do.
 */
export function onDevicesChanged(ctx: DeviceContext, userId: number): void {
  setTimeout(() => {
    syncGroupsOf(ctx, userId).catch((error: unknown) => ctx.report(error));
  }, Math.random() * DEVICE_SYNC_SPREAD_MS);
}

async function syncGroupsOf(ctx: DeviceContext, userId: number): Promise<void> {
  for (const conversationId of [...ctx.device.conversations]) {
    await ctx
      .withLock(conversationId, async () => {
        // Read under the lock: a catch-up may have moved the record on meanwhile.
        const record = await ctx.conversations.record(conversationId);
        if (!ctx.conversations.isMember(record)) return;
        if (!concerns(record, mls.groupMembers(ctx.conversations.group(record)), userId, ctx.device.userId)) return;
        // Not a member any more, or not allowed to add these devices: another member's device will.
        await tolerate(["NOT_FOUND", "FORBIDDEN"], () => syncRoster(ctx, record));
      })
      .catch((error: unknown) => ctx.report(error));
  }
}

/** Brings every group this device holds in line with its members' devices (after one of them was removed). */
export async function syncAllRosters(ctx: DeviceContext): Promise<void> {
  for (const conversationId of [...ctx.device.conversations]) {
    await ctx
      .withLock(conversationId, async () => {
        if ((await ctx.conversations.record(conversationId))?.state) {
          await ensureGroup(ctx, await ctx.session.call(e2ee.conversation, { conversationId }));
        }
      })
      .catch((error: unknown) => ctx.report(error));
  }
}
