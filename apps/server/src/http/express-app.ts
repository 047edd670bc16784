import { createExpressMiddleware } from "@trpc/server/adapters/express";
import cors from "cors";
import express, { type Express, type RequestHandler } from "express";
import helmet from "helmet";
import type { Deps } from "../deps";
import { attachmentRoutes } from "../modules/attachments/attachments.http";
import { avatarRoutes } from "../modules/avatars/avatars.http";
import { exportRoutes } from "../modules/moderation/export.http";
import { appRouter } from "../trpc/app-router";
import { logIfInternal } from "../trpc/init";
import { asyncApiRoute } from "./asyncapi";
import { jsonBody, queryDepthGuard } from "./body-guard";
import { contextFromRequest } from "./context";
import { docsRouter } from "./docs";
import { errorHandler, notFound } from "./errors";
import { metricsRoute } from "./metrics-route";
import { buildOpenApiDocument } from "./openapi";
import { requestId, requestLogger } from "./request-id";
import { restHandler } from "./rest";

export const API_VERSION = "0.1.0";

export function createExpressApp(deps: Deps): Express {
  const { config } = deps;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  app.use(requestId);
  app.use(
    helmet({
      crossOriginResourcePolicy: { policy: "cross-origin" },
      // TLS is the load balancer's business; forcing https here would break plain-http deployments.
      strictTransportSecurity: false,
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    }),
  );
  app.use(cors({ origin: config.corsOrigins === "*" ? "*" : config.corsOrigins, exposedHeaders: ["Retry-After", "X-Request-Id"] }));
  app.use(logRequests(deps));
  app.use(queryDepthGuard);
  app.use(jsonBody(config.bodyLimit));

  let openApiDocument: ReturnType<typeof buildOpenApiDocument> | undefined;
  app.get("/openapi.json", (_req, res) => {
    openApiDocument ??= buildOpenApiDocument(config.publicUrl ?? "/", API_VERSION);
    res.json(openApiDocument);
  });
  app.use(asyncApiRoute(config.publicUrl, API_VERSION));
  app.use(docsRouter());
  app.use(metricsRoute(deps));
  app.use(avatarRoutes(deps));
  app.use(exportRoutes(deps));
  app.use(attachmentRoutes(deps));
  app.use(
    "/trpc",
    createExpressMiddleware({
      router: appRouter,
      createContext: ({ req }) => contextFromRequest(deps, req),
      onError: ({ error, path, ctx }) => logIfInternal(ctx?.deps ?? deps, error, path),
    }),
  );
  app.use(restHandler(deps));
  app.use(notFound);
  app.use(errorHandler(deps));
  return app;
}

/**
 * One debug line per request once answered: method, path (never the query string or body, which may
 * carry tokens or message content), status and duration.
 */
function logRequests({ logger }: Deps): RequestHandler {
  return (req, res, next) => {
    if (!logger.isLevelEnabled("debug")) return next();
    const started = performance.now();
    res.on("finish", () => {
      requestLogger(logger, res).debug(
        { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - started) },
        "request",
      );
    });
    next();
  };
}
