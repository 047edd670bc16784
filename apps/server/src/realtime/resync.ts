import type { Logger } from "../logger";
import type { HestiaServer } from "../socket/io";
import type { Link } from "./link";

/** What the broadcaster reports while the link to the other processes is down. */
export interface DeliveryGaps {
  /** An event for `conversationId` went to these rooms while the other processes could not hear it. */
  note(rooms: readonly string[], conversationId: number): void;
}

/**
 * While Redis is away, delivery goes on between this process's own sockets, and both sides miss
 * something: this process's sockets miss what the others sent, the others' sockets miss what this one
 * sent. When the link returns, every local socket is told to catch up on everything, and the rooms that
 * got events from here meanwhile are told (on every process) which conversations to read again.
 */
export function resyncOnReturn(io: HestiaServer, link: Link, logger: Logger): DeliveryGaps {
  const missed = new Map<string, Set<number>>();
  let downSince = 0;
  link.on("down", () => {
    downSince = Date.now();
    logger.warn("lost the link to Redis: delivering between this process's own sockets only");
  });
  link.on("up", () => {
    const outageMs = Date.now() - downSince;
    logger.info({ outageMs, rooms: missed.size }, "link to Redis restored: telling sockets to catch up");
    io.local.emit("resync", {});
    const byConversations = new Map<string, string[]>();
    for (const [room, ids] of missed) {
      const key = [...ids].sort((a, b) => a - b).join(",");
      byConversations.set(key, [...(byConversations.get(key) ?? []), room]);
    }
    missed.clear();
    for (const [key, rooms] of byConversations) io.to(rooms).emit("resync", { conversationIds: key.split(",").map(Number) });
  });
  return {
    note(rooms, conversationId) {
      if (link.up) return;
      for (const room of rooms) {
        const ids = missed.get(room) ?? new Set<number>();
        ids.add(conversationId);
        missed.set(room, ids);
      }
    },
  };
}
