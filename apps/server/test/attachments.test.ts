import { Readable } from "node:stream";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepAttachments } from "../src/modules/attachments/sweep";
import { cliEnv, grantAdmin } from "./admin-cli";
import { api, befriend, collect, connect, emitAck, eventually, registerUser, startServer, type TestServer, type TestUser } from "./helpers";
import { type StorageBackend, startStorageBackend } from "./storage-backends";

const KiB = 1024;
const MAX_BYTES = 256 * KiB;
const QUOTA_BYTES = 600 * KiB;

/** Uploads bytes as the multipart field `file`; answers status and body. */
async function upload(server: TestServer, token: string, bytes: Uint8Array, name: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append("file", new Blob([bytes]), name);
  const response = await fetch(`${server.url}/attachments`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: response.status, body: (await response.json()) as any };
}

async function download(server: TestServer, path: string, token?: string) {
  const response = await fetch(path.startsWith("http") ? path : server.url + path, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** Every blob the server's storage backend holds. */
async function blobKeys(server: TestServer): Promise<string[]> {
  const keys: string[] = [];
  for await (const blob of server.app.deps.blobs.list()) keys.push(blob.key);
  return keys.sort();
}

async function png(width: number, height: number, withExif = false): Promise<Buffer> {
  const image = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png();
  return withExif ? image.withExif({ IFD0: { Copyright: "secret-exif-marker" } }).toBuffer() : image.toBuffer();
}

describe.each(["local", "s3"] as const)("attachments (%s storage)", (backendName) => {
  let backend: StorageBackend;
  let server: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let groupId: number;

  beforeAll(async () => {
    backend = await startStorageBackend(backendName);
    server = await startServer({ ...backend.env, ATTACHMENT_MAX_BYTES: String(MAX_BYTES), ATTACHMENT_QUOTA_BYTES: String(QUOTA_BYTES) });
    [alice, bob, eve] = [await registerUser(server, "alice"), await registerUser(server, "bob"), await registerUser(server, "eve")];
    await befriend(server, alice, bob);
    groupId = (await api(server, "POST", "/groups", { token: alice.token, body: { name: "files" } })).body.id;
    await api(server, "POST", `/groups/${groupId}/members/${bob.id}`, { token: alice.token });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await backend?.close();
  });

  it("an image upload is sniffed, measured and thumbnailed; its uploader downloads the same bytes, inline", async () => {
    const bytes = await png(800, 400, true);
    const uploaded = await upload(server, alice.token, bytes, "../../holiday.jpg");
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({
      id: expect.any(Number),
      name: "holiday.jpg",
      mimeType: "image/png",
      size: bytes.length,
      width: 800,
      height: 400,
      encrypted: false,
      url: `/attachments/${uploaded.body.id}`,
      thumbnailUrl: `/attachments/${uploaded.body.id}/thumbnail`,
    });
    const file = await download(server, uploaded.body.url, alice.token);
    expect(file.status).toBe(200);
    expect(file.bytes.equals(bytes)).toBe(true);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect(file.headers.get("content-disposition")).toMatch(/^inline;/);
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
    expect(file.headers.get("content-security-policy")).toContain("sandbox");

    const thumbnail = await download(server, uploaded.body.thumbnailUrl, alice.token);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get("content-type")).toBe("image/webp");
    const meta = await sharp(thumbnail.bytes).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(320);
    expect(meta.exif).toBeUndefined();
    expect(thumbnail.bytes.includes("secret-exif-marker")).toBe(false);
  });

  it("a pending upload is its uploader's alone: anyone else gets 404 for file, thumbnail, description and link", async () => {
    const { body } = await upload(server, alice.token, await png(64, 64), "private.png");
    for (const user of [bob, eve]) {
      expect((await download(server, body.url, user.token)).status).toBe(404);
      expect((await download(server, body.thumbnailUrl, user.token)).status).toBe(404);
      expect((await api(server, "GET", `/attachments/${body.id}/info`, { token: user.token })).status).toBe(404);
      expect((await api(server, "GET", `/attachments/${body.id}/signed-url`, { token: user.token })).status).toBe(404);
    }
    expect((await download(server, body.url)).status).toBe(401);
    expect((await download(server, "/attachments/0x1", alice.token)).status).toBe(400);
    expect((await download(server, "/attachments/999999", alice.token)).status).toBe(404);
  });

  it("a DM sends attachments over a socket (no text needed): ack, newDM and history carry them; only the pair can fetch them", async () => {
    const first = await upload(server, alice.token, await png(40, 30), "a.png");
    const second = await upload(server, alice.token, new TextEncoder().encode("just some notes\n"), "notes.txt");
    const aliceSocket = await connect(server, alice.token);
    const bobSocket = await connect(server, bob.token);
    const received = collect(bobSocket, "newDM");
    const message = await emitAck(aliceSocket, "sendDM", { toId: bob.id, attachments: [second.body.id, first.body.id] });
    expect(message.content).toBe("");
    // Listed in upload order, whatever the order of the ids sent.
    expect(message.attachments).toEqual([first.body, second.body]);
    await eventually(() => expect(received).toEqual([message]));

    expect((await download(server, first.body.url, bob.token)).status).toBe(200);
    expect((await download(server, first.body.thumbnailUrl, bob.token)).status).toBe(200);
    const notes = await download(server, second.body.url, bob.token);
    expect(notes.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(notes.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect((await download(server, first.body.url, eve.token)).status).toBe(404);
    expect((await download(server, first.body.thumbnailUrl, eve.token)).status).toBe(404);

    const history = await api(server, "GET", `/messages/direct/${alice.id}`, { token: bob.token });
    expect(history.body.find((m: { id: number }) => m.id === message.id)).toEqual(message);
    // Each upload is sent once.
    const again = await emitAck(aliceSocket, "sendDM", { toId: bob.id, content: "again", attachments: [first.body.id] });
    expect(again).toMatchObject({ code: "BAD_REQUEST" });
    aliceSocket.close();
    bobSocket.close();
  });

  it("sends refuse other people's uploads, repeats and more than 10; a retried send answers the original with its files", async () => {
    const bobs = await upload(server, bob.token, await png(8, 8), "bob.png");
    const refused = await api(server, "POST", `/groups/${groupId}/messages`, {
      token: alice.token,
      body: { content: "not mine", attachments: [bobs.body.id] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe("BAD_REQUEST");
    // The refused send did not take the upload from its owner.
    const own = await api(server, "POST", `/groups/${groupId}/messages`, { token: bob.token, body: { attachments: [bobs.body.id] } });
    expect(own.status).toBe(201);
    const tooMany = await api(server, "POST", `/groups/${groupId}/messages`, {
      token: alice.token,
      body: { content: "x", attachments: Array.from({ length: 11 }, (_, i) => i + 1) },
    });
    expect(tooMany.status).toBe(400);
    const twice = await api(server, "POST", `/groups/${groupId}/messages`, {
      token: alice.token,
      body: { content: "x", attachments: [5, 5] },
    });
    expect(twice.status).toBe(400);
    expect((await api(server, "POST", `/groups/${groupId}/messages`, { token: alice.token, body: { content: "" } })).status).toBe(400);

    const file = await upload(server, alice.token, await png(8, 8), "retry.png");
    const send = { content: "retry", attachments: [file.body.id], idempotencyKey: `k-${backendName}` };
    const sent = await api(server, "POST", `/groups/${groupId}/messages`, { token: alice.token, body: send });
    const retried = await api(server, "POST", `/groups/${groupId}/messages`, { token: alice.token, body: send });
    expect(sent.status).toBe(201);
    expect(retried.body).toEqual(sent.body);
    expect(retried.body.attachments).toEqual([file.body]);
  });

  it("group members get a file through a signed link without a token; a tampered, expired or former member's link is 404", async () => {
    const file = await upload(server, alice.token, await png(100, 100), "group.png");
    const sent = await api(server, "POST", `/groups/${groupId}/messages`, {
      token: alice.token,
      body: { content: "pic", attachments: [file.body.id] },
    });
    expect(sent.status).toBe(201);
    const carol = await registerUser(server, "carol");
    await befriend(server, alice, carol);
    await api(server, "POST", `/groups/${groupId}/members/${carol.id}`, { token: alice.token });

    const link = await api(server, "GET", `/attachments/${file.body.id}/signed-url`, { token: carol.token });
    expect(link.status).toBe(200);
    expect(new Date(link.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(3600_000);
    const viaLink = await download(server, link.body.url);
    expect(viaLink.status).toBe(200);
    expect(viaLink.headers.get("content-disposition")).toMatch(/^inline;/);
    expect((await download(server, link.body.thumbnailUrl)).status).toBe(200);
    // One character of the signature changed (to another character, whatever it was).
    const tampered = link.body.url.replace(/sig=(.)/, (_: string, first: string) => `sig=${first === "A" ? "B" : "A"}`);
    expect(tampered).not.toBe(link.body.url);
    expect((await download(server, tampered)).status).toBe(404);
    expect((await download(server, link.body.url.replace(/uid=\d+/, `uid=${eve.id}`))).status).toBe(404);
    // A link for the file does not open the thumbnail, nor another file.
    expect(
      (await download(server, link.body.url.replace(`/attachments/${file.body.id}?`, `/attachments/${file.body.id}/thumbnail?`))).status,
    ).toBe(404);

    const expired = server.app.deps.attachmentLinks.sign(file.body.id, "file", carol.id, new Date(Date.now() - 1000));
    expect((await download(server, `/attachments/${file.body.id}?${expired}`)).status).toBe(404);

    expect((await api(server, "DELETE", `/groups/${groupId}/members/${carol.id}`, { token: carol.token })).status).toBeLessThan(300);
    expect((await download(server, link.body.url)).status).toBe(404);
    expect((await download(server, file.body.url, carol.token)).status).toBe(404);
    expect((await download(server, file.body.url, eve.token)).status).toBe(404);
  });

  it("spoofed types are never served inline: HTML named .png, SVG with a script, a PNG that is also HTML, encrypted bytes", async () => {
    const html = await upload(server, alice.token, new TextEncoder().encode("<html><script>alert(1)</script></html>"), "cat.png");
    const svg = await upload(
      server,
      alice.token,
      new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      "logo.svg",
    );
    const polyglot = await upload(
      server,
      alice.token,
      Buffer.concat([await png(16, 16), Buffer.from("<html><body><script>alert(document.cookie)</script></body></html>")]),
      "innocent.png",
    );
    const encrypted = await upload(server, alice.token, await png(16, 16), "secret.bin", { encrypted: "true" });
    expect(html.body.mimeType).toBe("text/plain");
    expect(svg.body.mimeType).not.toMatch(/svg/);
    expect(polyglot.body.mimeType).toBe("image/png");
    expect(encrypted.body).toMatchObject({ mimeType: "application/octet-stream", encrypted: true });
    expect(encrypted.body.thumbnailUrl).toBeUndefined();
    expect(encrypted.body.width).toBeUndefined();
    for (const uploaded of [html, svg, polyglot, encrypted]) {
      const file = await download(server, uploaded.body.url, alice.token);
      expect(file.status).toBe(200);
      expect(file.headers.get("content-disposition")).toMatch(/^attachment;/);
      expect(file.headers.get("content-type")).not.toMatch(/html|svg|xml|javascript/);
      expect(file.headers.get("x-content-type-options")).toBe("nosniff");
      expect(file.headers.get("content-security-policy")).toMatch(/sandbox/);
    }
  });

  it("over the file size or the quota: 413 with a clear message, and nothing is left in storage", async () => {
    const before = await blobKeys(server);
    const big = await upload(server, alice.token, new Uint8Array(MAX_BYTES + 1), "big.bin");
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ code: "PAYLOAD_TOO_LARGE", error: expect.stringContaining("at most 256") });

    // Without a Content-Length (a streamed body) the limit is found while reading.
    const boundary = "hestia-boundary";
    const parts = [
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="stream.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      Buffer.alloc(MAX_BYTES + 10 * KiB, 7),
      `\r\n--${boundary}--\r\n`,
    ];
    const streamed = await fetch(`${server.url}/attachments`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice.token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
      body: Readable.toWeb(Readable.from(parts.map((part) => Buffer.from(part)))) as ReadableStream,
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { code: string }).code).toBe("PAYLOAD_TOO_LARGE");

    const saver = await registerUser(server, "saver");
    const chunk = new Uint8Array(250 * KiB).fill(1);
    expect((await upload(server, saver.token, chunk, "1.bin")).status).toBe(201);
    expect((await upload(server, saver.token, chunk, "2.bin")).status).toBe(201);
    const over = await upload(server, saver.token, chunk, "3.bin");
    expect(over.status).toBe(413);
    expect(over.body.error).toMatch(/quota/);
    expect(over.body.details).toMatchObject({ limit: "quota", quotaBytes: QUOTA_BYTES });
    const after = await blobKeys(server);
    expect(after.filter((key) => !before.includes(key))).toHaveLength(2);
  });

  it("deleting a message erases its files from storage; deleting an account erases its uploads", async () => {
    const admin = await registerUser(server, "admin");
    await grantAdmin(cliEnv(server), admin.username);
    const file = await upload(server, bob.token, await png(50, 50), "gone.png");
    const sent = await api(server, "POST", `/groups/${groupId}/messages`, { token: bob.token, body: { attachments: [file.body.id] } });
    const keysWithFile = await blobKeys(server);
    const aliceSocket = await connect(server, alice.token);
    const deletions = collect(aliceSocket, "messageDeleted");
    expect((await api(server, "DELETE", `/admin/messages/${sent.body.id}`, { token: admin.token })).status).toBe(204);
    await eventually(() => expect(deletions).toHaveLength(1));
    expect((await download(server, file.body.url, alice.token)).status).toBe(404);
    expect((await download(server, file.body.url, bob.token)).status).toBe(404);
    const history = await api(server, "GET", `/groups/${groupId}/messages`, { token: alice.token });
    expect(history.body.find((m: { id: number }) => m.id === sent.body.id).attachments).toBeUndefined();
    const keysAfter = await blobKeys(server);
    expect(keysWithFile.length - keysAfter.length).toBe(2);
    aliceSocket.close();

    const leaving = await registerUser(server, "leaving");
    const mine = [
      await upload(server, leaving.token, await png(20, 20), "x.png"),
      await upload(server, leaving.token, new Uint8Array(10), "y.bin"),
    ];
    const withAccount = await blobKeys(server);
    expect((await api(server, "DELETE", "/users/me", { token: leaving.token })).status).toBe(204);
    expect(withAccount.length - (await blobKeys(server)).length).toBe(3);
    expect(mine.every((upload) => upload.status === 201)).toBe(true);
  }, 30_000);

  it("the sweep deletes expired pending uploads and blobs nothing refers to, and keeps sent files", async () => {
    const pending = await upload(server, eve.token, new Uint8Array(100).fill(3), "forgotten.bin");
    const kept = await upload(server, alice.token, new Uint8Array(100).fill(4), "kept.bin");
    await api(server, "POST", `/messages/direct/${bob.id}`, { token: alice.token, body: { attachments: [kept.body.id] } });
    await server.app.deps.blobs.put("0123456789abcdef0123456789abcdef", Readable.from([Buffer.from("orphan")]));
    const report = await sweepAttachments(server.app.deps, new Date(Date.now() + 25 * 3600_000));
    expect(report.expired).toBeGreaterThanOrEqual(1);
    expect(report.orphanBlobs).toBeGreaterThanOrEqual(1);
    expect((await download(server, pending.body.url, eve.token)).status).toBe(404);
    expect((await blobKeys(server)).includes("0123456789abcdef0123456789abcdef")).toBe(false);
    expect((await download(server, kept.body.url, bob.token)).status).toBe(200);
  });
});
