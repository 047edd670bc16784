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

const serialEvents = createKeyedQueue<string>();

/**
 * Registers one client event: parses the payload against the contract, runs the handler, and answers
 * through the acknowledgement callback (`result` or `{ error, code }`) or, without one, failures as
 * the `error` event. Nothing a client sends can throw out of here.
 */
export function defineHandler<E extends keyof ClientEvents>(
  socket: HestiaSocket,
  deps: Deps,
  event: E,
  handler: (payload: z.output<ClientEvents[E]["payload"]>) => Promise<z.input<ClientEvents[E]["ack"]>>,
  options: HandlerOptions = {},
): void {
  const schema = clientEvents[event].payload as z.ZodType;
  socket.on(event as keyof ClientEvents, (...args: unknown[]) => {
    const ack = typeof args.at(-1) === "function" ? (args.pop() as Ack) : undefined;
    const run = async () => {
      const started = performance.now();
      try {
        const parsed = schema.safeParse(args[0]);
        if (!parsed.success) throw validationError(parsed.error.issues);
        const result = await handler(parsed.data as z.output<ClientEvents[E]["payload"]>);
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
    void (options.serial ? serialEvents(socket.id, run) : run());
  });
}
