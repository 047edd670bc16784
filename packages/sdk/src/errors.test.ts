import { describe, expect, it } from "vitest";
import { HestiaError, isErrorBody } from "./errors";

describe("HestiaError.fromBody", () => {
  it("takes the code, message and details of an API error body, with the code's status", () => {
    const error = HestiaError.fromBody({ error: "Invalid input: name: Too small", code: "VALIDATION_ERROR", details: [{ path: "name" }] });
    expect(error).toBeInstanceOf(HestiaError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: "HestiaError",
      status: 400,
      code: "VALIDATION_ERROR",
      message: "Invalid input: name: Too small",
      details: [{ path: "name" }],
    });
    expect(HestiaError.fromBody({ error: "slow down", code: "RATE_LIMITED" }).status).toBe(429);
    expect(HestiaError.fromBody({ error: "slow down", code: "RATE_LIMITED", retryAfterMs: 750 }).retryAfterMs).toBe(750);
    expect(HestiaError.fromBody({ error: "slow down", code: "RATE_LIMITED", retryAfterMs: "soon" }).retryAfterMs).toBeUndefined();
  });

  it("keeps the HTTP status it was given over the code's usual one", () => {
    expect(HestiaError.fromBody({ error: "gone", code: "NOT_FOUND" }, 410)).toMatchObject({ status: 410, code: "NOT_FOUND" });
  });

  it("reports a body that is not an API error (a proxy's HTML page, nothing) as INTERNAL_ERROR", () => {
    for (const body of ["<html>Bad Gateway</html>", undefined, null, [], { message: "no code" }, { error: 1, code: "NOT_FOUND" }]) {
      expect(HestiaError.fromBody(body, 502), JSON.stringify(body)).toMatchObject({
        status: 502,
        code: "INTERNAL_ERROR",
        message: "Request failed",
      });
    }
    expect(HestiaError.fromBody(undefined).status).toBe(500);
  });

  it("reports a code the SDK does not know as INTERNAL_ERROR, keeping the message", () => {
    expect(HestiaError.fromBody({ error: "I'm a teapot", code: "TEAPOT" })).toMatchObject({
      status: 500,
      code: "INTERNAL_ERROR",
      message: "I'm a teapot",
    });
  });

  it("does not take names of Object's own properties for error codes", () => {
    for (const code of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      expect(HestiaError.fromBody({ error: "odd", code }), code).toMatchObject({ status: 500, code: "INTERNAL_ERROR" });
    }
  });
});

describe("HestiaError.retryable", () => {
  it("is true when the server was not reached or is briefly unavailable, and only then", () => {
    expect(new HestiaError(0, "NETWORK_ERROR", "offline").retryable).toBe(true);
    expect(new HestiaError(0, "TIMEOUT", "no answer").retryable).toBe(true);
    expect(new HestiaError(503, "SERVICE_UNAVAILABLE", "shutting down").retryable).toBe(true);
    for (const [status, code] of [
      [400, "VALIDATION_ERROR"],
      [401, "UNAUTHORIZED"],
      [409, "CONFLICT"],
      [429, "RATE_LIMITED"],
      [500, "INTERNAL_ERROR"],
    ] as const) {
      expect(new HestiaError(status, code, "x").retryable, code).toBe(false);
    }
  });
});

describe("isErrorBody", () => {
  it("recognises { error, code } objects, as failed acknowledgements look", () => {
    expect(isErrorBody({ error: "no", code: "FORBIDDEN" })).toBe(true);
    expect(isErrorBody({ error: "no", code: "FORBIDDEN", details: [] })).toBe(true);
  });

  it("does not mistake a successful answer for one", () => {
    for (const value of [
      { ok: true },
      [],
      [{ error: "x", code: "y" }],
      null,
      undefined,
      "error",
      { error: "x" },
      { code: "x" },
      { error: 1, code: "x" },
    ]) {
      expect(isErrorBody(value), JSON.stringify(value)).toBe(false);
    }
  });
});
