import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, befriend, connect, emitAck, registerUser, roundTrip, startServer, type TestServer, type TestUser } from "./helpers";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/** The next payload of `event` on a socket that passes `matches`. */
function next<T = any>(socket: Socket, event: string, matches: (payload: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} event`)), 10_000);
    const listener = (payload: T) => {
      if (!matches(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

async function friends(): Promise<[TestUser, TestUser]> {
  const [a, b] = await Promise.all([registerUser(server, "alice"), registerUser(server, "bob")]);
  await befriend(server, a, b);
  return [a, b];
}

const dm = async (from: TestUser, to: TestUser, content: string, extra: object = {}) => {
  const response = await api(server, "POST", `/messages/direct/${to.id}`, { token: from.token, body: { content, ...extra } });
  expect(response.status).toBe(201);
  return response.body;
};

async function group(owner: TestUser, members: TestUser[], name = "Crew") {
  const created = (await api(server, "POST", "/groups", { token: owner.token, body: { name } })).body;
  for (const member of members) {
    await befriend(server, owner, member).catch(() => undefined);
    expect((await api(server, "POST", `/groups/${created.id}/members/${member.id}`, { token: owner.token })).status).toBe(200);
  }
  return created.id as number;
}

const inbox = async (user: TestUser, query = "") => {
  const response = await api(server, "GET", `/conversations${query}`, { token: user.token });
  expect(response.status).toBe(200);
  return response.body as { items: any[]; nextCursor: string | null };
};
const summary = async (user: TestUser, id: number) => (await api(server, "GET", `/conversations/${id}`, { token: user.token })).body;

describe("the inbox", () => {
  it("lists direct conversations once they hold a message and groups from the start, most recent first", async () => {
    const [alice, bob] = await friends();
    const carol = await registerUser(server, "carol");
    await befriend(server, alice, carol);
    expect((await inbox(alice)).items).toEqual([]);
    const groupId = await group(alice, [bob], "Climbing");
    let { items } = await inbox(bob);
    expect(items).toEqual([
      {
        id: groupId,
        kind: "GROUP",
        encrypted: false,
        group: { id: groupId, name: "Climbing", memberCount: 2, role: "MEMBER" },
        lastMessage: null,
        lastActivityAt: expect.any(String),
        unreadCount: 0,
        mentionCount: 0,
        readSeq: 0,
        deliveredSeq: 0,
        lastSeq: 0,
        muted: false,
        mutedUntil: null,
        changeSeq: 0,
      },
    ]);
    const first = await dm(alice, bob, "hello bob");
    await dm(carol, alice, "hi alice");
    ({ items } = await inbox(bob));
    expect(items.map((item) => item.id)).toEqual([first.conversationId, groupId]);
    expect(items[0]).toMatchObject({
      kind: "DIRECT",
      peer: { id: alice.id, username: alice.username },
      lastMessage: { id: first.id, content: "hello bob", userId: alice.id },
      lastActivityAt: first.createdAt,
      unreadCount: 1,
      readSeq: 0,
      lastSeq: 1,
    });
    expect(items[0]).not.toHaveProperty("group");
    // The sender's own message is never unread for them.
    expect((await inbox(alice)).items.map((item) => [item.peer?.username ?? item.group.name, item.unreadCount])).toEqual([
      [carol.username, 1],
      [bob.username, 0],
      ["Climbing", 0],
    ]);
  });

  it("counts unread messages from others, and a reply reads what came before it", async () => {
    const [alice, bob] = await friends();
    for (const text of ["one", "two", "three"]) await dm(alice, bob, text);
    const [conversation] = (await inbox(bob)).items;
    expect(conversation).toMatchObject({ unreadCount: 3, readSeq: 0, lastSeq: 3 });
    await dm(bob, alice, "four");
    expect(await summary(bob, conversation.id)).toMatchObject({ unreadCount: 0, readSeq: 4, deliveredSeq: 4 });
    expect(await summary(alice, conversation.id)).toMatchObject({ unreadCount: 1, readSeq: 3 });
  });

  it("pages through many conversations with an opaque cursor, each once, newest activity first", async () => {
    const owner = await registerUser(server, "owner");
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api(server, "POST", "/groups", { token: owner.token, body: { name: `g${i}` } })).body.id);
    // Activity moves the oldest group to the top.
    await api(server, "POST", `/groups/${ids[0]}/messages`, { token: owner.token, body: { content: "bump" } });
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: any[]; nextCursor: string | null } = await inbox(owner, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([ids[0], ids[4], ids[3], ids[2], ids[1]]);
    for (const bad of ["nonsense", Buffer.from('{"at":"x","id":"1"}').toString("base64url")]) {
      const response = await api(server, "GET", `/conversations?cursor=${bad}`, { token: owner.token });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe("BAD_REQUEST");
    }
    expect((await api(server, "GET", "/conversations?limit=101", { token: owner.token })).body.code).toBe("VALIDATION_ERROR");
  });

  it("answers 404 for conversations you are not in, like for ones that do not exist", async () => {
    const [alice, bob] = await friends();
    const stranger = await registerUser(server, "stranger");
    const message = await dm(alice, bob, "private");
    const groupId = await group(alice, []);
    for (const id of [message.conversationId, groupId, 999_999]) {
      for (const [method, path, body] of [
        ["GET", `/conversations/${id}`],
        ["GET", `/conversations/${id}/messages`],
        ["GET", `/conversations/${id}/receipts`],
        ["POST", `/conversations/${id}/read`, { seq: 1 }],
        ["POST", `/conversations/${id}/delivered`, { seq: 1 }],
        ["PATCH", `/conversations/${id}/settings`, { muted: true }],
      ] as const) {
        const response = await api(server, method, path, { token: stranger.token, body });
        expect([path, response.status, response.body]).toEqual([path, 404, { error: "Conversation not found", code: "NOT_FOUND" }]);
      }
    }
    const socket = await connect(server, stranger.token);
    for (const event of ["markRead", "markDelivered"]) {
      expect(await emitAck(socket, event, { conversationId: groupId, seq: 1 })).toEqual({
        error: "Conversation not found",
        code: "NOT_FOUND",
      });
    }
    expect(await emitAck(socket, "typing", { conversationId: groupId, typing: true })).toMatchObject({ code: "NOT_FOUND" });
    for (const payload of [{}, { conversationId: "x", seq: 1 }, { conversationId: 1, seq: -1 }, null, "garbage"]) {
      expect(await emitAck(socket, "markRead", payload)).toMatchObject({ code: "VALIDATION_ERROR" });
    }
    expect(await emitAck(socket, "typing", { conversationId: groupId, typing: "yes" })).toMatchObject({ code: "VALIDATION_ERROR" });
    socket.close();
  });

  it("serves the history of either kind through one path, with the usual paging", async () => {
    const [alice, bob] = await friends();
    const sent = [];
    for (const text of ["a", "b", "c"]) sent.push(await dm(alice, bob, text));
    const id = sent[0].conversationId;
    const page = (query: string) => api(server, "GET", `/conversations/${id}/messages${query}`, { token: bob.token });
    expect((await page("")).body.map((m: any) => m.content)).toEqual(["a", "b", "c"]);
    expect((await page(`?before=${sent[2].id}&limit=1`)).body).toEqual([sent[1]]);
    expect((await page(`?after=${sent[0].id}`)).body.map((m: any) => m.content)).toEqual(["b", "c"]);
    expect((await page("?before=1&after=2")).status).toBe(400);
    const groupId = await group(alice, [bob]);
    const groupMessage = (await api(server, "POST", `/groups/${groupId}/messages`, { token: alice.token, body: { content: "hey all" } }))
      .body;
    expect((await api(server, "GET", `/conversations/${groupId}/messages`, { token: bob.token })).body).toEqual([groupMessage]);
  });
});

describe("read and delivered cursors", () => {
  it("move forward only, clamp to the newest message, and reading delivers too", async () => {
    const [alice, bob] = await friends();
    const messages = [];
    for (const text of ["1", "2", "3", "4"]) messages.push(await dm(alice, bob, text));
    const id = messages[0].conversationId;
    const read = (seq: number) => api(server, "POST", `/conversations/${id}/read`, { token: bob.token, body: { seq } });
    const delivered = (seq: number) => api(server, "POST", `/conversations/${id}/delivered`, { token: bob.token, body: { seq } });
    expect((await delivered(3)).body).toEqual({ deliveredSeq: 3 });
    expect((await read(2)).body).toEqual({ readSeq: 2, unreadCount: 2 });
    expect((await read(1)).body).toEqual({ readSeq: 2, unreadCount: 2 });
    expect((await delivered(1)).body).toEqual({ deliveredSeq: 3 });
    expect((await read(99)).body).toEqual({ readSeq: 4, unreadCount: 0 });
    expect(await summary(bob, id)).toMatchObject({ readSeq: 4, deliveredSeq: 4, unreadCount: 0 });
    expect((await api(server, "POST", `/conversations/${id}/read`, { token: bob.token, body: { seq: "x" } })).body.code).toBe(
      "VALIDATION_ERROR",
    );
    expect((await api(server, "POST", `/conversations/${id}/read`, { token: bob.token, body: {} })).status).toBe(400);
  });

  it("a read on one device clears the count on the others and sends the sender a receipt", async () => {
    const [alice, bob] = await friends();
    const message = await dm(alice, bob, "seen?");
    const id = message.conversationId;
    const [phone, laptop, rest, sender] = await Promise.all([
      connect(server, bob.token),
      connect(server, bob.token),
      connect(server, bob.token),
      connect(server, alice.token),
    ]);
    const onLaptop = next(laptop, "readState");
    const receipt = next(sender, "receipt");
    const phoneStates: unknown[] = [];
    phone.on("readState", (state) => phoneStates.push(state));
    expect(await emitAck(phone, "markRead", { conversationId: id, seq: message.seq })).toEqual({ readSeq: 1, unreadCount: 0 });
    expect(await onLaptop).toEqual({ conversationId: id, readSeq: 1, unreadCount: 0 });
    expect(await receipt).toEqual({ conversationId: id, userId: bob.id, readSeq: 1, deliveredSeq: 1 });
    // Over REST every socket of the reader hears of it, the phone too; the phone never heard of its own read.
    await dm(alice, bob, "and this?");
    const onPhone = next(phone, "readState");
    const onRest = next(rest, "readState");
    expect((await api(server, "POST", `/conversations/${id}/read`, { token: bob.token, body: { seq: 2 } })).body).toEqual({
      readSeq: 2,
      unreadCount: 0,
    });
    expect(await onPhone).toEqual({ conversationId: id, readSeq: 2, unreadCount: 0 });
    expect(await onRest).toEqual({ conversationId: id, readSeq: 2, unreadCount: 0 });
    expect(phoneStates).toEqual([{ conversationId: id, readSeq: 2, unreadCount: 0 }]);
    expect(await next(sender, "receipt", (r) => r.readSeq === 2)).toEqual({
      conversationId: id,
      userId: bob.id,
      readSeq: 2,
      deliveredSeq: 2,
    });
    expect((await api(server, "GET", `/conversations/${id}/receipts`, { token: alice.token })).body).toEqual([
      { userId: bob.id, readSeq: 2, deliveredSeq: 2 },
    ]);
    for (const socket of [phone, laptop, rest, sender]) socket.close();
  });

  it("delivery receipts, and a read that moves nothing sends nothing", async () => {
    const [alice, bob] = await friends();
    const message = await dm(alice, bob, "delivered?");
    const [reader, sender] = await Promise.all([connect(server, bob.token), connect(server, alice.token)]);
    const receipts: any[] = [];
    sender.on("receipt", (receipt) => receipts.push(receipt));
    expect(await emitAck(reader, "markDelivered", { conversationId: message.conversationId, seq: 1 })).toEqual({ deliveredSeq: 1 });
    expect(await next(sender, "receipt")).toEqual({ conversationId: message.conversationId, userId: bob.id, readSeq: 0, deliveredSeq: 1 });
    expect(await emitAck(reader, "markDelivered", { conversationId: message.conversationId, seq: 1 })).toEqual({ deliveredSeq: 1 });
    expect(await emitAck(reader, "markRead", { conversationId: message.conversationId, seq: 1 })).toEqual({ readSeq: 1, unreadCount: 0 });
    await next(sender, "receipt", (r) => r.readSeq === 1);
    expect(receipts.map((r) => [r.readSeq, r.deliveredSeq])).toEqual([
      [0, 1],
      [1, 1],
    ]);
    reader.close();
    sender.close();
  });

  it("group receipts go to the members in the group's room, not back to the reader", async () => {
    const owner = await registerUser(server, "owner");
    const [ann, ben] = await Promise.all([registerUser(server, "ann"), registerUser(server, "ben")]);
    const groupId = await group(owner, [ann, ben]);
    const sent = (await api(server, "POST", `/groups/${groupId}/messages`, { token: owner.token, body: { content: "read me" } })).body;
    const [ownerSocket, annSocket, benSocket] = await Promise.all([
      connect(server, owner.token),
      connect(server, ann.token),
      connect(server, ben.token),
    ]);
    for (const socket of [ownerSocket, annSocket, benSocket]) await emitAck(socket, "joinGroup", { groupId });
    const annReceipts: unknown[] = [];
    annSocket.on("receipt", (receipt) => annReceipts.push(receipt));
    const toOwner = next(ownerSocket, "receipt");
    const toBen = next(benSocket, "receipt");
    await emitAck(annSocket, "markRead", { conversationId: groupId, seq: sent.seq });
    const expected = { conversationId: groupId, userId: ann.id, readSeq: 1, deliveredSeq: 1 };
    expect(await toOwner).toEqual(expected);
    expect(await toBen).toEqual(expected);
    await roundTrip(annSocket);
    expect(annReceipts).toEqual([]);
    expect((await api(server, "GET", `/conversations/${groupId}/receipts`, { token: owner.token })).body).toEqual(
      [
        { userId: ann.id, readSeq: 1, deliveredSeq: 1 },
        { userId: ben.id, readSeq: 0, deliveredSeq: 0 },
      ].sort((a, b) => a.userId - b.userId),
    );
    for (const socket of [ownerSocket, annSocket, benSocket]) socket.close();
  });

  it("new members start with the history before them read", async () => {
    const owner = await registerUser(server, "owner");
    const late = await registerUser(server, "late");
    const groupId = await group(owner, []);
    for (const text of ["x", "y"])
      await api(server, "POST", `/groups/${groupId}/messages`, { token: owner.token, body: { content: text } });
    await befriend(server, owner, late);
    await api(server, "POST", `/groups/${groupId}/members/${late.id}`, { token: owner.token });
    expect(await summary(late, groupId)).toMatchObject({ unreadCount: 0, readSeq: 2, lastSeq: 2 });
    await api(server, "POST", `/groups/${groupId}/messages`, { token: owner.token, body: { content: "z" } });
    expect(await summary(late, groupId)).toMatchObject({ unreadCount: 1, readSeq: 2, lastSeq: 3 });
  });
});
