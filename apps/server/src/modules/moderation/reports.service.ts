import type { ReportReason } from "@hestia/contracts";
import { isForeignKeyViolation } from "@hestia/db";
import type { Actor, Deps } from "../../deps";
import { AppError } from "../../errors";
import { findMessage, type MessageFacts } from "../messages/store/single-message";
import { requireUser, userNotFound } from "../users/users.policy";
import { reportTarget } from "./reports.policy";

export interface ReportInput {
  messageId?: number;
  userId?: number;
  reason: ReportReason;
  note?: string;
}

const messageNotFound = () => new AppError("NOT_FOUND", "Message not found");

/** The reported message, if it exists and the reporter is a member of its conversation (else 404, alike). */
async function visibleMessage(deps: Deps, actor: Actor, messageId: number): Promise<MessageFacts> {
  const message = await findMessage(deps.lean, messageId);
  if (!message || !(await deps.access.membership(message.conversationId, actor.id))) throw messageNotFound();
  return message;
}

/**
 * Files a report for the server's admins. Reporting what you already reported, while that report is
 * open, answers the same report (and does not count against the limit); new reports are limited per
 * user and hour. The reported message's text is kept with the report, so admins see what was reported
 * even once the message is deleted.
 */
export async function createReport(deps: Deps, actor: Actor, input: ReportInput): Promise<{ id: number }> {
  const message = input.messageId === undefined ? undefined : await visibleMessage(deps, actor, input.messageId);
  const target = reportTarget(actor.id, input, message);
  if (!message) await requireUser(deps.access, target.userId);
  const open = await deps.db.report.findFirst({
    where: { reporterId: actor.id, status: "open", userId: target.userId, messageId: target.messageId },
    select: { id: true },
  });
  if (open) return open;
  await deps.limits.consume("reports", actor.id);
  try {
    return await deps.db.report.create({
      data: {
        reporterId: actor.id,
        userId: target.userId,
        messageId: target.messageId,
        messageContent: message?.content ?? null,
        reason: input.reason,
        note: input.note || null,
      },
      select: { id: true },
    });
  } catch (error) {
    // The user (or the message with them) was deleted meanwhile.
    if (isForeignKeyViolation(error)) throw message ? messageNotFound() : userNotFound();
    throw error;
  }
}
