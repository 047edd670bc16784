import type { MessageStore } from "../modules/messages/store/message-store";
import type { Limits } from "../rate-limit";
import type { Broadcaster } from "../realtime/broadcaster";
import type { Metrics } from "./metrics";

/** Broadcaster methods that ask or disconnect rather than deliver. */
const NOT_DELIVERIES = new Set(["onlineUserIds", "evictFromGroup", "disconnectUser", "disconnectSession"]);

/** Counts every fan-out by its kind (the broadcaster method), new methods included. */
export function countDeliveries(broadcaster: Broadcaster, metrics: Metrics): Broadcaster {
  if (!metrics.enabled) return broadcaster;
  const counted: Record<string, unknown> = { ...broadcaster };
  for (const [kind, method] of Object.entries(broadcaster)) {
    if (typeof method !== "function" || NOT_DELIVERIES.has(kind)) continue;
    counted[kind] = (...args: unknown[]) => {
      metrics.delivered(kind);
      return method.apply(broadcaster, args);
    };
  }
  return counted as unknown as Broadcaster;
}

/** Counts refusals of the named limits. */
export function countRefusals(limits: Limits, metrics: Metrics): Limits {
  if (!metrics.enabled) return limits;
  return {
    consume: (name, key) =>
      limits.consume(name, key).catch((error: unknown) => {
        metrics.refused(name);
        throw error;
      }),
  };
}

/** Counts stored messages by kind: `dm`/`group` by conversation, `encrypted` for MLS ciphertext. */
export function countSends(store: MessageStore, metrics: Metrics): MessageStore {
  if (!metrics.enabled) return store;
  return {
    ...store,
    async append(input, options) {
      const outcome = await store.append(input, options);
      if (outcome.status === "stored") metrics.sent(input.body.encrypted ? "encrypted" : input.conversation.kind.toLowerCase());
      return outcome;
    },
  };
}
