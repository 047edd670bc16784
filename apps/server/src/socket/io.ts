import type { Server as HttpServer } from "node:http";
import type { ServerToClientEvents, UntrustedClientToServerEvents } from "@hestia/contracts";
import { Server, type Socket } from "socket.io";
import type { Config } from "../config";
import type { Actor } from "../deps";
import { AppError, toAppError } from "../errors";
import { bearerToken, type TokenService } from "../modules/auth/tokens";
import { guardedParser } from "./payload-guard";
import { sessionRoom, userRoom } from "./rooms";

export interface SocketData {
  actor: Actor;
}

// Incoming arguments are untrusted (defineHandler parses them); outgoing events are typed by the contract.
export type HestiaServer = Server<UntrustedClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type HestiaSocket = Socket<UntrustedClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** An Error whose `data` carries `{ error, code }` to the client's `connect_error` handler. */
export function connectError(appError: AppError): Error {
  return Object.assign(new Error(appError.message), { data: appError.toBody() });
}

/** Attaches Socket.IO to the HTTP server; a missing, bad, expired or revoked token is refused at the handshake. */
export function createSocketServer(
  httpServer: HttpServer,
  deps: { config: Pick<Config, "corsOrigins">; tokens: TokenService },
): HestiaServer {
  const { corsOrigins } = deps.config;
  const io: HestiaServer = new Server(httpServer, {
    cors: { origin: corsOrigins === "*" ? "*" : corsOrigins },
    serveClient: false,
    maxHttpBufferSize: 1_000_000,
    parser: guardedParser,
  });
  const authenticate = async (socket: HestiaSocket) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const token = typeof auth?.token === "string" ? auth.token : bearerToken(socket.handshake.headers.authorization);
    if (!token) throw new AppError("UNAUTHORIZED", "Missing token: connect with { auth: { token } }");
    const actor = await deps.tokens.authenticate(token);
    socket.data.actor = actor;
    await socket.join(actor.sessionId === undefined ? userRoom(actor.id) : [userRoom(actor.id), sessionRoom(actor.sessionId)]);
  };
  io.use((socket, next) => {
    authenticate(socket).then(
      () => next(),
      (error: unknown) => next(connectError(toAppError(error))),
    );
  });
  return io;
}
