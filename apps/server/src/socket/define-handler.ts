import { type ClientEvents, clientEvents } from "@hestia/contracts";
import type { z } from "zod";
import type { Deps } from "../deps";
import { isInternal, toAppError, validationError } from "../errors";
import { createKeyedQueue } from "../realtime/keyed-queue";
import type { HestiaSocket } from "./io";

type Ack = (response: unknown) => void;

export interface HandlerOptions {
  /** Runs this event after the socket's earlier serial events finished, so sends keep their order. */
  serial?: boolean;
}

/** One client event bound to its handler: registered on every socket, made once for all of them. */
export interface SocketHandler {
  event: keyof ClientEvents;
  /** Called by Socket.IO with the socket as `this`, so no closure is made per socket. */
  listener: (this: HestiaSocket, ...args: unknown[]) => void;
}

const serialEvents = createKeyedQueue<string>();

/**
 * One client event: parses the payload against the contract, runs the handler, and answers through the
 * acknowledgement callback (`result` or `{ error, code }`) or, without one, failures as the `error`
 * event. Nothing a client sends can throw out of here.
 */
export function defineHandler<E extends keyof ClientEvents>(
  deps: Deps,
  event: E,
  handler: (socket: HestiaSocket, payload: z.output<ClientEvents[E]["payload"]>) => Promise<z.input<ClientEvents[E]["ack"]>>,
  options: HandlerOptions = {},
): SocketHandler {
  const schema = clientEvents[event].payload as z.ZodType;
  const handle = async (socket: HestiaSocket, payload: unknown, ack: Ack | undefined) => {
    const started = performance.now();
    try {
      const parsed = schema.safeParse(payload);
      if (!parsed.success) throw validationError(parsed.error.issues);
      const result = await handler(socket, parsed.data as z.output<ClientEvents[E]["payload"]>);
      ack?.(result);
      // The event's name and outcome only: payloads may carry message content.
      deps.logger.debug({ event, socket: socket.id, ms: Math.round(performance.now() - started) }, "socket event");
    } catch (error) {
      const appError = toAppError(error);
      deps.logger.debug({ event, socket: socket.id, code: appError.code }, "socket event failed");
      if (isInternal(appError)) deps.logger.error({ err: error, event }, "socket event failed");
      if (ack) ack(appError.toBody());
      else socket.emit("error", { ...appError.toBody(), event });
    }
  };
  return {
    event,
    listener(...args) {
      const ack = typeof args.at(-1) === "function" ? (args.pop() as Ack) : undefined;
      const run = () => handle(this, args[0], ack);
      void (options.serial ? serialEvents(this.id, run) : run());
    },
  };
}

/** Registers every handler of the table on a socket. */
export function bindHandlers(socket: HestiaSocket, handlers: readonly SocketHandler[]): void {
  for (const { event, listener } of handlers) socket.on(event, listener);
}
