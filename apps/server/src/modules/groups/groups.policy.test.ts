import type { GroupRole } from "@hestia/contracts";
import { describe, expect, it } from "vitest";
import type { AccessCache } from "../../cache/access";
import { AppError } from "../../errors";
import { isAdmin, requireMember, requireRemovable } from "./groups.policy";

describe("isAdmin", () => {
  it("is true for owners and admins only", () => {
    expect(isAdmin("OWNER")).toBe(true);
    expect(isAdmin("ADMIN")).toBe(true);
    expect(isAdmin("MEMBER")).toBe(false);
  });
});

describe("requireRemovable", () => {
  const actorId = 1;
  /** Whether an actor with this role may remove a user with that role (someone else, unless `self`). */
  function allowed(actorRole: GroupRole, targetRole: GroupRole, self = false): boolean | string {
    try {
      requireRemovable(actorId, actorRole, { userId: self ? actorId : 2, role: targetRole });
      return true;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      expect(error.code).toBe("FORBIDDEN");
      return false;
    }
  }

  it("lets the owner remove admins and members", () => {
    expect(allowed("OWNER", "ADMIN")).toBe(true);
    expect(allowed("OWNER", "MEMBER")).toBe(true);
  });

  it("lets admins remove members, but not other admins", () => {
    expect(allowed("ADMIN", "MEMBER")).toBe(true);
    expect(allowed("ADMIN", "ADMIN")).toBe(false);
  });

  it("lets members remove nobody but themselves", () => {
    expect(allowed("MEMBER", "MEMBER")).toBe(false);
    expect(allowed("MEMBER", "ADMIN")).toBe(false);
    expect(allowed("MEMBER", "MEMBER", true)).toBe(true);
    expect(allowed("ADMIN", "ADMIN", true)).toBe(true);
  });

  it("never removes the owner, not even by the owner", () => {
    for (const role of ["OWNER", "ADMIN", "MEMBER"] as const) expect(allowed(role, "OWNER")).toBe(false);
    expect(allowed("OWNER", "OWNER", true)).toBe(false);
    expect(() => requireRemovable(actorId, "OWNER", { userId: actorId, role: "OWNER" })).toThrow(
      "The owner cannot be removed; delete the group instead",
    );
  });
});

describe("requireMember", () => {
  /** An access cache with one membership (or none) for whatever is asked. */
  const dbWith = (row: { role: GroupRole; kind: string; encrypted: boolean } | null) =>
    ({ membership: async () => row }) as unknown as AccessCache;

  it("answers the member's role and whether the group is encrypted", async () => {
    expect(await requireMember(dbWith({ role: "ADMIN", kind: "GROUP", encrypted: true }), 7, 1)).toEqual({
      conversationId: 7,
      role: "ADMIN",
      encrypted: true,
    });
  });

  it("answers a group you are not in, and a direct conversation's id, like a group that does not exist", async () => {
    for (const db of [dbWith(null), dbWith({ role: "MEMBER", kind: "DIRECT", encrypted: false })]) {
      await expect(requireMember(db, 7, 1)).rejects.toMatchObject({ code: "NOT_FOUND", message: "Group not found" });
    }
  });
});
