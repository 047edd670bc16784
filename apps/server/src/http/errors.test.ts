import type { NextFunction, Request, Response } from "express";
import { describe, expect, it } from "vitest";
import type { Deps } from "../deps";
import { AppError } from "../errors";
import { disabledMetrics } from "../metrics/metrics";
import { errorHandler, notFound } from "./errors";

/** A response that records what the handler did with it. */
function recordingResponse(headersSent = false) {
  const recorded = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown, ended: false };
  const res = {
    headersSent,
    status(code: number) {
      recorded.status = code;
      return res;
    },
    setHeader(name: string, value: string) {
      recorded.headers[name] = value;
      return res;
    },
    json(body: unknown) {
      recorded.body = body;
      return res;
    },
    end() {
      recorded.ended = true;
      return res;
    },
  };
  return { res: res as unknown as Response, recorded };
}

/** Runs the error handler on one failure; returns the response and what was logged as an error. */
function handle(error: unknown, headersSent = false) {
  const logged: unknown[] = [];
  const deps = { logger: { error: (context: unknown) => logged.push(context) }, metrics: disabledMetrics } as unknown as Deps;
  const { res, recorded } = recordingResponse(headersSent);
  errorHandler(deps)(error, { path: "/things", method: "POST" } as Request, res, (() => {}) as NextFunction);
  return { ...recorded, logged };
}

/** A body-parser failure as Express reports it. */
const parserError = (type: string, status = 400) => Object.assign(new Error(type), { type, status, expose: true });

describe("errorHandler", () => {
  it("answers body-parser failures in the API's error shape", () => {
    expect(handle(parserError("entity.parse.failed"))).toMatchObject({
      status: 400,
      body: { code: "BAD_REQUEST", error: "Malformed JSON body" },
    });
    expect(handle(parserError("entity.too.large", 413))).toMatchObject({
      status: 413,
      body: { code: "PAYLOAD_TOO_LARGE", error: "Request body too large" },
    });
    for (const type of ["encoding.unsupported", "charset.unsupported"]) {
      expect(handle(parserError(type, 415))).toMatchObject({ status: 415, body: { code: "UNSUPPORTED_MEDIA_TYPE" } });
    }
    expect(handle(parserError("request.aborted"))).toMatchObject({ status: 400, body: { code: "BAD_REQUEST", error: "Bad request" } });
  });

  it("answers an AppError with its status and body, and a Retry-After when it has one", () => {
    const limited = handle(new AppError("RATE_LIMITED", "Too many attempts; try again in 12 s", { retryAfterMs: 11_500 }));
    expect(limited).toMatchObject({ status: 429, headers: { "Retry-After": "12" } });
    expect(limited.body).toEqual({ error: "Too many attempts; try again in 12 s", code: "RATE_LIMITED", retryAfterMs: 11_500 });
    expect(handle(new AppError("NOT_FOUND", "gone")).headers).toEqual({});
  });

  it("answers anything else as a bare 500, and logs only those", () => {
    const failed = handle(new Error("ECONNREFUSED 10.0.0.5:3306"));
    expect(failed).toMatchObject({ status: 500, body: { error: "Internal server error", code: "INTERNAL_ERROR" } });
    expect(failed.logged).toEqual([expect.objectContaining({ path: "/things" })]);
    expect(handle(new AppError("FORBIDDEN", "no")).logged).toEqual([]);
    expect(handle(parserError("entity.parse.failed")).logged).toEqual([]);
  });

  it("only ends a response whose headers are already sent", () => {
    const late = handle(new Error("broken stream"), true);
    expect(late).toMatchObject({ ended: true, status: 0, body: undefined });
  });
});

describe("notFound", () => {
  it("names the method and path it has no route for", () => {
    const { res, recorded } = recordingResponse();
    notFound({ method: "DELETE", path: "/nowhere" } as Request, res, (() => {}) as NextFunction);
    expect(recorded).toMatchObject({ status: 404, body: { error: "No route for DELETE /nowhere", code: "NOT_FOUND" } });
  });
});
