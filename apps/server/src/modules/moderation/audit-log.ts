import type { AdminAction, AdminActionKind } from "@hestia/contracts";
import type { LeanDb } from "@hestia/db";
import type { Actor, Deps } from "../../deps";
import { requireServerAdmin } from "./admin.policy";
import { idCursor, type Page, type PageInput, pageOf } from "./page-cursor";

/** One admin action to record: by whom (null: the command line), what, and to which user, message or report. */
export interface ActionRecord {
  adminId: number | null;
  action: AdminActionKind;
  targetUserId?: number;
  targetMessageId?: number;
  reportId?: number;
  details?: string | null;
}

/** Writes one entry of the audit log (on the lean connection, which the command line uses too). */
export async function recordAction(lean: LeanDb, record: ActionRecord): Promise<void> {
  await lean.run(
    "INSERT INTO `AdminAction` (`adminId`, `action`, `targetUserId`, `targetMessageId`, `reportId`, `details`, `createdAt`) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [
      record.adminId,
      record.action,
      record.targetUserId ?? null,
      record.targetMessageId ?? null,
      record.reportId ?? null,
      record.details ?? null,
      new Date(),
    ],
  );
}

/** The audit log, newest first (server admins). */
export async function listActions(deps: Deps, actor: Actor, query: PageInput): Promise<Page<AdminAction>> {
  await requireServerAdmin(deps.db, actor);
  const before = idCursor.decode(query.cursor);
  const rows = await deps.db.adminAction.findMany({
    where: before === undefined ? {} : { id: { lt: before } },
    orderBy: { id: "desc" },
    take: query.limit + 1,
  });
  return pageOf(
    rows,
    query.limit,
    (row) => ({
      id: row.id,
      adminId: row.adminId,
      action: row.action as AdminActionKind,
      targetUserId: row.targetUserId,
      targetMessageId: row.targetMessageId,
      reportId: row.reportId,
      details: row.details,
      createdAt: row.createdAt.toISOString(),
    }),
    (row) => idCursor.encode(row.id),
  );
}
