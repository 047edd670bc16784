import { describe, expect, it } from "vitest";
import { startFakeFcm } from "./fake-fcm";
import { api, befriend, connect, eventually, registerUser, startServer, type TestUser } from "./helpers";
import { serverWithFakeFcm } from "./push-setup";

const push = serverWithFakeFcm();

const settled = () => push.server.app.deps.push.idle();

/** Sends through REST and waits until the push work for it is done. */
async function sendDM(from: TestUser, to: TestUser, content: string) {
  const response = await api(push.server, "POST", `/messages/direct/${to.id}`, { token: from.token, body: { content } });
  expect(response.status).toBe(201);
  await settled();
  return response.body;
}

async function registerDevice(user: TestUser, token: string) {
  expect((await api(push.server, "PATCH", "/users/fcm-token", { token: user.token, body: { token } })).body).toEqual({ success: true });
}

const sendsTo = (token: string) => push.fcm.sends().filter((message) => message.token === token);

describe("push notifications through FCM", () => {
  it("pushes a DM to every device of an offline recipient, with the data an app needs", async () => {
    const [alice, bob] = await Promise.all([registerUser(push.server, "alice"), registerUser(push.server, "bob")]);
    await befriend(push.server, alice, bob);
    await registerDevice(bob, "bob-phone");
    await registerDevice(bob, "bob-tablet");
    const message = await sendDM(alice, bob, "dinner at eight?");

    for (const token of ["bob-phone", "bob-tablet"]) {
      expect(sendsTo(token)).toEqual([
        {
          token,
          notification: { title: alice.username, body: "dinner at eight?" },
          data: {
            type: "dm",
            conversationId: String(message.conversationId),
            messageId: String(message.id),
            senderId: String(alice.id),
            badge: "1",
          },
          // The badge: bob's unread messages across every conversation.
          android: { priority: "high", notification: { tag: `conversation-${message.conversationId}`, notification_count: 1 } },
          apns: { payload: { aps: { "thread-id": `conversation-${message.conversationId}`, badge: 1 } } },
        },
      ]);
    }
    // To the FCM v1 API of the service account's project, with the credential's OAuth token.
    const send = push.fcm.requests.find((request) => request.body.message?.token === "bob-phone")!;
    expect(send).toMatchObject({
      host: "fcm.googleapis.com",
      path: `/v1/projects/${push.fcm.projectId}/messages:send`,
      authorization: "Bearer fake-access-token",
    });
  });

  it("does not push to a recipient who is online, or who is do_not_disturb", async () => {
    const [alice, bob, carol] = await Promise.all([registerUser(push.server), registerUser(push.server), registerUser(push.server)]);
    await befriend(push.server, alice, bob);
    await befriend(push.server, alice, carol);
    await registerDevice(bob, "online-bob");
    await registerDevice(carol, "dnd-carol");
    await api(push.server, "PATCH", "/users/status", { token: carol.token, body: { status: "do_not_disturb" } });

    const socket = await connect(push.server, bob.token);
    try {
      await sendDM(alice, bob, "you are online");
    } finally {
      socket.close();
    }
    await sendDM(alice, carol, "do not disturb me");
    expect(sendsTo("online-bob")).toEqual([]);
    expect(sendsTo("dnd-carol")).toEqual([]);

    await eventually(async () =>
      expect((await api(push.server, "GET", `/users/by-id/${bob.id}`, { token: alice.token })).body.status).toBe("offline"),
    );
    await sendDM(alice, bob, "now you are not");
    expect(sendsTo("online-bob").map((message) => message.notification.body)).toEqual(["now you are not"]);
  });

  it("pushes group messages to offline members but not to the sender, and truncates long text", async () => {
    const [owner, member, other] = await Promise.all([registerUser(push.server), registerUser(push.server), registerUser(push.server)]);
    await befriend(push.server, owner, member);
    await befriend(push.server, owner, other);
    const group = (await api(push.server, "POST", "/groups", { token: owner.token, body: { name: "Climbing" } })).body;
    for (const user of [member, other]) await api(push.server, "POST", `/groups/${group.id}/members/${user.id}`, { token: owner.token });
    await registerDevice(owner, "group-owner");
    await registerDevice(member, "group-member");
    await registerDevice(other, "group-other");

    const long = "x".repeat(500);
    const sent = (await api(push.server, "POST", `/groups/${group.id}/messages`, { token: owner.token, body: { content: long } })).body;
    await settled();
    expect(sendsTo("group-owner")).toEqual([]);
    for (const token of ["group-member", "group-other"]) {
      const [push] = sendsTo(token);
      expect(push.notification).toEqual({ title: `${owner.username} in Climbing`, body: `${"x".repeat(199)}…` });
      expect(push.data).toEqual({
        type: "group",
        conversationId: String(sent.conversationId),
        messageId: String(sent.id),
        senderId: String(owner.id),
        groupId: String(group.id),
        badge: "1",
      });
    }
  });

  it("deletes tokens FCM reports as unregistered or invalid, and keeps the others", async () => {
    const [alice, bob] = await Promise.all([registerUser(push.server), registerUser(push.server)]);
    await befriend(push.server, alice, bob);
    for (const token of ["dead-1", "bad-1", "live-1", "busy-1", "payload-1"]) await registerDevice(bob, token);
    const outcomes = { dead: "unregistered", bad: "invalid", busy: "failing", payload: "bad-payload", live: "ok" } as const;
    push.fcm.behave((token) => outcomes[token.split("-")[0] as keyof typeof outcomes]);
    await sendDM(alice, bob, "first");
    const remaining = await push.server.app.deps.db.pushToken.findMany({ where: { userId: bob.id }, select: { token: true } });
    // A failure that says nothing about the token (FCM busy, our payload refused) keeps it.
    expect(remaining.map((row) => row.token).sort()).toEqual(["busy-1", "live-1", "payload-1"]);

    push.fcm.behave(() => "ok");
    await sendDM(alice, bob, "second");
    expect(sendsTo("dead-1")).toHaveLength(1);
    expect(sendsTo("bad-1")).toHaveLength(1);
    expect(sendsTo("live-1")).toHaveLength(2);
  });

  it("never delays or fails the send: FCM still answering, or failing, does not matter", async () => {
    const [alice, bob] = await Promise.all([registerUser(push.server), registerUser(push.server)]);
    await befriend(push.server, alice, bob);
    await registerDevice(bob, "slow-device");
    push.fcm.behave(() => "hold");
    const response = await api(push.server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { content: "quick" } });
    expect(response.status).toBe(201);
    await eventually(() => expect(sendsTo("slow-device")).toHaveLength(1));
    push.fcm.release();
    await settled();

    // FCM unreachable: a push.server of its own, whose fake FCM is closed (the shared one stays up for the other tests).
    const gone = await startFakeFcm();
    const broken = await startServer(
      { FIREBASE_SERVICE_ACCOUNT: gone.serviceAccount },
      { firebase: { httpAgent: gone.agent, credential: gone.credential } },
    );
    try {
      const [carol, dave] = await Promise.all([registerUser(broken), registerUser(broken)]);
      await befriend(broken, carol, dave);
      await api(broken, "PATCH", "/users/fcm-token", { token: dave.token, body: { token: "dave-device" } });
      await gone.close();
      const sent = await api(broken, "POST", `/messages/direct/${dave.id}`, { token: carol.token, body: { content: "still stored" } });
      expect(sent.status).toBe(201);
      await broken.app.deps.push.idle();
      expect(
        (await api(broken, "GET", `/messages/direct/${carol.id}`, { token: dave.token })).body.map((m: { content: string }) => m.content),
      ).toEqual(["still stored"]);
    } finally {
      await broken.close();
    }
  });
});

describe("device tokens", () => {
  it("registers many per user, unregisters one, moves a token to whoever registered it last", async () => {
    const [alice, bob] = await Promise.all([registerUser(push.server), registerUser(push.server)]);
    await registerDevice(alice, "shared-device");
    await registerDevice(alice, "alice-2");
    await registerDevice(bob, "shared-device");
    const tokensOf = async (user: TestUser) =>
      (await push.server.app.deps.db.pushToken.findMany({ where: { userId: user.id }, select: { token: true } }))
        .map((row) => row.token)
        .sort();
    expect(await tokensOf(alice)).toEqual(["alice-2"]);
    expect(await tokensOf(bob)).toEqual(["shared-device"]);

    const removed = await api(push.server, "DELETE", "/users/fcm-token?token=alice-2", { token: alice.token });
    expect(removed).toMatchObject({ status: 200, body: { success: true } });
    expect(await tokensOf(alice)).toEqual([]);
    // Someone else's token is not yours to remove.
    await api(push.server, "DELETE", "/users/fcm-token?token=shared-device", { token: alice.token });
    expect(await tokensOf(bob)).toEqual(["shared-device"]);
    expect((await api(push.server, "DELETE", "/users/fcm-token", { token: alice.token })).status).toBe(400);
  });

  it("keeps the 20 most recently registered tokens", async () => {
    const user = await registerUser(push.server);
    for (let i = 1; i <= 22; i++) await registerDevice(user, `device-${String(i).padStart(2, "0")}`);
    const rows = await push.server.app.deps.db.pushToken.findMany({ where: { userId: user.id }, select: { token: true } });
    expect(rows).toHaveLength(20);
    expect(rows.map((row) => row.token)).not.toContain("device-01");
    expect(rows.map((row) => row.token)).not.toContain("device-02");
  });
});
