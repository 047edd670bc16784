import { createHmac } from "node:crypto";
import { startServer, type TestServer } from "@hestia/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, HestiaError, type Tokens } from "../src/index";
import { signUp } from "./setup";

const decode = (token: string) => JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());

describe("sessions in the SDK", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  /** The same token as `token`, but expired a minute ago (signed as the server signs). */
  function expired(token: string): string {
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const body = `${encode({ alg: "HS256", typ: "JWT" })}.${encode({ ...decode(token), iat: now - 120, exp: now - 60 })}`;
    const signature = createHmac("sha256", server.app.deps.config.jwt.secret).update(body).digest("base64url");
    return `${body}.${signature}`;
  }

  it("keeps the refresh token of a login and reports every new pair", async () => {
    const seen: (Tokens | undefined)[] = [];
    const { client } = await signUp(server, "keeper", { onTokens: (tokens) => seen.push(tokens) });
    expect(client.refreshToken).toEqual(expect.any(String));
    expect(seen).toEqual([{ token: client.token, refreshToken: client.refreshToken }]);
    await client.auth.refresh();
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual({ token: client.token, refreshToken: client.refreshToken });
    expect(seen[1]?.refreshToken).not.toBe(seen[0]?.refreshToken);
  });

  it("renews an expired access token by itself, once for every request waiting on it", async () => {
    const user = await signUp(server, "renewer");
    const seen: (Tokens | undefined)[] = [];
    const client = createClient({
      baseUrl: server.url,
      token: expired(user.client.token ?? ""),
      refreshToken: user.client.refreshToken,
      onTokens: (tokens) => seen.push(tokens),
    });
    const answers = await Promise.all([client.users.me(), client.users.me(), client.auth.status()]);
    expect(answers[0].id).toBe(user.id);
    expect(answers[2].user.id).toBe(user.id);
    expect(seen).toHaveLength(1);
    expect(decode(client.token ?? "").sid).toBe(decode(user.client.token ?? "").sid);
  });

  it("without a refresh token an expired token is TOKEN_EXPIRED; a refused refresh token signs out", async () => {
    const user = await signUp(server, "lapsed");
    const bare = createClient({ baseUrl: server.url, token: expired(user.client.token ?? "") });
    await expect(bare.users.me()).rejects.toMatchObject({ status: 401, code: "TOKEN_EXPIRED" });

    const seen: (Tokens | undefined)[] = [];
    const stale = createClient({
      baseUrl: server.url,
      token: expired(user.client.token ?? ""),
      refreshToken: "not-a-refresh-token-at-all-but-long-enough-0000",
      onTokens: (tokens) => seen.push(tokens),
    });
    await expect(stale.users.me()).rejects.toMatchObject({ code: "TOKEN_EXPIRED" });
    expect(stale.token).toBeUndefined();
    expect(seen).toEqual([undefined]);
  });

  it("a refresh token replayed by someone else ends the session for both", async () => {
    const user = await signUp(server, "victim");
    const thief = createClient({ baseUrl: server.url, token: user.client.token, refreshToken: user.client.refreshToken });
    await thief.auth.refresh();
    // The rightful client still holds the used refresh token: its renewal shows the theft and ends the session.
    await expect(user.client.auth.refresh()).rejects.toBeInstanceOf(HestiaError);
    await expect(thief.users.me()).rejects.toMatchObject({ status: 401 });
  });

  it("logout ends the session on the server and forgets the tokens; it never throws", async () => {
    const user = await signUp(server, "leaver");
    const copy = createClient({ baseUrl: server.url, token: user.client.token });
    expect(await user.client.auth.logout()).toBe(true);
    expect(user.client.token).toBeUndefined();
    expect(user.client.refreshToken).toBeUndefined();
    await expect(copy.users.me()).rejects.toMatchObject({ status: 401 });
    expect(await user.client.auth.logout()).toBe(false);
    expect(await copy.auth.logout()).toBe(false);
  });

  it("lists and revokes sessions, and changes the password", async () => {
    const user = await signUp(server, "devices");
    const phone = createClient({ baseUrl: server.url });
    await phone.auth.login({ username: user.username, password: "password123" });
    const { items } = await user.client.auth.sessions();
    expect(items).toHaveLength(2);
    const phoneSession = items.find((session) => !session.current);
    expect(phoneSession?.id).toBe(decode(phone.token ?? "").sid);

    await user.client.auth.revokeSession(phoneSession?.id ?? 0);
    await expect(phone.users.me()).rejects.toMatchObject({ status: 401 });

    const laptop = createClient({ baseUrl: server.url });
    await laptop.auth.login({ username: user.username, password: "password123" });
    await expect(user.client.auth.changePassword("wrong password", "new password 1")).rejects.toMatchObject({ status: 403 });
    await user.client.auth.changePassword("password123", "new password 1");
    await expect(laptop.users.me()).rejects.toMatchObject({ status: 401 });
    expect((await user.client.users.me()).id).toBe(user.id);
  });
});
