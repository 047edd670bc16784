import type { Deps } from "../deps";
import { createKeyedQueue } from "../realtime/keyed-queue";
import { setPresence } from "../modules/presence/presence.service";
import { registerHandlers } from "./handlers";
import type { HestiaSocket } from "./io";
import { userRoom } from "./rooms";

// Presence changes of one user apply in order, so a quick reconnect cannot end as "offline".
const inOrder = createKeyedQueue<number>();

/** Wires a new authenticated socket: its event handlers and the user's presence across devices. */
export function onConnection(socket: HestiaSocket, deps: Deps): void {
  const userId = socket.data.actor.id;
  registerHandlers(socket, deps);
  const update = async () => {
    const sockets = await socket.nsp.in(userRoom(userId)).fetchSockets();
    await setPresence(deps, userId, sockets.length > 0);
  };
  const report = (error: unknown) => deps.logger.error({ err: error, userId }, "presence update failed");
  inOrder(userId, update).catch(report);
  socket.on("disconnect", () => {
    inOrder(userId, update).catch(report);
  });
}
