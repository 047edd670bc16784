import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, befriend, connect, emitAck, groupWith, registerUser, startServer, type TestServer, type TestUser } from "./helpers";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const groupOf = (owner: TestUser, members: TestUser[]) => groupWith(server, owner, members, "Mentions");

const post = (user: TestUser, groupId: number, body: object) =>
  api(server, "POST", `/groups/${groupId}/messages`, { token: user.token, body });
const summary = async (user: TestUser, id: number) => (await api(server, "GET", `/conversations/${id}`, { token: user.token })).body;

describe("mentions", () => {
  it("are members only, at most 50, carried by the message, its history and the inbox's mention count", async () => {
    const owner = await registerUser(server, "owner");
    const [ann, ben] = await Promise.all([registerUser(server, "ann"), registerUser(server, "ben")]);
    const outsider = await registerUser(server, "outsider");
    const groupId = await groupOf(owner, [ann, ben]);

    const sent = await post(owner, groupId, { content: "@ann @ben look", mentions: [ben.id, ann.id, ben.id] });
    expect(sent.status).toBe(201);
    expect(sent.body.mentions).toEqual([ann.id, ben.id].sort((a, b) => a - b));
    await post(owner, groupId, { content: "no mention" });
    const history = (await api(server, "GET", `/conversations/${groupId}/messages`, { token: ann.token })).body;
    expect(history.map((m: any) => m.mentions)).toEqual([sent.body.mentions, undefined]);
    expect(await summary(ann, groupId)).toMatchObject({ unreadCount: 2, mentionCount: 1 });
    expect((await api(server, "GET", "/users/me/unread", { token: ann.token })).body).toEqual({ unreadCount: 2, mentionCount: 1 });

    const refused = await post(owner, groupId, { content: "who?", mentions: [outsider.id] });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: "mentions must name members of the conversation", code: "BAD_REQUEST" });
    const tooMany = await post(owner, groupId, { content: "all", mentions: Array.from({ length: 51 }, (_, i) => i + 1) });
    expect([tooMany.status, tooMany.body.code]).toEqual([400, "VALIDATION_ERROR"]);
    const encrypted = await post(owner, groupId, { encrypted: true, ciphertext: "AAAA", mentions: [ann.id] });
    expect([encrypted.status, encrypted.body.code]).toEqual([400, "VALIDATION_ERROR"]);

    // Reading past a mention clears it.
    await api(server, "POST", `/conversations/${groupId}/read`, { token: ann.token, body: { seq: sent.body.seq } });
    expect(await summary(ann, groupId)).toMatchObject({ unreadCount: 1, mentionCount: 0 });
  });

  it("work on direct messages and socket sends too", async () => {
    const [alice, bob] = await Promise.all([registerUser(server, "alice"), registerUser(server, "bob")]);
    await befriend(server, alice, bob);
    const socket = await connect(server, alice.token);
    const message = await emitAck(socket, "sendDM", { toId: bob.id, content: "hey @bob", mentions: [bob.id] });
    expect(message.mentions).toEqual([bob.id]);
    expect(await summary(bob, message.conversationId)).toMatchObject({ unreadCount: 1, mentionCount: 1 });
    const stranger = await registerUser(server, "stranger");
    expect(await emitAck(socket, "sendDM", { toId: bob.id, content: "x", mentions: [stranger.id] })).toMatchObject({ code: "BAD_REQUEST" });
    expect(await emitAck(socket, "sendDM", { toId: bob.id, content: "x", mentions: "all" })).toMatchObject({ code: "VALIDATION_ERROR" });
    socket.close();
  });
});

describe("unread counts forget deleted messages", () => {
  it("tombstones and messages erased with their sender's account", async () => {
    const owner = await registerUser(server, "owner");
    const [ann, leaver] = await Promise.all([registerUser(server, "ann"), registerUser(server, "leaver")]);
    const groupId = await groupOf(owner, [ann, leaver]);
    const first = (await post(owner, groupId, { content: "one", mentions: [ann.id] })).body;
    await post(owner, groupId, { content: "two" });
    await post(leaver, groupId, { content: "three" });
    await post(leaver, groupId, { content: "four" });
    expect(await summary(ann, groupId)).toMatchObject({ unreadCount: 4, mentionCount: 1, lastSeq: 4 });

    // A message deleted for everyone (as any deletion does it: deletedAt set, content erased).
    await server.app.deps.db.message.update({ where: { id: first.id }, data: { deletedAt: new Date(), content: null } });
    expect(await summary(ann, groupId)).toMatchObject({ unreadCount: 3, mentionCount: 0 });

    expect((await api(server, "DELETE", "/users/me", { token: leaver.token })).status).toBe(204);
    const after = await summary(ann, groupId);
    expect(after).toMatchObject({ unreadCount: 1, lastSeq: 4, lastMessage: { content: "two" } });
    expect((await api(server, "GET", "/users/me/unread", { token: ann.token })).body).toEqual({ unreadCount: 1, mentionCount: 0 });
    expect((await api(server, "POST", `/conversations/${groupId}/read`, { token: ann.token, body: { seq: 4 } })).body).toEqual({
      readSeq: 4,
      unreadCount: 0,
    });
  });
});
