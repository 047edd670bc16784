import { Readable } from "node:stream";
import { startServer, type TestServer } from "@hestia/server/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { e2eeSuite } from "./e2ee";
import { makeFriends, signUp } from "./setup";

describe("attachments", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("uploads a Blob, bytes and a Node stream with progress, sends them with a DM, and downloads them", async () => {
    const [alice, bob] = await Promise.all([signUp(server), signUp(server)]);
    await makeFriends(alice, bob);
    const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
    const progress: number[] = [];
    const fromBlob = await alice.client.attachments.upload(new Blob([bytes]), {
      name: "data.bin",
      onProgress: ({ loaded }) => progress.push(loaded),
    });
    expect(fromBlob).toMatchObject({ name: "data.bin", size: bytes.length, mimeType: "application/octet-stream" });
    expect(progress.at(-1)).toBe(bytes.length);
    expect(progress.length).toBeGreaterThan(1);
    const fromStream = await alice.client.attachments.upload(Readable.from([Buffer.from("hello "), Buffer.from("world")]), {
      name: "hi.txt",
    });
    expect(fromStream).toMatchObject({ name: "hi.txt", size: 11, mimeType: "text/plain" });

    const message = await alice.client.dms.send(bob.id, { content: "files", attachments: [fromBlob.id, fromStream.id] });
    expect(message.attachments?.map((attachment) => attachment.id)).toEqual([fromBlob.id, fromStream.id]);
    expect(await bob.client.attachments.download(fromBlob)).toEqual(bytes);
    const link = await bob.client.attachments.signedUrl(fromStream.id);
    expect(await (await fetch(link.url)).text()).toBe("hello world");
    expect(bob.client.attachments.url(fromStream)).toBe(`${server.url}/attachments/${fromStream.id}`);

    const stranger = await signUp(server);
    await expect(stranger.client.attachments.download(fromBlob)).rejects.toMatchObject({ status: 404, code: "NOT_FOUND" });
    await expect(stranger.client.attachments.info(fromBlob.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe("end-to-end encrypted attachments", () => {
  const suite = e2eeSuite();

  it("the server stores only ciphertext; the recipient gets the key inside the MLS message, checks the digest and decrypts", async () => {
    const [alice, bob] = await Promise.all([suite.enabledUser("alice"), suite.enabledUser("bob")]);
    await makeFriends(alice, bob);
    const secret = new TextEncoder().encode(`a private photo ${crypto.randomUUID()}`.repeat(100));
    const ref = await alice.client.attachments.uploadEncrypted(new Blob([secret], { type: "image/png" }), { name: "photo.png" });
    expect(ref).toMatchObject({ name: "photo.png", mimeType: "image/png", size: secret.length });

    // What the server holds: opaque bytes, described as such.
    const stored = await suite.server.app.deps.blobs.get(
      (await suite.server.app.deps.db.attachment.findUniqueOrThrow({ where: { id: ref.id } })).storageKey,
    );
    const chunks: Buffer[] = [];
    for await (const chunk of stored!.stream) chunks.push(chunk as Buffer);
    const storedBytes = Buffer.concat(chunks);
    expect(storedBytes.length).toBe(secret.length + 16);
    expect(storedBytes.includes(Buffer.from(secret.subarray(0, 32)))).toBe(false);
    expect(await alice.client.attachments.info(ref.id)).toMatchObject({
      encrypted: true,
      mimeType: "application/octet-stream",
      name: "encrypted",
    });

    const sent = await alice.client.e2ee.sendDM(bob.id, "look", { files: [ref] });
    expect(sent.files).toEqual([ref]);
    await vi.waitFor(() => expect(bob.received).toHaveLength(1), { timeout: 10_000 });
    const [received] = bob.received;
    expect(received!.files).toEqual([ref]);
    expect(await bob.client.attachments.downloadEncrypted(received!.files![0]!)).toEqual(secret);
    // A file swapped for other bytes fails the digest check.
    await expect(
      bob.client.attachments.downloadEncrypted({ ...ref, digest: ref.digest.replace(/^./, (c) => (c === "A" ? "B" : "A")) }),
    ).rejects.toThrow(/digest/);
  });
});
