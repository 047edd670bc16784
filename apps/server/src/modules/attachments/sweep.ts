import type { Deps } from "../../deps";
import { deleteBlobs, discardAttachments } from "./attachments.service";

/** A blob younger than this is never taken for an orphan: its upload may still be recording its row. */
const ORPHAN_GRACE_MS = 3600_000;
const BATCH = 500;

export interface SweepReport {
  expired: number;
  detached: number;
  orphanBlobs: number;
}

/**
 * Deletes what nothing will ever serve: uploads never sent within the pending lifetime (also sends that
 * died half-way), attachments whose message was deleted or is gone, and blobs no attachment names.
 * Safe to run on several processes at once: every step is idempotent.
 */
export async function sweepAttachments(deps: Deps, now = new Date()): Promise<SweepReport> {
  const report: SweepReport = { expired: 0, detached: 0, orphanBlobs: 0 };
  const expiredBefore = new Date(now.getTime() - deps.config.attachments.pendingTtlSeconds * 1000);
  for (;;) {
    const expired = await deps.db.attachment.findMany({
      where: { state: { in: ["pending", "sending"] }, messageId: null, createdAt: { lt: expiredBefore } },
      select: { id: true },
      take: BATCH,
    });
    if (!expired.length) break;
    await discardAttachments(deps, { ids: expired.map((row) => row.id) });
    report.expired += expired.length;
  }
  for (;;) {
    const detached = await deps.db.attachment.findMany({
      where: { state: "sent", OR: [{ messageId: null }, { message: { deletedAt: { not: null } } }] },
      select: { id: true },
      take: BATCH,
    });
    if (!detached.length) break;
    await discardAttachments(deps, { ids: detached.map((row) => row.id) });
    report.detached += detached.length;
  }
  report.orphanBlobs = await sweepOrphanBlobs(deps, now);
  return report;
}

async function sweepOrphanBlobs(deps: Deps, now: Date): Promise<number> {
  let removed = 0;
  let batch: string[] = [];
  const flush = async () => {
    const owners = batch.map((key) => key.replace(/\.thumb$/, ""));
    const known = await deps.db.attachment.findMany({ where: { storageKey: { in: owners } }, select: { storageKey: true } });
    const live = new Set(known.map((row) => row.storageKey));
    const orphans = batch.filter((key) => !live.has(key.replace(/\.thumb$/, "")));
    await deleteBlobs(deps, orphans);
    removed += orphans.length;
    batch = [];
  };
  for await (const blob of deps.blobs.list()) {
    if (now.getTime() - blob.modifiedAt.getTime() < ORPHAN_GRACE_MS) continue;
    batch.push(blob.key);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  return removed;
}

/** Runs the sweep every `ATTACHMENT_SWEEP_INTERVAL_SECONDS` (and once shortly after start); returns a stop function. */
export function startAttachmentSweep(deps: Deps): () => void {
  let running = false;
  const run = () => {
    if (running || deps.lifecycle.shuttingDown) return;
    running = true;
    sweepAttachments(deps)
      .then((report) => {
        if (report.expired || report.detached || report.orphanBlobs) deps.logger.info(report, "attachment sweep");
      })
      .catch((error: unknown) => deps.logger.warn({ err: error }, "attachment sweep failed"))
      .finally(() => (running = false));
  };
  const first = setTimeout(run, 60_000);
  const timer = setInterval(run, deps.config.attachments.sweepIntervalSeconds * 1000);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
