import { describe, expect, it } from "vitest";
import { isTransientConflict, isUniqueViolation } from "./errors";

describe("database error classification", () => {
  it("retries MariaDB deadlocks, lock waits and auto-increment read failures, however Prisma reports them", () => {
    expect(isTransientConflict({ meta: { driverAdapterError: { cause: { originalCode: "1213" } } } })).toBe(true);
    expect(
      isTransientConflict({ code: "P2010", message: "Raw query failed. Code: `1467`. Message: `Failed to read auto-increment value`" }),
    ).toBe(true);
    expect(isTransientConflict({ code: "SQLITE_BUSY" })).toBe(true);
    expect(isTransientConflict({ code: "P2010", message: "Raw query failed. Code: `1062`. Message: `Duplicate entry`" })).toBe(false);
    expect(isTransientConflict(new Error("connection refused"))).toBe(false);
  });

  it("recognises unique violations from model and raw queries", () => {
    expect(isUniqueViolation({ code: "P2002" })).toBe(true);
    expect(isUniqueViolation({ meta: { driverAdapterError: { cause: { kind: "UniqueConstraintViolation" } } } })).toBe(true);
    expect(isUniqueViolation(null)).toBe(false);
  });
});
