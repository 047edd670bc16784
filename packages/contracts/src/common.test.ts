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

  // Known bug: the coercion is Number(value), so a JSON socket payload's `true` is id 1 and `[7]` is 7, and
  // "0x10" or "1e3" in a path are ids 16 and 1000. Only decimal digits (as text or a number) should pass.
  it.fails("known bug: refuses values that are not written as a decimal integer", () => {
    for (const value of [true, [7], "0x10", "1e3"]) expect(IdSchema.safeParse(value).success, JSON.stringify(value)).toBe(false);
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
