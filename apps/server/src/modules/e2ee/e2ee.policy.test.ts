import type { Db } from "@hestia/db";
import { describe, expect, it } from "vitest";
import { requireConversationMember, requireOwnDevice } from "./e2ee.policy";

describe("requireOwnDevice", () => {
  const device = { id: 3, userId: 7, name: "phone", signaturePublicKey: "k", createdAt: new Date(0) };
  const db = {
    device: { findUnique: async ({ where }: { where: { id: number } }) => (where.id === device.id ? device : null) },
  } as unknown as Db;

  it("answers the actor's own device", async () => {
    expect(await requireOwnDevice(db, 7, 3)).toBe(device);
  });

  it("answers someone else's device exactly like one that does not exist", async () => {
    await expect(requireOwnDevice(db, 8, 3)).rejects.toMatchObject({ code: "NOT_FOUND", message: "Device not found" });
    await expect(requireOwnDevice(db, 7, 4)).rejects.toMatchObject({ code: "NOT_FOUND", message: "Device not found" });
  });
});

describe("requireConversationMember", () => {
  /** A database where the actor's membership has this role in this conversation (or none). */
  const dbWith = (membership: { role: string; kind: string } | null) =>
    ({
      membership: {
        findUnique: async () =>
          membership && {
            role: membership.role,
            conversation: {
              id: 5,
              kind: membership.kind,
              directKey: membership.kind === "DIRECT" ? "1:2" : null,
              encrypted: true,
              mlsEpoch: 4,
            },
          },
      },
    }) as unknown as Db;

  it("answers a group member's role", async () => {
    expect(await requireConversationMember(dbWith({ role: "ADMIN", kind: "GROUP" }), 5, 1)).toEqual({
      id: 5,
      kind: "GROUP",
      directKey: null,
      encrypted: true,
      mlsEpoch: 4,
      role: "ADMIN",
    });
  });

  it("makes everyone a MEMBER of a direct conversation, whatever the row says", async () => {
    expect(await requireConversationMember(dbWith({ role: "OWNER", kind: "DIRECT" }), 5, 1)).toMatchObject({
      kind: "DIRECT",
      directKey: "1:2",
      role: "MEMBER",
    });
  });

  it("answers a conversation the actor is not in like one that does not exist", async () => {
    await expect(requireConversationMember(dbWith(null), 5, 1)).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Conversation not found",
    });
  });
});
