/**
 * Image decoding, face pixelation and re-encoding with sharp. Works on bytes, never on paths.
 */
import sharp from 'sharp';
import { expandBox, type Box, type ScoredBox } from './geometry.js';
import type { RgbImage } from './face-detector.js';

/** Formats written back as they came in. Others are refused rather than converted silently. */
export const IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'tiff'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** A decoded image: upright (EXIF orientation applied), sRGB, with alpha if it had one. */
export interface DecodedImage extends RgbImage {
  format: ImageFormat;
}

/** Why an image could not be processed, in words a steward can act on. */
export class ImageDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImageDecodeError';
  }
}

/**
 * Decodes image bytes to upright sRGB pixels; throws ImageDecodeError for a corrupt, animated or
 * unsupported image.
 * @example const image = await decodeImage(await readFile('photo.jpg')); // { format: 'jpeg', width, height, channels: 3, data }
 */
export async function decodeImage(bytes: Uint8Array): Promise<DecodedImage> {
  let format: string | undefined;
  let pages: number | undefined;
  try {
    ({ format, pages } = await sharp(bytes).metadata());
  } catch (error) {
    throw new ImageDecodeError(`not a readable image (${(error as Error).message})`, { cause: error });
  }
  if (!(IMAGE_FORMATS as readonly string[]).includes(format ?? '')) {
    throw new ImageDecodeError(`unsupported image format ${format ?? 'unknown'} (supported: ${IMAGE_FORMATS.join(', ')})`);
  }
  if ((pages ?? 1) > 1) throw new ImageDecodeError(`has ${pages} pages or frames; only single images are supported`);
  try {
    // failOn 'warning' (sharp's strictest): a truncated file must fail, not come back half grey with
    // the faces in its missing part never seen and the file reported as done.
    const { data, info } = await sharp(bytes, { failOn: 'warning' })
      .rotate()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 && info.channels !== 4) throw new Error(`${info.channels} channels after conversion to sRGB`);
    return { format: format as ImageFormat, width: info.width, height: info.height, channels: info.channels, data };
  } catch (error) {
    throw new ImageDecodeError(`corrupt or truncated image (${(error as Error).message})`, { cause: error });
  }
}

/** How strongly faces are hidden. */
export interface PixelateOptions {
  /** Grow each face box by this fraction of its size on every side (hair, ears, chin). */
  margin: number;
  /** The expanded box is reduced to this many blocks across its longer side. */
  blocks: number;
}

export const DEFAULT_PIXELATE: PixelateOptions = { margin: 0.25, blocks: 8 };

/**
 * Replaces each face region (grown by the margin) with a coarse mosaic: the region is averaged
 * down to `blocks` cells and blown back up without interpolation. A mosaic this coarse keeps no
 * features to recover, unlike a Gaussian blur, which can be partly deconvolved. Returns the
 * regions actually covered; pixels outside them are left exactly as they were.
 * @example const { data, regions } = await pixelateFaces(image, faces); // data: same size and channels as image.data
 */
export async function pixelateFaces(
  image: RgbImage,
  faces: readonly ScoredBox[],
  options: PixelateOptions = DEFAULT_PIXELATE,
): Promise<{ data: Buffer; regions: Box[] }> {
  const original = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const result = Buffer.from(original); // a copy: the caller's pixels stay intact
  const raw = { width: image.width, height: image.height, channels: image.channels };
  const regions = faces.map((face) => expandBox(face, options.margin, image)).filter((r) => r.width > 0 && r.height > 0);
  for (const region of regions) {
    const scale = options.blocks / Math.max(region.width, region.height);
    const cellsX = Math.max(1, Math.round(region.width * scale));
    const cellsY = Math.max(1, Math.round(region.height * scale));
    // Cut from the original pixels, so overlapping faces do not pixelate an already pixelated area twice.
    // Two pipelines: sharp applies only the last resize of a pipeline.
    const cells = await sharp(original, { raw })
      .extract({ left: region.x, top: region.y, width: region.width, height: region.height })
      .resize(cellsX, cellsY, { kernel: 'cubic', fit: 'fill' })
      .raw()
      .toBuffer();
    const mosaic = await sharp(cells, { raw: { width: cellsX, height: cellsY, channels: image.channels } })
      .resize(region.width, region.height, { kernel: 'nearest', fit: 'fill' })
      .raw()
      .toBuffer();
    const rowBytes = region.width * image.channels;
    for (let row = 0; row < region.height; row++) {
      const target = ((region.y + row) * image.width + region.x) * image.channels;
      mosaic.copy(result, target, row * rowBytes, (row + 1) * rowBytes);
    }
  }
  return { data: result, regions };
}

/** Encoder settings: high quality, so the untouched part of a photograph stays as it was. */
export interface EncodeOptions {
  /** JPEG and WebP quality (1–100). */
  quality: number;
}

/**
 * Encodes pixels in the given format. Metadata (EXIF with GPS and camera serials, XMP, IPTC) is
 * not written: it can identify people as surely as a face.
 * @example const bytes = await encodeImage({ ...image, data: pixelated }, 'jpeg');
 */
export async function encodeImage(image: RgbImage, format: ImageFormat, options: EncodeOptions = { quality: 92 }): Promise<Buffer> {
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  switch (format) {
    case 'jpeg':
      return pipeline.jpeg({ quality: options.quality, chromaSubsampling: '4:4:4' }).toBuffer();
    case 'png':
      return pipeline.png().toBuffer();
    case 'webp':
      return pipeline.webp({ quality: options.quality }).toBuffer();
    case 'tiff':
      return pipeline.tiff({ compression: 'lzw' }).toBuffer();
  }
}
