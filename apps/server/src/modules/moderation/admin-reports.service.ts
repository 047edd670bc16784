import type { Report, ReportReason } from "@hestia/contracts";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import { requireServerAdmin } from "./admin.policy";
import { recordAction } from "./audit-log";
import { type Page, type PageInput, pageOf } from "./page-cursor";
import { type QueuePart, type QueueRead, queueCursor, queueReads } from "./report-queue";

type ReportRow = {
  id: number;
  reporterId: number | null;
  userId: number | null;
  messageId: number | null;
  messageContent: string | null;
  reason: string;
  note: string | null;
  status: string;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedById: number | null;
  resolution: string | null;
};

function toReport(row: ReportRow): Report {
  return {
    ...row,
    reason: row.reason as ReportReason,
    status: row.status as QueuePart,
    createdAt: row.createdAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  };
}

/** Up to `take` reports of one part of the queue, in that part's order, from just past `afterId`. */
function readPart(deps: Deps, read: QueueRead, take: number): Promise<ReportRow[]> {
  const ascending = read.part === "open";
  return deps.db.report.findMany({
    where: { status: read.part, ...(read.afterId === undefined ? {} : { id: ascending ? { gt: read.afterId } : { lt: read.afterId } }) },
    orderBy: { id: ascending ? "asc" : "desc" },
    take,
  });
}

/** The reports queue (server admins): open reports oldest first, then resolved ones newest first. */
export async function reportsQueue(deps: Deps, actor: Actor, query: PageInput & { status?: QueuePart }): Promise<Page<Report>> {
  await requireServerAdmin(deps.db, actor);
  const rows: ReportRow[] = [];
  // One more than the page holds tells whether another page follows.
  for (const read of queueReads(query.status, queueCursor.decode(query.cursor))) {
    if (rows.length > query.limit) break;
    rows.push(...(await readPart(deps, read, query.limit + 1 - rows.length)));
  }
  return pageOf(rows, query.limit, toReport, (row) => queueCursor.encode({ part: row.status as QueuePart, id: row.id }));
}

/** Marks an open report resolved, with what was done; a resolved report is 409, an unknown one 404. */
export async function resolveReport(deps: Deps, actor: Actor, reportId: number, resolution: string | undefined): Promise<Report> {
  await requireServerAdmin(deps.db, actor);
  // Compare-and-set: of two admins resolving at once, one wins and the other is told.
  const { count } = await deps.db.report.updateMany({
    where: { id: reportId, status: "open" },
    data: { status: "resolved", resolvedAt: new Date(), resolvedById: actor.id, resolution: resolution || null },
  });
  const report = await deps.db.report.findUnique({ where: { id: reportId } });
  if (!report) throw new AppError("NOT_FOUND", "Report not found");
  if (count === 0) throw new AppError("CONFLICT", "This report is already resolved");
  await recordAction(deps.lean, {
    adminId: actor.id,
    action: "resolve_report",
    reportId,
    targetUserId: report.userId ?? undefined,
    targetMessageId: report.messageId ?? undefined,
    details: report.resolution,
  });
  return toReport(report);
}
