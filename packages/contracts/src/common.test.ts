import { describe, expect, it } from "vitest";
import { IdSchema, SuccessSchema, TimestampSchema } from "./common";

describe("IdSchema", () => {
  it("accepts positive integers up to the largest 32-bit signed one", () => {
    for (const id of [1, 42, 2_147_483_647]) expect(IdSchema.parse(id)).toBe(id);
  });

  it("reads path and query parameters, which arrive as decimal text", () => {
    expect(IdSchema.parse("42")).toBe(42);
    expect(IdSchema.parse("2147483647")).toBe(2_147_483_647);
  });

  it.each([
    0,
    -1,
    1.5,
    2_147_483_648,
    "0",
    "-1",
    "1.5",
    "abc",
    "",
    "2147483648",
    Number.NaN,
    Number.POSITIVE_INFINITY,
    null,
    undefined,
    {},
  ])("refuses %j", (value) => {
    expect(IdSchema.safeParse(value).success).toBe(false);
  });

  it.each([
    true,
    false,
    [7],
    "0x1a",
    "0x10",
    "1e3",
    "26e0",
    "1.0",
    "01",
    "+1",
    " 1",
    "1 ",
    "1\n",
    "١٢",
    "-1",
    "1234567890123456",
    "999999999999999",
  ])("refuses %j, which is not an id written in decimal digits (or beyond the largest id)", (value) => {
    const result = IdSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/must be an id/);
  });
});

describe("TimestampSchema", () => {
  it("accepts ISO-8601 UTC timestamps as the API writes them", () => {
    expect(TimestampSchema.parse("2030-01-02T03:04:05.678Z")).toBe("2030-01-02T03:04:05.678Z");
    expect(TimestampSchema.parse(new Date(0).toISOString())).toBe("1970-01-01T00:00:00.000Z");
  });

  it("refuses other writings of a time", () => {
    for (const value of ["2030-01-02", "2030-01-02 03:04:05", "yesterday", "2030-01-02T03:04:05+01:00", 0]) {
      expect(TimestampSchema.safeParse(value).success, String(value)).toBe(false);
    }
  });
});

describe("SuccessSchema", () => {
  it("is exactly { success: true }", () => {
    expect(SuccessSchema.parse({ success: true })).toEqual({ success: true });
    expect(SuccessSchema.safeParse({ success: false }).success).toBe(false);
    expect(SuccessSchema.safeParse({}).success).toBe(false);
  });
});
