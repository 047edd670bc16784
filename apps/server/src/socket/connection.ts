import type { Deps } from "../deps";
import { AppError } from "../errors";
import { setPresence } from "../modules/presence/presence.service";
import { createKeyedQueue } from "../realtime/keyed-queue";
import type { Arrival } from "../realtime/presence-store";
import { bindHandlers, type SocketHandler } from "./define-handler";
import { connectError, type HestiaSocket } from "./io";
import { socketLogger } from "./socket-logger";

// Presence changes of one user apply in order, so a quick reconnect cannot end as "offline".
const inOrder = createKeyedQueue<number>();

/**
 * Counts an authenticated socket towards its user's presence, and uncounts it when it disconnects; or
 * refuses it (false) when the user already holds MAX_SOCKETS_PER_USER sockets, on any process.
 * Runs as the last handshake middleware: once a client sees "connect", it is counted, on any process.
 * The status write and the friends' notification follow without holding up the handshake. While the
 * presence store fails (Redis away), sockets are let in uncounted rather than refused.
 */
export async function countPresence(socket: HestiaSocket, deps: Deps): Promise<boolean> {
  const userId = socket.data.actor.id;
  const report = (error: unknown) => socketLogger(deps.logger, socket).error({ err: error }, "presence update failed");
  let markCounted = (_arrival: Arrival | "failed") => {};
  const counted = new Promise<Arrival | "failed">((resolve) => {
    markCounted = resolve;
  });
  inOrder(userId, async () => {
    try {
      const arrival = await deps.presence.connected(userId, socket.id, deps.config.maxSocketsPerUser);
      markCounted(arrival);
      if (arrival === "first") await setPresence(deps, userId, true);
    } finally {
      markCounted("failed");
    }
  }).catch(report);
  if ((await counted) === "refused") return false;
  socket.on("disconnect", () => {
    inOrder(userId, async () => {
      if (!(await deps.presence.disconnected(userId, socket.id))) return;
      deps.conversations.offline(userId);
      await setPresence(deps, userId, false);
    }).catch(report);
  });
  return true;
}

/** Wires a new connection: tells the client who it is and the server's clock, then handles its events. */
export function onConnection(socket: HestiaSocket, handlers: readonly SocketHandler[]): void {
  socket.emit("session", { userId: socket.data.actor.id, serverTime: new Date().toISOString() });
  bindHandlers(socket, handlers);
}

/**
 * The handshake's last step: counts the socket (see countPresence), or refuses it past the user's
 * socket limit with a connect_error `{ error, code: "RATE_LIMITED" }`, leaving the rooms it had joined.
 */
export async function admitSocket(socket: HestiaSocket, deps: Deps): Promise<Error | undefined> {
  if (await countPresence(socket, deps)) return undefined;
  for (const room of [...socket.rooms]) await socket.leave(room);
  const max = deps.config.maxSocketsPerUser;
  return connectError(new AppError("RATE_LIMITED", `Too many connections: a user may hold ${max} sockets at once; close one first`));
}
