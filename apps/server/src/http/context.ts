import type { Request } from "express";
import type { Deps } from "../deps";
import { bearerToken } from "../modules/auth/tokens";
import type { Context } from "../trpc/init";
import { requestDeps } from "./request-id";

export function contextFromRequest(deps: Deps, req: Request): Context {
  return {
    deps: requestDeps(deps, req),
    token: bearerToken(req.headers.authorization),
    request: {
      ip: req.ip ?? req.socket.remoteAddress ?? "unknown",
      userAgent: req.get("user-agent")?.slice(0, 255),
      baseUrl: deps.config.publicUrl ?? `${req.protocol}://${req.get("host") ?? `localhost:${deps.config.port}`}`,
    },
  };
}
