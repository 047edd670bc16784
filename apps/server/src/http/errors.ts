import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Deps } from "../deps";
import { AppError, isInternal, toAppError } from "../errors";
import { requestLogger } from "./request-id";

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json(new AppError("NOT_FOUND", `No route for ${req.method} ${req.path}`).toBody());
};

/** Maps body-parser failures (malformed JSON, too large, bad charset) and anything else to the API's error shape. */
function fromExpressError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const { type, status } = (error ?? {}) as { type?: string; status?: number };
  if (type === "entity.parse.failed") return new AppError("BAD_REQUEST", "Malformed JSON body");
  if (type === "entity.too.large") return new AppError("PAYLOAD_TOO_LARGE", "Request body too large");
  if (type === "entity.too.deep") return new AppError("VALIDATION_ERROR", (error as Error).message);
  if (type === "encoding.unsupported" || type === "charset.unsupported") {
    return new AppError("UNSUPPORTED_MEDIA_TYPE", (error as Error).message || "Unsupported body encoding or charset");
  }
  if (status === 400) return new AppError("BAD_REQUEST", "Bad request");
  return toAppError(error);
}

export function errorHandler(deps: Deps): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const appError = fromExpressError(error);
    deps.metrics.error("http", appError.code);
    if (isInternal(appError)) requestLogger(deps.logger, res).error({ err: error, path: req.path }, "request failed");
    if (res.headersSent) {
      res.end();
      return;
    }
    if (appError.retryAfterSeconds) res.setHeader("Retry-After", String(appError.retryAfterSeconds));
    res.status(appError.status).json(appError.toBody());
  };
}
