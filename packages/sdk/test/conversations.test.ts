import { startServer, type TestServer } from "@hestia/server/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createClient, memoryStorage, type ReceiptEvent } from "../src/index";
import { makeFriends, type SignedIn, signUp } from "./setup";

let server: TestServer;
const opened: SignedIn[] = [];
beforeAll(async () => {
  server = await startServer({ KEY_PACKAGE_CLAIMS_PER_MINUTE: "10000" });
});
afterEach(() => {
  for (const user of opened.splice(0)) user.client.realtime.disconnect();
});
afterAll(() => server.close());

async function online(prefix: string, options: Parameters<typeof signUp>[2] = {}): Promise<SignedIn> {
  const user = await signUp(server, prefix, options);
  opened.push(user);
  await user.client.realtime.connect();
  return user;
}

/** Another device of a signed-in user, connected. */
async function otherDevice(of: SignedIn): Promise<SignedIn> {
  const device = { ...of, client: createClient({ baseUrl: server.url, token: of.client.token }) };
  opened.push(device);
  await device.client.realtime.connect();
  return device;
}

describe("client.conversations", () => {
  it("lists the inbox and keeps the unread total live: new messages, reads on another device", async () => {
    const [alice, bob] = await Promise.all([online("alice"), online("bob")]);
    await makeFriends(alice, bob);
    const first = await alice.client.dms.send(bob.id, { content: "one" });
    const page = await bob.client.conversations.watch();
    expect(page.items).toEqual([
      expect.objectContaining({
        id: first.conversationId,
        kind: "DIRECT",
        unreadCount: 1,
        peer: expect.objectContaining({ id: alice.id }),
      }),
    ]);
    expect(bob.client.conversations.unread.total).toBe(1);

    const totals: number[] = [];
    bob.client.conversations.unread.subscribe((snapshot) => totals.push(snapshot.unreadCount));
    await alice.client.realtime.sendDM({ toId: bob.id, content: "two", mentions: [bob.id] });
    await vi.waitFor(() => expect(bob.client.conversations.unread.total).toBe(2));
    expect(bob.client.conversations.unread.mentions).toBe(1);

    // Read on another device: this one hears of it (readState) and its badge clears.
    const phone = await otherDevice(bob);
    expect(await phone.client.conversations.markRead(first.conversationId, 2)).toEqual({ readSeq: 2, unreadCount: 0 });
    await vi.waitFor(() => expect(bob.client.conversations.unread.total).toBe(0));
    expect(bob.client.conversations.unread.of(first.conversationId)).toMatchObject({ readSeq: 2, unreadCount: 0, mentionCount: 0 });
    expect(totals.at(-1)).toBe(0);
    expect((await bob.client.conversations.refreshUnread()).unreadCount).toBe(0);
  });

  it("reports delivery by itself, and the sender sees receipts", async () => {
    const [alice, bob] = await Promise.all([online("alice"), online("bob")]);
    await makeFriends(alice, bob);
    const receipts: ReceiptEvent[] = [];
    alice.client.conversations.on("receipt", (receipt) => receipts.push(receipt));
    const sent = await alice.client.realtime.sendDM({ toId: bob.id, content: "did it arrive?" });
    await vi.waitFor(() =>
      expect(receipts).toContainEqual({ conversationId: sent.conversationId, userId: bob.id, readSeq: 0, deliveredSeq: 1 }),
    );
    await bob.client.conversations.markRead(sent.conversationId, sent.seq);
    await vi.waitFor(() =>
      expect(receipts.at(-1)).toEqual({ conversationId: sent.conversationId, userId: bob.id, readSeq: 1, deliveredSeq: 1 }),
    );
    expect(await alice.client.conversations.receipts(sent.conversationId)).toEqual([{ userId: bob.id, readSeq: 1, deliveredSeq: 1 }]);
  });

  it("typing: throttled for the caller, shown to the other side, over when the message arrives", async () => {
    const [alice, bob] = await Promise.all([online("alice"), online("bob")]);
    await makeFriends(alice, bob);
    const { conversationId } = await alice.client.dms.send(bob.id, { content: "hi" });
    const changes: number[][] = [];
    bob.client.conversations.on("typing", (event) => changes.push(event.userIds));
    for (let i = 0; i < 5; i++) alice.client.conversations.typing(conversationId);
    await vi.waitFor(() => expect(bob.client.conversations.typingIn(conversationId)).toEqual([alice.id]));
    await alice.client.realtime.sendDM({ toId: bob.id, content: "typed it" });
    await vi.waitFor(() => expect(bob.client.conversations.typingIn(conversationId)).toEqual([]));
    expect(changes).toEqual([[alice.id], []]);
  });

  it("mutes and unmutes, searches people, and keeps read receipts private on request", async () => {
    const [alice, bob] = await Promise.all([online("searchalice"), online("searchbob")]);
    await makeFriends(alice, bob);
    const { conversationId } = await alice.client.dms.send(bob.id, { content: "hi" });
    const until = new Date(Date.now() + 60_000);
    expect(await bob.client.conversations.mute(conversationId, until)).toMatchObject({ muted: true, mutedUntil: until.toISOString() });
    expect(await bob.client.conversations.mute(conversationId)).toMatchObject({ muted: true, mutedUntil: null });
    expect(await bob.client.conversations.unmute(conversationId)).toMatchObject({ muted: false });
    expect((await alice.client.users.search(bob.username.slice(0, 12).toUpperCase())).map((profile) => profile.id)).toContain(bob.id);

    expect(await bob.client.users.updateSettings({ readReceipts: false })).toEqual({ readReceipts: false });
    expect(await bob.client.users.settings()).toEqual({ readReceipts: false });
    await bob.client.conversations.markRead(conversationId, 1);
    expect(await alice.client.conversations.receipts(conversationId)).toEqual([{ userId: bob.id, readSeq: null, deliveredSeq: 1 }]);
    await expect(alice.client.conversations.get(999_999)).rejects.toMatchObject({ status: 404, code: "NOT_FOUND" });
  });

  it("works for end-to-end encrypted conversations: only seq numbers are needed", async () => {
    const [alice, bob] = await Promise.all([
      signUp(server, "e2alice", { e2ee: { storage: memoryStorage() } }),
      signUp(server, "e2bob", { e2ee: { storage: memoryStorage() } }),
    ]);
    opened.push(alice, bob);
    await Promise.all([alice.client.e2ee.enable(), bob.client.e2ee.enable()]);
    await makeFriends(alice, bob);
    await bob.client.conversations.refreshUnread();
    const sent = await alice.client.e2ee.sendDM(bob.id, "secret");
    const summary = await bob.client.conversations.get(sent.conversationId);
    // A direct conversation may carry both kinds; this message is ciphertext the server cannot read.
    expect(summary).toMatchObject({ unreadCount: 1, lastMessage: { encrypted: true, content: null } });
    await alice.client.e2ee.sendDM(bob.id, "another secret");
    await vi.waitFor(() => expect(bob.client.conversations.unread.of(sent.conversationId)?.unreadCount).toBe(2));
    expect(await bob.client.conversations.markRead(sent.conversationId, 2)).toEqual({ readSeq: 2, unreadCount: 0 });
    expect(bob.client.conversations.unread.total).toBe(0);
  });
});
