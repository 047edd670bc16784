import { startServer, type TestServer } from "@hestia/server/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { applyDeletion, applyReaction, applyUpdate, HestiaError, type Message, type RealtimeEvents } from "../src/index";
import { makeFriends, type SignedIn, signUp } from "./setup";

let server: TestServer;
const opened: SignedIn[] = [];
beforeAll(async () => {
  server = await startServer();
});
afterEach(() => {
  for (const user of opened.splice(0)) user.client.realtime.disconnect();
});
afterAll(() => server.close());

async function online(prefix = "life"): Promise<SignedIn> {
  const user = await signUp(server, prefix);
  opened.push(user);
  await user.client.realtime.connect();
  return user;
}

/** What a client shows of a group: its messages by id, kept up to date from realtime events only. */
function liveView(user: SignedIn, groupId: number, initial: Message[]) {
  const view = new Map(initial.map((message) => [message.id, message]));
  const rt = user.client.realtime;
  const mine = (conversationId: number) => conversationId === groupId;
  rt.on("newGroupMessage", (message) => mine(message.conversationId) && view.set(message.id, message));
  rt.on("messageChanged", (message) => mine(message.conversationId) && view.set(message.id, message));
  rt.on("messageUpdated", ({ message }) => {
    const known = view.get(message.id);
    if (mine(message.conversationId)) view.set(message.id, known ? applyUpdate(known, message) : message);
  });
  rt.on("messageDeleted", (event) => {
    const known = view.get(event.messageId);
    if (known && mine(event.conversationId)) view.set(known.id, applyDeletion(known, event));
  });
  rt.on("reaction", (event) => {
    const known = view.get(event.messageId);
    if (known && mine(event.conversationId)) view.set(known.id, applyReaction(known, event, user.id));
  });
  return view;
}

/** What users see of a message (changeSeq and timestamps of a deletion aside); `me` differs between users. */
const shown = (view: Map<number, Message>, withMe = false) =>
  [...view.values()]
    .sort((a, b) => a.seq - b.seq)
    .map((m) => ({
      id: m.id,
      content: m.content,
      deleted: Boolean(m.deletedAt),
      edited: m.editedAt ?? null,
      reactions: (m.reactions ?? []).map(({ emoji, count, me }) => (withMe ? { emoji, count, me } : { emoji, count })),
    }));
const serverView = async (user: SignedIn, groupId: number) =>
  new Map((await user.client.groups.messages(groupId)).map((message) => [message.id, message]));

describe("client.messages", () => {
  it("edits, lists edits, reacts, searches and deletes; replies go with any send", async () => {
    const [alice, bob] = await Promise.all([signUp(server, "ma"), signUp(server, "mb")]);
    await makeFriends(alice, bob);
    const word = `quokka${Date.now().toString(36)}`;
    const first = await alice.client.dms.send(bob.id, { content: `about ${word}` });
    const reply = await bob.client.dms.send(alice.id, { content: "sure", replyToId: first.id });
    expect(reply.replyTo).toMatchObject({ id: first.id, preview: `about ${word}` });

    const edited = await alice.client.messages.edit(first.id, `about ${word}, edited`);
    expect(edited.editedAt).toBeTruthy();
    expect(await alice.client.messages.edits(first.id)).toEqual([{ content: `about ${word}`, editedAt: expect.any(String) }]);
    expect(await bob.client.messages.react(first.id, "❤️")).toEqual({ reactions: [{ emoji: "❤️", count: 1, me: true }] });
    expect((await alice.client.messages.search({ q: word })).items.map((m) => m.id)).toEqual([first.id]);
    const changes = await alice.client.messages.changes(first.conversationId, { after: reply.changeSeq });
    expect(changes.items.map((m) => m.id)).toEqual([first.id]);

    await expect(bob.client.messages.edit(first.id, "not mine")).rejects.toMatchObject({ status: 403, code: "FORBIDDEN" });
    await expect(bob.client.messages.react(first.id, "nope")).rejects.toBeInstanceOf(HestiaError);
    await alice.client.messages.delete(first.id);
    await expect(bob.client.messages.react(first.id, "👍")).rejects.toMatchObject({ status: 409 });
    expect((await alice.client.messages.search({ q: word })).items).toEqual([]);
    expect(await bob.client.messages.unreact(first.id, "❤️").catch((error: HestiaError) => error.code)).toBe("CONFLICT");
  });
});

describe("realtime message changes", () => {
  it("after a reconnect, a client's view equals that of a client that stayed online", async () => {
    const [owner, stayed, away] = await Promise.all([online("own"), online("stay"), online("away")]);
    await makeFriends(owner, stayed);
    await makeFriends(owner, away);
    const group = await owner.client.groups.create({ name: "lifecycle" });
    await owner.client.groups.addMember(group.id, stayed.id);
    await owner.client.groups.addMember(group.id, away.id);
    const early = [];
    for (const text of ["one", "two", "three"]) early.push(await owner.client.groups.sendMessage(group.id, { content: text }));
    await stayed.client.messages.react(early[0]!.id, "👍");

    const views: Map<number, Message>[] = [];
    for (const user of [stayed, away]) {
      await user.client.realtime.joinGroup(group.id);
      views.push(liveView(user, group.id, await user.client.groups.messages(group.id)));
    }
    const [stayedView, awayView] = views as [Map<number, Message>, Map<number, Message>];
    expect(shown(awayView)).toEqual(shown(stayedView));

    // `away` loses its connection; meanwhile messages are edited, deleted, reacted to and sent.
    const disconnected: RealtimeEvents["disconnected"][] = [];
    const caughtUp: RealtimeEvents["caughtUp"][] = [];
    away.client.realtime.on("disconnected", (event) => disconnected.push(event));
    away.client.realtime.on("caughtUp", (event) => caughtUp.push(event));
    server.app.io.in(`user:${away.id}`).disconnectSockets(true);
    await vi.waitFor(() => expect(disconnected).toHaveLength(1), { timeout: 10_000 });
    await owner.client.messages.edit(early[1]!.id, "two, edited");
    await owner.client.messages.delete(early[2]!.id);
    await owner.client.messages.react(early[0]!.id, "🎉");
    await stayed.client.messages.unreact(early[0]!.id, "👍");
    await away.client.messages.react(early[1]!.id, "🔥");
    const late = await owner.client.groups.sendMessage(group.id, { content: "four" });
    await owner.client.messages.edit(late.id, "four, edited");
    await stayed.client.messages.react(late.id, "👀");

    await vi.waitFor(() => expect(caughtUp).toHaveLength(1), { timeout: 10_000 });
    expect(caughtUp[0]).toEqual({ messages: 1, changes: 3 });
    await vi.waitFor(() => expect(shown(stayedView)).toHaveLength(4));
    await vi.waitFor(() => expect(shown(awayView)).toEqual(shown(stayedView)));
    // And each equals what the server holds, as that user sees it (`me` included).
    const fresh = await serverView(away, group.id);
    expect(shown(awayView, true)).toEqual(shown(fresh, true));
    expect(shown(stayedView, true)).toEqual(shown(await serverView(stayed, group.id), true));
    expect(shown(fresh).map((m) => [m.content, m.deleted])).toEqual([
      ["one", false],
      ["two, edited", false],
      [null, true],
      ["four, edited", false],
    ]);
  });
});
