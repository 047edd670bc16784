import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, grantAdmin, runAdminCli } from "./admin-cli";
import {
  type ApiResponse,
  api,
  befriend,
  collect,
  connect,
  emitAck,
  eventually,
  registerUser,
  startServer,
  type TestServer,
  type TestUser,
} from "./helpers";

let server: TestServer;
let admin: TestUser;
/** An admin whose rights a test takes away. */
let formerAdmin: TestUser;
beforeAll(async () => {
  server = await startServer();
  [admin, formerAdmin] = await Promise.all([registerUser(server, "admin"), registerUser(server, "former")]);
  // Each run of the command line is a process of its own: they run side by side.
  await Promise.all([grantAdmin(cliEnv(server), admin.username), grantAdmin(cliEnv(server), formerAdmin.username)]);
});
afterAll(() => server.close());

/** Every entry of the audit log, newest first (all pages, a few at a time). */
async function auditLog(): Promise<Record<string, unknown>[]> {
  const entries = [];
  let cursor: string | null = null;
  do {
    const page: ApiResponse = await api(server, "GET", `/admin/actions?limit=3${cursor ? `&cursor=${cursor}` : ""}`, {
      token: admin.token,
    });
    expect(page.status).toBe(200);
    entries.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return entries;
}

const adminEndpoints = (id: number): [string, string, unknown?][] => [
  ["GET", "/admin/reports"],
  ["POST", `/admin/reports/${id}/resolve`, {}],
  ["POST", `/admin/users/${id}/suspend`, {}],
  ["POST", `/admin/users/${id}/unsuspend`, {}],
  ["DELETE", `/admin/messages/${id}`],
  ["GET", "/admin/actions"],
];

describe("server admins", () => {
  it("are the only ones the admin endpoints answer: 403 for anyone else, 401 without a token", async () => {
    const [user, victim] = await Promise.all([registerUser(server), registerUser(server)]);
    for (const [method, path, body] of adminEndpoints(victim.id)) {
      const response = await api(server, method, path, { token: user.token, body });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.body).toEqual({ error: "Only server admins can do this", code: "FORBIDDEN" });
      expect((await api(server, method, path, { body })).status, `${method} ${path} without a token`).toBe(401);
    }
  });

  it("are made and unmade on the command line (any letter case), each change in the audit log", async () => {
    const user = await registerUser(server, "mod");
    expect((await api(server, "GET", "/admin/reports", { token: user.token })).status).toBe(403);
    expect((await api(server, "GET", "/admin/reports", { token: formerAdmin.token })).status).toBe(200);
    const [granted, unknown, revoked] = await Promise.all([
      runAdminCli(cliEnv(server), ["grant", user.username.toUpperCase()]),
      runAdminCli(cliEnv(server), ["grant", "nobody_by_that_name"]),
      runAdminCli(cliEnv(server), ["revoke", formerAdmin.username]),
    ]);
    expect(granted).toMatchObject({ code: 0, stdout: expect.stringContaining(`${user.username} (id ${user.id}) is now a server admin`) });
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('no user named "nobody_by_that_name"') });
    expect(revoked).toMatchObject({
      code: 0,
      stdout: expect.stringContaining(`${formerAdmin.username} (id ${formerAdmin.id}) is no longer a server admin`),
    });
    expect((await api(server, "GET", "/admin/reports", { token: user.token })).status).toBe(200);
    expect((await api(server, "GET", "/admin/reports", { token: formerAdmin.token })).status).toBe(403);

    const log = await auditLog();
    const entry = {
      id: expect.any(Number),
      adminId: null,
      targetMessageId: null,
      reportId: null,
      details: "cli",
      createdAt: expect.any(String),
    };
    expect(log.filter((logged) => logged.targetUserId === user.id)).toEqual([{ ...entry, action: "grant_admin", targetUserId: user.id }]);
    // Newest first, with no admin: the command line did it.
    expect(log.filter((logged) => logged.targetUserId === formerAdmin.id)).toEqual([
      { ...entry, action: "revoke_admin", targetUserId: formerAdmin.id },
      { ...entry, action: "grant_admin", targetUserId: formerAdmin.id },
    ]);
  });

  it("the command line says when nothing changed, lists the admins, and explains its usage", async () => {
    const before = (await auditLog()).length;
    const [again, list, usage] = await Promise.all([
      runAdminCli(cliEnv(server), ["grant", admin.username]),
      runAdminCli(cliEnv(server), ["list"]),
      runAdminCli(cliEnv(server), ["promote", admin.username]),
    ]);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining("was already a server admin") });
    expect(list).toMatchObject({ code: 0, stdout: expect.stringContaining(`${admin.username} (id ${admin.id})`) });
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining("usage: npm run admin -- grant <username>") });
    expect((await auditLog()).length).toBe(before);
  });

  it("see the reports queue open first (oldest first), then resolved (newest first), a page at a time", async () => {
    const [reporter, ...targets] = await Promise.all([
      registerUser(server),
      registerUser(server),
      registerUser(server),
      registerUser(server),
      registerUser(server),
    ]);
    const ids: number[] = [];
    for (const target of targets) {
      const response = await api(server, "POST", "/reports", { token: reporter.token, body: { userId: target.id, reason: "abuse" } });
      ids.push(response.body.id);
    }
    const [first, second, third, fourth] = ids as [number, number, number, number];
    for (const id of [second, fourth]) {
      const resolved = await api(server, "POST", `/admin/reports/${id}/resolve`, { token: admin.token, body: { resolution: "warned" } });
      expect(resolved.status).toBe(200);
      expect(resolved.body).toMatchObject({
        id,
        status: "resolved",
        resolvedById: admin.id,
        resolution: "warned",
        resolvedAt: expect.any(String),
      });
    }

    const listed: { id: number; status: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse = await api(server, "GET", `/admin/reports?limit=1${cursor ? `&cursor=${cursor}` : ""}`, {
        token: admin.token,
      });
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      listed.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const statuses = listed.map((report) => report.status);
    expect(statuses).toEqual([...statuses].sort((a, b) => (a === b ? 0 : a === "open" ? -1 : 1)));
    expect(listed.map((report) => report.id).filter((id) => ids.includes(id))).toEqual([first, third, fourth, second]);

    const open = await api(server, "GET", "/admin/reports?status=open&limit=100", { token: admin.token });
    expect(open.body.items.every((report: { status: string }) => report.status === "open")).toBe(true);
    expect(open.body.items.map((report: { id: number }) => report.id)).toEqual(expect.arrayContaining([first, third]));
    const resolved = await api(server, "GET", "/admin/reports?status=resolved&limit=100", { token: admin.token });
    expect(resolved.body.items.map((report: { id: number }) => report.id).filter((id: number) => ids.includes(id))).toEqual([
      fourth,
      second,
    ]);
    const openCursor = (await api(server, "GET", "/admin/reports?limit=1", { token: admin.token })).body.nextCursor;
    expect((await api(server, "GET", `/admin/reports?status=resolved&cursor=${openCursor}`, { token: admin.token })).status).toBe(400);
  });

  it("resolve a report once (again: 409; unknown: 404), and each resolution is in the audit log", async () => {
    const [reporter, target] = await Promise.all([registerUser(server), registerUser(server)]);
    const { body } = await api(server, "POST", "/reports", { token: reporter.token, body: { userId: target.id, reason: "spam" } });
    expect((await api(server, "POST", `/admin/reports/${body.id}/resolve`, { token: admin.token, body: {} })).body).toMatchObject({
      status: "resolved",
      resolution: null,
    });
    const again = await api(server, "POST", `/admin/reports/${body.id}/resolve`, { token: admin.token, body: { resolution: "twice" } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("CONFLICT");
    expect((await api(server, "POST", "/admin/reports/2000000000/resolve", { token: admin.token, body: {} })).status).toBe(404);
    const entries = (await auditLog()).filter((entry) => entry.reportId === body.id);
    expect(entries).toEqual([expect.objectContaining({ adminId: admin.id, action: "resolve_report", targetUserId: target.id })]);
  });

  it("suspend a user: their sockets drop at once, their tokens and logins answer SUSPENDED, until unsuspended", async () => {
    const target = await registerUser(server, "suspect");
    const login = await api(server, "POST", "/auth/login", { body: { username: target.username, password: target.password } });
    const sockets = await Promise.all([connect(server, target.token), connect(server, login.body.token)]);
    const closed = sockets.map((socket) => new Promise<string>((resolve) => socket.once("disconnect", resolve)));

    const suspended = await api(server, "POST", `/admin/users/${target.id}/suspend`, {
      token: admin.token,
      body: { reason: "spam waves" },
    });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toEqual({ success: true });
    expect(await Promise.all(closed)).toEqual(["io server disconnect", "io server disconnect"]);

    for (const token of [target.token, login.body.token]) {
      const refused = await api(server, "GET", "/users/me", { token });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe("SUSPENDED");
      await expect(connect(server, token)).rejects.toMatchObject({ data: { code: "SUSPENDED" } });
    }
    const relogin = await api(server, "POST", "/auth/login", { body: { username: target.username, password: target.password } });
    expect(relogin.status).toBe(403);
    expect(relogin.body).toEqual({ error: "This account is suspended", code: "SUSPENDED" });
    // Only whoever knows the password learns of the suspension.
    const wrong = await api(server, "POST", "/auth/login", { body: { username: target.username, password: "not the password" } });
    expect(wrong.body.code).toBe("INVALID_CREDENTIALS");
    expect((await api(server, "POST", "/auth/refresh", { body: { refreshToken: login.body.refreshToken } })).status).toBeGreaterThanOrEqual(
      400,
    );
    expect((await api(server, "POST", `/admin/users/${target.id}/suspend`, { token: admin.token, body: {} })).status).toBe(200);

    expect((await api(server, "POST", `/admin/users/${target.id}/unsuspend`, { token: admin.token, body: {} })).body).toEqual({
      success: true,
    });
    const back = await api(server, "POST", "/auth/login", { body: { username: target.username, password: target.password } });
    expect(back.status).toBe(200);
    expect((await api(server, "GET", "/users/me", { token: back.body.token })).status).toBe(200);
    // The sessions the suspension ended stay ended.
    expect((await api(server, "GET", "/users/me", { token: target.token })).status).toBe(401);

    const entries = (await auditLog()).filter((entry) => entry.targetUserId === target.id);
    expect(entries.map((entry) => [entry.action, entry.adminId, entry.details])).toEqual([
      ["unsuspend", admin.id, null],
      ["suspend", admin.id, "spam waves"],
    ]);
  });

  it("cannot suspend themselves (400) or unknown users (404)", async () => {
    const self = await api(server, "POST", `/admin/users/${admin.id}/suspend`, { token: admin.token, body: {} });
    expect(self.status).toBe(400);
    expect(self.body.code).toBe("BAD_REQUEST");
    expect((await api(server, "POST", "/admin/users/2000000000/suspend", { token: admin.token, body: {} })).status).toBe(404);
    expect((await api(server, "POST", "/admin/users/2000000000/unsuspend", { token: admin.token, body: {} })).status).toBe(404);
  });

  it("delete any message: it stays in history as a tombstone, members are told, the reported text stays with the report", async () => {
    const [owner, member] = await Promise.all([registerUser(server), registerUser(server)]);
    await befriend(server, owner, member);
    const group = await api(server, "POST", "/groups", { token: owner.token, body: { name: "Moderated" } });
    await api(server, "POST", `/groups/${group.body.id}/members/${member.id}`, { token: owner.token });
    const send = (content: string) =>
      api(server, "POST", `/groups/${group.body.id}/messages`, { token: member.token, body: { content } }).then(
        (response) => response.body,
      );
    const before = await send("fine");
    const bad = await send("something awful");
    const report = await api(server, "POST", "/reports", { token: owner.token, body: { messageId: bad.id, reason: "abuse" } });
    const ownerSocket = await connect(server, owner.token);
    const memberSocket = await connect(server, member.token);
    const told = [ownerSocket, memberSocket].map((socket) => collect(socket, "messageDeleted"));

    const deleted = await api(server, "DELETE", `/admin/messages/${bad.id}`, { token: admin.token });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    const event = {
      conversationId: group.body.id,
      messageId: bad.id,
      seq: bad.seq,
      deletedAt: expect.any(String),
      changeSeq: expect.any(Number),
    };
    await eventually(() => {
      for (const received of told) expect(received).toEqual([event]);
    });

    const after = await send("after");
    expect(after.seq).toBe(bad.seq + 1);
    const history = await api(server, "GET", `/groups/${group.body.id}/messages`, { token: member.token });
    // A deletion is a change: the tombstone takes the conversation's next changeSeq.
    const tombstone = { ...bad, content: null, deletedAt: expect.any(String), changeSeq: expect.any(Number) };
    expect(history.body).toEqual([before, tombstone, after]);
    expect(await emitAck(ownerSocket, "getGroupHistory", { groupId: group.body.id })).toEqual([before, tombstone, after]);
    const queued = await api(server, "GET", "/admin/reports?status=open&limit=100", { token: admin.token });
    expect(queued.body.items.find((item: { id: number }) => item.id === report.body.id)).toMatchObject({
      messageId: bad.id,
      messageContent: "something awful",
    });

    // Again: nothing changes and nothing more is logged; an unknown message is 404.
    expect((await api(server, "DELETE", `/admin/messages/${bad.id}`, { token: admin.token })).status).toBe(204);
    expect((await api(server, "DELETE", "/admin/messages/2000000000", { token: admin.token })).status).toBe(404);
    const entries = (await auditLog()).filter((entry) => entry.targetMessageId === bad.id);
    expect(entries).toEqual([
      expect.objectContaining({ adminId: admin.id, action: "delete_message", targetUserId: member.id, createdAt: expect.any(String) }),
    ]);
    // The event reached nobody twice: what the members received since is only the next message.
    await emitAck(memberSocket, "joinGroup", { groupId: group.body.id });
    for (const received of told) expect(received).toEqual([event]);
    ownerSocket.close();
    memberSocket.close();
  });

  it("delete a direct message: both participants are told, and both histories show the tombstone", async () => {
    const [alice, bob] = await Promise.all([registerUser(server), registerUser(server)]);
    await befriend(server, alice, bob);
    const message = (await api(server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { content: "oops" } })).body;
    const sockets = await Promise.all([connect(server, alice.token), connect(server, bob.token)]);
    const told = sockets.map((socket) => collect(socket, "messageDeleted"));
    expect((await api(server, "DELETE", `/admin/messages/${message.id}`, { token: admin.token })).status).toBe(204);
    await eventually(() => {
      for (const received of told)
        expect(received).toEqual([
          expect.objectContaining({ conversationId: message.conversationId, messageId: message.id, seq: message.seq }),
        ]);
    });
    for (const [user, other] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      const history = await api(server, "GET", `/messages/direct/${other.id}`, { token: user.token });
      expect(history.body).toEqual([{ ...message, content: null, deletedAt: expect.any(String), changeSeq: message.changeSeq + 1 }]);
    }
    for (const socket of sockets) socket.close();
  });

  it("read the audit log newest first, a page at a time; a bad cursor is 400", async () => {
    const log = await auditLog();
    expect(log.length).toBeGreaterThan(3);
    const ids = log.map((entry) => entry.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(ids.length);
    expect((await api(server, "GET", "/admin/actions?cursor=nope", { token: admin.token })).status).toBe(400);
  });
});
