import type { NextFunction, Request, RequestHandler, Response } from "express";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";
import type { Deps } from "../deps";
import { toAppError } from "../errors";
import { appRouter } from "../trpc/app-router";
import { logIfInternal } from "../trpc/init";
import { contextFromRequest } from "./context";
import { procedureMetas } from "./openapi";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/**
 * Serves the REST endpoints at the root paths (through trpc-to-openapi), with the API's status
 * codes, `Retry-After` on 429, and error bodies of the shape `{ error, code, details? }`.
 */
export function restHandler(deps: Deps): RequestHandler {
  const successStatus = new Map(procedureMetas().map((meta) => [meta.procedurePath, meta.successStatus ?? 200]));
  const handler = createOpenApiNodeHttpHandler({
    router: appRouter,
    createContext: ({ req }) => contextFromRequest(deps, req as Request),
    responseMeta: ({ paths, errors }) => {
      const [error] = errors;
      if (!error) return { status: successStatus.get(paths?.[0] ?? "") ?? 200 };
      const appError = toAppError(error);
      const retryAfter = appError.retryAfterSeconds;
      return { status: appError.status, headers: retryAfter ? { "Retry-After": String(retryAfter) } : {} };
    },
    onError: ({ error, path, ctx }) => logIfInternal(ctx?.deps ?? deps, error, path),
  });

  return (req: Request, res: Response, next: NextFunction) => {
    // Commands without a body ("POST /friends/request/7") are valid with or without a JSON content type.
    if (BODY_METHODS.has(req.method) && !req.headers["content-type"] && !hasBody(req)) {
      req.headers["content-type"] = "application/json";
      req.body = {};
    }
    rewriteErrorBodies(res);
    handler(req, res, next).catch(next);
  };
}

function hasBody(req: Request): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}

/**
 * trpc-to-openapi answers errors with its own body around our error shape; keep only ours.
 * The tRPC error formatter put the API's message, code and details under `data`.
 */
function rewriteErrorBodies(res: Response): void {
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (res.statusCode >= 400 && typeof chunk === "string") {
      const body = safeParse(chunk) as
        | { data?: { error?: string; appCode?: string; details?: unknown; retryAfterMs?: number } }
        | undefined;
      const data = body?.data;
      if (data?.appCode) {
        chunk = JSON.stringify({
          error: data.error,
          code: data.appCode,
          ...(data.details === undefined ? {} : { details: data.details }),
          ...(data.retryAfterMs === undefined ? {} : { retryAfterMs: data.retryAfterMs }),
        });
        res.setHeader("Content-Length", Buffer.byteLength(chunk as string));
      }
    }
    return end(chunk, ...rest);
  }) as Response["end"];
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
