import { describe, expect, it } from "vitest";
import { advance } from "./cursor";

describe("cursor moves", () => {
  const at = (readSeq: number, deliveredSeq: number) => ({ readSeq, deliveredSeq });

  it("only move forward: a lower seq changes nothing", () => {
    expect(advance(at(5, 7), { cursor: "read", seq: 3 }, 10)).toEqual(at(5, 7));
    expect(advance(at(5, 7), { cursor: "delivered", seq: 6 }, 10)).toEqual(at(5, 7));
  });

  it("are clamped to the newest message", () => {
    expect(advance(at(0, 0), { cursor: "read", seq: 99 }, 10)).toEqual(at(10, 10));
    expect(advance(at(0, 0), { cursor: "delivered", seq: 99 }, 10)).toEqual(at(0, 10));
  });

  it("reading also delivers; delivering does not read", () => {
    expect(advance(at(2, 3), { cursor: "read", seq: 8 }, 10)).toEqual(at(8, 8));
    expect(advance(at(2, 9), { cursor: "read", seq: 8 }, 10)).toEqual(at(8, 9));
    expect(advance(at(2, 3), { cursor: "delivered", seq: 8 }, 10)).toEqual(at(2, 8));
  });
});
