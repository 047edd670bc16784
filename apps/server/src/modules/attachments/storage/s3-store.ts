import { type Readable, Transform } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, NotFound, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { assertBlobKey, BLOB_KEY, type BlobStore } from "./blob-store";

export interface S3StoreConfig {
  endpoint: string | undefined;
  bucket: string;
  region: string;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  forcePathStyle: boolean;
  /** Prepended to every key, so one bucket can hold several deployments. */
  prefix: string;
}

/**
 * Blobs as objects of an S3-compatible bucket (AWS S3, MinIO, Ceph, R2 ...). Uploads stream in parts
 * (`@aws-sdk/lib-storage`): at most a few 5 MiB parts are in memory at once, whatever the file's size,
 * and a failed upload is aborted, leaving no object.
 */
export function createS3BlobStore(config: S3StoreConfig): BlobStore {
  const client = new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials:
      config.accessKeyId && config.secretAccessKey
        ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
        : undefined,
  });
  const objectKey = (key: string) => {
    assertBlobKey(key);
    return config.prefix + key;
  };
  return {
    driver: "s3",
    async put(key, body, options = {}) {
      let size = 0;
      const counted = body.pipe(
        new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            size += chunk.length;
            callback(null, chunk);
          },
        }),
      );
      body.once("error", (error) => counted.destroy(error));
      const upload = new Upload({
        client,
        params: {
          Bucket: config.bucket,
          Key: objectKey(key),
          Body: counted,
          ContentType: options.contentType ?? "application/octet-stream",
        },
        queueSize: 2,
        leavePartsOnError: false,
      });
      // lib-storage reads the stream itself; an error of the stream must fail the upload, not hang it.
      const failed = new Promise<never>((_resolve, reject) => counted.once("error", reject));
      try {
        await Promise.race([upload.done(), failed]);
      } catch (error) {
        await upload.abort().catch(() => undefined);
        await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: objectKey(key) })).catch(() => undefined);
        throw error;
      }
      return { size };
    },
    async get(key, range) {
      if (!BLOB_KEY.test(key)) return undefined;
      try {
        const object = await client.send(
          new GetObjectCommand({
            Bucket: config.bucket,
            Key: objectKey(key),
            Range: range ? `bytes=${range.start}-${range.end}` : undefined,
          }),
        );
        if (!object.Body) return undefined;
        // A ranged answer's Content-Length is the part's; the whole object's size ends its Content-Range.
        const whole = range ? Number(/\/(\d+)$/.exec(object.ContentRange ?? "")?.[1] ?? Number.NaN) : Number.NaN;
        return { stream: object.Body as Readable, size: Number.isFinite(whole) ? whole : (object.ContentLength ?? 0) };
      } catch (error) {
        if (error instanceof NoSuchKey || error instanceof NotFound) return undefined;
        throw error;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: objectKey(key) }));
    },
    async *list() {
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: config.bucket, Prefix: config.prefix || undefined, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) {
          const key = object.Key?.slice(config.prefix.length);
          if (key && BLOB_KEY.test(key)) yield { key, modifiedAt: object.LastModified ?? new Date() };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    signedUrl(key, options) {
      const command = new GetObjectCommand({
        Bucket: config.bucket,
        Key: objectKey(key),
        ResponseContentType: options.contentType,
        ResponseContentDisposition: options.contentDisposition,
      });
      return getSignedUrl(client, command, { expiresIn: options.expiresInSeconds });
    },
    async close() {
      client.destroy();
    },
  };
}
