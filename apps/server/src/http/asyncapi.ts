import { type ClientEventDefinition, clientEvents, ErrorBodySchema, type ServerEventDefinition, serverEvents } from "@hestia/contracts";
import { Router } from "express";
import type { z } from "zod";
import { createSchema } from "zod-openapi";

type JsonObject = Record<string, unknown>;

/** The channel every event travels on: the one Socket.IO namespace. */
const CHANNEL = "socket";
const channelRef = { $ref: `#/channels/${CHANNEL}` };
const messageRef = (key: string) => ({ $ref: `#/channels/${CHANNEL}/messages/${key}` });

/**
 * The AsyncAPI 3.0 document of every Socket.IO event, generated from the contract's event maps with the
 * same zod → JSON Schema conversion as `/openapi.json`. Operations are the server's: it receives client
 * events (the acknowledgement is the reply) and sends server events. An event name may be both (`typing`):
 * operations are `receive_<event>` and `send_<event>`, messages `client_<event>` (with `client_<event>_ack`)
 * and `server_<event>`, each message named by its Socket.IO event. `host` is where clients connect.
 */
export function buildAsyncApiDocument(host: string, version: string): JsonObject {
  const schemas: JsonObject = {};
  const toSchema = (schema: z.ZodType, io: "input" | "output") => {
    const result = createSchema(schema, { io, schemaRefPath: "#/components/schemas/" });
    for (const [name, component] of Object.entries(result.components ?? {})) schemas[name] ??= component;
    return result.schema;
  };
  const messages: JsonObject = {};
  const operations: JsonObject = {};
  const message = (key: string, name: string, summary: string, payload: unknown) => {
    messages[key] = { name, title: name, summary, contentType: "application/json", payload };
  };

  for (const [event, definition] of Object.entries(clientEvents) as [string, ClientEventDefinition][]) {
    const key = `client_${event}`;
    const ack = `${key}_ack`;
    message(key, event, definition.summary, toSchema(definition.payload, "input"));
    message(ack, `${event}Ack`, `The acknowledgement of \`${event}\`: its result, or \`{ error, code }\``, {
      oneOf: [toSchema(definition.ack, "output"), { $ref: "#/components/schemas/Error" }],
    });
    operations[`receive_${event}`] = {
      action: "receive",
      channel: channelRef,
      summary: definition.summary,
      messages: [messageRef(key)],
      reply: { channel: channelRef, messages: [messageRef(ack)] },
    };
  }
  for (const [event, definition] of Object.entries(serverEvents) as [string, ServerEventDefinition][]) {
    message(`server_${event}`, event, definition.summary, toSchema(definition.payload, "output"));
    operations[`send_${event}`] = {
      action: "send",
      channel: channelRef,
      summary: definition.summary,
      messages: [messageRef(`server_${event}`)],
    };
  }
  schemas.Error ??= toSchema(ErrorBodySchema, "output");

  return {
    asyncapi: "3.0.0",
    info: {
      title: "Hestia realtime API",
      version,
      description:
        "Socket.IO events at the same origin as the REST API (`/openapi.json`). Connect with `{ auth: { token } }`; " +
        "client events take an acknowledgement callback as their last argument, answered with the result or `{ error, code }`.",
    },
    servers: {
      hestia: {
        host,
        protocol: "ws",
        pathname: "/socket.io/",
        description: "Socket.IO (Engine.IO 4) over WebSocket, or HTTP long-polling at the same path",
        security: [{ $ref: "#/components/securitySchemes/bearerAuth" }],
      },
    },
    defaultContentType: "application/json",
    channels: { [CHANNEL]: { address: "/", title: "The default Socket.IO namespace", messages } },
    operations,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "The access token, in the handshake's auth payload `{ token }` (or an `Authorization: Bearer` header)",
        },
      },
    },
  };
}

/** `GET /asyncapi.json`; the server's host is PUBLIC_URL's, else the one the client reached. */
export function asyncApiRoute(publicUrl: string | undefined, version: string): Router {
  const router = Router();
  const documents = new Map<string, string>();
  router.get("/asyncapi.json", (req, res) => {
    const host = publicUrl ? new URL(publicUrl).host : (req.get("host") ?? "localhost");
    let body = documents.get(host);
    if (!body) {
      body = JSON.stringify(buildAsyncApiDocument(host, version));
      // One document per Host header seen, and only the first few are kept.
      if (documents.size < 16) documents.set(host, body);
    }
    res.type("json").send(body);
  });
  return router;
}
