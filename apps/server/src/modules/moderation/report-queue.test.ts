import { describe, expect, it } from "vitest";
import { encodeCursor } from "../../pagination";
import { queueCursor, queueReads } from "./report-queue";

describe("queueReads", () => {
  it("reads open reports first, then resolved ones", () => {
    expect(queueReads(undefined, undefined)).toEqual([{ part: "open" }, { part: "resolved" }]);
  });

  it("goes on where the previous page ended, in that part, then the parts after it", () => {
    expect(queueReads(undefined, { part: "open", id: 12 })).toEqual([{ part: "open", afterId: 12 }, { part: "resolved" }]);
    expect(queueReads(undefined, { part: "resolved", id: 5 })).toEqual([{ part: "resolved", afterId: 5 }]);
  });

  it("keeps to one part when asked", () => {
    expect(queueReads("resolved", undefined)).toEqual([{ part: "resolved" }]);
    expect(queueReads("open", { part: "open", id: 3 })).toEqual([{ part: "open", afterId: 3 }]);
  });

  it("refuses a cursor of a part the listing does not show", () => {
    expect(() => queueReads("open", { part: "resolved", id: 3 })).toThrow(expect.objectContaining({ code: "BAD_REQUEST" }));
  });
});

describe("queueCursor", () => {
  it("round-trips, and refuses an unknown part", () => {
    expect(queueCursor.decode(queueCursor.encode({ part: "resolved", id: 9 }))).toEqual({ part: "resolved", id: 9 });
    expect(() => queueCursor.decode(encodeCursor({ part: "spam", id: "9" }))).toThrow(expect.objectContaining({ code: "BAD_REQUEST" }));
  });
});
