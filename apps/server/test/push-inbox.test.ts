import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeFcm, startFakeFcm } from "./fake-fcm";
import { api, befriend, registerUser, startServer, type TestServer, type TestUser } from "./helpers";

let fcm: FakeFcm;
let server: TestServer;
beforeAll(async () => {
  fcm = await startFakeFcm();
  server = await startServer(
    { FIREBASE_SERVICE_ACCOUNT: fcm.serviceAccount },
    { firebase: { httpAgent: fcm.agent, credential: fcm.credential } },
  );
});
afterAll(async () => {
  await server.close();
  await fcm.close();
});
beforeEach(() => {
  fcm.behave(() => "ok");
});

const sendsTo = (token: string) => fcm.sends().filter((message) => message.token === token);
const bodiesTo = (token: string) => sendsTo(token).map((message) => message.notification.body);

async function send(path: string, from: TestUser, body: object) {
  const response = await api(server, "POST", path, { token: from.token, body });
  expect(response.status).toBe(201);
  await server.app.deps.push.idle();
  return response.body;
}

const mute = async (user: TestUser, conversationId: number, body: object) => {
  const response = await api(server, "PATCH", `/conversations/${conversationId}/settings`, { token: user.token, body });
  expect(response.status).toBe(200);
  return response.body;
};

describe("push and the inbox", () => {
  it("a muted conversation sends no push, except for mentions; unmuting or a past end brings pushes back", async () => {
    const owner = await registerUser(server, "owner");
    const member = await registerUser(server, "member");
    await befriend(server, owner, member);
    const groupId = (await api(server, "POST", "/groups", { token: owner.token, body: { name: "Loud" } })).body.id;
    await api(server, "POST", `/groups/${groupId}/members/${member.id}`, { token: owner.token });
    await api(server, "PATCH", "/users/fcm-token", { token: member.token, body: { token: "member-phone" } });

    expect(await mute(member, groupId, { muted: true })).toMatchObject({ id: groupId, muted: true, mutedUntil: null });
    await send(`/groups/${groupId}/messages`, owner, { content: "quiet please" });
    await send(`/groups/${groupId}/messages`, owner, { content: "but you, listen", mentions: [member.id] });
    expect(bodiesTo("member-phone")).toEqual(["but you, listen"]);

    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect(await mute(member, groupId, { mutedUntil: until })).toMatchObject({ muted: true, mutedUntil: until });
    await send(`/groups/${groupId}/messages`, owner, { content: "still quiet" });
    expect(await mute(member, groupId, { mutedUntil: new Date(Date.now() - 1_000).toISOString() })).toMatchObject({
      muted: false,
      mutedUntil: null,
    });
    await send(`/groups/${groupId}/messages`, owner, { content: "the mute is over" });
    expect(await mute(member, groupId, { muted: true })).toMatchObject({ muted: true });
    expect(await mute(member, groupId, { muted: false })).toMatchObject({ muted: false, mutedUntil: null });
    await send(`/groups/${groupId}/messages`, owner, { content: "unmuted" });
    expect(bodiesTo("member-phone")).toEqual(["but you, listen", "the mute is over", "unmuted"]);

    for (const body of [{}, { muted: "false" }, { muted: false, mutedUntil: until }, { mutedUntil: "tomorrow" }]) {
      const response = await api(server, "PATCH", `/conversations/${groupId}/settings`, { token: member.token, body });
      expect([JSON.stringify(body), response.status, response.body.code]).toEqual([JSON.stringify(body), 400, "VALIDATION_ERROR"]);
    }
  });

  it("muting a direct conversation stops its pushes", async () => {
    const [alice, bob] = await Promise.all([registerUser(server, "alice"), registerUser(server, "bob")]);
    await befriend(server, alice, bob);
    await api(server, "PATCH", "/users/fcm-token", { token: bob.token, body: { token: "bob-muted-phone" } });
    const first = await send(`/messages/direct/${bob.id}`, alice, { content: "first" });
    await mute(bob, first.conversationId, { muted: true });
    await send(`/messages/direct/${bob.id}`, alice, { content: "second" });
    expect(bodiesTo("bob-muted-phone")).toEqual(["first"]);
  });

  it("every push carries the recipient's unread total as the badge", async () => {
    const [alice, bob, carol] = await Promise.all([
      registerUser(server, "alice"),
      registerUser(server, "bob"),
      registerUser(server, "carol"),
    ]);
    await befriend(server, alice, bob);
    await befriend(server, carol, bob);
    await api(server, "PATCH", "/users/fcm-token", { token: bob.token, body: { token: "bob-badge" } });
    await send(`/messages/direct/${bob.id}`, alice, { content: "a1" });
    await send(`/messages/direct/${bob.id}`, alice, { content: "a2" });
    const fromCarol = await send(`/messages/direct/${bob.id}`, carol, { content: "c1" });
    await api(server, "POST", `/conversations/${fromCarol.conversationId}/read`, { token: bob.token, body: { seq: fromCarol.seq } });
    await send(`/messages/direct/${bob.id}`, alice, { content: "a3" });
    const badges = sendsTo("bob-badge").map((message) => [
      message.data.badge,
      message.apns.payload.aps.badge,
      message.android.notification.notification_count,
    ]);
    expect(badges).toEqual([
      ["1", 1, 1],
      ["2", 2, 2],
      ["3", 3, 3],
      ["3", 3, 3],
    ]);
  });
});
