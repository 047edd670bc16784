import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "./client";
import { isForeignKeyViolation, isUniqueViolation } from "./errors";
import { migrate } from "./migrate";
import { createTestDatabase, type TestDatabase, testFlavour } from "./testing";

describe(`migrations on ${testFlavour()}`, () => {
  // Each test gets a database of its own, dropped when the file is done.
  const databases: TestDatabase[] = [];
  const freshDatabase = () => {
    const database = createTestDatabase();
    databases.push(database);
    return database;
  };
  afterAll(() => Promise.all(databases.map((database) => database.drop())));

  it("applies every migration once, then nothing on a second run", async () => {
    const testDb = freshDatabase();
    const first = await migrate(testDb.target);
    expect(first.applied).toContain("20261125000000_init");
    const second = await migrate(testDb.target);
    expect(second.applied).toEqual([]);
  });

  it("concurrent runs apply each migration exactly once", async () => {
    const fresh = freshDatabase();
    const results = await Promise.all([migrate(fresh.target), migrate(fresh.target), migrate(fresh.target)]);
    const applied = results.flatMap((result) => result.applied);
    expect(applied.filter((name) => name === "20261125000000_init")).toHaveLength(1);
  });

  it("yields a schema the generated client can use, with cascading user deletion", async () => {
    const testDb = freshDatabase();
    await migrate(testDb.target);
    const db = createDb(testDb.target);
    try {
      const alice = await db.user.create({ data: { username: "alice", usernameKey: "alice", passwordHash: "x" } });
      const bob = await db.user.create({ data: { username: "bob", usernameKey: "bob", passwordHash: "x" } });
      await db.friendship.create({ data: { userLowId: alice.id, userHighId: bob.id } });
      const conversation = await db.conversation.create({
        data: { kind: "GROUP", name: "g", createdById: alice.id, memberships: { create: [{ userId: alice.id, role: "OWNER" }] } },
      });
      const long = "é".repeat(4000);
      const message = await db.message.create({
        data: { conversationId: conversation.id, seq: 1, senderId: alice.id, content: long, idempotencyKey: "k1" },
      });
      expect(message.content).toBe(long);
      expect(message.createdAt).toBeInstanceOf(Date);
      await expect(
        db.message.create({ data: { conversationId: conversation.id, seq: 1, senderId: bob.id, content: "dup" } }),
      ).rejects.toMatchObject({ code: "P2002" });

      // A row pointing at a user that is gone is refused as a foreign-key violation, however Prisma reports it.
      const refused = await db.device.create({ data: { userId: 999_999, signaturePublicKey: "k" } }).catch((error: unknown) => error);
      expect(isForeignKeyViolation(refused)).toBe(true);
      expect(isUniqueViolation(refused)).toBe(false);

      await db.user.delete({ where: { id: alice.id } });
      expect(await db.message.count()).toBe(0);
      expect(await db.friendship.count()).toBe(0);
      expect((await db.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).createdById).toBeNull();
    } finally {
      await db.$disconnect();
    }
  });
});
