import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, befriend, collect, connect, emitAck, eventually, registerUser, startServer, type TestServer, type TestUser } from "./helpers";

describe("direct messages", () => {
  let server: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let stranger: TestUser;
  beforeAll(async () => {
    server = await startServer();
    [alice, bob, stranger] = [await registerUser(server, "alice"), await registerUser(server, "bob"), await registerUser(server, "eve")];
    await befriend(server, alice, bob);
  });
  afterAll(() => server.close());

  it("sendDM acks the stored, trimmed message; newDM reaches every device of both, dmNotification the recipient's", async () => {
    const aliceSocket = await connect(server, alice.token);
    const bobPhone = await connect(server, bob.token);
    const bobLaptop = await connect(server, bob.token);
    const newDM = [aliceSocket, bobPhone, bobLaptop].map((socket) => collect(socket, "newDM"));
    const notifications = [aliceSocket, bobPhone, bobLaptop].map((socket) => collect(socket, "dmNotification"));

    const message = await emitAck(aliceSocket, "sendDM", { toId: bob.id, content: "  hello bob 👋  " });
    expect(message).toMatchObject({
      id: expect.any(Number),
      content: "hello bob 👋",
      userId: alice.id,
      username: alice.username,
      recipientId: bob.id,
    });
    expect(new Date(message.createdAt).toISOString()).toBe(message.createdAt);

    await eventually(() => {
      for (const received of newDM) expect(received).toEqual([message]);
      expect(notifications[1]).toEqual([{ ...message, senderId: alice.id, senderUsername: alice.username }]);
      expect(notifications[2]).toHaveLength(1);
    });
    expect(notifications[0]).toEqual([]);
    for (const socket of [aliceSocket, bobPhone, bobLaptop]) socket.close();
  });

  it("a DM sent over REST is broadcast exactly like one sent over a socket", async () => {
    const bobSocket = await connect(server, bob.token);
    const received = collect(bobSocket, "newDM");
    const response = await api(server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { content: "via REST" } });
    expect(response.status).toBe(201);
    await eventually(() => expect(received).toEqual([response.body]));
    bobSocket.close();
  });

  it("keeps the order of rapid sends without waiting for acks, and stores each once", async () => {
    const aliceSocket = await connect(server, alice.token);
    const bobSocket = await connect(server, bob.token);
    const received = collect(bobSocket, "newDM");
    const contents = Array.from({ length: 40 }, (_, i) => `burst ${i}`);
    for (const content of contents) aliceSocket.emit("sendDM", { toId: bob.id, content });
    await eventually(() => expect(received).toHaveLength(40));
    expect(received.map((m) => m.content)).toEqual(contents);
    const seqs = received.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    aliceSocket.close();
    bobSocket.close();
  });

  it("an idempotency key makes a retried send return the original instead of a duplicate", async () => {
    const aliceSocket = await connect(server, alice.token);
    const bobSocket = await connect(server, bob.token);
    const received = collect(bobSocket, "newDM");
    const first = await emitAck(aliceSocket, "sendDM", { toId: bob.id, content: "once", idempotencyKey: "retry-1" });
    const again = await emitAck(aliceSocket, "sendDM", { toId: bob.id, content: "once", idempotencyKey: "retry-1" });
    const overRest = await api(server, "POST", `/messages/direct/${bob.id}`, {
      token: alice.token,
      body: { content: "once", idempotencyKey: "retry-1" },
    });
    expect(again).toEqual(first);
    expect(overRest.body).toEqual(first);
    // A repeat broadcast would have been emitted before this next message, and reached bob's socket first.
    const barrier = await emitAck(aliceSocket, "sendDM", { toId: bob.id, content: "barrier" });
    await eventually(() => expect(received).toContainEqual(barrier));
    expect(received).toEqual([first, barrier]);
    aliceSocket.close();
    bobSocket.close();
  });

  it("history pages oldest first with before/after/limit, over REST and the socket", async () => {
    const carol = await registerUser(server, "carol");
    await befriend(server, alice, carol);
    const sent = [];
    for (let i = 1; i <= 7; i++) {
      const response = await api(server, "POST", `/messages/direct/${carol.id}`, { token: alice.token, body: { content: `m${i}` } });
      sent.push(response.body);
    }
    const page = async (query: string) =>
      (await api(server, "GET", `/messages/direct/${alice.id}${query}`, { token: carol.token })).body.map(
        (m: { content: string }) => m.content,
      );
    expect(await page("")).toEqual(["m1", "m2", "m3", "m4", "m5", "m6", "m7"]);
    expect(await page("?limit=3")).toEqual(["m5", "m6", "m7"]);
    expect(await page(`?before=${sent[4].id}&limit=2`)).toEqual(["m3", "m4"]);
    expect(await page(`?after=${sent[4].id}`)).toEqual(["m6", "m7"]);
    expect(await page(`?after=${sent[1].id}&limit=2`)).toEqual(["m3", "m4"]);
    for (const bad of ["?limit=0", "?limit=101", `?before=${sent[1].id}&after=${sent[2].id}`, "?before=abc"]) {
      expect((await api(server, "GET", `/messages/direct/${alice.id}${bad}`, { token: carol.token })).status, bad).toBe(400);
    }
    const socket = await connect(server, carol.token);
    const history = await emitAck(socket, "getDMHistory", { otherId: alice.id, before: sent[2].id });
    expect(history.map((m: { content: string }) => m.content)).toEqual(["m1", "m2"]);
    expect(history[0]).toMatchObject({ userId: alice.id, username: alice.username, recipientId: carol.id });
    socket.close();
  });

  it("never hands out a seq twice, even after the newest messages went with their sender's account", async () => {
    const [owner, leaving, later] = await Promise.all([
      registerUser(server, "owner"),
      registerUser(server, "leaving"),
      registerUser(server, "later"),
    ]);
    await befriend(server, owner, leaving);
    await befriend(server, owner, later);
    const group = await api(server, "POST", "/groups", { token: owner.token, body: { name: "seqs" } });
    await api(server, "POST", `/groups/${group.body.id}/members/${leaving.id}`, { token: owner.token });
    await api(server, "POST", `/groups/${group.body.id}/members/${later.id}`, { token: owner.token });
    const send = (user: TestUser, content: string) =>
      api(server, "POST", `/groups/${group.body.id}/messages`, { token: user.token, body: { content } });
    expect((await send(owner, "one")).body.seq).toBe(1);
    expect((await send(later, "two")).body.seq).toBe(2);
    expect((await send(leaving, "three")).body.seq).toBe(3);
    // The newest sender leaves first, then an earlier one: the floor stays at 3.
    expect((await api(server, "DELETE", "/users/me", { token: leaving.token })).status).toBe(204);
    expect((await api(server, "DELETE", "/users/me", { token: later.token })).status).toBe(204);
    expect((await send(owner, "four")).body.seq).toBe(4);
    const history = await api(server, "GET", `/groups/${group.body.id}/messages`, { token: owner.token });
    expect(history.body.map((message: { seq: number; content: string }) => [message.seq, message.content])).toEqual([
      [1, "one"],
      [4, "four"],
    ]);
  });

  it("refuses DMs and history with non-friends (403), unknown users (404) and bad content (400)", async () => {
    const socket = await connect(server, alice.token);
    expect(await emitAck(socket, "sendDM", { toId: stranger.id, content: "hi" })).toEqual({ error: expect.any(String), code: "FORBIDDEN" });
    expect(await emitAck(socket, "sendDM", { toId: 999999, content: "hi" })).toMatchObject({ code: "NOT_FOUND" });
    expect(await emitAck(socket, "sendDM", { toId: bob.id, content: "   " })).toMatchObject({ code: "VALIDATION_ERROR" });
    expect(await emitAck(socket, "sendDM", { toId: bob.id, content: "x".repeat(4001) })).toMatchObject({ code: "VALIDATION_ERROR" });
    expect((await emitAck(socket, "sendDM", { toId: bob.id, content: "x".repeat(4000) })).content).toHaveLength(4000);
    expect(await emitAck(socket, "getDMHistory", { otherId: stranger.id })).toMatchObject({ code: "FORBIDDEN" });
    expect((await api(server, "GET", `/messages/direct/${stranger.id}`, { token: alice.token })).status).toBe(403);
    expect((await api(server, "POST", `/messages/direct/${stranger.id}`, { token: alice.token, body: { content: "x" } })).status).toBe(403);
    socket.close();
  });

  it("refuses a DM once the friendship ended, although the pair already has a conversation", async () => {
    const [a, b] = await Promise.all([registerUser(server), registerUser(server)]);
    await befriend(server, a, b);
    expect((await api(server, "POST", `/messages/direct/${b.id}`, { token: a.token, body: { content: "while friends" } })).status).toBe(
      201,
    );
    expect((await api(server, "DELETE", `/friends/${a.id}`, { token: b.token })).status).toBe(200);
    const refused = await api(server, "POST", `/messages/direct/${b.id}`, { token: a.token, body: { content: "after" } });
    expect(refused).toMatchObject({ status: 403, body: { code: "FORBIDDEN" } });
    expect(
      (await api(server, "GET", `/messages/direct/${a.id}`, { token: b.token })).body.map((m: { content: string }) => m.content),
    ).toEqual(["while friends"]);
  });

  it("answers garbage with an error (ack or error event) and keeps serving", async () => {
    const socket = await connect(server, alice.token);
    const errors = collect(socket, "error");
    for (const garbage of [null, 42, "text", [], { toId: "x" }, { toId: bob.id, content: { nested: true } }]) {
      expect(await emitAck(socket, "sendDM", garbage)).toMatchObject({ code: "VALIDATION_ERROR" });
    }
    socket.emit("sendDM", "no ack here");
    socket.emit("getGroupHistory");
    await eventually(() => expect(errors).toHaveLength(2));
    const byEvent = Object.fromEntries(errors.map((error) => [error.event, error]));
    expect(byEvent.sendDM).toEqual({ error: expect.any(String), code: "VALIDATION_ERROR", details: expect.any(Array), event: "sendDM" });
    expect(byEvent.getGroupHistory).toMatchObject({ code: "VALIDATION_ERROR", event: "getGroupHistory" });
    expect((await emitAck(socket, "sendDM", { toId: bob.id, content: "still here" })).content).toBe("still here");
    socket.close();
  });
});
