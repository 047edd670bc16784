import { describe, expect, it } from "vitest";
import { jsonDepthExceeds, MAX_JSON_DEPTH } from "./json-depth";

const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}[]${"}".repeat(depth - 1)}`;

describe("jsonDepthExceeds", () => {
  it("measures nesting as JSON.parse would build it", () => {
    expect(jsonDepthExceeds("1", 0)).toBe(false);
    expect(jsonDepthExceeds("{}", 0)).toBe(true);
    expect(jsonDepthExceeds("{}", 1)).toBe(false);
    expect(jsonDepthExceeds('{"a":[1,{"b":2}],"c":[]}', 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":[1,{"b":2}],"c":[]}', 2)).toBe(true);
  });

  it(`allows ${MAX_JSON_DEPTH} levels by default and refuses one more`, () => {
    expect(JSON.parse(nested(MAX_JSON_DEPTH))).toBeTruthy();
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH + 1))).toBe(true);
  });

  it("ignores brackets inside strings, escaped quotes included", () => {
    const text = JSON.stringify({ a: "[[[[{{{{", b: 'say \\"[[[" ok', c: ["]]]}}}"] });
    expect(jsonDepthExceeds(text, 2)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ a: `\\${"[".repeat(100)}` }), 1)).toBe(false);
  });

  it("scans a megabyte of nesting quickly and without recursion", () => {
    const text = "[".repeat(500_000) + "]".repeat(500_000);
    const started = performance.now();
    expect(jsonDepthExceeds(text)).toBe(true);
    expect(jsonDepthExceeds(`"${"[".repeat(1_000_000)}"`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
