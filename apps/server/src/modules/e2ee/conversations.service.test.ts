import { describe, expect, it } from "vitest";
import { conversationTarget } from "./conversations.service";

describe("conversationTarget", () => {
  it("points a group conversation at its group", () => {
    expect(conversationTarget({ id: 9, kind: "GROUP", directKey: null }, 1)).toEqual({ kind: "GROUP", groupId: 9 });
  });

  it("points a direct conversation at the other user, for either of them", () => {
    expect(conversationTarget({ id: 9, kind: "DIRECT", directKey: "4:11" }, 4)).toEqual({ kind: "DIRECT", peerUserId: 11 });
    expect(conversationTarget({ id: 9, kind: "DIRECT", directKey: "4:11" }, 11)).toEqual({ kind: "DIRECT", peerUserId: 4 });
  });
});
