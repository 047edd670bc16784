import type { Profile } from "@hestia/contracts";
import type { Actor, Deps, RequestInfo } from "../../deps";
import { listFriends } from "../friends/friends.service";
import { sentMessagesPage } from "../messages/store/sent-messages";

/** Rows per read of the lists that grow without bound (messages, sessions, reports). */
export const EXPORT_PAGE_SIZE = 500;

/**
 * A JSON array streamed page by page: `read(afterId)` answers the next rows in id order (at most
 * EXPORT_PAGE_SIZE); only one page is in memory at a time.
 */
export async function* jsonArray<T extends { id: number }>(read: (afterId: number) => Promise<T[]>): AsyncGenerator<string> {
  yield "[";
  let afterId = 0;
  let separator = "";
  for (;;) {
    const rows = await read(afterId);
    const last = rows.at(-1);
    if (!last) break;
    yield separator + rows.map((row) => JSON.stringify(row)).join(",");
    separator = ",";
    afterId = last.id;
    if (rows.length < EXPORT_PAGE_SIZE) break;
  }
  yield "]";
}

const field = (name: string, value: unknown) => `,${JSON.stringify(name)}:${JSON.stringify(value)}`;

/**
 * The actor's data export (DataExportSchema) as chunks of JSON text: the small parts read at once, the
 * messages, sessions and reports with cursor reads. `profile` is read before the answer starts, so that
 * a failure there is still an ordinary error answer.
 */
export async function* exportChunks(deps: Deps, actor: Actor, request: RequestInfo, profile: Profile): AsyncGenerator<string> {
  const { db } = deps;
  yield `{"exportedAt":${JSON.stringify(new Date().toISOString())}${field("profile", profile)}`;
  yield field("friends", await listFriends(deps, actor, request));
  const memberships = await db.membership.findMany({
    where: { userId: actor.id, conversation: { kind: "GROUP" } },
    orderBy: { conversationId: "asc" },
    select: { role: true, joinedAt: true, conversation: { select: { id: true, name: true } } },
  });
  yield field(
    "groups",
    memberships.map((row) => ({
      id: row.conversation.id,
      name: row.conversation.name ?? "",
      role: row.role,
      joinedAt: row.joinedAt.toISOString(),
    })),
  );
  yield ',"sessions":';
  yield* jsonArray(async (afterId) => {
    const rows = await db.session.findMany({
      where: { userId: actor.id, id: { gt: afterId } },
      orderBy: { id: "asc" },
      take: EXPORT_PAGE_SIZE,
      select: { id: true, createdAt: true, lastUsedAt: true, userAgent: true, revokedAt: true },
    });
    return rows.map((row) => ({
      ...row,
      createdAt: row.createdAt.toISOString(),
      lastUsedAt: row.lastUsedAt.toISOString(),
      revokedAt: row.revokedAt?.toISOString() ?? null,
    }));
  });
  const blocks = await db.block.findMany({
    where: { blockerId: actor.id },
    orderBy: { createdAt: "asc" },
    select: { createdAt: true, blocked: { select: { id: true, username: true } } },
  });
  yield field(
    "blocked",
    blocks.map((row) => ({ id: row.blocked.id, username: row.blocked.username, blockedAt: row.createdAt.toISOString() })),
  );
  yield ',"reports":';
  yield* jsonArray(async (afterId) => {
    const rows = await db.report.findMany({
      where: { reporterId: actor.id, id: { gt: afterId } },
      orderBy: { id: "asc" },
      take: EXPORT_PAGE_SIZE,
      select: { id: true, messageId: true, userId: true, reason: true, note: true, status: true, createdAt: true },
    });
    return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
  });
  yield ',"messages":';
  yield* jsonArray((afterId) => sentMessagesPage(deps.lean, actor.id, afterId, EXPORT_PAGE_SIZE));
  yield "}";
}
