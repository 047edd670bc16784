import type { Socket as NetSocket } from "node:net";
import type { HestiaServer } from "./io";

/** The TCP socket under an engine.io connection's WebSocket transport, when that is its transport. */
function tcpSocketOf(connection: unknown): NetSocket | undefined {
  // engine.io Socket -> WebSocket transport -> ws WebSocket -> net.Socket. Long-polling has none.
  const ws = (connection as { transport?: { name?: string; socket?: { _socket?: NetSocket } } }).transport;
  return ws?.name === "websocket" ? ws.socket?._socket : undefined;
}

/**
 * Coalesces the WebSocket frames written to one connection by one burst of work into one system call: a
 * DM is an acknowledgement to its sender plus up to three events, and each frame written alone costs a
 * `writev` of its own. A connection is corked when engine.io first flushes to it, and every corked
 * connection is uncorked by a `process.nextTick` callback. Scheduled from a promise continuation (as
 * the answers of a group commit are), that runs once the whole microtask queue has drained, so the
 * frames still leave in the same turn of the event loop.
 */
export function coalesceWrites(io: HestiaServer): void {
  const corked = new Set<NetSocket>();
  const uncorkAll = () => {
    for (const socket of corked) socket.uncork();
    corked.clear();
  };
  io.engine.on("flush", (connection: unknown) => {
    const socket = tcpSocketOf(connection);
    if (!socket || socket.destroyed || corked.has(socket)) return;
    if (corked.size === 0) process.nextTick(uncorkAll);
    socket.cork();
    corked.add(socket);
  });
}
