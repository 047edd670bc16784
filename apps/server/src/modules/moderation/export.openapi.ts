import { DataExportSchema, exportContract } from "@hestia/contracts";
import type { OpenAPIObject } from "trpc-to-openapi";
import { createSchema } from "zod-openapi";

/** Adds `GET /users/me/export`, served outside the generated REST API (it streams), to the document. */
export function documentExportRoute(document: OpenAPIObject, errorRef: { $ref: string }): void {
  const endpoint = exportContract.export;
  const { schema, components } = createSchema(DataExportSchema, { io: "output" });
  document.components ??= {};
  document.components.schemas ??= {};
  for (const [name, component] of Object.entries(components)) document.components.schemas[name] ??= component;
  const error = (description: string) => ({ description, content: { "application/json": { schema: errorRef } } });
  document.paths ??= {};
  document.paths[endpoint.path] = {
    get: {
      summary: endpoint.summary,
      description: `${endpoint.description} Served as a download (\`Content-Disposition: attachment\`), streamed as it is read.`,
      tags: endpoint.tags,
      security: [{ bearerAuth: [] }],
      responses: {
        "200": { description: "Your data", content: { "application/json": { schema } } },
        "401": error("UNAUTHORIZED | TOKEN_EXPIRED"),
        "403": error("SUSPENDED"),
        "429": error("RATE_LIMITED"),
        "500": error("INTERNAL_ERROR"),
      },
    },
  };
}
