import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import express, { type Router } from "express";
import type { Deps } from "../../deps";
import { contextFromRequest } from "../../http/context";
import { getById } from "../users/users.service";
import { exportChunks } from "./export.service";

/**
 * `GET /users/me/export`: the caller's data as one JSON document, streamed as it is read (an Express
 * route, not a tRPC procedure, which would build the whole answer in memory first).
 */
export function exportRoutes(deps: Deps): Router {
  const router = express.Router();
  router.get("/users/me/export", async (req, res) => {
    const { token, request } = contextFromRequest(deps, req);
    const actor = await deps.tokens.requireActor(token);
    await deps.limits.consume("exports", actor.id);
    const profile = await getById(deps, request, actor.id);
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.setHeader("Content-Disposition", `attachment; filename="hestia-export-${actor.id}.json"`);
    res.setHeader("Cache-Control", "no-store");
    // Readable.from reads the next chunk only when the client has taken the last one, and stops reading
    // (the generator is returned) when the client goes away.
    await pipeline(Readable.from(exportChunks(deps, actor, request, profile)), res).catch((error: unknown) => {
      // A client that hung up mid-download is not a failure of the server.
      if ((error as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") return;
      throw error;
    });
  });
  return router;
}
