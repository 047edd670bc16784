import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, toAppError } from "./errors";

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

  it("unwraps an AppError carried by a TRPCError", () => {
    const cause = new AppError("FORBIDDEN", "no");
    expect(toAppError(new TRPCError({ code: "FORBIDDEN", cause }))).toBe(cause);
  });

  it("hides unknown failures behind a generic 500", () => {
    const error = toAppError(new Error("SQLITE_CONSTRAINT: secret table detail"));
    expect(error.toBody()).toEqual({ error: "Internal server error", code: "INTERNAL_ERROR" });
    expect(error.status).toBe(500);
  });
});
