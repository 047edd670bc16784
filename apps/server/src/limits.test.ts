import { describe, expect, it } from "vitest";
import { defaultRateLimits, parseRateSpec, rateLimitTable } from "./limits";

describe("parseRateSpec", () => {
  it("reads a window, with an optional burst on top", () => {
    expect(parseRateSpec("10/1s")).toEqual({ points: 10, seconds: 1 });
    expect(parseRateSpec("10/1s burst 40/1m")).toEqual({ points: 10, seconds: 1, burst: { points: 40, seconds: 60 } });
    expect(parseRateSpec(" 5/2h burst 1/1d ")).toEqual({ points: 5, seconds: 7200, burst: { points: 1, seconds: 86_400 } });
  });

  it("refuses anything else with a reason", () => {
    for (const text of ["", "10", "10/s", "0/1s", "10/0s", "-1/1s", "10/1x", "10/1s burst", "10/1s 40/1m", "1e3/1s"]) {
      expect(parseRateSpec(text), text).toEqual(expect.any(String));
    }
  });
});

describe("the limits table", () => {
  it("has a valid default for every limit, and one variable each", () => {
    expect(Object.keys(defaultRateLimits())).toEqual(Object.keys(rateLimitTable));
    const variables = Object.values(rateLimitTable).map((row) => row.env);
    expect(new Set(variables).size).toBe(variables.length);
  });

  it("sends default to a burst within 30-100, then at most 10 a second (API.md)", () => {
    const { sends } = defaultRateLimits();
    const burst = sends.points + (sends.burst?.points ?? 0);
    expect(burst).toBeGreaterThanOrEqual(30);
    expect(burst).toBeLessThanOrEqual(100);
    expect(sends.points / sends.seconds).toBeLessThanOrEqual(10);
  });
});
