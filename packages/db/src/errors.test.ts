import { describe, expect, it } from "vitest";
import { isForeignKeyViolation, isTransientConflict, isUniqueViolation } from "./errors";

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

  it("recognises foreign-key violations from model and raw queries, and tells them from unique ones", () => {
    expect(isForeignKeyViolation({ code: "P2003" })).toBe(true);
    expect(isForeignKeyViolation({ meta: { driverAdapterError: { cause: { kind: "ForeignKeyConstraintViolation" } } } })).toBe(true);
    expect(isForeignKeyViolation({ code: "P2002" })).toBe(false);
    expect(isUniqueViolation({ code: "P2003" })).toBe(false);
    for (const value of [null, undefined, "P2003", new Error("P2003")]) expect(isForeignKeyViolation(value), String(value)).toBe(false);
  });

  it("retries every transient MariaDB code, and Prisma's write conflict", () => {
    for (const code of ["1213", "1205", "1020", "1467"]) {
      expect(isTransientConflict({ meta: { driverAdapterError: { cause: { originalCode: code } } } }), code).toBe(true);
    }
    expect(isTransientConflict({ code: "P2034" })).toBe(true);
    expect(isTransientConflict({ meta: { driverAdapterError: { cause: { originalCode: "1062" } } } })).toBe(false);
    expect(isTransientConflict(null)).toBe(false);
  });
});
