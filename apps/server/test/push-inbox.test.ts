import { describe, expect, it } from "vitest";
import { api, befriend, registerUser, type TestUser } from "./helpers";
import { serverWithFakeFcm } from "./push-setup";

const push = serverWithFakeFcm();

const sendsTo = (token: string) => push.fcm.sends().filter((message) => message.token === token);
const bodiesTo = (token: string) => sendsTo(token).map((message) => message.notification.body);

async function send(path: string, from: TestUser, body: object) {
  const response = await api(push.server, "POST", path, { token: from.token, body });
  expect(response.status).toBe(201);
  await push.server.app.deps.push.idle();
  return response.body;
}

const mute = async (user: TestUser, conversationId: number, body: object) => {
  const response = await api(push.server, "PATCH", `/conversations/${conversationId}/settings`, { token: user.token, body });
  expect(response.status).toBe(200);
  return response.body;
};

describe("push and the inbox", () => {
  it("a muted conversation sends no push, except for mentions; unmuting or a past end brings pushes back", async () => {
    const owner = await registerUser(push.server, "owner");
    const member = await registerUser(push.server, "member");
    await befriend(push.server, owner, member);
    const groupId = (await api(push.server, "POST", "/groups", { token: owner.token, body: { name: "Loud" } })).body.id;
    await api(push.server, "POST", `/groups/${groupId}/members/${member.id}`, { token: owner.token });
    await api(push.server, "PATCH", "/users/fcm-token", { token: member.token, body: { token: "member-phone" } });

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
      const response = await api(push.server, "PATCH", `/conversations/${groupId}/settings`, { token: member.token, body });
      expect([JSON.stringify(body), response.status, response.body.code]).toEqual([JSON.stringify(body), 400, "VALIDATION_ERROR"]);
    }
  });

  it("muting a direct conversation stops its pushes", async () => {
    const [alice, bob] = await Promise.all([registerUser(push.server, "alice"), registerUser(push.server, "bob")]);
    await befriend(push.server, alice, bob);
    await api(push.server, "PATCH", "/users/fcm-token", { token: bob.token, body: { token: "bob-muted-phone" } });
    const first = await send(`/messages/direct/${bob.id}`, alice, { content: "first" });
    await mute(bob, first.conversationId, { muted: true });
    await send(`/messages/direct/${bob.id}`, alice, { content: "second" });
    expect(bodiesTo("bob-muted-phone")).toEqual(["first"]);
  });

  it("every push carries the recipient's unread total as the badge", async () => {
    const [alice, bob, carol] = await Promise.all([
      registerUser(push.server, "alice"),
      registerUser(push.server, "bob"),
      registerUser(push.server, "carol"),
    ]);
    await befriend(push.server, alice, bob);
    await befriend(push.server, carol, bob);
    await api(push.server, "PATCH", "/users/fcm-token", { token: bob.token, body: { token: "bob-badge" } });
    await send(`/messages/direct/${bob.id}`, alice, { content: "a1" });
    await send(`/messages/direct/${bob.id}`, alice, { content: "a2" });
    const fromCarol = await send(`/messages/direct/${bob.id}`, carol, { content: "c1" });
    await api(push.server, "POST", `/conversations/${fromCarol.conversationId}/read`, { token: bob.token, body: { seq: fromCarol.seq } });
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
