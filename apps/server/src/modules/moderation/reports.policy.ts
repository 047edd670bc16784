import { AppError } from "../../errors";

/** What a report is about: always a user (a message's sender, when it names a message), and maybe a message. */
export interface ReportTarget {
  userId: number;
  messageId: number | null;
}

/**
 * Whom a report is about, given the reported message when it names one (found, and visible to the
 * reporter). With a message, `userId` may only repeat its sender; nobody reports themselves or their
 * own messages (400).
 */
export function reportTarget(
  reporterId: number,
  input: { messageId?: number; userId?: number },
  message: { id: number; senderId: number } | undefined,
): ReportTarget {
  if (message) {
    if (input.userId !== undefined && input.userId !== message.senderId) {
      throw new AppError("BAD_REQUEST", "userId must be the sender of the reported message (or left out)");
    }
    if (message.senderId === reporterId) throw new AppError("BAD_REQUEST", "You cannot report your own message");
    return { userId: message.senderId, messageId: message.id };
  }
  if (input.userId === undefined) throw new AppError("BAD_REQUEST", "Name a messageId or a userId");
  if (input.userId === reporterId) throw new AppError("BAD_REQUEST", "You cannot report yourself");
  return { userId: input.userId, messageId: null };
}
