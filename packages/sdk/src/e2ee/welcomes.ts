import { contract, type Welcome } from "@hestia/contracts";
import { type DeviceContext, e2eeError, follow, tolerate } from "./context";
import { isHeld } from "./conversations";
import type { ConversationRecord } from "./device-store";
import { topUpKeyPackages } from "./key-packages";
import { createKeyedLock } from "./lock";
import * as mls from "./mls";
import { accepted, type Outcome } from "./outcome";
import { catchUp } from "./receiving";
import { joinedAsAnnounced, joinsFurther, keyPackageFor } from "./welcome-rules";

const { e2ee } = contract;

/** How long a device not yet in a conversation's group waits for a member's device to add it. */
const JOIN_WAIT_MS = 5_000;

/**
 * Joining every conversation a waiting welcome is for, then reading it; one run at a time (a run asked for
 * meanwhile follows the current one, so a welcome that arrived during it is not missed).
 */
export function welcomeRunner(ctx: DeviceContext): () => Promise<void> {
  const runs = createKeyedLock<"welcomes">();
  return () => runs("welcomes", () => joinAllWaiting(ctx));
}

async function joinAllWaiting(ctx: DeviceContext): Promise<void> {
  const welcomes = await ctx.session.call(e2ee.welcomes, { deviceId: ctx.device.deviceId });
  if (welcomes.length === 0) return;
  for (const welcome of welcomes) {
    await ctx.withLock(welcome.conversationId, () => join(ctx, welcome));
    await catchUp(ctx, welcome.conversationId, false).catch((error: unknown) => ctx.report(error));
  }
  // Joining used up one-time key packages.
  await topUpKeyPackages(ctx);
}

/** Joins from the welcomes waiting for this conversation, if any (under the conversation's lock); its record after. */
export async function joinWaiting(ctx: DeviceContext, conversationId: number): Promise<ConversationRecord | undefined> {
  const welcomes = await ctx.session.call(e2ee.welcomes, { deviceId: ctx.device.deviceId });
  for (const welcome of welcomes.filter((candidate) => candidate.conversationId === conversationId)) await join(ctx, welcome);
  return ctx.conversations.record(conversationId);
}

/**
 * Waits a few seconds for a member's device to add this one (they hear of new devices at once), then
 * joins from the welcome. Called under the conversation's lock.
 */
export async function awaitWelcome(ctx: DeviceContext, conversationId: number): Promise<ConversationRecord | undefined> {
  const deadline = Date.now() + JOIN_WAIT_MS;
  while (Date.now() < deadline) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(1_000, deadline - Date.now()));
      const unsubscribe = ctx.session.realtime.on("e2eeWelcome", (event) => {
        if (event.conversationId === conversationId) done();
      });
      function done() {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
    const record = await joinWaiting(ctx, conversationId);
    if (ctx.conversations.isMember(record)) return record;
  }
  return ctx.conversations.record(conversationId);
}

/**
 * Joins a conversation's group from a welcome (under the conversation's lock), then drops the welcome. One
 * that can never be used is reported and dropped too, so it is not retried for ever; when saving fails,
 * that throws and the welcome is kept for the next try.
 */
async function join(ctx: DeviceContext, welcome: Welcome): Promise<void> {
  const record = await ctx.conversations.record(welcome.conversationId);
  const group = isHeld(record) ? ctx.conversations.group(record) : undefined;
  if (joinsFurther(welcome, group && { active: mls.isActive(group), epoch: mls.groupEpoch(group) })) {
    const joined = await joinFrom(ctx, welcome);
    if (!joined.ok) {
      const message = `A welcome to conversation ${welcome.conversationId} could not be used: ${joined.reason}`;
      ctx.report(e2eeError("DECRYPTION_FAILED", message, { conversationId: welcome.conversationId }));
    }
  }
  // Not found: already dropped by a concurrent run.
  await tolerate(["NOT_FOUND"], () => ctx.session.call(e2ee.deleteWelcome, { id: welcome.id }));
}

/** Joins the group a welcome is for and saves it; refused when the welcome can never be used. */
function joinFrom(ctx: DeviceContext, welcome: Welcome): Promise<Outcome<ConversationRecord>> {
  return ctx.store.withKeyPackages(async (keyPackages) => {
    const own = keyPackageFor(mls.welcomeRefs(welcome.welcome), keyPackages);
    if (!own.ok) return own;
    const joined = await mls.joinFromWelcome(welcome.welcome, own.value);
    if (!joined.ok) return joined;
    const group = joined.value;
    const announced = joinedAsAnnounced({ groupId: mls.groupIdOf(group), epoch: mls.groupEpoch(group) }, welcome);
    if (!announced.ok) return announced;
    const record: ConversationRecord = {
      conversationId: welcome.conversationId,
      kind: welcome.kind,
      groupId: welcome.groupId,
      peerUserId: welcome.peerUserId,
      cursor: welcome.afterMessageId,
      joinedEpoch: welcome.epoch,
    };
    await ctx.conversations.keep(record, group);
    // A one-time key's private half is deleted once used (forward secrecy); the last-resort one is kept.
    if (!own.value.lastResort) delete keyPackages[own.value.ref];
    if (record.kind === "GROUP") void follow(ctx, record.conversationId);
    return accepted(record);
  });
}
