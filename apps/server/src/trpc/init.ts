import { initTRPC, type TRPC_ERROR_CODE_KEY, TRPCError } from "@trpc/server";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import type { OpenApiMeta } from "trpc-to-openapi";
import type { Actor, Deps, RequestInfo } from "../deps";
import { isInternal, toAppError } from "../errors";

export interface Context {
  deps: Deps;
  request: RequestInfo;
  /** The bearer token sent with the request, if any; checked only by authed procedures. */
  token: string | undefined;
}

export type Meta = OpenApiMeta<{ successStatus?: number }>;

/** The tRPC error code for an API error's HTTP status, so tRPC clients can branch on `error.data.code`. */
const trpcCodeByStatus: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "TOO_MANY_REQUESTS",
  503: "SERVICE_UNAVAILABLE",
};

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    // One error shape for tRPC clients and REST: the AppError's code and message, never a stack.
    errorFormatter({ shape, error }) {
      const appError = toAppError(error);
      const code = trpcCodeByStatus[appError.status] ?? "INTERNAL_SERVER_ERROR";
      return {
        message: appError.message,
        code: TRPC_ERROR_CODES_BY_KEY[code],
        data: {
          code,
          httpStatus: appError.status,
          path: shape.data.path,
          error: appError.message,
          appCode: appError.code,
          details: appError.extra.details,
          retryAfterMs: appError.extra.retryAfterMs,
        },
      };
    },
  });

export const router = t.router;

/** Times every procedure (REST and tRPC alike) and counts its errors by code. */
const measured = t.procedure.use(async ({ ctx, path, next }) => {
  const { metrics } = ctx.deps;
  if (!metrics.enabled) return next();
  const started = performance.now();
  const result = await next();
  const code = result.ok ? "ok" : toAppError(result.error).code;
  metrics.request(path, code, (performance.now() - started) / 1000);
  if (!result.ok) metrics.error("rest", code);
  return result;
});

export const publicProcedure = measured;

/** No middleware at all: what `fromContract()` describes a route with before joining it to one of the above. */
export const bareProcedure = t.procedure;

export const authedProcedure = measured.use(async ({ ctx, next }) => {
  const actor: Actor = await ctx.deps.tokens.requireActor(ctx.token);
  return next({ ctx: { ...ctx, actor } });
});

/** Logs failures that are bugs; expected failures (4xx) are the client's business. */
export function logIfInternal(deps: Deps, error: unknown, path: string | undefined): void {
  const cause = error instanceof TRPCError && error.cause ? error.cause : error;
  if (isInternal(toAppError(error))) deps.logger.error({ err: cause, path }, "request failed");
}
