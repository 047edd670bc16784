import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, befriend, collect, connect, emitAck, eventually, registerUser, startServer, type TestServer } from "./helpers";

describe("groups", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  /** A new group of a new owner, with a friend of the owner as its member (unless `withMember` is false) and an outsider. */
  async function hearth({ withMember = true } = {}) {
    const [owner, member, outsider] = await Promise.all([
      registerUser(server, "owner"),
      registerUser(server, "member"),
      registerUser(server, "outsider"),
    ]);
    await befriend(server, owner, member);
    const created = await api(server, "POST", "/groups", { token: owner.token, body: { name: "  Hearth  ", description: "warm" } });
    expect(created.status).toBe(201);
    const groupId: number = created.body.id;
    if (withMember) expect((await api(server, "POST", `/groups/${groupId}/members/${member.id}`, { token: owner.token })).status).toBe(200);
    return { owner, member, outsider, groupId, created: created.body };
  }

  it("admins add only friends; members are listed with roles; non-members get 404 everywhere", async () => {
    const { owner, member, outsider, groupId, created } = await hearth({ withMember: false });
    expect(created).toMatchObject({ name: "Hearth", description: "warm", isPrivate: false, role: "OWNER", memberCount: 1 });
    expect((await api(server, "POST", `/groups/${groupId}/members/${outsider.id}`, { token: owner.token })).status).toBe(403);
    const added = await api(server, "POST", `/groups/${groupId}/members/${member.id}`, { token: owner.token });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ groupId, userId: member.id, role: "MEMBER" });
    expect((await api(server, "POST", `/groups/${groupId}/members/${member.id}`, { token: owner.token })).status).toBe(409);

    const list = await api(server, "GET", "/groups", { token: member.token });
    expect(list.body).toEqual([expect.objectContaining({ id: groupId, role: "MEMBER", memberCount: 2 })]);
    const details = await api(server, "GET", `/groups/${groupId}`, { token: member.token });
    expect(details.body.members.map((m: { id: number; role: string }) => [m.id, m.role])).toEqual([
      [owner.id, "OWNER"],
      [member.id, "MEMBER"],
    ]);

    for (const [method, path] of [
      ["GET", `/groups/${groupId}`],
      ["PUT", `/groups/${groupId}`],
      ["GET", `/groups/${groupId}/messages`],
      ["POST", `/groups/${groupId}/messages`],
      ["DELETE", `/groups/${groupId}`],
      ["GET", "/groups/999999"],
    ] as const) {
      const response = await api(server, method, path, {
        token: outsider.token,
        body: method === "POST" || method === "PUT" ? { content: "x", name: "x" } : undefined,
      });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body).toEqual({ error: "Group not found", code: "NOT_FOUND" });
    }
    // A non-admin member gets 403 for admin actions.
    expect((await api(server, "PUT", `/groups/${groupId}`, { token: member.token, body: { name: "mine" } })).status).toBe(403);
    const renamed = await api(server, "PUT", `/groups/${groupId}`, { token: owner.token, body: { name: "Hearth 2", isPrivate: true } });
    expect(renamed.body).toMatchObject({ name: "Hearth 2", isPrivate: true });
  });

  it("delivers group messages to joined members over sockets, from REST and socket sends, in order", async () => {
    const { owner, member, outsider, groupId } = await hearth();
    const ownerSocket = await connect(server, owner.token);
    const memberSocket = await connect(server, member.token);
    const outsiderSocket = await connect(server, outsider.token);
    expect(await emitAck(ownerSocket, "joinGroup", { groupId })).toEqual({ ok: true });
    expect(await emitAck(memberSocket, "joinGroup", { groupId })).toEqual({ ok: true });
    expect(await emitAck(outsiderSocket, "joinGroup", { groupId })).toEqual({ error: "Group not found", code: "NOT_FOUND" });
    const received = collect(memberSocket, "newGroupMessage");
    const directs = collect(memberSocket, "newDM");
    const spied = collect(outsiderSocket, "newGroupMessage");

    const viaSocket = await emitAck(ownerSocket, "sendGroupMessage", { groupId, content: "from socket" });
    expect(viaSocket).toMatchObject({ groupId, content: "from socket", userId: owner.id });
    const viaRest = await api(server, "POST", `/groups/${groupId}/messages`, { token: member.token, body: { content: "from REST" } });
    expect(viaRest.status).toBe(201);
    await eventually(() => expect(received).toEqual([viaSocket, viaRest.body]));

    const history = await emitAck(memberSocket, "getGroupHistory", { groupId });
    expect(history.map((m: { content: string }) => m.content)).toEqual(["from socket", "from REST"]);
    // These acks reach the outsider's socket after anything broadcast before they were answered.
    expect(await emitAck(outsiderSocket, "getGroupHistory", { groupId })).toMatchObject({ code: "NOT_FOUND" });
    expect(await emitAck(outsiderSocket, "sendGroupMessage", { groupId, content: "let me in" })).toMatchObject({ code: "NOT_FOUND" });
    expect(spied).toEqual([]);

    expect(await emitAck(memberSocket, "leaveGroup", { groupId })).toEqual({ ok: true });
    await emitAck(ownerSocket, "sendGroupMessage", { groupId, content: "after leave" });
    // Sent after the group message, to the member's own room: once it arrives, the group message would have too.
    const barrier = await emitAck(ownerSocket, "sendDM", { toId: member.id, content: "barrier" });
    await eventually(() => expect(directs).toEqual([barrier]));
    expect(received).toEqual([viaSocket, viaRest.body]);
    for (const socket of [ownerSocket, memberSocket, outsiderSocket]) socket.close();
  });

  it("a removed member's sockets leave the room at once and lose access; the owner cannot be removed", async () => {
    const { owner, member, groupId } = await hearth();
    const memberSocket = await connect(server, member.token);
    await emitAck(memberSocket, "joinGroup", { groupId });
    const received = collect(memberSocket, "newGroupMessage");
    const directs = collect(memberSocket, "newDM");
    expect((await api(server, "DELETE", `/groups/${groupId}/members/${owner.id}`, { token: member.token })).status).toBe(403);
    expect((await api(server, "DELETE", `/groups/${groupId}/members/${owner.id}`, { token: owner.token })).status).toBe(403);
    const removed = await api(server, "DELETE", `/groups/${groupId}/members/${member.id}`, { token: owner.token });
    expect(removed.status).toBe(204);
    await api(server, "POST", `/groups/${groupId}/messages`, { token: owner.token, body: { content: "secret after removal" } });
    // Sent after the group message, to the member's own room: once it arrives, the group message would have too.
    const barrier = await api(server, "POST", `/messages/direct/${member.id}`, { token: owner.token, body: { content: "barrier" } });
    await eventually(() => expect(directs).toEqual([barrier.body]));
    expect(received).toEqual([]);
    expect((await api(server, "GET", `/groups/${groupId}/messages`, { token: member.token })).status).toBe(404);
    const late = await api(server, "POST", `/groups/${groupId}/messages`, { token: member.token, body: { content: "still here?" } });
    expect(late).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    memberSocket.close();
  });

  it("members leave by removing themselves; only the owner deletes the group", async () => {
    const { owner, member, groupId } = await hearth();
    expect((await api(server, "DELETE", `/groups/${groupId}`, { token: member.token })).status).toBe(403);
    expect((await api(server, "DELETE", `/groups/${groupId}/members/${member.id}`, { token: member.token })).status).toBe(204);
    expect((await api(server, "GET", "/groups", { token: member.token })).body).toEqual([]);
    expect((await api(server, "DELETE", `/groups/${groupId}`, { token: owner.token })).status).toBe(204);
    expect((await api(server, "GET", `/groups/${groupId}`, { token: owner.token })).status).toBe(404);
  });
});
