import { createRequire } from "node:module";
import { dirname } from "node:path";
import express, { Router } from "express";

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Hestia API reference</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
  </head>
  <body>
    <p style="font-family: sans-serif; margin: 1em 2em">Realtime (Socket.IO) events: <a href="/asyncapi.json">AsyncAPI 3.0 document</a></p>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

const init = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true, persistAuthorization: true });\n`;

/** `/docs`: an interactive reference of `/openapi.json`, with every asset served from here (no CDN). */
export function docsRouter(): Router {
  const router = Router();
  router.get("/docs", (_req, res) => {
    res.type("html").send(page);
  });
  router.get("/docs/init.js", (_req, res) => {
    res.type("application/javascript").send(init);
  });
  router.use("/docs/assets", express.static(swaggerUiDir, { index: false, maxAge: "1d" }));
  return router;
}
