import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  befriend,
  collect,
  connect,
  emitAck,
  eventually,
  registerUser,
  roundTrip,
  startServer,
  type TestServer,
  type TestUser,
} from "./helpers";

let server: TestServer;
/** Typing states here last the longest allowed, so none expires during a test. */
let lasting: TestServer;
beforeAll(async () => {
  // Short enough that the expiry can be waited for.
  [server, lasting] = await Promise.all([startServer({ TYPING_TIMEOUT_MS: "400" }), startServer({ TYPING_TIMEOUT_MS: "10000" })]);
});
afterAll(() => Promise.all([server.close(), lasting.close()]));

function nextTyping(socket: Socket, matches: (event: any) => boolean = () => true): Promise<any> {
  return new Promise((resolve) => {
    const listener = (event: any) => {
      if (!matches(event)) return;
      socket.off("typing", listener);
      resolve(event);
    };
    socket.on("typing", listener);
  });
}

/** Two friends with a direct conversation, the first typing and the second watching, each on one socket. */
async function pair(on: TestServer): Promise<{ alice: TestUser; bob: TestUser; conversationId: number; typist: Socket; watcher: Socket }> {
  const [alice, bob] = await Promise.all([registerUser(on, "alice"), registerUser(on, "bob")]);
  await befriend(on, alice, bob);
  const first = await api(on, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { content: "hi" } });
  const [typist, watcher] = await Promise.all([connect(on, alice.token), connect(on, bob.token)]);
  return { alice, bob, conversationId: first.body.conversationId, typist, watcher };
}

describe("typing", () => {
  it("is broadcast to the other member at most once per 2 s, and ends unthrottled", async () => {
    const { alice, conversationId, typist, watcher } = await pair(lasting);
    const seen = collect(watcher, "typing");
    const echoed = collect(typist, "typing");
    expect(await emitAck(typist, "typing", { conversationId, typing: true })).toEqual({ ok: true });
    await emitAck(typist, "typing", { conversationId, typing: true });
    await emitAck(typist, "typing", { conversationId, typing: true });
    const ended = nextTyping(watcher, (event) => !event.typing);
    await emitAck(typist, "typing", { conversationId, typing: false });
    await ended;
    expect(seen).toEqual([
      { conversationId, userId: alice.id, typing: true, expiresInMs: 10_000 },
      { conversationId, userId: alice.id, typing: false, expiresInMs: 0 },
    ]);
    // Never to the typist themselves.
    expect(echoed).toEqual([]);
    typist.close();
    watcher.close();
  });

  it("expires by itself", async () => {
    const { conversationId, typist, watcher } = await pair(server);
    const started = nextTyping(watcher, (event) => event.typing);
    const ended = nextTyping(watcher, (event) => !event.typing);
    await emitAck(typist, "typing", { conversationId, typing: true });
    const { expiresInMs } = await started;
    const startedAt = Date.now();
    await ended;
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(expiresInMs - 100);
    typist.close();
    watcher.close();
  });

  it("ends when the typist sends a message there", async () => {
    const { bob, conversationId, typist, watcher } = await pair(lasting);
    await emitAck(typist, "typing", { conversationId, typing: true });
    const ended = nextTyping(watcher, (event) => !event.typing);
    const message = await emitAck(typist, "sendDM", { toId: bob.id, content: "done typing" });
    expect(message.content).toBe("done typing");
    expect(await ended).toMatchObject({ conversationId, typing: false });
    typist.close();
    watcher.close();
  });

  it("ends when the typist's last socket disconnects, not before", async () => {
    const { alice, conversationId, typist, watcher } = await pair(lasting);
    const other = await connect(lasting, alice.token);
    const seen = collect(watcher, "typing");
    await emitAck(typist, "typing", { conversationId, typing: true });
    other.close();
    await eventually(async () => expect(await lasting.app.io.in(`user:${alice.id}`).fetchSockets()).toHaveLength(1));
    // Whatever that disconnect made the server send to the watcher has arrived by now.
    await roundTrip(watcher);
    expect(seen.map((event) => event.typing)).toEqual([true]);
    const ended = nextTyping(watcher, (event) => !event.typing);
    typist.close();
    expect(await ended).toEqual({ conversationId, userId: alice.id, typing: false, expiresInMs: 0 });
    watcher.close();
  });

  it("in groups, goes to the members in the group's room", async () => {
    const owner = await registerUser(server, "owner");
    const member = await registerUser(server, "member");
    await befriend(server, owner, member);
    const groupId = (await api(server, "POST", "/groups", { token: owner.token, body: { name: "T" } })).body.id;
    await api(server, "POST", `/groups/${groupId}/members/${member.id}`, { token: owner.token });
    const [typist, watcher] = await Promise.all([connect(server, owner.token), connect(server, member.token)]);
    await emitAck(watcher, "joinGroup", { groupId });
    const started = nextTyping(watcher);
    await emitAck(typist, "typing", { conversationId: groupId, typing: true });
    expect(await started).toEqual({ conversationId: groupId, userId: owner.id, typing: true, expiresInMs: 400 });
    typist.close();
    watcher.close();
  });
});
