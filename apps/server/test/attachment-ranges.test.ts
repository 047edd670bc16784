import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, registerUser, startServer, type TestServer, type TestUser } from "./helpers";
import { type StorageBackend, startStorageBackend } from "./storage-backends";

/** 100 000 bytes that differ from place to place, so a wrong offset shows. */
const FILE = Buffer.from(Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31 + (i >> 8)) % 251));

async function get(server: TestServer, path: string, headers: Record<string, string>) {
  const response = await fetch(path.startsWith("http") ? path : server.url + path, { headers });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe.each(["local", "s3"] as const)("attachment byte ranges (%s storage)", (backendName) => {
  let backend: StorageBackend;
  let server: TestServer;
  let alice: TestUser;
  let url: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    backend = await startStorageBackend(backendName);
    server = await startServer(backend.env);
    alice = await registerUser(server, "alice");
    auth = { authorization: `Bearer ${alice.token}` };
    const form = new FormData();
    form.append("file", new Blob([FILE]), "video.bin");
    const response = await fetch(`${server.url}/attachments`, { method: "POST", headers: auth, body: form });
    expect(response.status).toBe(201);
    url = ((await response.json()) as { url: string }).url;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await backend?.close();
  });

  it("a whole file says it takes ranges; one range answers 206 with exactly those bytes", async () => {
    const whole = await get(server, url, auth);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(whole.bytes.equals(FILE)).toBe(true);

    for (const [header, start, end] of [
      ["bytes=0-0", 0, 0],
      ["bytes=1000-1999", 1000, 1999],
      ["bytes=99000-", 99_000, 99_999],
      ["bytes=-10", 99_990, 99_999],
      // Past the end is cut at the end.
      ["bytes=99990-200000", 99_990, 99_999],
    ] as const) {
      const part = await get(server, url, { ...auth, range: header });
      expect(part.status, header).toBe(206);
      expect(part.headers.get("content-range"), header).toBe(`bytes ${start}-${end}/100000`);
      expect(part.headers.get("content-length"), header).toBe(String(end - start + 1));
      expect(part.headers.get("accept-ranges")).toBe("bytes");
      expect(part.headers.get("x-content-type-options")).toBe("nosniff");
      expect(part.bytes.equals(FILE.subarray(start, end + 1)), header).toBe(true);
    }
  });

  it("a range past the end is 416 with the file's size; ranges it may ignore get the whole file", async () => {
    const outside = await get(server, url, { ...auth, range: "bytes=100000-" });
    expect(outside.status).toBe(416);
    expect(outside.headers.get("content-range")).toBe("bytes */100000");
    expect(JSON.parse(outside.bytes.toString())).toMatchObject({ code: "RANGE_NOT_SATISFIABLE", error: expect.any(String) });

    for (const ignored of ["bytes=abc", "items=0-10", "bytes=0-9,50-59"]) {
      const whole = await get(server, url, { ...auth, range: ignored });
      expect(whole.status, ignored).toBe(200);
      expect(whole.bytes.equals(FILE), ignored).toBe(true);
    }
  });

  it("If-Range: the file's own ETag gets the range, any other validator the whole file", async () => {
    const etag = (await get(server, url, auth)).headers.get("etag");
    expect(etag).toMatch(/^"[\w-]+"$/);
    const same = await get(server, url, { ...auth, range: "bytes=10-19", "if-range": etag as string });
    expect(same.status).toBe(206);
    expect(same.bytes.equals(FILE.subarray(10, 20))).toBe(true);
    const other = await get(server, url, { ...auth, range: "bytes=10-19", "if-range": '"another-version"' });
    expect(other.status).toBe(200);
    expect(other.bytes.length).toBe(FILE.length);
  });

  it("a signed link takes ranges too, and still refuses anyone it was not made for", async () => {
    const id = url.split("/").pop();
    const link = await api(server, "GET", `/attachments/${id}/signed-url`, { token: alice.token });
    expect(link.status).toBe(200);
    const part = await get(server, link.body.url, { range: "bytes=500-1499" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 500-1499/100000");
    expect(part.bytes.equals(FILE.subarray(500, 1500))).toBe(true);
    expect((await get(server, link.body.url, { range: "bytes=200000-" })).status).toBe(416);

    const tampered = link.body.url.replace(/sig=[^&]+/, "sig=AAAA");
    expect((await get(server, tampered, { range: "bytes=0-9" })).status).toBe(404);
    expect((await get(server, url, { range: "bytes=0-9" })).status).toBe(401);
  });
});
