import { createDb, migrate, parseDatabaseUrl } from "@hestia/db";
import { createTokenService } from "@hestia/server";
import { at } from "./load";

export interface BenchUser {
  id: number;
  token: string;
}

export interface Seeded {
  users: BenchUser[];
  /** [sender, receiver] pairs who are friends. */
  pairs: [BenchUser, BenchUser][];
  /** Groups of ten members. */
  groups: { id: number; members: BenchUser[] }[];
  /** A group with 200 stored messages, and one of its members. */
  history: { groupId: number; member: BenchUser };
}

/**
 * Writes the benchmark's users, friendships and groups straight into the database (registering
 * thousands of accounts through the API would spend minutes hashing passwords) and mints their tokens
 * with the server's own token service and secret.
 */
export async function seed(
  databaseUrl: string,
  dataDir: string,
  secret: string,
  counts: { users: number; pairs: number; groups: number },
): Promise<Seeded> {
  const target = parseDatabaseUrl(databaseUrl, dataDir);
  await migrate(target);
  const db = createDb(target);
  try {
    const names = Array.from({ length: counts.users }, (_, i) => `bench_${i + 1}`);
    for (let start = 0; start < names.length; start += 1000) {
      await db.user.createMany({
        data: names.slice(start, start + 1000).map((name) => ({ username: name, usernameKey: name, passwordHash: "!" })),
      });
    }
    const rows = await db.user.findMany({ orderBy: { id: "asc" }, select: { id: true } });
    // Only issues tokens here; the server checks them against its own database.
    const tokens = createTokenService({ user: async () => null, session: async () => null }, { secret, expiresIn: "1d" });
    const users = rows.map(({ id }) => ({ id, token: tokens.issue({ id, tokenVersion: 0 }) }));

    const pairs: [BenchUser, BenchUser][] = [];
    for (let i = 0; i < counts.pairs; i++) pairs.push([at(users, 2 * i), at(users, 2 * i + 1)]);
    await db.friendship.createMany({
      data: pairs.map(([a, b]) => ({ userLowId: Math.min(a.id, b.id), userHighId: Math.max(a.id, b.id) })),
    });
    // The pairs have talked before: the DM scenarios measure messaging, not the first contact that creates a
    // conversation (hundreds of those at once take seconds, longer than a quick run measures).
    for (const [a, b] of pairs) {
      await db.conversation.create({
        data: {
          kind: "DIRECT",
          directKey: `${Math.min(a.id, b.id)}:${Math.max(a.id, b.id)}`,
          memberships: { create: [{ userId: a.id }, { userId: b.id }] },
        },
      });
    }

    const groups: Seeded["groups"] = [];
    for (let g = 0; g < counts.groups; g++) {
      const members = users.slice(g * 10, g * 10 + 10);
      const group = await db.conversation.create({ data: { kind: "GROUP", name: `bench group ${g + 1}`, createdById: at(members, 0).id } });
      await db.membership.createMany({
        data: members.map((member, index) => ({ conversationId: group.id, userId: member.id, role: index === 0 ? "OWNER" : "MEMBER" })),
      });
      groups.push({ id: group.id, members });
    }
    const historyGroup = at(groups, 0);
    await db.message.createMany({
      data: Array.from({ length: 200 }, (_, i) => ({
        conversationId: historyGroup.id,
        seq: i + 1,
        senderId: at(historyGroup.members, i % 10).id,
        content: `history message ${i + 1} `.repeat(4),
      })),
    });
    return { users, pairs, groups, history: { groupId: historyGroup.id, member: at(historyGroup.members, 1) } };
  } finally {
    await db.$disconnect();
  }
}
