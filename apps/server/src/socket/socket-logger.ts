import type { Logger } from "../logger";
import type { HestiaSocket } from "./io";

// Kept beside the socket rather than in socket.data, which the Redis adapter sends to other processes.
const loggers = new WeakMap<HestiaSocket, Logger>();

/** The logger of one socket: every line it writes carries the socket's id and user. Made when first needed. */
export function socketLogger(logger: Logger, socket: HestiaSocket): Logger {
  let log = loggers.get(socket);
  if (!log) {
    log = logger.child({ socketId: socket.id, userId: socket.data.actor?.id });
    loggers.set(socket, log);
  }
  return log;
}
