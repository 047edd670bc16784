import { describe, expect, it } from "vitest";
import { friendshipRefusal } from "./blocks.policy";

describe("friendshipRefusal", () => {
  it("lets a request through when nobody blocked anybody", () => {
    expect(friendshipRefusal({ blocked: false, blockedBy: false })).toBeUndefined();
  });

  it("refuses the blocked user with a plain 403 that does not say why", () => {
    const refusal = friendshipRefusal({ blocked: false, blockedBy: true });
    expect(refusal).toMatchObject({ code: "FORBIDDEN", status: 403 });
    expect(refusal?.message).not.toMatch(/block/i);
  });

  it("tells the one who blocked to unblock first, also when both blocked each other", () => {
    for (const blockedBy of [false, true]) {
      expect(friendshipRefusal({ blocked: true, blockedBy })).toMatchObject({
        code: "FORBIDDEN",
        message: expect.stringMatching(/unblock/),
      });
    }
  });
});
