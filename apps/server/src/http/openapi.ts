import { ErrorBodySchema } from "@hestia/contracts";
import { generateOpenApiDocument, type OpenAPIObject } from "trpc-to-openapi";
import { documentAttachmentRoutes } from "../modules/attachments/attachments.openapi";
import { documentAvatarRoutes } from "../modules/avatars/avatars.openapi";
import { documentExportRoute } from "../modules/moderation/export.openapi";
import { appRouter } from "../trpc/app-router";
import type { Meta } from "../trpc/init";

type RouteMeta = Meta & { openapi: NonNullable<Meta["openapi"]> };

/** The meta of every REST procedure, keyed by its tRPC path. */
export function procedureMetas(): (RouteMeta & { procedurePath: string })[] {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Meta } }>;
  return Object.entries(procedures)
    .filter(([, procedure]) => procedure._def.meta?.openapi)
    .map(([procedurePath, procedure]) => ({ ...(procedure._def.meta as RouteMeta), procedurePath }));
}

type Operation = { responses?: Record<string, { description?: string; content?: unknown }> };

/**
 * The OpenAPI 3.1 document of every REST endpoint, generated from the router (and so from the
 * contract). Error responses are rewritten to the API's one error shape, `{ error, code, details? }`.
 */
export function buildOpenApiDocument(baseUrl: string, version: string): OpenAPIObject {
  const document = generateOpenApiDocument(appRouter, {
    title: "Hestia API",
    description:
      "Chat backend: accounts, profiles, friends, groups and messages. Realtime events are served over Socket.IO at the same origin.",
    version,
    baseUrl,
    securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    defs: { Error: ErrorBodySchema },
  });
  const errorRef = { $ref: "#/components/schemas/Error" };
  for (const { openapi, successStatus } of procedureMetas()) {
    const operation = (document.paths?.[openapi.path] as Record<string, Operation> | undefined)?.[openapi.method.toLowerCase()];
    const ok = operation?.responses?.["200"];
    if (!operation?.responses || !ok || !successStatus || successStatus === 200) continue;
    delete operation.responses["200"];
    operation.responses[String(successStatus)] = ok;
  }
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(pathItem as Record<string, Operation>)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (Number(status) >= 400) response.content = { "application/json": { schema: errorRef } };
        if (status === "204") delete response.content;
      }
    }
  }
  documentAvatarRoutes(document, errorRef);
  documentExportRoute(document, errorRef);
  documentAttachmentRoutes(document, errorRef);
  return document;
}
