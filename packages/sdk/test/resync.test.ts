import { createHmac } from "node:crypto";
import { startServer, type TestServer } from "@hestia/server/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createClient, type Message, type RealtimeEvents } from "../src/index";
import { makeFriends, signUp } from "./setup";

describe("realtime: catching up when the server asks, and renewing the token", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("on resync, delivers at once what the server failed to pass on, once and in order", async () => {
    const [alice, bob] = await Promise.all([signUp(server, "alice"), signUp(server, "bob")]);
    await makeFriends(alice, bob);
    const dms: Message[] = [];
    const caughtUp: RealtimeEvents["caughtUp"][] = [];
    bob.client.realtime.on("newDM", (message) => dms.push(message));
    bob.client.realtime.on("caughtUp", (event) => caughtUp.push(event));
    await bob.client.realtime.connect();
    await alice.client.dms.send(bob.id, { content: "live" });
    await vi.waitFor(() => expect(dms.map((message) => message.content)).toEqual(["live"]), { timeout: 10_000 });

    // Two messages stored and acknowledged but never passed on (as while the server's link was down).
    const broadcaster = server.app.deps.broadcaster;
    const deliver = broadcaster.directMessage;
    broadcaster.directMessage = () => {};
    try {
      await alice.client.dms.send(bob.id, { content: "missed 1" });
      await alice.client.dms.send(bob.id, { content: "missed 2" });
    } finally {
      broadcaster.directMessage = deliver;
    }
    server.app.io.local.emit("resync", {});
    await vi.waitFor(() => expect(dms.map((message) => message.content)).toEqual(["live", "missed 1", "missed 2"]), { timeout: 10_000 });
    // The catch-up ends with the changes feed, after the messages were handed over.
    await vi.waitFor(() => expect(caughtUp.at(-1)?.messages).toBe(2), { timeout: 10_000 });

    // Nothing twice: a second resync finds nothing new, and the next live message follows.
    server.app.io.local.emit("resync", { conversationIds: [dms[0]?.conversationId ?? 0] });
    await alice.client.dms.send(bob.id, { content: "after" });
    await vi.waitFor(() => expect(dms.map((message) => message.content)).toEqual(["live", "missed 1", "missed 2", "after"]), {
      timeout: 10_000,
    });
  });

  it("on resync, re-reads the unread totals: a conversation never seen before is counted", async () => {
    const [dana, erin] = await Promise.all([signUp(server, "dana"), signUp(server, "erin")]);
    await makeFriends(dana, erin);
    await erin.client.realtime.connect();
    await erin.client.conversations.refreshUnread();
    expect(erin.client.conversations.unread.total).toBe(0);

    const broadcaster = server.app.deps.broadcaster;
    const deliver = broadcaster.directMessage;
    broadcaster.directMessage = () => {};
    try {
      await dana.client.dms.send(erin.id, { content: "never passed on" });
    } finally {
      broadcaster.directMessage = deliver;
    }
    expect(erin.client.conversations.unread.total).toBe(0);
    server.app.io.local.emit("resync", {});
    await vi.waitFor(() => expect(erin.client.conversations.unread.total).toBe(1), { timeout: 10_000 });
    erin.client.realtime.disconnect();
  });

  it("connects with an expired token by renewing it first", async () => {
    const user = await signUp(server, "sleeper");
    const now = Math.floor(Date.now() / 1000);
    const [header, payload] = (user.client.token ?? "").split(".");
    const claims = { ...JSON.parse(Buffer.from(payload ?? "", "base64url").toString()), iat: now - 120, exp: now - 60 };
    const body = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
    const expired = `${body}.${createHmac("sha256", server.app.deps.config.jwt.secret).update(body).digest("base64url")}`;

    const client = createClient({ baseUrl: server.url, token: expired, refreshToken: user.client.refreshToken });
    await client.realtime.connect();
    expect(client.realtime.connected).toBe(true);
    expect(client.token).not.toBe(expired);
    client.realtime.disconnect();
  });
});
