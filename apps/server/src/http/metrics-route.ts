import { createHash, timingSafeEqual } from "node:crypto";
import { Router } from "express";
import type { Deps } from "../deps";
import { AppError } from "../errors";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * `GET /metrics`: the Prometheus exposition, when METRICS_ENABLED. With METRICS_TOKEN set, only for
 * `Authorization: Bearer <token>` (401 otherwise).
 */
export function metricsRoute({ config, metrics }: Deps): Router {
  const router = Router();
  if (!metrics.enabled) return router;
  const expected = config.metrics.token === undefined ? undefined : digest(`Bearer ${config.metrics.token}`);
  router.get("/metrics", (req, res, next) => {
    // Digests of equal length, so the comparison takes the same time whatever was sent.
    if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ""), expected)) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
      next(new AppError("UNAUTHORIZED", "Metrics need Authorization: Bearer <METRICS_TOKEN>"));
      return;
    }
    metrics.render().then(({ contentType, body }) => res.type(contentType).send(body), next);
  });
  return router;
}
