import type { Message } from "@hestia/contracts";
import type { Db } from "@hestia/db";
import type { MulticastMessage } from "firebase-admin/messaging";
import type { Logger } from "../../logger";
import type { Broadcaster } from "../../realtime/broadcaster";
import { isMuted } from "../conversations/summary";
import type { InboxQueries } from "../messages/store/inbox";
import type { PushSender } from "./firebase-sender";

/** Where a stored message was sent: a direct conversation or a group. */
export type PushTarget = { kind: "dm"; recipientId: number } | { kind: "group"; groupId: number };

export interface PushService {
  readonly enabled: boolean;
  /**
   * Pushes a stored message to the recipients who have no connected socket, are not do_not_disturb, have
   * not blocked its sender and have not muted the conversation (unless it mentions them), each with their
   * unread total as the badge. Returns at once: sending never delays or fails the message send.
   */
  notify(message: Message, target: PushTarget): void;
  /** Resolves once every notification started so far has been handled. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** FCM's limit of tokens per multicast. */
const BATCH_SIZE = 500;
const BODY_MAX_LENGTH = 200;
/**
 * Whether FCM will never accept this token again: it was unregistered, or it is not a token at all.
 * The v1 API reports the latter as an invalid argument, which a bad payload would be too, so the
 * message must name the token.
 */
function isDeadToken(error: { code: string; message: string } | undefined): boolean {
  if (!error) return false;
  if (error.code === "messaging/registration-token-not-registered" || error.code === "messaging/invalid-registration-token") return true;
  return error.code === "messaging/invalid-argument" && /registration token/i.test(error.message);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The notification for one message: title, body, the data an app needs to open the conversation and,
 * when known, the recipient's unread total as the badge.
 */
export function buildNotification(message: Message, target: PushTarget, groupName: string | undefined, badge?: number) {
  const body = message.encrypted || message.content === null ? "New encrypted message" : truncate(message.content, BODY_MAX_LENGTH);
  const title = target.kind === "group" ? `${message.username} in ${groupName ?? "a group"}` : message.username;
  const data: Record<string, string> = {
    type: target.kind,
    conversationId: String(message.conversationId),
    messageId: String(message.id),
    senderId: String(message.userId),
  };
  if (target.kind === "group") data.groupId = String(target.groupId);
  const tag = `conversation-${message.conversationId}`;
  if (badge === undefined) {
    return {
      notification: { title, body },
      data,
      android: { priority: "high" as const, notification: { tag } },
      apns: { payload: { aps: { threadId: tag } } },
    } satisfies Omit<MulticastMessage, "tokens">;
  }
  return {
    notification: { title, body },
    data: { ...data, badge: String(badge) },
    android: { priority: "high" as const, notification: { tag, notificationCount: badge } },
    apns: { payload: { aps: { threadId: tag, badge } } },
  } satisfies Omit<MulticastMessage, "tokens">;
}

/** Which of these recipients a message may be pushed to: not those who muted the conversation, unless it mentions them. */
export function unmutedOrMentioned(
  memberships: { userId: number; muted: boolean; mutedUntil: Date | null }[],
  mentions: number[] | undefined,
  now: number,
): number[] {
  const mentioned = new Set(mentions ?? []);
  return memberships
    .filter((m) => mentioned.has(m.userId) || !isMuted(m.muted, m.mutedUntil?.toISOString() ?? null, now))
    .map((m) => m.userId);
}

export function createPushService(
  deps: { db: Db; logger: Logger; broadcaster: Broadcaster; inbox: InboxQueries },
  sender: PushSender | undefined,
): PushService {
  const { db, logger, broadcaster, inbox } = deps;
  const inFlight = new Set<Promise<void>>();

  async function recipientsOf(message: Message, target: PushTarget): Promise<{ userIds: number[]; groupName?: string }> {
    if (target.kind === "dm") return { userIds: [target.recipientId] };
    const group = await db.conversation.findUnique({
      where: { id: target.groupId },
      select: { name: true, memberships: { where: { userId: { not: message.userId } }, select: { userId: true } } },
    });
    return { userIds: group?.memberships.map((member) => member.userId) ?? [], groupName: group?.name ?? undefined };
  }

  async function send(message: Message, target: PushTarget): Promise<void> {
    if (!sender) return;
    const { userIds, groupName } = await recipientsOf(message, target);
    if (!userIds.length) return;
    const online = await broadcaster.onlineUserIds(userIds);
    const offline = userIds.filter((id) => !online.has(id));
    if (!offline.length) return;
    const memberships = await db.membership.findMany({
      where: { conversationId: message.conversationId, userId: { in: offline } },
      select: { userId: true, muted: true, mutedUntil: true },
    });
    const wanted = unmutedOrMentioned(memberships, message.mentions, Date.now());
    if (!wanted.length) return;
    const rows = await db.pushToken.findMany({
      // Nobody is pushed a message from someone they blocked (a group they share, a DM that raced the block).
      where: { userId: { in: wanted }, user: { status: { not: "do_not_disturb" }, blocksMade: { none: { blockedId: message.userId } } } },
      select: { token: true, userId: true },
    });
    if (!rows.length) return;
    const totals = await inbox.totals([...new Set(rows.map((row) => row.userId))]);
    // One multicast per badge value: recipients with the same unread total share it.
    const byBadge = new Map<number, string[]>();
    for (const { token, userId } of rows) {
      const badge = totals.get(userId)?.unreadCount ?? 0;
      byBadge.set(badge, [...(byBadge.get(badge) ?? []), token]);
    }
    const dead: string[] = [];
    for (const [badge, tokens] of byBadge)
      dead.push(...(await sendTo(message, buildNotification(message, target, groupName, badge), tokens)));
    if (dead.length) {
      await db.pushToken.deleteMany({ where: { token: { in: dead } } });
      logger.info({ count: dead.length }, "deleted push tokens that FCM no longer accepts");
    }
  }

  /** Sends one notification to these tokens, in batches; answers the tokens FCM will never accept again. */
  async function sendTo(message: Message, notification: ReturnType<typeof buildNotification>, tokens: string[]): Promise<string[]> {
    if (!sender) return [];
    const dead: string[] = [];
    for (let start = 0; start < tokens.length; start += BATCH_SIZE) {
      const batch = tokens.slice(start, start + BATCH_SIZE);
      const { responses } = await sender.sendEachForMulticast({ ...notification, tokens: batch });
      const reasons: string[] = [];
      // FCM answers in the order of the tokens it was given.
      for (const [index, response] of responses.entries()) {
        const token = batch[index];
        if (response.success || token === undefined) continue;
        if (isDeadToken(response.error)) dead.push(token);
        else reasons.push(response.error?.code ?? "unknown");
      }
      if (reasons.length) logger.warn({ messageId: message.id, reasons }, "some push notifications failed");
    }
    return dead;
  }

  return {
    enabled: sender !== undefined,
    notify(message, target) {
      if (!sender) return;
      const task: Promise<void> = send(message, target)
        .catch((error: unknown) => logger.error({ err: error, messageId: message.id }, "push notification failed"))
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    },
    async idle() {
      while (inFlight.size) await Promise.all(inFlight);
    },
    async close() {
      await this.idle();
      await sender?.close();
    },
  };
}
