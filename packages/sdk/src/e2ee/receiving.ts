import { contract, type Message, parseDeviceIdentity } from "@hestia/contracts";
import { applyPayload } from "./applying";
import { decodePayload } from "./content";
import { type DeviceContext, e2eeError, PAGE, tolerate } from "./context";
import { type HeldConversation, isHeld } from "./conversations";
import { readDeletions } from "./deletions";
import type { ConversationRecord } from "./device-store";
import { applyCommits } from "./inbox";
import * as mls from "./mls";

const { messages, groups } = contract;

/**
 * Reads a held conversation's new messages (and, if asked, newer commits, and the deletions made while
 * this device was away) under its lock. A conversation that is gone, or that this device's user was
 * removed from, has nothing more to read.
 */
export function catchUp(ctx: DeviceContext, conversationId: number, commitsToo: boolean, deletionsToo = false): Promise<void> {
  return ctx.withLock(conversationId, async () => {
    const record = await ctx.conversations.record(conversationId);
    if (!isHeld(record)) return;
    await tolerate(["NOT_FOUND", "FORBIDDEN"], async () => {
      if (deletionsToo) await readDeletions(ctx, record);
      await readNew(ctx, record);
      if (commitsToo) await applyCommits(ctx, record);
    });
  });
}

/** Reads the messages after the conversation's cursor and decrypts the encrypted ones, in order (under its lock). */
export async function readNew(ctx: DeviceContext, record: HeldConversation): Promise<void> {
  for (;;) {
    const page = await pageAfterCursor(ctx, record);
    for (const message of page) {
      // Deletions are checked from the first message read on: nothing this device remembers is older.
      record.changeSeq ??= message.changeSeq;
      if (message.encrypted && message.ciphertext) await receive(ctx, record, message, message.ciphertext);
      record.cursor = message.id;
    }
    if (page.length > 0) await ctx.conversations.keep(record);
    if (page.length < PAGE) return;
  }
}

type History = (query: { after?: number; before?: number; limit: number }) => Promise<Message[]>;

function historyOf(ctx: DeviceContext, record: ConversationRecord): History {
  if (record.kind === "GROUP") return (query) => ctx.session.call(groups.messages, { id: record.conversationId, ...query });
  const { peerUserId } = record;
  if (peerUserId === undefined) {
    throw e2eeError("E2EE_NOT_READY", "The stored direct conversation names no peer", { conversationId: record.conversationId });
  }
  return (query) => ctx.session.call(messages.directHistory, { userId: peerUserId, ...query });
}

/**
 * The messages after the cursor, oldest first. Without a cursor, or when the cursor's message is gone
 * (deleted with its sender's account), they are found by id (ids only grow), reading back from the newest.
 */
async function pageAfterCursor(ctx: DeviceContext, record: ConversationRecord): Promise<Message[]> {
  const history = historyOf(ctx, record);
  if (record.cursor > 0) {
    // The server refuses a cursor whose message is gone.
    const after = await tolerate(["BAD_REQUEST"], () => history({ after: record.cursor, limit: PAGE }));
    if (after) return after;
  }
  const newer: Message[] = [];
  for (let before: number | undefined; ; ) {
    const page = await history({ before, limit: PAGE });
    newer.unshift(...page.filter((message) => message.id > record.cursor));
    const oldest = page[0];
    if (page.length < PAGE || !oldest || oldest.id <= record.cursor) return newer;
    before = oldest.id;
  }
}

/**
 * Decrypts one message and applies its payload (a message, an edit, a reaction), its group state saved
 * first; reports one that cannot be read, or whose payload this SDK cannot use.
 */
async function receive(ctx: DeviceContext, record: HeldConversation, message: Message, ciphertext: string): Promise<void> {
  const fail = (reason: string) =>
    ctx.report(
      e2eeError("DECRYPTION_FAILED", `Message ${message.id} could not be decrypted: ${reason}`, {
        messageId: message.id,
        conversationId: message.conversationId,
      }),
    );
  const header = mls.peek(ciphertext);
  if (!header) return fail("not an MLS message");
  if (header.epoch < record.joinedEpoch) return; // Sent before this device joined.
  let group = ctx.conversations.group(record);
  if (header.epoch > mls.groupEpoch(group)) group = await applyCommits(ctx, record, header.epoch);
  if (!mls.isActive(group)) return;
  if ((await mls.senderLeaf(group, ciphertext)) === mls.ownLeafIndex(group)) return; // This device's own message.
  const decrypted = await mls.decrypt(group, ciphertext);
  if (!decrypted.ok) return fail(decrypted.reason);
  const sender = parseDeviceIdentity(decrypted.value.sender.identity);
  if (!sender || sender.userId !== message.userId) return fail("the sender's credential does not match the message's sender");
  const decoded = decodePayload(decrypted.value.plaintext);
  record.cursor = message.id;
  if (!decoded.ok) {
    // Decrypted all the same: the group moved past it, and it must not be read again.
    await ctx.conversations.keep(record, decrypted.value.group);
    return fail(decoded.reason);
  }
  const applied = applyPayload(record, message, decoded.payload, sender.deviceId, ctx.device.userId);
  applied.record(record);
  await ctx.conversations.keep(record, decrypted.value.group);
  applied.announce(ctx);
}
