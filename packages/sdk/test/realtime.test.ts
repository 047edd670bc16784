import { startServer, type TestServer } from "@hestia/server/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createClient, HestiaError, type Message, type RealtimeEventName, type RealtimeEvents } from "../src/index";
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

/** Signs up and connects the realtime client. */
async function online(prefix = "rt"): Promise<SignedIn> {
  const user = await signUp(server, prefix);
  opened.push(user);
  await user.client.realtime.connect();
  return user;
}

function record<K extends RealtimeEventName>(user: SignedIn, event: K): RealtimeEvents[K][] {
  const seen: RealtimeEvents[K][] = [];
  user.client.realtime.on(event, (payload) => seen.push(payload));
  return seen;
}

const contents = (messages: Message[]) => messages.map((message) => message.content);

describe("realtime", () => {
  it("refuses a bad token with UNAUTHORIZED and an unreachable server with NETWORK_ERROR", async () => {
    const rejected = await createClient({ baseUrl: server.url, token: "not-a-token" })
      .realtime.connect()
      .catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(HestiaError);
    expect(rejected).toMatchObject({ status: 401, code: "UNAUTHORIZED" });

    const user = await signUp(server);
    const elsewhere = createClient({ baseUrl: "http://127.0.0.1:9", token: user.client.token });
    await expect(elsewhere.realtime.connect()).rejects.toMatchObject({ status: 0, code: "NETWORK_ERROR" });
  });

  it("delivers DMs to both sides, with dmNotification for the recipient only", async () => {
    const [alice, bob] = await Promise.all([online(), online()]);
    await makeFriends(alice, bob);
    const aliceDMs = record(alice, "newDM");
    const aliceNotes = record(alice, "dmNotification");
    const bobDMs = record(bob, "newDM");
    const bobNotes = record(bob, "dmNotification");

    const sent = await alice.client.realtime.sendDM({ toId: bob.id, content: "hello over sockets" });
    expect(sent).toMatchObject({ content: "hello over sockets", userId: alice.id, recipientId: bob.id, seq: 1 });
    await bob.client.dms.send(alice.id, { content: "and back over REST" });

    await vi.waitFor(() => expect(contents(bobDMs)).toEqual(["hello over sockets", "and back over REST"]), { timeout: 10_000 });
    await vi.waitFor(() => expect(contents(aliceDMs)).toEqual(["hello over sockets", "and back over REST"]), { timeout: 10_000 });
    await vi.waitFor(() =>
      expect(bobNotes).toEqual([expect.objectContaining({ id: sent.id, senderId: alice.id, senderUsername: alice.username })]),
    );
    await vi.waitFor(() => expect(contents(aliceNotes)).toEqual(["and back over REST"]), { timeout: 10_000 });

    const history = await bob.client.realtime.dmHistory({ otherId: alice.id });
    expect(contents(history)).toEqual(["hello over sockets", "and back over REST"]);
    expect(contents(await bob.client.realtime.dmHistory({ otherId: alice.id, after: sent.id }))).toEqual(["and back over REST"]);
  });

  it("joins groups, sends and reads group messages, and stops after leaving", async () => {
    const [owner, member] = await Promise.all([online(), online()]);
    await makeFriends(owner, member);
    const group = await owner.client.groups.create({ name: "Realtime" });
    await owner.client.groups.addMember(group.id, member.id);
    const received = record(member, "newGroupMessage");
    await member.client.realtime.joinGroup(group.id);

    const first = await owner.client.realtime.sendGroupMessage({ groupId: group.id, content: "first" });
    expect(first).toMatchObject({ groupId: group.id, seq: 1, userId: owner.id });
    await owner.client.groups.sendMessage(group.id, { content: "second" });
    await vi.waitFor(() => expect(contents(received)).toEqual(["first", "second"]), { timeout: 10_000 });
    expect(contents(await member.client.realtime.groupHistory({ groupId: group.id, limit: 1 }))).toEqual(["second"]);

    await member.client.realtime.leaveGroup(group.id);
    await owner.client.realtime.sendGroupMessage({ groupId: group.id, content: "after leaving" });
    // Sent after the group message, to the member's own room: once it arrives, the group message would have too.
    const directs = record(member, "newDM");
    const barrier = await owner.client.realtime.sendDM({ toId: member.id, content: "barrier" });
    await vi.waitFor(() => expect(directs).toEqual([barrier]), { timeout: 10_000 });
    expect(contents(received)).toEqual(["first", "second"]);
  });

  it("reports failed acknowledgements as HestiaError, and keeps working", async () => {
    const [alice, stranger] = await Promise.all([online(), online()]);
    await expect(alice.client.realtime.sendDM({ toId: stranger.id, content: "hi" })).rejects.toMatchObject({
      status: 403,
      code: "FORBIDDEN",
    });
    await expect(alice.client.realtime.joinGroup(123456)).rejects.toMatchObject({ status: 404, code: "NOT_FOUND" });
    const invalid = await alice.client.realtime.sendDM({ toId: stranger.id, content: "   " }).catch((error: unknown) => error);
    expect(invalid).toMatchObject({ status: 400, code: "VALIDATION_ERROR", details: expect.any(Array) });
    await makeFriends(alice, stranger);
    await expect(alice.client.realtime.sendDM({ toId: stranger.id, content: "now friends" })).resolves.toMatchObject({ seq: 1 });
  });

  it("sends an idempotency key with every send, so a repeated send is stored once", async () => {
    const [alice, bob] = await Promise.all([online(), online()]);
    await makeFriends(alice, bob);
    const bobDMs = record(bob, "newDM");
    const once = await alice.client.realtime.sendDM({ toId: bob.id, content: "once", idempotencyKey: "same" });
    const twice = await alice.client.realtime.sendDM({ toId: bob.id, content: "once", idempotencyKey: "same" });
    expect(twice.id).toBe(once.id);
    await alice.client.realtime.sendDM({ toId: bob.id, content: "other" });
    await vi.waitFor(() => expect(contents(bobDMs)).toEqual(["once", "other"]), { timeout: 10_000 });
    expect(await bob.client.dms.history(alice.id)).toHaveLength(2);
  });

  it("tells friends' presence", async () => {
    const [alice, bob] = await Promise.all([online(), signUp(server)]);
    opened.push(bob);
    await makeFriends(alice, bob);
    const presence = record(alice, "presence");
    await bob.client.realtime.connect();
    await vi.waitFor(() => expect(presence).toContainEqual({ userId: bob.id, status: "active" }), { timeout: 10_000 });
    bob.client.realtime.disconnect();
    await vi.waitFor(() => expect(presence).toContainEqual({ userId: bob.id, status: "offline" }), { timeout: 10_000 });
  });

  it("fails requests before connect() with NETWORK_ERROR", async () => {
    const user = await signUp(server);
    await expect(user.client.realtime.sendDM({ toId: 1, content: "x" })).rejects.toMatchObject({ code: "NETWORK_ERROR" });
  });

  it("reconnects after the server closes the socket and reads what it missed", async () => {
    const [alice, bob] = await Promise.all([online(), online()]);
    await makeFriends(alice, bob);
    const bobDMs = record(bob, "newDM");
    const caughtUp = record(bob, "caughtUp");
    const disconnected = record(bob, "disconnected");
    await alice.client.dms.send(bob.id, { content: "before" });
    await vi.waitFor(() => expect(contents(bobDMs)).toEqual(["before"]), { timeout: 10_000 });

    // The server drops bob's sockets (as a restarting server does); a message is sent meanwhile.
    server.app.io.in(`user:${bob.id}`).disconnectSockets(true);
    await vi.waitFor(() => expect(disconnected).toEqual([{ reason: "io server disconnect", willReconnect: true }]), { timeout: 10_000 });
    await alice.client.dms.send(bob.id, { content: "while away" });
    await vi.waitFor(() => expect(caughtUp).toEqual([{ messages: 1 }]), { timeout: 10_000 });
    await alice.client.dms.send(bob.id, { content: "after" });
    await vi.waitFor(() => expect(contents(bobDMs)).toEqual(["before", "while away", "after"]), { timeout: 10_000 });
  });

  it("disconnect() during connect() rejects it, and a later connect() works", async () => {
    const user = await signUp(server);
    opened.push(user);
    const pending = user.client.realtime.connect();
    user.client.realtime.disconnect();
    await expect(pending).rejects.toMatchObject({ code: "NETWORK_ERROR" });
    expect(user.client.realtime.connected).toBe(false);
    await user.client.realtime.connect();
    expect(user.client.realtime.connected).toBe(true);
  });

  it("signing in as someone else closes the previous account's realtime connection", async () => {
    const [first, second] = await Promise.all([online(), signUp(server)]);
    const disconnected = record(first, "disconnected");
    await first.client.auth.login({ username: second.username, password: "password123" });
    expect(first.client.realtime.connected).toBe(false);
    expect(disconnected).toEqual([{ reason: "io client disconnect", willReconnect: false }]);
  });

  it("stops following a conversation whose other side deleted the account, and keeps the others", async () => {
    const [alice, bob, carol] = await Promise.all([online(), online(), online()]);
    await Promise.all([makeFriends(alice, bob), makeFriends(carol, bob)]);
    const bobDMs = record(bob, "newDM");
    const errors = record(bob, "error");
    const caughtUp = record(bob, "caughtUp");
    await alice.client.dms.send(bob.id, { content: "from alice" });
    await carol.client.dms.send(bob.id, { content: "from carol" });
    await vi.waitFor(() => expect(contents(bobDMs)).toEqual(["from alice", "from carol"]), { timeout: 10_000 });
    await carol.client.users.deleteMe();

    server.app.io.in(`user:${bob.id}`).disconnectSockets(true);
    await alice.client.dms.send(bob.id, { content: "while bob was away" });
    await vi.waitFor(() => expect(caughtUp).toEqual([{ messages: 1 }]), { timeout: 10_000 });
    expect(contents(bobDMs)).toEqual(["from alice", "from carol", "while bob was away"]);
    expect(errors.map((error) => error.code)).toEqual(["NOT_FOUND"]);
  });
});
