// Serves public/ (index.html, app.js) on PORT (default 5173). The page talks to the Hestia server named by
// its ?server= parameter (default http://localhost:4000); the server's CORS_ORIGINS must allow this origin.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const publicDir = fileURLToPath(new URL("./public/", import.meta.url));
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".map": "application/json" };
const port = Number(process.env.PORT ?? 5173);

createServer(async (req, res) => {
  const path = normalize(new URL(req.url ?? "/", "http://x").pathname).replace(/^(\.\.[/\\])+/, "");
  const file = join(publicDir, path === "/" ? "index.html" : path);
  if (!file.startsWith(publicDir)) return res.writeHead(404).end();
  try {
    const body = await readFile(file);
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(body);
  } catch {
    res.writeHead(404).end("not found");
  }
}).listen(port, () => console.log(`web example at http://localhost:${port}/?server=http://localhost:4000`));
