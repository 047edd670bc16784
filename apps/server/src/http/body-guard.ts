import express, { type RequestHandler } from "express";
import { jsonDepthExceeds, MAX_JSON_DEPTH } from "../json-depth";

/** A body-parser style failure (`type`, `status`), mapped to the API's error by the error handler. */
function bodyError(type: string, status: number, message: string): Error {
  return Object.assign(new Error(message), { type, status, expose: true });
}

export const tooDeepMessage = `JSON nested deeper than ${MAX_JSON_DEPTH} levels`;

/**
 * JSON bodies of every route, REST and tRPC, with or without a token: over `limit` is 413; nested deeper
 * than MAX_JSON_DEPTH is 400, found in the raw bytes before JSON.parse runs (and so before tRPC's own
 * JSON.stringify of the body, which recursed out of stack on deep input); any charset but UTF-8 is 415
 * (RFC 8259), since the scan reads bytes as UTF-8 does.
 */
export function jsonBody(limit: string): RequestHandler {
  return express.json({
    limit,
    verify(_req, _res, body, encoding) {
      if (!/^utf-?8$/i.test(encoding)) throw bodyError("charset.unsupported", 415, "JSON bodies must be UTF-8");
      if (jsonDepthExceeds(body.toString("latin1"))) throw bodyError("entity.too.deep", 400, tooDeepMessage);
    },
  });
}

/** tRPC reads a GET's input as JSON from the query (`?input=`): the same depth limit applies to every query value. */
export const queryDepthGuard: RequestHandler = (req, _res, next) => {
  for (const value of Object.values(req.query)) {
    const texts = Array.isArray(value) ? value : [value];
    if (texts.some((text) => typeof text === "string" && jsonDepthExceeds(text))) {
      return next(bodyError("entity.too.deep", 400, tooDeepMessage));
    }
  }
  next();
};
