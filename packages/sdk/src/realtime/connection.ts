import type { ClientEvents, ClientToServerEvents, ServerToClientEvents } from "@hestia/contracts";
import { io, type Socket } from "socket.io-client";
import { HestiaError, isErrorBody } from "../errors";
import type { EventAck, EventPayload } from "../types";
import type { RealtimeOptions, RealtimeSession } from "./types";

/** The Socket.IO client socket, typed by the contract's event maps. */
export type HestiaClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket to the session's server, not connected yet; every (re)connection sends the token current then. */
export function createSocket(session: RealtimeSession, options: RealtimeOptions["socket"]): HestiaClientSocket {
  const { origin, pathname } = new URL(session.baseUrl);
  return io(origin, {
    path: `${pathname.replace(/\/+$/, "")}/socket.io`,
    // WebSocket first: it needs no sticky sessions behind a load balancer; long-polling is the fallback.
    transports: ["websocket", "polling"],
    reconnectionDelay: 500,
    reconnectionDelayMax: 10_000,
    ...options,
    autoConnect: false,
    forceNew: true,
    auth: (send) => send({ token: session.getToken() }),
  });
}

export interface ConnectHooks {
  /** Receives the function that ends the attempt with an error, and undefined once the attempt settled. */
  abortable(abort: ((error: HestiaError) => void) | undefined): void;
  /** Runs when the attempt failed, before the returned promise rejects. */
  failed(): void;
}

/**
 * Connects `socket` once: resolves on its first connection, rejects with the server's refusal, a
 * network failure, or the error the attempt was aborted with.
 */
export function connectSocket(socket: HestiaClientSocket, hooks: ConnectHooks): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: HestiaError) => {
      hooks.abortable(undefined);
      socket.off("connect", onConnect);
      socket.off("connect_error", onError);
      if (!error) return resolve();
      hooks.failed();
      reject(error);
    };
    const onConnect = () => settle();
    const onError = (error: Error) => settle(connectError(error));
    hooks.abortable(settle);
    socket.once("connect", onConnect);
    socket.once("connect_error", onError);
    socket.connect();
  });
}

/**
 * Emits a client event and waits for its acknowledgement. Rejects with HestiaError: the API's error
 * when the server refused, TIMEOUT when no answer came in `timeoutMs`, NETWORK_ERROR without a socket.
 */
export async function request<E extends keyof ClientEvents>(
  socket: HestiaClientSocket | undefined,
  event: E,
  payload: EventPayload<E>,
  timeoutMs: number,
): Promise<EventAck<E>> {
  if (!socket) throw new HestiaError(0, "NETWORK_ERROR", "Not connected: call realtime.connect() first");
  let response: unknown;
  try {
    // TypeScript cannot index Socket.IO's argument tuples with a generic event name; this function's
    // signature already checks `payload` against the same contract.
    response = await (socket.timeout(timeoutMs) as unknown as AckEmitter).emitWithAck(event, payload);
  } catch {
    throw new HestiaError(0, "TIMEOUT", `No answer to ${event} within ${timeoutMs} ms`);
  }
  if (isErrorBody(response)) throw HestiaError.fromBody(response);
  return response as EventAck<E>;
}

type AckEmitter = { emitWithAck(event: string, payload: unknown): Promise<unknown> };

/** The error a refused or failed connection attempt is reported as. */
export function connectError(error: Error): HestiaError {
  const data = (error as { data?: unknown }).data;
  if (isErrorBody(data)) return HestiaError.fromBody(data);
  return new HestiaError(0, "NETWORK_ERROR", error.message || "Could not connect");
}

/** Anything thrown on the realtime side, as the error the `error` event carries. */
export function asHestiaError(error: unknown): HestiaError {
  if (error instanceof HestiaError) return error;
  return new HestiaError(0, "NETWORK_ERROR", error instanceof Error ? error.message : String(error));
}
