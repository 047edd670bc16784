import { describe, expect, it } from "vitest";
import { encodeCursor } from "../../pagination";
import { cursorId, idCursor, pageOf, timeIdCursor } from "./page-cursor";

describe("page cursors", () => {
  it("give back what they were made of", () => {
    expect(idCursor.decode(idCursor.encode(42))).toBe(42);
    const at = new Date("2030-01-02T03:04:05.678Z");
    expect(timeIdCursor.decode(timeIdCursor.encode({ at, id: 7 }))).toEqual({ at, id: 7 });
    expect(idCursor.decode(undefined)).toBeUndefined();
  });

  it("refuse anything a server did not hand out with a 400", () => {
    for (const bad of [
      "nope",
      encodeCursor({ id: "0" }),
      encodeCursor({ id: "-1" }),
      encodeCursor({ id: "1e3" }),
      encodeCursor({ id: "01" }),
    ]) {
      expect(() => idCursor.decode(bad), bad).toThrow(expect.objectContaining({ code: "BAD_REQUEST" }));
    }
    expect(() => timeIdCursor.decode(encodeCursor({ at: "yesterday", id: "3" }))).toThrow(expect.objectContaining({ code: "BAD_REQUEST" }));
    expect(() => cursorId("9".repeat(16))).toThrow(expect.objectContaining({ code: "BAD_REQUEST" }));
  });

  it("pageOf: a full page names the last item shown; the last page has no cursor", () => {
    const cursorOf = (n: number) => `after-${n}`;
    expect(pageOf([1, 2, 3], 2, (n) => n * 10, cursorOf)).toEqual({ items: [10, 20], nextCursor: "after-2" });
    expect(pageOf([1, 2], 2, (n) => n * 10, cursorOf)).toEqual({ items: [10, 20], nextCursor: null });
    expect(pageOf([], 2, (n: number) => n, cursorOf)).toEqual({ items: [], nextCursor: null });
  });
});
