import { z } from "zod";
import { ErrorBodySchema, ErrorCodeSchema } from "./errors";

/** A client → server event: its payload and what a successful acknowledgement carries. */
export interface ClientEventDefinition<P extends z.ZodType = z.ZodType, A extends z.ZodType = z.ZodType> {
  payload: P;
  ack: A;
  summary: string;
}

/** A server → client event and its payload. */
export interface ServerEventDefinition<P extends z.ZodType = z.ZodType> {
  payload: P;
  summary: string;
}

/** A failed acknowledgement: the same `{ error, code }` as REST error bodies. */
export const SocketAckErrorSchema = ErrorBodySchema;

/** The `error` event, sent when an event failed and the client gave no acknowledgement callback. */
export const SocketErrorEventSchema = z.object({
  error: z.string(),
  code: ErrorCodeSchema,
  event: z.string(),
});
export type SocketErrorEvent = z.infer<typeof SocketErrorEventSchema>;

/** Client → server events. */
export const clientEvents = {} satisfies Record<string, ClientEventDefinition>;

/** Server → client events. */
export const serverEvents = {
  error: { payload: SocketErrorEventSchema, summary: "An event without an acknowledgement callback failed" },
} satisfies Record<string, ServerEventDefinition>;

export type ClientEvents = typeof clientEvents;
export type ServerEvents = typeof serverEvents;
