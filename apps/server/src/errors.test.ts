import { errorStatus } from "@hestia/contracts";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, isInternal, toAppError, validationError } from "./errors";

describe("toAppError", () => {
  it("keeps AppErrors and their status", () => {
    const error = new AppError("USERNAME_TAKEN", "taken");
    expect(toAppError(error)).toBe(error);
    expect(error.status).toBe(409);
  });

  it("turns zod failures into VALIDATION_ERROR with details", () => {
    const result = z.object({ name: z.string().min(3) }).safeParse({ name: "x" });
    const error = toAppError(new TRPCError({ code: "BAD_REQUEST", cause: result.error }));
    expect(error.code).toBe("VALIDATION_ERROR");
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Invalid input: name: /);
    expect(error.extra.details).toEqual([{ path: "name", message: expect.any(String) }]);
  });

  it("turns a zod failure thrown as it is into VALIDATION_ERROR too", () => {
    const result = z.object({ age: z.number() }).safeParse({ age: "x" });
    expect(toAppError(result.error)).toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringMatching(/^Invalid input: age: /) });
  });

  it("unwraps an AppError carried by a TRPCError", () => {
    const cause = new AppError("FORBIDDEN", "no");
    expect(toAppError(new TRPCError({ code: "FORBIDDEN", cause }))).toBe(cause);
  });

  it.each([
    ["PARSE_ERROR", "BAD_REQUEST"],
    ["BAD_REQUEST", "BAD_REQUEST"],
    ["UNAUTHORIZED", "UNAUTHORIZED"],
    ["FORBIDDEN", "FORBIDDEN"],
    ["NOT_FOUND", "NOT_FOUND"],
    ["METHOD_NOT_SUPPORTED", "NOT_FOUND"],
    ["CONFLICT", "CONFLICT"],
    ["PAYLOAD_TOO_LARGE", "PAYLOAD_TOO_LARGE"],
    ["UNSUPPORTED_MEDIA_TYPE", "UNSUPPORTED_MEDIA_TYPE"],
    ["TOO_MANY_REQUESTS", "RATE_LIMITED"],
    ["SERVICE_UNAVAILABLE", "SERVICE_UNAVAILABLE"],
  ] as const)("maps tRPC's %s to %s, keeping its message", (trpcCode, code) => {
    const error = toAppError(new TRPCError({ code: trpcCode, message: "what happened" }));
    expect(error).toMatchObject({ code, message: "what happened" });
    expect(error.status).toBe(errorStatus[code]);
  });

  it("answers tRPC codes without a meaning for clients as a bare 500", () => {
    for (const code of ["INTERNAL_SERVER_ERROR", "TIMEOUT", "NOT_IMPLEMENTED", "CLIENT_CLOSED_REQUEST"] as const) {
      expect(toAppError(new TRPCError({ code, message: "stack at db.ts:1:2" })).toBody(), code).toEqual({
        error: "Internal server error",
        code: "INTERNAL_ERROR",
      });
    }
  });

  it("does not call a zod failure a bad request when tRPC reports it as something else", () => {
    const result = z.string().safeParse(1);
    expect(toAppError(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: result.error })).code).toBe("INTERNAL_ERROR");
  });

  it("hides unknown failures behind a generic 500", () => {
    const error = toAppError(new Error("SQLITE_CONSTRAINT: secret table detail"));
    expect(error.toBody()).toEqual({ error: "Internal server error", code: "INTERNAL_ERROR" });
    expect(error.status).toBe(500);
  });

  it("hides thrown values that are not errors at all", () => {
    for (const value of ["text", undefined, null, 42, { code: "FORBIDDEN", message: "forged" }]) {
      expect(toAppError(value).code, String(value)).toBe("INTERNAL_ERROR");
    }
  });

  it("does not take an object that merely looks like a zod error for one", () => {
    expect(toAppError({ name: "ZodError", issues: [] }).code).toBe("INTERNAL_ERROR");
  });
});

describe("validationError", () => {
  it("names the first problem with its path, and lists every problem", () => {
    const error = validationError([
      { path: ["members", 0, "id"], message: "Too small" },
      { path: ["name"], message: "Required" },
    ]);
    expect(error.message).toBe("Invalid input: members.0.id: Too small");
    expect(error.extra.details).toEqual([
      { path: "members.0.id", message: "Too small" },
      { path: "name", message: "Required" },
    ]);
  });

  it("uses the message alone for a problem with the whole input", () => {
    expect(validationError([{ path: [], message: "use at most one of before and after" }]).message).toBe(
      "use at most one of before and after",
    );
  });

  it("says Invalid input when there is no issue to name", () => {
    expect(validationError([]).toBody()).toEqual({ error: "Invalid input", code: "VALIDATION_ERROR", details: [] });
  });
});

describe("AppError", () => {
  it("has the status of its code, for every code", () => {
    for (const [code, status] of Object.entries(errorStatus)) expect(new AppError(code as never, "x").status).toBe(status);
  });

  it("puts details and a retry hint in the body only when there are some", () => {
    expect(new AppError("NOT_FOUND", "gone").toBody()).toEqual({ error: "gone", code: "NOT_FOUND" });
    expect(new AppError("VALIDATION_ERROR", "bad", { details: [] }).toBody()).toEqual({
      error: "bad",
      code: "VALIDATION_ERROR",
      details: [],
    });
    const limited = new AppError("RATE_LIMITED", "slow down", { retryAfterMs: 4_200 });
    expect(limited.toBody()).toEqual({ error: "slow down", code: "RATE_LIMITED", retryAfterMs: 4_200 });
    expect(limited.retryAfterSeconds).toBe(5);
    expect(new AppError("RATE_LIMITED", "soon", { retryAfterMs: 1 }).retryAfterSeconds).toBe(1);
  });
});

describe("a database that is away for a moment", () => {
  it.each([
    ["a refused connection", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:3306"), { code: "ECONNREFUSED" })],
    [
      "a killed connection (mariadb driver)",
      Object.assign(new Error("Connection was killed"), { name: "SqlError", errno: 1927, fatal: true }),
    ],
    ["a pool with no free connection", Object.assign(new Error("pool timeout"), { code: "ER_GET_CONNECTION_TIMEOUT" })],
    ["Prisma losing the server", Object.assign(new Error("Server has closed the connection."), { code: "P1017" })],
    [
      "a driver adapter losing it",
      Object.assign(new Error("x"), { meta: { driverAdapterError: { cause: { kind: "ConnectionClosed" } } } }),
    ],
    ["a locked SQLite file", Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" })],
    ["one wrapped in another", new Error("outer", { cause: Object.assign(new Error("inner"), { errno: 2013 }) })],
  ])("answers %s with 503 UNAVAILABLE and a retry hint", (_label, error) => {
    const mapped = toAppError(error);
    expect(mapped.status).toBe(503);
    expect(mapped.toBody()).toEqual({ error: expect.any(String), code: "UNAVAILABLE", retryAfterMs: 1000 });
    expect(isInternal(mapped)).toBe(false);
  });

  it("leaves other failures internal, whatever their message says", () => {
    for (const error of [new Error("ECONNREFUSED 10.0.0.5:3306"), Object.assign(new Error("syntax"), { errno: 1064 })]) {
      expect(toAppError(error).code).toBe("INTERNAL_ERROR");
    }
  });
});

describe("isInternal", () => {
  it("is true for server failures worth a stack trace, not for client errors or planned unavailability", () => {
    expect(isInternal(new AppError("INTERNAL_ERROR", "x"))).toBe(true);
    expect(isInternal(new AppError("SERVICE_UNAVAILABLE", "x"))).toBe(false);
    expect(isInternal(new AppError("NOT_FOUND", "x"))).toBe(false);
    expect(isInternal(new AppError("RATE_LIMITED", "x"))).toBe(false);
  });
});
