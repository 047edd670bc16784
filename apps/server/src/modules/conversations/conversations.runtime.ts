import type { Message } from "@hestia/contracts";
import type { LeanDb } from "@hestia/db";
import type { InvalidationBus } from "../../cache/invalidation";
import type { Logger } from "../../logger";
import type { Broadcaster } from "../../realtime/broadcaster";
import { type ConversationRefs, createConversationRefs } from "./conversation-refs";
import { createReadPrivacy, type ReadPrivacy } from "./read-privacy";
import { createReceiptFanout, type ReceiptFanout } from "./receipts";
import { createTypingTracker, type TypingTracker } from "./typing";

/** Told to every process (over the invalidation bus) when a user's last socket disconnected. */
const OFFLINE_TOPIC = "user-offline";

/** At most one `typing: true` broadcast per user and conversation in this interval (API.md). */
export const TYPING_THROTTLE_MS = 2_000;

/** The conversations module's state on this process: typing, coalesced receipts, cached settings. */
export interface ConversationsRuntime {
  refs: ConversationRefs;
  privacy: ReadPrivacy;
  receipts: ReceiptFanout;
  typing: TypingTracker;
  /** A message was stored and announced: its sender is no longer typing there. */
  sent(message: Message): void;
  /** A user's last socket disconnected: their typing states end, on every process. */
  offline(userId: number): void;
}

export function createConversationsRuntime(deps: {
  lean: LeanDb;
  broadcaster: Broadcaster;
  invalidation: InvalidationBus;
  logger: Logger;
  typingTtlMs: number;
}): ConversationsRuntime {
  const privacy = createReadPrivacy(deps.lean, deps.invalidation);
  const typing = createTypingTracker({
    ttlMs: deps.typingTtlMs,
    throttleMs: TYPING_THROTTLE_MS,
    broadcast: (to, event) => deps.broadcaster.typing(to, event),
  });
  // A user's typing state lives on the process of the socket that typed; their last socket may close on another.
  deps.invalidation.subscribe((message) => {
    if (message?.topic !== OFFLINE_TOPIC) return;
    for (const key of message.keys) typing.gone(Number(key));
  });
  return {
    refs: createConversationRefs(deps.lean),
    privacy,
    receipts: createReceiptFanout({
      lean: deps.lean,
      broadcaster: deps.broadcaster,
      privacy,
      onError: (error) => deps.logger.error({ err: error }, "sending a receipt failed"),
    }),
    typing,
    sent: (message) => typing.sent(message.conversationId, message.userId),
    offline(userId) {
      deps.invalidation.publish({ topic: OFFLINE_TOPIC, keys: [String(userId)] }).catch((error: unknown) => {
        deps.logger.warn({ err: error, userId }, "could not tell the other processes that a user went offline");
      });
    },
  };
}
