import { existsSync, readdirSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, expectCleanError, registerUser, startServer, type TestServer, type TestUser } from "./helpers";

let server: TestServer;
let avatarDir: string;
beforeAll(async () => {
  server = await startServer();
  avatarDir = join(server.app.deps.config.uploadDir, "avatars");
});
afterAll(() => server.close());

/** Sends a multipart PATCH /users/profile-picture with one file (or fields only). */
async function upload(
  user: TestUser | undefined,
  file?: { bytes: Uint8Array; name: string; type: string; field?: string },
  fields: Record<string, string> = {},
) {
  const form = new FormData();
  if (file) form.append(file.field ?? "avatar", new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  const response = await fetch(`${server.url}/users/profile-picture`, {
    method: "PATCH",
    headers: user ? { authorization: `Bearer ${user.token}` } : {},
    body: form,
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
}

async function download(url: string) {
  const response = await fetch(url);
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

const image = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 60 } } });

/** A PNG whose header declares `width`×`height` pixels, with almost no data: a decompression bomb. */
function bombPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.alloc(64 * 1024))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("avatar uploads", () => {
  it("accepts a PNG, scales it to fit 1024×1024, and serves it safely", async () => {
    const user = await registerUser(server);
    const png = await image(2000, 1500).png().toBuffer();
    const { status, body } = await upload(user, { bytes: png, name: "me.png", type: "image/png" });
    expect(status).toBe(200);
    expect(body.profilePictureUrl).toMatch(new RegExp(`^${server.url}/uploads/avatars/[0-9a-f]{32}\\.png$`));
    const { response, bytes } = await download(body.profilePictureUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await sharp(bytes).metadata()).toMatchObject({ format: "png", width: 1024, height: 768 });
    expect((await api(server, "GET", "/users/me", { token: user.token })).body.profilePictureUrl).toBe(body.profilePictureUrl);
  });

  it("re-encodes a JPEG without its EXIF metadata, whatever the client called it", async () => {
    const user = await registerUser(server);
    const marker = "exif-marker-7f3a";
    const jpeg = await image(640, 480)
      .jpeg()
      .withExif({ IFD0: { Copyright: marker, Artist: marker } })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();
    expect(jpeg.includes(marker)).toBe(true);
    const { status, body } = await upload(user, { bytes: jpeg, name: "holiday.gif", type: "image/gif" });
    expect(status).toBe(200);
    expect(body.profilePictureUrl).toMatch(/\.jpg$/);
    const { response, bytes } = await download(body.profilePictureUrl);
    expect(response.headers.get("content-type")).toBe("image/jpeg");
    const metadata = await sharp(bytes).metadata();
    expect(metadata).toMatchObject({ format: "jpeg", width: 640, height: 480 });
    expect(metadata.exif).toBeUndefined();
    expect(bytes.includes(marker)).toBe(false);
  });

  it("drops what a polyglot hides after the image", async () => {
    const user = await registerUser(server);
    const png = await image(32, 32).png().toBuffer();
    const polyglot = Buffer.concat([png, Buffer.from("<html><script>alert(document.cookie)</script></html>")]);
    const { status, body } = await upload(user, { bytes: polyglot, name: "x.html", type: "text/html" });
    expect(status).toBe(200);
    const { bytes } = await download(body.profilePictureUrl);
    expect(bytes.includes("<script")).toBe(false);
  });

  it.each([
    ["an SVG", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), "a.svg", "image/svg+xml"],
    [
      "an SVG called .png",
      Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'),
      "a.png",
      "image/png",
    ],
    ["a text file called .png", Buffer.from("just some text, not an image at all"), "notes.png", "image/png"],
    ["an HTML page", Buffer.from("<!doctype html><html><body>hi</body></html>"), "a.jpg", "image/jpeg"],
  ])("refuses %s with 415", async (_name, bytes, name, type) => {
    const user = await registerUser(server);
    const before = readdirSync(avatarDir, { withFileTypes: true }).length;
    const result = await upload(user, { bytes, name, type });
    expect(result.status).toBe(415);
    expect(result.body).toEqual({ error: "The avatar must be a PNG, JPEG, WebP or GIF image", code: "UNSUPPORTED_MEDIA_TYPE" });
    expect(readdirSync(avatarDir).length).toBe(before);
  });

  it("refuses a 6 MB file with 413", async () => {
    const user = await registerUser(server);
    const big = Buffer.concat([await image(8, 8).png().toBuffer(), Buffer.alloc(6 * 1024 * 1024, 1)]);
    const result = await upload(user, { bytes: big, name: "big.png", type: "image/png" });
    expect(result.status).toBe(413);
    expect(result.body.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("refuses a decompression bomb before decoding it", async () => {
    const user = await registerUser(server);
    const bomb = bombPng(100_000, 100_000);
    expect(bomb.length).toBeLessThan(1024);
    const result = await upload(user, { bytes: bomb, name: "bomb.png", type: "image/png" });
    expect(result.status).toBe(400);
    expect(result.body).toEqual({ error: "The avatar is too large: at most 25 megapixels", code: "BAD_REQUEST" });
  });

  it("refuses a truncated image, a wrong field and a missing token cleanly", async () => {
    const user = await registerUser(server);
    const png = await image(64, 64).png().toBuffer();
    const truncated = await upload(user, { bytes: png.subarray(0, 60), name: "t.png", type: "image/png" });
    expect(truncated.status).toBe(400);
    expectCleanError(truncated.text);
    const wrongField = await upload(user, { bytes: png, name: "a.png", type: "image/png", field: "picture" });
    expect(wrongField).toMatchObject({ status: 400, body: { code: "BAD_REQUEST" } });
    expect(await upload(user)).toMatchObject({ status: 400, body: { code: "BAD_REQUEST" } });
    expect(await upload(undefined, { bytes: png, name: "a.png", type: "image/png" })).toMatchObject({
      status: 401,
      body: { code: "UNAUTHORIZED" },
    });
  });

  it("accepts profilePictureUrl as a multipart field too (https only)", async () => {
    const user = await registerUser(server);
    const set = await upload(user, undefined, { profilePictureUrl: "https://example.com/me.png" });
    expect(set).toMatchObject({ status: 200, body: { profilePictureUrl: "https://example.com/me.png" } });
    const insecure = await upload(user, undefined, { profilePictureUrl: "http://example.com/me.png" });
    expect(insecure).toMatchObject({ status: 400, body: { code: "VALIDATION_ERROR" } });
  });

  it("deletes the old file when the avatar is replaced, set to a URL, or the account deleted", async () => {
    const user = await registerUser(server);
    const fileOf = (url: string) => join(avatarDir, url.split("/").pop()!);
    const first = (await upload(user, { bytes: await image(50, 50).png().toBuffer(), name: "1.png", type: "image/png" })).body
      .profilePictureUrl;
    const second = (await upload(user, { bytes: await image(60, 60).webp().toBuffer(), name: "2.webp", type: "image/webp" })).body
      .profilePictureUrl;
    expect(second).toMatch(/\.webp$/);
    expect(existsSync(fileOf(first))).toBe(false);
    expect((await fetch(first)).status).toBe(404);
    expect(existsSync(fileOf(second))).toBe(true);

    await api(server, "PATCH", "/users/profile-picture", { token: user.token, body: { profilePictureUrl: "https://example.com/x.png" } });
    expect(existsSync(fileOf(second))).toBe(false);

    const third = (await upload(user, { bytes: await image(70, 70).png().toBuffer(), name: "3.png", type: "image/png" })).body
      .profilePictureUrl;
    expect(existsSync(fileOf(third))).toBe(true);
    expect((await api(server, "DELETE", "/users/me", { token: user.token })).status).toBe(204);
    expect(existsSync(fileOf(third))).toBe(false);
  });
});

describe("GET /uploads/avatars/:filename", () => {
  /** A raw request, so the path reaches the server exactly as written (fetch would normalise it). */
  function rawGet(path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const { port } = new URL(server.url);
      const req = httpRequest({ host: "127.0.0.1", port, path, method: "GET" }, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  it.each([
    "/uploads/avatars/../../../../etc/passwd",
    "/uploads/avatars/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/uploads/avatars/%2e%2e%2f%2e%2e%2fpackage.json",
    "/uploads/avatars/..%5c..%5cpackage.json",
    "/uploads/avatars/%2Fetc%2Fpasswd",
    "/uploads/avatars/00000000000000000000000000000000.png",
    "/uploads/avatars/.hidden.png.tmp",
  ])("answers 404 for %s", async (path) => {
    const { status, body } = await rawGet(path);
    expect(status).toBe(404);
    expect(body).not.toContain("root:");
    expect(JSON.parse(body).code).toBe("NOT_FOUND");
  });
});
