import { initTRPC, TRPCError } from "@trpc/server";
import type { OpenApiMeta } from "trpc-to-openapi";
import type { Actor, Deps, RequestInfo } from "../deps";
import { AppError, isInternal, toAppError } from "../errors";

export interface Context {
  deps: Deps;
  request: RequestInfo;
  /** The bearer token sent with the request, if any; checked only by authed procedures. */
  token: string | undefined;
}

export type Meta = OpenApiMeta<{ successStatus?: number }>;

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    // One error shape for tRPC clients and REST: the AppError's code and message, never a stack.
    errorFormatter({ shape, error }) {
      const appError = toAppError(error);
      return {
        message: appError.message,
        code: shape.code,
        data: {
          code: shape.data.code,
          httpStatus: appError.status,
          path: shape.data.path,
          error: appError.message,
          appCode: appError.code,
          details: appError.extra.details,
        },
      };
    },
  });

export const router = t.router;

export const publicProcedure = t.procedure;

export const authedProcedure = t.procedure.use(async ({ ctx, next }) => {
  if (!ctx.token) throw new AppError("UNAUTHORIZED", "Missing bearer token");
  const actor: Actor = await ctx.deps.tokens.authenticate(ctx.token);
  return next({ ctx: { ...ctx, actor } });
});

/** Logs failures that are bugs; expected failures (4xx) are the client's business. */
export function logIfInternal(deps: Deps, error: unknown, path: string | undefined): void {
  const cause = error instanceof TRPCError && error.cause ? error.cause : error;
  if (isInternal(toAppError(error))) deps.logger.error({ err: cause, path }, "request failed");
}
