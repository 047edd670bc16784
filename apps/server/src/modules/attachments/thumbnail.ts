import type { Readable } from "node:stream";
import sharp from "sharp";

/** Longest side of a thumbnail. */
export const THUMBNAIL_MAX_SIDE = 320;
/** Images past this many pixels get no thumbnail (a small file can declare a huge canvas). */
const MAX_INPUT_PIXELS = 50_000_000;

export interface ImageFacts {
  width: number;
  height: number;
  /** A WebP of at most 320×320, upright, without metadata (EXIF, GPS, comments); absent when the image cannot be decoded. */
  thumbnail?: Buffer;
}

/** Reads an image's dimensions (as displayed, after its EXIF orientation) and makes its thumbnail; undefined when it is not a readable image. */
export async function readImage(source: Readable): Promise<ImageFacts | undefined> {
  const input = sharp({ limitInputPixels: MAX_INPUT_PIXELS, failOn: "none", sequentialRead: true });
  source.on("error", (error) => input.destroy(error));
  source.pipe(input);
  try {
    const [metadata, thumbnail] = await Promise.all([
      input.clone().metadata(),
      input
        .clone()
        .rotate()
        .resize({ width: THUMBNAIL_MAX_SIDE, height: THUMBNAIL_MAX_SIDE, fit: "inside", withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer()
        .catch(() => undefined),
    ]);
    if (!metadata.width || !metadata.height) return undefined;
    const swapped = (metadata.orientation ?? 1) >= 5;
    return {
      width: swapped ? metadata.height : metadata.width,
      height: swapped ? metadata.width : metadata.height,
      thumbnail,
    };
  } catch {
    return undefined;
  } finally {
    source.destroy();
  }
}
