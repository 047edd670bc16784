import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { editMessage, setReaction, tombstone } from "../src/modules/messages/store/lifecycle";
import {
  api,
  befriend,
  collect,
  connect,
  dumpDatabase,
  emitAck,
  eventually,
  findSecret,
  groupWith,
  registerUser,
  startServer,
  type TestServer,
  type TestUser,
} from "./helpers";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const groupOf = (owner: TestUser, members: TestUser[]) => groupWith(server, owner, members, "Lifecycle");

const post = (user: TestUser, groupId: number, body: object) =>
  api(server, "POST", `/groups/${groupId}/messages`, { token: user.token, body });
const history = async (user: TestUser, conversationId: number) =>
  (await api(server, "GET", `/conversations/${conversationId}/messages`, { token: user.token })).body as any[];
const enc = encodeURIComponent;

describe("replies", () => {
  it("carry a preview of the original in the send, its broadcast and history; the target is checked", async () => {
    const owner = await registerUser(server, "owner");
    const ann = await registerUser(server, "ann");
    const groupId = await groupOf(owner, [ann]);
    const long = "x".repeat(150) + "ü".repeat(100);
    const original = (await post(owner, groupId, { content: long })).body;
    const socket = await connect(server, ann.token);
    await emitAck(socket, "joinGroup", { groupId });
    const live = collect(socket, "newGroupMessage");

    const reply = await emitAck(socket, "sendGroupMessage", { groupId, content: "agreed", replyToId: original.id });
    const preview = { id: original.id, userId: owner.id, username: owner.username, preview: long.slice(0, 200) };
    expect(reply.replyTo).toEqual(preview);
    await eventually(() => expect(live.map((m) => m.replyTo)).toEqual([preview]));
    const page = await history(owner, groupId);
    expect(page.map((m) => m.replyTo ?? null)).toEqual([null, preview]);
    expect(page[1].changeSeq).toBeGreaterThan(page[0].changeSeq);

    // Another conversation of yours: 400; one you are not in: 404; not a message: 404.
    const other = await groupOf(owner, []);
    const elsewhere = (await post(owner, other, { content: "elsewhere" })).body;
    expect((await post(owner, groupId, { content: "r", replyToId: elsewhere.id })).status).toBe(400);
    expect(await emitAck(socket, "sendGroupMessage", { groupId, content: "r", replyToId: elsewhere.id })).toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await post(owner, groupId, { content: "r", replyToId: 99_999_999 })).status).toBe(404);
    expect((await post(owner, groupId, { content: "r", replyToId: "0x1" })).status).toBe(400);

    // A deleted original: no new replies (409), and existing replies show no preview.
    expect((await api(server, "DELETE", `/messages/${original.id}`, { token: owner.token })).status).toBe(204);
    const refused = await post(ann, groupId, { content: "late", replyToId: original.id });
    expect([refused.status, refused.body.code]).toEqual([409, "CONFLICT"]);
    expect((await history(ann, groupId))[1].replyTo).toEqual({ ...preview, preview: null });
    socket.close();
  });

  it("work in direct messages over REST", async () => {
    const [alice, bob] = await Promise.all([registerUser(server, "alice"), registerUser(server, "bob")]);
    await befriend(server, alice, bob);
    const first = (await api(server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { content: "hi" } })).body;
    const reply = await api(server, "POST", `/messages/direct/${alice.id}`, {
      token: bob.token,
      body: { content: "yo", replyToId: first.id },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.replyTo).toEqual({ id: first.id, userId: alice.id, username: alice.username, preview: "hi" });
    const page = (await api(server, "GET", `/messages/direct/${bob.id}`, { token: alice.token })).body;
    expect(page[1].replyTo.preview).toBe("hi");
  });
});

describe("edits", () => {
  it("change your own plaintext message, keep its history, tell the members and show in history", async () => {
    const owner = await registerUser(server, "owner");
    const ann = await registerUser(server, "ann");
    const groupId = await groupOf(owner, [ann]);
    const message = (await post(owner, groupId, { content: "helo" })).body;
    const annSocket = await connect(server, ann.token);
    const updates = collect(annSocket, "messageUpdated");

    const edited = await api(server, "PATCH", `/messages/${message.id}`, { token: owner.token, body: { content: "  hello  " } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id: message.id, seq: message.seq, content: "hello" });
    expect(new Date(edited.body.editedAt).getTime()).toBeGreaterThanOrEqual(new Date(message.createdAt).getTime());
    expect(edited.body.changeSeq).toBeGreaterThan(message.changeSeq);
    await eventually(() => expect(updates.map((u) => u.message.content)).toEqual(["hello"]));

    const ownerSocket = await connect(server, owner.token);
    const again = await emitAck(ownerSocket, "editMessage", { messageId: message.id, content: "hello!" });
    expect(again.content).toBe("hello!");
    const edits = await api(server, "GET", `/messages/${message.id}/edits`, { token: ann.token });
    expect(edits.body.map((e: any) => e.content)).toEqual(["helo", "hello"]);
    expect((await history(ann, groupId))[0]).toMatchObject({ content: "hello!", editedAt: again.editedAt });

    // Someone else's message: 403; not a member: 404; empty: 400.
    expect((await api(server, "PATCH", `/messages/${message.id}`, { token: ann.token, body: { content: "mine" } })).status).toBe(403);
    const outsider = await registerUser(server, "outsider");
    expect((await api(server, "PATCH", `/messages/${message.id}`, { token: outsider.token, body: { content: "x" } })).status).toBe(404);
    expect((await api(server, "GET", `/messages/${message.id}/edits`, { token: outsider.token })).status).toBe(404);
    expect((await api(server, "PATCH", `/messages/${message.id}`, { token: owner.token, body: { content: "   " } })).status).toBe(400);
    expect(await emitAck(annSocket, "editMessage", { messageId: message.id, content: "x" })).toMatchObject({ code: "FORBIDDEN" });

    // A tombstone: 409.
    await emitAck(ownerSocket, "deleteMessage", { messageId: message.id });
    const late = await api(server, "PATCH", `/messages/${message.id}`, { token: owner.token, body: { content: "back" } });
    expect([late.status, late.body.code]).toEqual([409, "CONFLICT"]);
    annSocket.close();
    ownerSocket.close();
  });
});

describe("deletion for everyone", () => {
  it("by the sender or a group admin leaves a tombstone and erases text, edits and reactions from storage", async () => {
    const owner = await registerUser(server, "owner");
    const [ann, ben] = await Promise.all([registerUser(server, "ann"), registerUser(server, "ben")]);
    const groupId = await groupOf(owner, [ann, ben]);
    const secret = `secret${Date.now().toString(36)}words`;
    const annMessage = (await post(ann, groupId, { content: `first ${secret}` })).body;
    await api(server, "PATCH", `/messages/${annMessage.id}`, { token: ann.token, body: { content: `second ${secret}` } });
    await api(server, "PUT", `/messages/${annMessage.id}/reactions/${enc("👍")}`, { token: ben.token });
    const benMessage = (await post(ben, groupId, { content: "ben's" })).body;

    const benSocket = await connect(server, ben.token);
    const deleted = collect(benSocket, "messageDeleted");
    // A plain member cannot delete someone else's message; the owner (an admin) can.
    expect((await api(server, "DELETE", `/messages/${benMessage.id}`, { token: ann.token })).status).toBe(403);
    const outsider = await registerUser(server, "outsider");
    expect((await api(server, "DELETE", `/messages/${annMessage.id}`, { token: outsider.token })).status).toBe(404);
    expect((await api(server, "DELETE", `/messages/${annMessage.id}`, { token: owner.token })).status).toBe(204);
    expect(await emitAck(benSocket, "deleteMessage", { messageId: benMessage.id })).toEqual({ ok: true });
    // Deleting a tombstone again changes nothing.
    expect((await api(server, "DELETE", `/messages/${annMessage.id}`, { token: ann.token })).status).toBe(204);
    await eventually(() =>
      expect(deleted).toEqual([
        expect.objectContaining({ conversationId: groupId, messageId: annMessage.id, seq: annMessage.seq }),
        expect.objectContaining({ conversationId: groupId, messageId: benMessage.id, seq: benMessage.seq }),
      ]),
    );

    const page = await history(ben, groupId);
    expect(page[0]).toMatchObject({ id: annMessage.id, seq: annMessage.seq, content: null });
    expect(page[0].deletedAt).toBeTruthy();
    expect(page[0].reactions).toBeUndefined();
    expect(page[0].editedAt).toBeUndefined();
    expect((await api(server, "GET", `/messages/${annMessage.id}/edits`, { token: ann.token })).body).toEqual([]);
    const react = await api(server, "PUT", `/messages/${annMessage.id}/reactions/${enc("👍")}`, { token: ben.token });
    expect([react.status, react.body.code]).toEqual([409, "CONFLICT"]);

    // Nowhere in any table (the search index included), as text, hex or base64.
    expect(findSecret(await dumpDatabase(server), secret)).toEqual([]);
    expect(await server.app.deps.db.reaction.count({ where: { messageId: annMessage.id } })).toBe(0);
    expect(await server.app.deps.db.messageEdit.count({ where: { messageId: annMessage.id } })).toBe(0);
    // Unread counts forget it.
    const summary = (await api(server, "GET", `/conversations/${groupId}`, { token: owner.token })).body;
    expect(summary.unreadCount).toBe(0);
    benSocket.close();
  });
});

describe("reactions", () => {
  it("take one emoji, are idempotent, aggregate with `me`, and are broadcast", async () => {
    const owner = await registerUser(server, "owner");
    const [ann, ben] = await Promise.all([registerUser(server, "ann"), registerUser(server, "ben")]);
    const groupId = await groupOf(owner, [ann, ben]);
    const message = (await post(owner, groupId, { content: "react to me" })).body;
    const ownerSocket = await connect(server, owner.token);
    const events = collect(ownerSocket, "reaction");

    const family = "👨‍👩‍👧‍👦";
    const thumb = "👍🏽";
    const flag = "🇫🇷";
    expect((await api(server, "PUT", `/messages/${message.id}/reactions/${enc(thumb)}`, { token: ann.token })).body).toEqual({
      reactions: [{ emoji: thumb, count: 1, me: true }],
    });
    await api(server, "PUT", `/messages/${message.id}/reactions/${enc(thumb)}`, { token: ann.token });
    const benSocket = await connect(server, ben.token);
    expect(await emitAck(benSocket, "react", { messageId: message.id, emoji: thumb })).toEqual({
      reactions: [{ emoji: thumb, count: 2, me: true }],
    });
    await emitAck(benSocket, "react", { messageId: message.id, emoji: family });
    await api(server, "PUT", `/messages/${message.id}/reactions/${enc(flag)}`, { token: ann.token });
    await api(server, "PUT", `/messages/${message.id}/reactions/${enc("#️⃣")}`, { token: ann.token });

    const page = await history(ann, groupId);
    expect(page[0].reactions).toEqual([
      { emoji: thumb, count: 2, me: true },
      { emoji: family, count: 1, me: false },
      { emoji: flag, count: 1, me: true },
      { emoji: "#️⃣", count: 1, me: true },
    ]);
    expect(await emitAck(benSocket, "unreact", { messageId: message.id, emoji: thumb })).toMatchObject({
      reactions: expect.arrayContaining([{ emoji: thumb, count: 1, me: false }]),
    });
    // Taking back what is not there changes nothing and tells nobody.
    await api(server, "DELETE", `/messages/${message.id}/reactions/${enc("😀")}`, { token: ben.token });
    await eventually(() => expect(events).toHaveLength(6));
    expect(events[0]).toMatchObject({ conversationId: groupId, messageId: message.id, emoji: thumb, userId: ann.id, added: true });
    expect(events[5]).toMatchObject({ emoji: thumb, userId: ben.id, added: false });

    for (const bad of ["a", "👍👍", "ab", "1", " ", "👍 ", "🇫", "x".repeat(40)]) {
      const answer = await api(server, "PUT", `/messages/${message.id}/reactions/${enc(bad)}`, { token: ann.token });
      expect([bad, answer.status]).toEqual([bad, 400]);
    }
    expect(await emitAck(benSocket, "react", { messageId: message.id, emoji: "no" })).toMatchObject({ code: "VALIDATION_ERROR" });
    const outsider = await registerUser(server, "outsider");
    expect((await api(server, "PUT", `/messages/${message.id}/reactions/${enc("👍")}`, { token: outsider.token })).status).toBe(404);

    // At most 20 different emoji per user on one message.
    const emoji = ["😀", "😃", "😄", "😁", "😆", "😅", "😂", "🤣", "😊", "😇", "🙂", "🙃", "😉", "😌", "😍", "🥰", "😘", "😗"];
    for (const e of emoji) await api(server, "PUT", `/messages/${message.id}/reactions/${enc(e)}`, { token: ann.token });
    const tooMany = await api(server, "PUT", `/messages/${message.id}/reactions/${enc("😙")}`, { token: ann.token });
    expect(tooMany.status).toBe(400);
    ownerSocket.close();
    benSocket.close();
  });
});

describe("the changes feed", () => {
  it("returns every message changed after a changeSeq, in its current state, page by page", async () => {
    const owner = await registerUser(server, "owner");
    const ann = await registerUser(server, "ann");
    const groupId = await groupOf(owner, [ann]);
    const a = (await post(owner, groupId, { content: "a" })).body;
    const b = (await post(owner, groupId, { content: "b" })).body;
    const c = (await post(owner, groupId, { content: "c" })).body;
    const mark = c.changeSeq;
    await api(server, "PATCH", `/messages/${a.id}`, { token: owner.token, body: { content: "a2" } });
    await api(server, "DELETE", `/messages/${b.id}`, { token: owner.token });
    await api(server, "PUT", `/messages/${c.id}/reactions/${enc("🎉")}`, { token: ann.token });
    const d = (await post(owner, groupId, { content: "d" })).body;

    const changes = (await api(server, "GET", `/conversations/${groupId}/changes?after=${mark}`, { token: ann.token })).body;
    expect(changes.items.map((m: any) => [m.id, m.content])).toEqual([
      [a.id, "a2"],
      [b.id, null],
      [c.id, "c"],
      [d.id, "d"],
    ]);
    expect(changes.items[2].reactions).toEqual([{ emoji: "🎉", count: 1, me: true }]);
    expect(changes.nextCursor).toBeNull();
    const all = (await api(server, "GET", `/conversations/${groupId}/changes`, { token: ann.token })).body.items;
    expect(all.map((m: any) => m.id)).toEqual([a.id, b.id, c.id, d.id]);

    const first = (await api(server, "GET", `/conversations/${groupId}/changes?after=${mark}&limit=2`, { token: ann.token })).body;
    expect(first.items.map((m: any) => m.id)).toEqual([a.id, b.id]);
    const second = (await api(server, "GET", `/conversations/${groupId}/changes?cursor=${first.nextCursor}&limit=2`, { token: ann.token }))
      .body;
    expect(second.items.map((m: any) => m.id)).toEqual([c.id, d.id]);

    const outsider = await registerUser(server, "outsider");
    expect((await api(server, "GET", `/conversations/${groupId}/changes`, { token: outsider.token })).status).toBe(404);
    expect((await api(server, "GET", `/conversations/${groupId}/changes?after=-1`, { token: ann.token })).status).toBe(400);
  });
});

describe("changes made in the same turn", () => {
  it("are stored together, each with its own changeSeq, and one that fails or is refused changes nothing else", async () => {
    const owner = await registerUser(server, "owner");
    const ann = await registerUser(server, "ann");
    const groupId = await groupOf(owner, [ann]);
    const [a, b, c, d] = [
      (await post(owner, groupId, { content: "a" })).body,
      (await post(owner, groupId, { content: "b" })).body,
      (await post(owner, groupId, { content: "c" })).body,
      (await post(owner, groupId, { content: "d" })).body,
    ];
    await api(server, "DELETE", `/messages/${c.id}`, { token: owner.token });
    const { lean } = server.app.deps;
    const ref = (m: { id: number }) => ({ id: m.id, conversationId: groupId });
    // Queued in one turn of the event loop: on SQLite one commit holds them all, each in a savepoint of its own.
    const [reacted, edited, onTombstone, byNobody, deleted] = await Promise.allSettled([
      setReaction(lean, ref(a), ann.id, "👍", true),
      editMessage(lean, ref(b), "b2"),
      setReaction(lean, ref(c), ann.id, "👍", true),
      setReaction(lean, ref(a), 999_999_999, "👍", true),
      tombstone(lean, ref(d), new Date()),
    ]);
    expect(reacted).toMatchObject({ status: "fulfilled", value: { status: "changed" } });
    expect(edited).toMatchObject({ status: "fulfilled", value: { status: "edited" } });
    expect(onTombstone).toEqual({ status: "fulfilled", value: { status: "deleted" } });
    expect(byNobody.status).toBe("rejected");
    expect(deleted.status).toBe("fulfilled");
    const seqs = [reacted, edited, deleted].map((result) => {
      if (result.status !== "fulfilled") throw new Error("not stored");
      const value = result.value as number | { changeSeq: number };
      return typeof value === "number" ? value : value.changeSeq;
    });
    expect(new Set(seqs).size).toBe(3);
    const changes = (await api(server, "GET", `/conversations/${groupId}/changes?after=${c.changeSeq}`, { token: ann.token })).body.items;
    // Ascending by changeSeq; on MariaDB the transactions run side by side, so only the set is fixed.
    expect(changes.map((m: any) => m.changeSeq)).toEqual([...changes.map((m: any) => m.changeSeq)].sort((x, y) => x - y));
    expect(changes.map((m: any) => [m.id, m.content, m.reactions]).sort((x: any, y: any) => x[0] - y[0])).toEqual([
      [a.id, "a", [{ emoji: "👍", count: 1, me: true }]],
      [b.id, "b2", undefined],
      [c.id, null, undefined],
      [d.id, null, undefined],
    ]);
    expect(await server.app.deps.db.messageEdit.count({ where: { messageId: b.id } })).toBe(1);
    expect(await server.app.deps.db.reaction.count({ where: { messageId: { in: [a.id, c.id] } } })).toBe(1);
  });
});

describe("reaction and edit limits", () => {
  it("count reactions and edits per user through RATE_LIMIT_REACTIONS (429 with Retry-After, or a RATE_LIMITED ack)", async () => {
    const limited = await startServer({ RATE_LIMIT_REACTIONS: "3/1h" });
    try {
      const owner = await registerUser(limited, "owner");
      const groupId = (await api(limited, "POST", "/groups", { token: owner.token, body: { name: "Limits" } })).body.id as number;
      const message = (await api(limited, "POST", `/groups/${groupId}/messages`, { token: owner.token, body: { content: "x" } })).body;
      for (const emoji of ["😀", "😃"]) {
        expect((await api(limited, "PUT", `/messages/${message.id}/reactions/${enc(emoji)}`, { token: owner.token })).status).toBe(200);
      }
      expect((await api(limited, "PATCH", `/messages/${message.id}`, { token: owner.token, body: { content: "y" } })).status).toBe(200);
      const refused = await api(limited, "PUT", `/messages/${message.id}/reactions/${enc("😄")}`, { token: owner.token });
      expect([refused.status, refused.body.code]).toEqual([429, "RATE_LIMITED"]);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      const socket = await connect(limited, owner.token);
      expect(await emitAck(socket, "react", { messageId: message.id, emoji: "😄" })).toMatchObject({ code: "RATE_LIMITED" });
      socket.close();
    } finally {
      await limited.close();
    }
  });
});
