import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";
import { AppError } from "../../errors";

export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
/** Larger images are refused before decoding: a small file can declare a huge canvas (a decompression bomb). */
export const AVATAR_MAX_INPUT_PIXELS = 25_000_000;
/** Stored avatars fit in this square. */
export const AVATAR_MAX_SIDE = 1024;

const accepted = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/gif": "png",
} as const;

export interface ProcessedAvatar {
  data: Buffer;
  extension: "png" | "jpg" | "webp";
}

/**
 * Turns untrusted upload bytes into a clean avatar. The type is sniffed from the bytes (whatever the
 * client claims); only PNG, JPEG, WebP and GIF (first frame) are read; the image is decoded and
 * re-encoded, which drops metadata (EXIF, GPS, comments) and anything appended to the file, after
 * applying its EXIF orientation and scaling it to fit 1024×1024.
 */
export async function processAvatar(bytes: Buffer): Promise<ProcessedAvatar> {
  const sniffed = await fileTypeFromBuffer(bytes);
  const extension = sniffed && accepted[sniffed.mime as keyof typeof accepted];
  if (!extension) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "The avatar must be a PNG, JPEG, WebP or GIF image");
  }
  const options = { limitInputPixels: AVATAR_MAX_INPUT_PIXELS, failOn: "error" as const };
  let width: number | undefined;
  let height: number | undefined;
  try {
    // Reads the header only; the pixel limit is checked here, with a clear message, before any decoding.
    ({ width, height } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch {
    throw new AppError("BAD_REQUEST", "The avatar could not be read as an image");
  }
  if (!width || !height || width * height > AVATAR_MAX_INPUT_PIXELS) {
    throw new AppError("BAD_REQUEST", `The avatar is too large: at most ${AVATAR_MAX_INPUT_PIXELS / 1_000_000} megapixels`);
  }
  try {
    const image = sharp(bytes, options)
      .rotate()
      .resize({ width: AVATAR_MAX_SIDE, height: AVATAR_MAX_SIDE, fit: "inside", withoutEnlargement: true });
    if (extension === "jpg") return { data: await image.jpeg({ quality: 85, mozjpeg: true }).toBuffer(), extension };
    if (extension === "webp") return { data: await image.webp({ quality: 85 }).toBuffer(), extension };
    return { data: await image.png({ compressionLevel: 9 }).toBuffer(), extension };
  } catch {
    throw new AppError("BAD_REQUEST", "The avatar could not be read as an image");
  }
}

export const avatarContentType: Record<ProcessedAvatar["extension"], string> = {
  png: "image/png",
  jpg: "image/jpeg",
  webp: "image/webp",
};
