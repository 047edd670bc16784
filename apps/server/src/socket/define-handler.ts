import { type ClientEvents, clientEvents } from "@hestia/contracts";
import type { z } from "zod";
import type { Deps } from "../deps";
import { AppError, isInternal, toAppError, validationError } from "../errors";
import type { LimitName } from "../limits";
import { createKeyedQueue } from "../realtime/keyed-queue";
import type { HestiaSocket } from "./io";
import { TOO_DEEP, tooDeepPayloadMessage } from "./payload-guard";
import { socketLogger } from "./socket-logger";

type Ack = (response: unknown) => void;

export interface HandlerOptions {
  /**
   * Handles this event only once the socket's earlier serial events hold their place (a send: queued for
   * writing, see `queued` below) or finished, so that sends are stored and delivered in the order they came.
   */
  serial?: boolean;
  /** The named limit each event counts towards, per user (see `rateLimitTable`). */
  limit?: LimitName;
}

/** What a handler is given besides the socket and the payload. */
export interface HandlerContext {
  /** A serial handler calls this once its work holds its place in order; the socket's next serial event may start. */
  queued(): void;
}

/** One client event bound to its handler: registered on every socket, made once for all of them. */
export interface SocketHandler {
  event: keyof ClientEvents;
  /** Called by Socket.IO with the socket as `this`, so no closure is made per socket. */
  listener: (this: HestiaSocket, ...args: unknown[]) => void;
}

const serialEvents = createKeyedQueue<string>();

/**
 * A limit's answer for one event: undefined when admitted, else the refusal. Never a rejected promise,
 * which would count as unhandled while the event waits for its turn.
 */
type Admission = Promise<unknown>;

function admit(deps: Deps, limit: LimitName, userId: number): Admission {
  return deps.limits.consume(limit, userId).then(
    () => undefined,
    (error: unknown) => error ?? new Error("limit check failed"),
  );
}

const unordered: HandlerContext = { queued: () => {} };

/**
 * One client event: parses the payload against the contract, runs the handler, and answers through the
 * acknowledgement callback (`result` or `{ error, code }`) or, without one, failures as the `error`
 * event. Nothing a client sends can throw out of here.
 */
export function defineHandler<E extends keyof ClientEvents>(
  deps: Deps,
  event: E,
  handler: (
    socket: HestiaSocket,
    payload: z.output<ClientEvents[E]["payload"]>,
    context: HandlerContext,
  ) => Promise<z.input<ClientEvents[E]["ack"]>>,
  options: HandlerOptions = {},
): SocketHandler {
  const schema = clientEvents[event].payload as z.ZodType;
  const { limit } = options;
  const measure = deps.metrics.socketEvent(event);
  const debug = deps.logger.isLevelEnabled("debug");
  const handle = async (socket: HestiaSocket, payload: unknown, ack: Ack | undefined, context: HandlerContext, admitted?: Admission) => {
    const started = performance.now();
    try {
      const refusal = admitted && (await admitted);
      if (refusal) throw refusal;
      if (payload === TOO_DEEP) throw new AppError("VALIDATION_ERROR", tooDeepPayloadMessage);
      const parsed = schema.safeParse(payload);
      if (!parsed.success) throw validationError(parsed.error.issues);
      const result = await handler(socket, parsed.data as z.output<ClientEvents[E]["payload"]>, context);
      ack?.(result);
      measure("ok", (performance.now() - started) / 1000);
      // The event's name and outcome only: payloads may carry message content.
      if (debug) socketLogger(deps.logger, socket).debug({ event, ms: Math.round(performance.now() - started) }, "socket event");
    } catch (error) {
      const appError = toAppError(error);
      measure(appError.code, (performance.now() - started) / 1000);
      deps.metrics.error("socket", appError.code);
      const log = socketLogger(deps.logger, socket);
      log.debug({ event, code: appError.code }, "socket event failed");
      if (isInternal(appError)) log.error({ err: error, event }, "socket event failed");
      if (ack) ack(appError.toBody());
      else socket.emit("error", { ...appError.toBody(), event });
    }
  };
  return {
    event,
    listener(...args) {
      const ack = typeof args.at(-1) === "function" ? (args.pop() as Ack) : undefined;
      // Counted as the event arrives, not when its turn in the socket's queue comes: with Redis, the counts
      // of a burst of sends travel together instead of one round trip after another.
      const admitted = limit && admit(deps, limit, this.data.actor.id);
      if (!options.serial) {
        void handle(this, args[0], ack, unordered, admitted);
        return;
      }
      // The socket's queue moves on when this event holds its place, or when it is done, whichever is first.
      void serialEvents(
        this.id,
        () =>
          new Promise<void>((release) => {
            void handle(this, args[0], ack, { queued: release }, admitted).finally(release);
          }),
      );
    },
  };
}

/** Registers every handler of the table on a socket. */
export function bindHandlers(socket: HestiaSocket, handlers: readonly SocketHandler[]): void {
  for (const { event, listener } of handlers) socket.on(event, listener);
}
