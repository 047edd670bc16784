import { startServer, type TestServer } from "@hestia/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, HestiaError } from "../src/index";

describe("createClient against a real server", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("registers, keeps the token, and reads and updates the profile", async () => {
    const client = createClient({ baseUrl: server.url });
    expect((await client.health()).status).toBe("ok");
    const { user } = await client.auth.register({ username: "sdk_alice", password: "password123" });
    expect(client.token).toEqual(expect.any(String));
    expect(await client.auth.status()).toEqual({ authenticated: true, user });
    expect((await client.users.updateBio("hi")).bio).toBe("hi");
    expect((await client.users.setStatus("do_not_disturb")).status).toBe("do_not_disturb");
    expect(await client.users.setFcmToken("sdk-device")).toEqual({ success: true });
    expect(await client.users.removeFcmToken("sdk-device")).toEqual({ success: true });
    expect((await client.users.setAvatar("https://example.com/a.png")).profilePictureUrl).toBe("https://example.com/a.png");
    expect((await client.users.byUsername("SDK_ALICE")).id).toBe(user.id);
    expect((await client.users.byId(user.id)).username).toBe("sdk_alice");
    expect(await client.users.me()).toMatchObject({ id: user.id, bio: "hi", status: "do_not_disturb" });

    // logout ends the session and forgets the token; setToken uses a token kept from elsewhere.
    const kept = client.token;
    expect(await client.auth.logout()).toBe(true);
    expect(client.token).toBeUndefined();
    await expect(client.users.me()).rejects.toMatchObject({ status: 401, code: "UNAUTHORIZED" });
    client.setToken(kept);
    await expect(client.users.me()).rejects.toMatchObject({ status: 401, code: "UNAUTHORIZED" });
    const other = createClient({ baseUrl: server.url });
    await other.auth.login({ username: "sdk_alice", password: "password123" });
    client.setToken(other.token);
    expect((await client.users.me()).id).toBe(user.id);
  });

  it("uploads an avatar from bytes or a Blob, sets a URL, and removes it", async () => {
    const client = createClient({ baseUrl: server.url });
    await client.auth.register({ username: "sdk_avatar", password: "password123" });
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");
    const fromBytes = await client.users.setAvatar(png);
    expect(fromBytes.profilePictureUrl).toMatch(new RegExp(`^${server.url}/uploads/avatars/[0-9a-f]{32}\\.png$`));
    const image = await fetch(fromBytes.profilePictureUrl!);
    expect(image.headers.get("content-type")).toBe("image/png");
    const fromBlob = await client.users.setAvatar(new Blob([png], { type: "image/png" }));
    expect(fromBlob.profilePictureUrl).not.toBe(fromBytes.profilePictureUrl);
    expect((await fetch(fromBytes.profilePictureUrl!)).status).toBe(404);
    await expect(client.users.setAvatar(new TextEncoder().encode("not an image"))).rejects.toMatchObject({
      status: 415,
      code: "UNSUPPORTED_MEDIA_TYPE",
    });
    expect((await client.users.setAvatar("https://example.com/me.png")).profilePictureUrl).toBe("https://example.com/me.png");
    expect((await client.users.setAvatar(null)).profilePictureUrl).toBeNull();
  });

  it("throws HestiaError with status, code and message", async () => {
    const client = createClient({ baseUrl: server.url });
    await client.auth.register({ username: "sdk_bob", password: "password123" });
    const failure = await client.users.byId(987654).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HestiaError);
    expect(failure).toMatchObject({ status: 404, code: "NOT_FOUND", message: "User not found" });
    const taken = await createClient({ baseUrl: server.url })
      .auth.register({ username: "sdk_bob", password: "password123" })
      .catch((error: unknown) => error);
    expect(taken).toMatchObject({ status: 409, code: "USERNAME_TAKEN" });
  });

  it("deleteMe removes the account and forgets the token", async () => {
    const client = createClient({ baseUrl: server.url });
    const { token } = await client.auth.register({ username: "sdk_carol", password: "password123" });
    await client.users.deleteMe();
    expect(client.token).toBeUndefined();
    const stale = createClient({ baseUrl: server.url, token });
    await expect(stale.users.me()).rejects.toMatchObject({ status: 401 });
  });

  it("reports an unreachable server as NETWORK_ERROR", async () => {
    const client = createClient({ baseUrl: "http://127.0.0.1:9" });
    await expect(client.health()).rejects.toMatchObject({ status: 0, code: "NETWORK_ERROR" });
  });
});
