import { type Endpoint, type ErrorCode, errorStatus } from "@hestia/contracts";
import type { z } from "zod";
import type { Actor } from "../deps";
import type { LimitName } from "../limits";
import { authedProcedure, bareProcedure, type Context, publicProcedure } from "./init";

/** The error statuses an endpoint documents, each described by the codes that produce it. */
function errorResponses(endpoint: Endpoint): Record<number, string> {
  const codes: ErrorCode[] = [...endpoint.errors, "INTERNAL_ERROR"];
  if (endpoint.auth) codes.push("UNAUTHORIZED", "TOKEN_EXPIRED");
  if (endpoint.method !== "GET" && endpoint.method !== "DELETE") codes.push("BAD_REQUEST", "UNSUPPORTED_MEDIA_TYPE");
  const byStatus: Record<number, ErrorCode[]> = {};
  for (const code of new Set(codes)) {
    const status = errorStatus[code];
    byStatus[status] = [...(byStatus[status] ?? []), code];
  }
  return Object.fromEntries(Object.entries(byStatus).map(([status, list]) => [status, list.join(" | ")]));
}

type HandlerContext<E extends Endpoint> = E["auth"] extends true ? Context & { actor: Actor } : Context;

type Handler<E extends Endpoint> = (opts: {
  ctx: HandlerContext<E>;
  input: z.output<E["input"]>;
}) => Promise<z.input<E["output"]>> | z.input<E["output"]>;

function builder<E extends Endpoint>(endpoint: E) {
  return bareProcedure
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
}

type Builder<E extends Endpoint> = ReturnType<typeof builder<E>>;
type Built<E extends Endpoint> = E["method"] extends "GET" ? ReturnType<Builder<E>["query"]> : ReturnType<Builder<E>["mutation"]>;

export interface ProcedureOptions {
  /** The named limit each call counts towards (see `rateLimitTable`): per user, or per client IP without a token. */
  limit?: LimitName;
}

/** The handler, counting each call towards `limit` first (after the input was validated). */
function limited<E extends Endpoint>(handler: Handler<E>, limit: LimitName | undefined): Handler<E> {
  if (!limit) return handler;
  return async (opts) => {
    const ctx = opts.ctx as Context & { actor?: Actor };
    await ctx.deps.limits.consume(limit, ctx.actor?.id ?? `ip:${ctx.request.ip}`);
    return handler(opts);
  };
}

/**
 * Builds the tRPC procedure for one contract endpoint: its OpenAPI route, input and output schemas,
 * auth, success status and limit. GET endpoints become queries, everything else mutations.
 */
export function fromContract<E extends Endpoint>(endpoint: E, handler: Handler<E>, options: ProcedureOptions = {}): Built<E> {
  // authedProcedure only adds the actor to the context; the resulting input/output types are the same.
  const base = endpoint.auth ? authedProcedure : publicProcedure;
  const procedure = base.unstable_concat(builder(endpoint)) as unknown as Builder<E>;
  const resolve = limited(handler, options.limit) as never;
  return (endpoint.method === "GET" ? procedure.query(resolve) : procedure.mutation(resolve)) as Built<E>;
}
