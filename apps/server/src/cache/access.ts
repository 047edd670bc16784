import type { LeanDb } from "@hestia/db";
import { type ConversationRef, directKey } from "../modules/messages/store/message-row";
import { createCache } from "./cache";
import type { Invalidation, InvalidationBus } from "./invalidation";

/** What authenticating a token needs to know of its user. */
export interface UserFacts {
  id: number;
  username: string;
  tokenVersion: number;
}

/** What authenticating a token of a session needs to know: the session's state and its user's. */
export interface SessionFacts {
  username: string;
  tokenVersion: number;
  revoked: boolean;
  suspended: boolean;
}

/** A user's membership of a conversation, with what a send needs to know of the conversation. */
export interface MembershipFacts {
  role: string;
  kind: string;
  encrypted: boolean;
}

/**
 * The checks made on every request and every send (the token's user, friendship, membership, a pair's
 * direct conversation), answered from in-process caches. Every change to what they answer goes through
 * `changed`, which drops the entries here and on every other process before it resolves.
 */
export interface AccessCache {
  /** The user, if the account exists. */
  user(userId: number): Promise<UserFacts | null>;
  /** A session of the user, if it exists (revoked or not). */
  session(userId: number, sessionId: number): Promise<SessionFacts | null>;
  areFriends(a: number, b: number): Promise<boolean>;
  membership(conversationId: number, userId: number): Promise<MembershipFacts | null>;
  /** The direct conversation of two users, if it exists. */
  directConversation(a: number, b: number): Promise<ConversationRef | null>;
  changed: {
    /** The user's tokens were revoked, or the account deleted or suspended (everything about them is dropped). */
    user(userId: number): Promise<void>;
    /** A session ended. */
    session(userId: number, sessionId: number): Promise<void>;
    friendship(a: number, b: number): Promise<void>;
    /** Memberships of a conversation changed: of these users, or of everyone (the group was deleted). */
    membership(conversationId: number, userIds?: number[]): Promise<void>;
  };
}

const involves = (userId: number) => {
  const id = String(userId);
  return (key: string) => key.split(":").includes(id);
};

export function createAccessCache(lean: LeanDb, bus: InvalidationBus): AccessCache {
  const options = { trusted: () => bus.trusted() };
  // Only accounts that exist are kept: an id probed before its account was registered must not stay unknown.
  const users = createCache<UserFacts | null>({ ...options, keep: (value) => value !== null });
  const friendships = createCache<boolean>(options);
  const memberships = createCache<MembershipFacts | null>(options);
  // Only found conversations are kept: one created later must be seen at once.
  const directs = createCache<ConversationRef | null>({ ...options, keep: (value) => value !== null });
  // Keyed "<user>:<session>".
  const sessions = createCache<SessionFacts | null>(options);
  const all = [users, sessions, friendships, memberships, directs];

  bus.subscribe((invalidation?: Invalidation) => {
    if (!invalidation) {
      for (const cache of all) cache.clear();
      return;
    }
    for (const key of invalidation.keys) {
      if (invalidation.topic === "user") {
        users.delete(key);
        sessions.deleteWhere((entry) => entry.startsWith(`${key}:`));
        // Memberships are keyed "<conversation>:<user>": only the user part may match.
        memberships.deleteWhere((entry) => entry.endsWith(`:${key}`));
        for (const cache of [friendships, directs]) cache.deleteWhere(involves(Number(key)));
      } else if (invalidation.topic === "session") sessions.delete(key);
      else if (invalidation.topic === "friendship") friendships.delete(key);
      else if (invalidation.topic === "membership") {
        if (key.endsWith(":*")) memberships.deleteWhere((entry) => entry.startsWith(key.slice(0, -1)));
        else memberships.delete(key);
      }
    }
  });

  return {
    user: (userId) =>
      users.get(String(userId), async () => {
        const row = await lean.get<UserFacts>("SELECT `id`, `username`, `tokenVersion` FROM `User` WHERE `id` = ?", [userId]);
        return row ?? null;
      }),
    session: (userId, sessionId) =>
      sessions.get(`${userId}:${sessionId}`, async () => {
        const row = await lean.get<{ username: string; tokenVersion: number; revokedAt: unknown; suspendedAt: unknown }>(
          "SELECT `u`.`username`, `u`.`tokenVersion`, `s`.`revokedAt`, `u`.`suspendedAt` FROM `Session` AS `s` JOIN `User` AS `u` ON `u`.`id` = `s`.`userId` WHERE `s`.`id` = ? AND `s`.`userId` = ?",
          [sessionId, userId],
        );
        return row
          ? { username: row.username, tokenVersion: row.tokenVersion, revoked: row.revokedAt !== null, suspended: row.suspendedAt !== null }
          : null;
      }),
    areFriends(a, b) {
      const [low, high] = a < b ? [a, b] : [b, a];
      return friendships.get(`${low}:${high}`, async () =>
        Boolean(await lean.get("SELECT 1 AS `yes` FROM `Friendship` WHERE `userLowId` = ? AND `userHighId` = ?", [low, high])),
      );
    },
    membership: (conversationId, userId) =>
      memberships.get(`${conversationId}:${userId}`, async () => {
        const row = await lean.get<{ role: string; kind: string; encrypted: number }>(
          "SELECT `m`.`role`, `c`.`kind`, `c`.`encrypted` FROM `Membership` AS `m` JOIN `Conversation` AS `c` ON `c`.`id` = `m`.`conversationId` WHERE `m`.`conversationId` = ? AND `m`.`userId` = ?",
          [conversationId, userId],
        );
        return row ? { role: row.role, kind: row.kind, encrypted: Boolean(row.encrypted) } : null;
      }),
    directConversation(a, b) {
      const key = directKey(a, b);
      return directs.get(key, async () => {
        const row = await lean.get<{ id: number }>("SELECT `id` FROM `Conversation` WHERE `directKey` = ?", [key]);
        return row ? { id: row.id, kind: "DIRECT", directKey: key } : null;
      });
    },
    changed: {
      user: (userId) => bus.publish({ topic: "user", keys: [String(userId)] }),
      session: (userId, sessionId) => bus.publish({ topic: "session", keys: [`${userId}:${sessionId}`] }),
      friendship: (a, b) => bus.publish({ topic: "friendship", keys: [directKey(a, b)] }),
      membership: (conversationId, userIds) =>
        bus.publish({ topic: "membership", keys: userIds ? userIds.map((id) => `${conversationId}:${id}`) : [`${conversationId}:*`] }),
    },
  };
}
