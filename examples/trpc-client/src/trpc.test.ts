import { startServer, type TestServer } from "@hestia/server/testing";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { demo } from "./demo";
import { createHestiaTrpc, errorCode } from "./trpc";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe("the tRPC client", () => {
  it("registers, reads the profile, creates and lists groups; a second run logs in", async () => {
    const lines: string[] = [];
    const first = await demo(server.url, "trpc_demo", "trpc-password", (line) => lines.push(line));
    expect(first.me).toMatchObject({ username: "trpc_demo", bio: "", status: "offline" });
    expect(first.group).toMatchObject({ name: "trpc_demo's tRPC group", role: "OWNER", memberCount: 1 });
    expect(first.groups).toEqual([first.group]);
    expect(lines[0]).toBe(`Signed in as trpc_demo (#${first.me.id})`);

    const second = await demo(server.url, "trpc_demo", "trpc-password");
    expect(second.me.id).toBe(first.me.id);
    expect(second.groups.map((group) => group.id)).toEqual([first.group.id, second.group.id]);

    // Inputs and outputs carry the server's types.
    expectTypeOf(first.me.id).toEqualTypeOf<number>();
    expectTypeOf(first.group.role).toEqualTypeOf<"OWNER" | "ADMIN" | "MEMBER">();
    expectTypeOf(first.groups).toEqualTypeOf<(typeof first.group)[]>();
  });

  it("reports the API's error codes", async () => {
    const anonymous = createHestiaTrpc(server.url);
    const failure = await anonymous.users.me.query({}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TRPCClientError);
    expect((failure as TRPCClientError<never>).data).toMatchObject({ httpStatus: 401, appCode: "UNAUTHORIZED", path: "users.me" });
    expect(errorCode(failure)).toBe("UNAUTHORIZED");

    const badToken = await createHestiaTrpc(server.url, "not-a-token").groups.list.query({}).catch(errorCode);
    expect(badToken).toBe("UNAUTHORIZED");

    const { token } = await anonymous.auth.register.mutate({ username: "trpc_typo", password: "trpc-password" });
    // @ts-expect-error: groups.create takes { name }, and the compiler says so.
    const invalid = await createHestiaTrpc(server.url, token).groups.create.mutate({ title: "typo" }).catch(errorCode);
    expect(invalid).toBe("VALIDATION_ERROR");
  });
});
