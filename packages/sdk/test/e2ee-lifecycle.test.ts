// Replies, mentions, edits, reactions and deletion in end-to-end encrypted conversations: typed payloads
// inside the MLS ciphertext, applied by the receiving devices; the server stores none of it.
import { dumpDatabase, findSecret } from "@hestia/server/testing";
import { describe, expect, it, vi } from "vitest";
import * as mls from "../src/e2ee/mls";
import { type Device, e2eeSuite, marker, texts } from "./e2ee";
import { makeFriends } from "./setup";

const suite = e2eeSuite();
const { enabledUser } = suite;
const wait = { timeout: 10_000 };

const forged = new Map<Device, mls.MlsGroup>();

/**
 * Encrypts any plaintext with a device's group (as saved when first called) and posts it, as modified code
 * could; the device itself must not send there again.
 */
async function postRaw(device: Device, groupId: number, body: unknown): Promise<number> {
  let group = forged.get(device);
  if (!group) {
    const saved = JSON.parse((await device.storage.get(`hestia-e2ee.${device.id}.conversation.${groupId}`))!) as { state: string };
    group = mls.decodeGroup(saved.state);
  }
  const plaintext = new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body));
  const made = await mls.encrypt(group, plaintext);
  forged.set(device, made.group);
  return (await device.client.groups.sendMessage(groupId, { encrypted: true, ciphertext: made.ciphertext })).id;
}

/** The conversation's rows as the database holds them. */
const rows = (conversationId: number) => suite.server.app.deps.db.message.findMany({ where: { conversationId }, orderBy: { id: "asc" } });

/**
 * The database holds the conversations' messages as ciphertext only, with no reply links, mentions, edits
 * or reactions, and none of `secrets` anywhere (as text, hex or base64).
 */
async function expectNoPlaintext(conversationIds: number[], secrets: Record<string, string>, emoji: string[]): Promise<void> {
  const { db } = suite.server.app.deps;
  for (const conversationId of conversationIds) {
    const stored = await rows(conversationId);
    expect(stored.length).toBeGreaterThan(0);
    for (const row of stored) {
      expect(row).toMatchObject({ encrypted: true, content: null, replyToId: null, editedAt: null, deletedAt: null });
      expect(row.ciphertext).toMatch(/^[A-Za-z0-9+/]+=*$/);
    }
    const ids = stored.map((row) => row.id);
    expect(await db.mention.count({ where: { conversationId } })).toBe(0);
    expect(await db.reaction.count({ where: { messageId: { in: ids } } })).toBe(0);
    expect(await db.messageEdit.count({ where: { messageId: { in: ids } } })).toBe(0);
  }
  const dump = await dumpDatabase(suite.server);
  for (const [name, word] of Object.entries(secrets)) expect({ name, found: findSecret(dump, word) }).toEqual({ name, found: [] });
  for (const word of emoji) expect({ word, found: dump.includes(word) }).toEqual({ word, found: false });
}

describe("message lifecycle in encrypted conversations", () => {
  it("carries replies, mentions, edits and reactions between two users' devices; the database holds none of it", async () => {
    const [alice, bob] = await Promise.all([enabledUser("alice"), enabledUser("bob")]);
    await makeFriends(alice, bob);
    const words = { original: marker(), reply: marker(), edit: marker() };
    const emoji = "🦩";

    const original = await alice.client.e2ee.sendDM(bob.id, `the plan ${words.original}`);
    await vi.waitFor(() => expect(texts(bob)).toEqual([`the plan ${words.original}`]), wait);

    const reply = await bob.client.e2ee.sendDM(alice.id, `agreed ${words.reply}`, { replyToId: original.id, mentions: [alice.id] });
    expect(reply).toMatchObject({ replyToId: original.id, mentions: [alice.id], mentionsMe: false });
    await vi.waitFor(() => expect(alice.received).toHaveLength(1), wait);
    expect(alice.received[0]).toMatchObject({
      id: reply.id,
      text: `agreed ${words.reply}`,
      replyToId: original.id,
      mentions: [alice.id],
      mentionsMe: true,
      sender: { userId: bob.id },
    });

    const edited = await alice.client.e2ee.edit(original.id, `the better plan ${words.edit}`);
    expect(edited).toMatchObject({
      id: original.id,
      seq: original.seq,
      text: `the better plan ${words.edit}`,
      editedAt: expect.any(String),
    });
    await vi.waitFor(() => expect(bob.updates).toHaveLength(1), wait);
    expect(bob.updates[0]).toMatchObject({
      id: original.id,
      seq: original.seq,
      conversationId: original.conversationId,
      peerUserId: alice.id,
      text: `the better plan ${words.edit}`,
      createdAt: original.createdAt,
      editedAt: edited.editedAt,
      sender: { userId: alice.id, deviceId: alice.client.e2ee.deviceId },
    });

    await bob.client.e2ee.react(original.id, emoji);
    await bob.client.e2ee.unreact(original.id, emoji);
    await bob.client.e2ee.react(original.id, "👍🏽");
    await vi.waitFor(() => expect(alice.reactions).toHaveLength(3), wait);
    expect(alice.reactions).toEqual([
      {
        conversationId: original.conversationId,
        messageId: original.id,
        emoji,
        userId: bob.id,
        added: true,
        deviceId: bob.client.e2ee.deviceId,
      },
      {
        conversationId: original.conversationId,
        messageId: original.id,
        emoji,
        userId: bob.id,
        added: false,
        deviceId: bob.client.e2ee.deviceId,
      },
      {
        conversationId: original.conversationId,
        messageId: original.id,
        emoji: "👍🏽",
        userId: bob.id,
        added: true,
        deviceId: bob.client.e2ee.deviceId,
      },
    ]);
    // Refused before anything is sent: not one emoji, someone else's message, a message this device never saw.
    await expect(bob.client.e2ee.react(original.id, "nope")).rejects.toMatchObject({ status: 400, code: "VALIDATION_ERROR" });
    await expect(bob.client.e2ee.edit(original.id, "mine now")).rejects.toMatchObject({ status: 403, code: "FORBIDDEN" });
    await expect(alice.client.e2ee.edit(999_999, "x")).rejects.toMatchObject({ status: 404, code: "NOT_FOUND" });
    // The server's own lifecycle endpoints refuse encrypted messages.
    await expect(alice.client.messages.edit(original.id, "in the clear")).rejects.toMatchObject({ status: 403 });
    await expect(bob.client.messages.react(original.id, "👍")).rejects.toMatchObject({ status: 400 });

    await expectNoPlaintext([original.conversationId], words, [emoji, "👍🏽"]);
    // The scan itself finds a reaction as the server stores it for a plaintext message.
    const plain = await alice.client.dms.send(bob.id, { content: "plain" });
    await bob.client.messages.react(plain.id, emoji);
    expect((await dumpDatabase(suite.server)).includes(emoji)).toBe(true);
    expect([alice, bob].flatMap((device) => device.errors)).toEqual([]);
  }, 90_000);

  it("carries them in a group of three users; the database holds none of it", async () => {
    const [alice, bob, carol] = await Promise.all([enabledUser("alice"), enabledUser("bob"), enabledUser("carol")]);
    await Promise.all([makeFriends(alice, bob), makeFriends(alice, carol)]);
    const words = { group: marker(), groupReply: marker(), groupEdit: marker() };
    const emoji = "🦜";
    const group = await alice.client.e2ee.createGroup({ name: "Plans", members: [bob.id, carol.id] });
    const announcement = await alice.client.e2ee.sendGroupMessage(group.id, `group news ${words.group}`, { mentions: [bob.id, carol.id] });
    await vi.waitFor(() => expect(texts(carol)).toEqual([`group news ${words.group}`]), wait);
    expect(carol.received[0]).toMatchObject({ groupId: group.id, mentions: [bob.id, carol.id], mentionsMe: true });
    // The server cannot count the mention: Carol's SDK does.
    await vi.waitFor(() => expect(carol.client.conversations.unread.mentions).toBe(1), wait);
    await carol.client.e2ee.sendGroupMessage(group.id, `group reply ${words.groupReply}`, { replyToId: announcement.id });
    await carol.client.conversations.markRead(group.id, announcement.seq);
    expect(carol.client.conversations.unread.mentions).toBe(0);
    await bob.client.e2ee.react(announcement.id, emoji);
    await alice.client.e2ee.edit(announcement.id, `group news, corrected ${words.groupEdit}`);
    await vi.waitFor(
      () => expect(alice.reactions).toEqual([expect.objectContaining({ messageId: announcement.id, emoji, userId: bob.id })]),
      wait,
    );
    await vi.waitFor(() => expect(carol.reactions).toHaveLength(1), wait);
    await vi.waitFor(
      () => expect(carol.updates.map((message) => message.text)).toEqual([`group news, corrected ${words.groupEdit}`]),
      wait,
    );
    await vi.waitFor(() => expect(bob.updates).toHaveLength(1), wait);
    expect(bob.updates[0]).toMatchObject({ id: announcement.id, seq: announcement.seq, groupId: group.id, sender: { userId: alice.id } });
    expect(bob.updates[0]).not.toHaveProperty("mentions");
    await vi.waitFor(() => expect(texts(alice)).toEqual([`group reply ${words.groupReply}`]), wait);
    expect(alice.received[0]).toMatchObject({ replyToId: announcement.id, sender: { userId: carol.id } });
    expect(alice.received[0]).not.toHaveProperty("mentions");

    await expectNoPlaintext([group.id], words, [emoji]);
    expect([alice, bob, carol].flatMap((device) => device.errors)).toEqual([]);
  }, 90_000);

  it("ignores an edit by anyone but the author, and reports a payload it cannot read without stopping", async () => {
    const [alice, bob, carol] = await Promise.all([enabledUser("alice"), enabledUser("bob"), enabledUser("carol")]);
    await Promise.all([makeFriends(alice, bob), makeFriends(alice, carol)]);
    // Bob's second device plays modified code: it encrypts whatever it likes.
    const bobTablet = await suite.secondDevice(bob);
    const group = await alice.client.e2ee.createGroup({ name: "Trust", members: [bob.id, carol.id] });
    const original = await alice.client.e2ee.sendGroupMessage(group.id, "meet at noon");
    await vi.waitFor(() => expect(texts(carol)).toEqual(["meet at noon"]), wait);
    await vi.waitFor(() => expect(texts(bobTablet)).toEqual(["meet at noon"]), wait);

    await postRaw(bobTablet, group.id, { v: 1, type: "edit", target: original.id, text: "meet at midnight" });
    const future = await postRaw(bobTablet, group.id, { v: 2, type: "hologram", data: "?" });
    const garbage = await postRaw(bobTablet, group.id, "\u0000not json");
    const badReaction = await postRaw(bobTablet, group.id, { v: 1, type: "reaction", target: original.id, emoji: "<script>", op: "add" });
    // A later message from another member arrives after all of them: they were read and dealt with.
    await carol.client.e2ee.sendGroupMessage(group.id, "noon works");
    await vi.waitFor(() => expect(texts(alice)).toEqual(["noon works"]), wait);
    await vi.waitFor(() => expect(texts(bob)).toEqual(["meet at noon", "noon works"]), wait);
    for (const device of [alice, bob, carol]) {
      expect(device.updates).toEqual([]);
      expect(device.reactions).toEqual([]);
    }
    const reported = (device: Device) => device.errors.map((error) => [error.code, (error.details as { messageId: number }).messageId]);
    for (const device of [alice, bob]) {
      expect(reported(device)).toEqual([
        ["DECRYPTION_FAILED", future],
        ["DECRYPTION_FAILED", garbage],
        ["DECRYPTION_FAILED", badReaction],
      ]);
    }
    expect(alice.errors[0]!.message).toMatch(/unsupported payload version 2/);

    // The author's other device may edit, and everyone applies it.
    const aliceLaptop = await suite.secondDevice(alice);
    const laterOriginal = await alice.client.e2ee.sendGroupMessage(group.id, "bring snacks");
    await vi.waitFor(() => expect(texts(aliceLaptop)).toContain("bring snacks"), wait);
    await aliceLaptop.client.e2ee.edit(laterOriginal.id, "bring fruit");
    await vi.waitFor(
      () => expect(carol.updates.map((message) => [message.id, message.text])).toEqual([[laterOriginal.id, "bring fruit"]]),
      wait,
    );
    await vi.waitFor(() => expect(alice.updates.map((message) => message.text)).toEqual(["bring fruit"]), wait);
  }, 90_000);

  it("deletes an encrypted message for everyone: the server erases its ciphertext and the edits' too", async () => {
    const [alice, bob, carol] = await Promise.all([enabledUser("alice"), enabledUser("bob"), enabledUser("carol")]);
    await Promise.all([makeFriends(alice, bob), makeFriends(alice, carol)]);
    const group = await alice.client.e2ee.createGroup({ name: "Erasure", members: [bob.id, carol.id] });
    const doomed = await alice.client.e2ee.sendGroupMessage(group.id, "a regrettable thing");
    const kept = await alice.client.e2ee.sendGroupMessage(group.id, "a fine thing");
    await vi.waitFor(() => expect(texts(bob)).toEqual(["a regrettable thing", "a fine thing"]), wait);
    await alice.client.e2ee.edit(doomed.id, "a regrettable thing, worse");
    await bob.client.e2ee.react(doomed.id, "😬");
    await vi.waitFor(() => expect(carol.updates).toHaveLength(1), wait);
    await vi.waitFor(() => expect(carol.reactions).toHaveLength(1), wait);
    const editRow = (await rows(group.id)).find((row) => row.id > kept.id && row.senderId === alice.id)!;

    // Carol may not delete Alice's message (no admin of the group).
    await expect(carol.client.e2ee.delete(doomed.id)).rejects.toMatchObject({ status: 403 });
    await alice.client.e2ee.delete(doomed.id);
    await vi.waitFor(() => expect(bob.deletions.map((event) => event.messageId)).toContain(doomed.id), wait);
    await vi.waitFor(() => expect(carol.deletions.map((event) => event.messageId)).toContain(doomed.id), wait);
    expect(bob.deletions.find((event) => event.messageId === doomed.id)).toMatchObject({ conversationId: group.id, seq: doomed.seq });

    const stored = new Map((await rows(group.id)).map((row) => [row.id, row]));
    for (const id of [doomed.id, editRow.id]) {
      expect(stored.get(id)).toMatchObject({ ciphertext: null, content: null, deletedAt: expect.any(Date) });
    }
    expect(stored.get(kept.id)!.ciphertext).toEqual(expect.any(String));
    // History shows a tombstone; a plain client reads the same.
    const history = await bob.client.groups.messages(group.id);
    expect(history.find((message) => message.id === doomed.id)).toMatchObject({ deletedAt: expect.any(String), content: null });
    expect(history.find((message) => message.id === doomed.id)).not.toHaveProperty("ciphertext");

    // A deleted message is not edited or reacted to any more; the conversation goes on.
    await expect(alice.client.e2ee.edit(doomed.id, "again")).rejects.toMatchObject({ status: 409 });
    await expect(bob.client.e2ee.react(doomed.id, "👍")).rejects.toMatchObject({ status: 409 });
    await bob.client.e2ee.sendGroupMessage(group.id, "moving on");
    await vi.waitFor(() => expect(texts(carol)).toContain("moving on"), wait);
    // Only messages the device knows are announced: not the edit's tombstone.
    expect(bob.deletions.map((event) => event.messageId)).toEqual([doomed.id]);

    // A deletion made while a device is away is announced when it catches up (from the changes feed).
    carol.client.realtime.disconnect();
    await alice.client.e2ee.delete(kept.id);
    expect(carol.deletions.map((event) => event.messageId)).toEqual([doomed.id]);
    await carol.client.e2ee.sync();
    expect(carol.deletions.map((event) => event.messageId)).toEqual([doomed.id, kept.id]);
    expect(carol.deletions[1]).toMatchObject({ conversationId: group.id, seq: kept.seq, deletedAt: expect.any(String) });
    await carol.client.e2ee.sync();
    expect(carol.deletions).toHaveLength(2);
    expect([alice, bob, carol].flatMap((device) => device.errors)).toEqual([]);
  }, 90_000);
});
