import { errorStatus, type Endpoint, type ErrorCode } from "@hestia/contracts";
import type { z } from "zod";
import { authedProcedure, publicProcedure, type Context } from "./init";
import type { Actor } from "../deps";

/** The error statuses an endpoint documents, each described by the codes that produce it. */
function errorResponses(endpoint: Endpoint): Record<number, string> {
  const codes: ErrorCode[] = [...endpoint.errors, "INTERNAL_ERROR"];
  if (endpoint.auth) codes.push("UNAUTHORIZED", "TOKEN_EXPIRED");
  if (endpoint.method !== "GET" && endpoint.method !== "DELETE") codes.push("BAD_REQUEST", "UNSUPPORTED_MEDIA_TYPE");
  const byStatus: Record<number, ErrorCode[]> = {};
  for (const code of new Set(codes)) (byStatus[errorStatus[code]] ??= []).push(code);
  return Object.fromEntries(Object.entries(byStatus).map(([status, list]) => [status, list.join(" | ")]));
}

type HandlerContext<E extends Endpoint> = E["auth"] extends true ? Context & { actor: Actor } : Context;

/**
 * Builds the tRPC procedure for one contract endpoint: its OpenAPI route, input and output schemas,
 * auth, and success status. GET endpoints become queries, everything else mutations.
 */
export function fromContract<E extends Endpoint>(
  endpoint: E,
  handler: (opts: {
    ctx: HandlerContext<E>;
    input: z.output<E["input"]>;
  }) => Promise<z.input<E["output"]>> | z.input<E["output"]>,
) {
  const base = endpoint.auth ? authedProcedure : publicProcedure;
  const procedure = base
    .meta({
      openapi: {
        method: endpoint.method,
        path: endpoint.path as `/${string}`,
        summary: endpoint.summary,
        description: endpoint.description,
        tags: endpoint.tags,
        protect: endpoint.auth,
        errorResponses: errorResponses(endpoint),
      },
      successStatus: endpoint.successStatus,
    })
    .input(endpoint.input as E["input"])
    .output(endpoint.output as E["output"]);
  const resolve = handler as never;
  return endpoint.method === "GET" ? procedure.query(resolve) : procedure.mutation(resolve);
}
