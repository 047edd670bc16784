import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "socket.io";
import type { Actor, Deps } from "../deps";
import { AppError, toAppError } from "../errors";
import { bearerToken } from "../modules/auth/tokens";

export interface SocketData {
  actor: Actor;
}

// Event maps are filled in as socket handlers are added; payloads are still parsed at runtime.
export type HestiaServer = Server<Record<string, (...args: never[]) => void>, Record<string, (...args: never[]) => void>, Record<string, never>, SocketData>;
export type HestiaSocket = Socket<Record<string, (...args: never[]) => void>, Record<string, (...args: never[]) => void>, Record<string, never>, SocketData>;

/** The room every socket of one user joins, so that events reach all of their devices. */
export const userRoom = (userId: number) => `user:${userId}`;

/** An Error whose `data` carries `{ error, code }` to the client's `connect_error` handler. */
function connectError(appError: AppError): Error {
  return Object.assign(new Error(appError.message), { data: appError.toBody() });
}

/** Attaches Socket.IO to the HTTP server; a missing, bad, expired or revoked token is refused at the handshake. */
export function createSocketServer(httpServer: HttpServer, deps: Deps): HestiaServer {
  const { corsOrigins } = deps.config;
  const io: HestiaServer = new Server(httpServer, {
    cors: { origin: corsOrigins === "*" ? "*" : corsOrigins },
    serveClient: false,
    maxHttpBufferSize: 1_000_000,
  });
  io.use(async (socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const token = typeof auth?.token === "string" ? auth.token : bearerToken(socket.handshake.headers.authorization);
    if (!token) return next(connectError(new AppError("UNAUTHORIZED", "Missing token: connect with { auth: { token } }")));
    try {
      socket.data.actor = await deps.tokens.authenticate(token);
      next();
    } catch (error) {
      next(connectError(toAppError(error)));
    }
  });
  io.on("connection", (socket) => {
    void socket.join(userRoom(socket.data.actor.id));
  });
  return io;
}
