import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "../src/index";
import { registerUser, startServer, type TestServer } from "./helpers";

describe("/trpc", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  const client = (token?: string) =>
    createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${server.url}/trpc`, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) })],
    });

  it("serves the same procedures as REST, typed by AppRouter", async () => {
    const user = await registerUser(server);
    expect((await client().health.check.query({})).status).toBe("ok");
    const me = await client(user.token).users.me.query({});
    expect(me).toMatchObject({ id: user.id, username: user.username });
    const updated = await client(user.token).users.setBio.mutate({ bio: "via trpc" });
    expect(updated.bio).toBe("via trpc");
  });

  it("reports failures with the API's code and no stack", async () => {
    const failure = await client()
      .users.me.query({})
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TRPCClientError);
    const data = (failure as TRPCClientError<AppRouter>).data as Record<string, unknown>;
    expect(data).toMatchObject({ code: "UNAUTHORIZED", httpStatus: 401, appCode: "UNAUTHORIZED" });
    expect((failure as TRPCClientError<AppRouter>).shape?.code).toBe(-32001);
    expect(data.stack).toBeUndefined();
    const missing = await client((await registerUser(server)).token)
      .users.byId.query({ id: 987654 })
      .catch((error: TRPCClientError<AppRouter>) => error.data);
    expect(missing).toMatchObject({ code: "NOT_FOUND", httpStatus: 404, appCode: "NOT_FOUND" });
  });
});
