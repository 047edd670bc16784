import { type Attachment, attachmentsContract } from "@hestia/contracts";
import { HestiaError } from "../errors";
import { call, type Transport } from "../http";
import { decryptFile, type EncryptedFileRef, encryptFile } from "./file-crypto";

/** What can be uploaded: a Blob or File (browsers, Node), bytes, or a stream of bytes (web or Node streams). */
export type UploadSource = Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface UploadOptions {
  /** The file name others see (default: the File's name, else "file"). */
  name?: string;
  /** Told the bytes sent so far and the total when known. */
  onProgress?: (progress: { loaded: number; total: number | undefined }) => void;
  /** Opaque bytes (already encrypted by you): no type sniffing, no thumbnail. */
  encrypted?: boolean;
}

/** Attachments: `client.attachments`. */
export function createAttachments(transport: Transport) {
  const absolute = (path: string) => (/^https?:\/\//.test(path) ? path : transport.baseUrl.replace(/\/+$/, "") + path);
  const authorization = (): Record<string, string> => {
    const token = transport.getToken();
    return token ? { authorization: `Bearer ${token}` } : {};
  };
  const answer = async <T>(response: Response): Promise<T> => {
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      throw HestiaError.fromBody(body, response.status);
    }
    return body as T;
  };
  const fetchBytes = async (path: string): Promise<Uint8Array> => {
    const response = await transport.fetch(absolute(path), { headers: authorization() });
    if (!response.ok) await answer(response);
    return new Uint8Array(await response.arrayBuffer());
  };

  const attachments = {
    /**
     * Uploads a file (streamed; nothing is read into memory that the source does not already hold) and
     * resolves with the pending attachment: send it with a message (`attachments: [id]`) within 24 hours.
     */
    async upload(source: UploadSource, options: UploadOptions = {}): Promise<Attachment> {
      const name = options.name ?? (typeof File !== "undefined" && source instanceof File ? source.name : "file");
      const url = `${absolute("/attachments")}${options.encrypted ? "?encrypted=true" : ""}`;
      const blob =
        source instanceof Blob
          ? source
          : source instanceof Uint8Array || source instanceof ArrayBuffer
            ? new Blob([source as ArrayBuffer])
            : undefined;
      if (blob && typeof XMLHttpRequest !== "undefined" && options.onProgress)
        return uploadWithXhr(url, blob, name, authorization(), options);
      if (blob && !options.onProgress) {
        const form = new FormData();
        form.append("file", blob, name);
        return answer(await transport.fetch(url, { method: "POST", headers: authorization(), body: form }));
      }
      const { body, contentType, total } = multipartStream(
        blob ?? (source as ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>),
        name,
        options,
      );
      const init = { method: "POST", headers: { ...authorization(), "content-type": contentType }, body, duplex: "half" };
      const answered = await answer<Attachment>(await transport.fetch(url, init as RequestInit));
      options.onProgress?.({ loaded: total ?? answered.size, total: total ?? answered.size });
      return answered;
    },
    /** An attachment's description (its uploader, and members of the conversation it was sent to). */
    info: (id: number) => call(transport, attachmentsContract.get, { id }),
    /** A link that needs no token for an hour at most (for `<img src>`, `<video>`, downloads): absolute. */
    async signedUrl(id: number): Promise<{ url: string; thumbnailUrl?: string; expiresAt: string }> {
      const link = await call(transport, attachmentsContract.signedUrl, { id });
      return { ...link, url: absolute(link.url), ...(link.thumbnailUrl ? { thumbnailUrl: absolute(link.thumbnailUrl) } : {}) };
    },
    /** The absolute URL of an attachment (or its thumbnail); fetching it needs the bearer token. */
    url: (attachment: Pick<Attachment, "url" | "thumbnailUrl">, variant: "file" | "thumbnail" = "file") =>
      absolute(variant === "thumbnail" ? (attachment.thumbnailUrl ?? attachment.url) : attachment.url),
    /** Downloads an attachment's bytes. */
    download: (attachment: Pick<Attachment, "url"> | number) =>
      fetchBytes(typeof attachment === "number" ? `/attachments/${attachment}` : attachment.url),
    /**
     * Encrypts a file with its own random key (AES-GCM) and uploads the ciphertext; resolves with the
     * reference to put inside an encrypted message (`client.e2ee.send(..., { files: [ref] })`).
     */
    async uploadEncrypted(plaintext: Uint8Array | Blob, options: { name?: string; mimeType?: string } = {}): Promise<EncryptedFileRef> {
      const bytes = plaintext instanceof Blob ? new Uint8Array(await plaintext.arrayBuffer()) : plaintext;
      const { ciphertext, key, iv, digest } = await encryptFile(bytes);
      const uploaded = await attachments.upload(ciphertext, { name: "encrypted", encrypted: true });
      return {
        id: uploaded.id,
        name: options.name ?? (typeof File !== "undefined" && plaintext instanceof File ? plaintext.name : "file"),
        mimeType: options.mimeType ?? (plaintext instanceof Blob && plaintext.type ? plaintext.type : "application/octet-stream"),
        size: bytes.length,
        key,
        iv,
        digest,
      };
    },
    /** Downloads an encrypted file named in a decrypted message, checks its digest and decrypts it. */
    async downloadEncrypted(ref: EncryptedFileRef): Promise<Uint8Array> {
      return decryptFile(await fetchBytes(`/attachments/${ref.id}`), ref);
    },
  };
  return attachments;
}

export type Attachments = ReturnType<typeof createAttachments>;

/** A multipart/form-data body streamed from the source, counting what is read (upload progress). */
function multipartStream(
  source: Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  name: string,
  options: UploadOptions,
): { body: ReadableStream<Uint8Array>; contentType: string; total: number | undefined } {
  const boundary = `hestia-${crypto.getRandomValues(new Uint32Array(2)).join("")}`;
  const encoder = new TextEncoder();
  const safeName = name.replace(/["\r\n\\]/g, "_");
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const total = source instanceof Blob ? source.size : undefined;
  const chunks: AsyncIterable<Uint8Array> =
    source instanceof Blob
      ? (source.stream() as unknown as AsyncIterable<Uint8Array>)
      : Symbol.asyncIterator in source
        ? source
        : readAll(source as ReadableStream<Uint8Array>);
  const iterator = chunks[Symbol.asyncIterator]();
  let loaded = 0;
  let stage: "head" | "body" | "done" = "head";
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (stage === "head") {
        stage = "body";
        controller.enqueue(head);
        return;
      }
      if (stage === "done") return;
      const next = await iterator.next();
      if (next.done) {
        stage = "done";
        controller.enqueue(tail);
        controller.close();
        return;
      }
      loaded += next.value.length;
      options.onProgress?.({ loaded, total });
      controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, total };
}

async function* readAll(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Browsers: XMLHttpRequest is the one way to see an upload's progress there. */
function uploadWithXhr(
  url: string,
  blob: Blob,
  name: string,
  headers: Record<string, string>,
  options: UploadOptions,
): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    for (const [header, value] of Object.entries(headers)) request.setRequestHeader(header, value);
    // XHR counts the whole multipart body; progress is told in the file's own bytes, as with fetch, never
    // going back, and ends at the file's size once the server has answered.
    let reported = -1;
    const report = (loaded: number) => {
      if (loaded <= reported) return;
      reported = loaded;
      options.onProgress?.({ loaded, total: blob.size });
    };
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) report(Math.min(blob.size, Math.floor((event.loaded / event.total) * blob.size)));
    };
    request.onerror = () => reject(new HestiaError(0, "NETWORK_ERROR", "The upload failed"));
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) report(blob.size);
      let body: unknown;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = undefined;
      }
      if (request.status >= 200 && request.status < 300) resolve(body as Attachment);
      else reject(HestiaError.fromBody(body, request.status));
    };
    const form = new FormData();
    form.append("file", blob, name);
    request.send(form);
  });
}
