import type { Deps } from "../deps";
import { setPresence } from "../modules/presence/presence.service";
import { createKeyedQueue } from "../realtime/keyed-queue";
import { bindHandlers, type SocketHandler } from "./define-handler";
import type { HestiaSocket } from "./io";

// Presence changes of one user apply in order, so a quick reconnect cannot end as "offline".
const inOrder = createKeyedQueue<number>();

/**
 * Counts an authenticated socket towards its user's presence, and uncounts it when it disconnects.
 * Runs as the last handshake middleware: once a client sees "connect", it is counted, on any process.
 * The status write and the friends' notification follow without holding up the handshake.
 */
export async function countPresence(socket: HestiaSocket, deps: Deps): Promise<void> {
  const userId = socket.data.actor.id;
  const report = (error: unknown) => deps.logger.error({ err: error, userId }, "presence update failed");
  let markCounted = () => {};
  const counted = new Promise<void>((resolve) => {
    markCounted = resolve;
  });
  inOrder(userId, async () => {
    try {
      const first = await deps.presence.connected(userId, socket.id);
      markCounted();
      if (first) await setPresence(deps, userId, true);
    } finally {
      markCounted();
    }
  }).catch(report);
  await counted;
  socket.on("disconnect", () => {
    inOrder(userId, async () => {
      if (!(await deps.presence.disconnected(userId, socket.id))) return;
      deps.conversations.offline(userId);
      await setPresence(deps, userId, false);
    }).catch(report);
  });
}

/** Wires a new connection: tells the client who it is and the server's clock, then handles its events. */
export function onConnection(socket: HestiaSocket, handlers: readonly SocketHandler[]): void {
  socket.emit("session", { userId: socket.data.actor.id, serverTime: new Date().toISOString() });
  bindHandlers(socket, handlers);
}
