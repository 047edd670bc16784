import { randomUUID } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import type { Deps } from "../deps";
import type { Logger } from "../logger";

/** What an incoming X-Request-Id may be to be kept (a load balancer's or a client's id); else one is made. */
const ACCEPTED = /^[\w.:@/+=-]{1,128}$/;

/** Gives every request an id: the caller's `X-Request-Id` when sensible, else a new UUID; echoed in the response. */
export const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.headers["x-request-id"];
  const id = typeof incoming === "string" && ACCEPTED.test(incoming) ? incoming : randomUUID();
  res.locals.requestId = id;
  res.setHeader("X-Request-Id", id);
  next();
};

/** The logger of one request: every line it writes carries the request's id. Made once per request, when first needed. */
export function requestLogger(logger: Logger, res: Response | undefined): Logger {
  if (!res) return logger;
  const locals = res.locals as { requestId?: string; log?: Logger } | undefined;
  if (!locals?.requestId) return logger;
  locals.log ??= logger.child({ reqId: locals.requestId });
  return locals.log;
}

/** The dependencies as seen while handling one request: the same, with the request's logger. */
export function requestDeps(deps: Deps, req: Request): Deps {
  return { ...deps, logger: requestLogger(deps.logger, req.res) };
}
