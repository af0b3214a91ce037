/**
 * Image de-identification: find faces, pixelate them, write the image back in its own format.
 * `deidentifyImage` works on bytes; `deidentifyImageFolder` mirrors a folder tree on disk.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FaceDetectionOptions, FaceDetector } from './face-detector.js';
import type { Box } from './geometry.js';
import { decodeImage, encodeImage, ImageDecodeError, pixelateFaces, type ImageFormat, type PixelateOptions } from './redact.js';

/** A face as reported: whole pixels, the score rounded to three decimals. */
export interface FaceFound extends Box {
  score: number;
}

/** What happened to one image. */
export interface ImageReport {
  format: ImageFormat;
  width: number;
  height: number;
  /** Faces the detector found, highest score first, in the upright image's pixels. */
  faces: FaceFound[];
  /** The regions that were pixelated (each face grown by the margin, clipped to the image). */
  pixelated: Box[];
}

export interface DeidentifyImageOptions {
  detection?: Partial<FaceDetectionOptions>;
  pixelate?: PixelateOptions;
  /** JPEG/WebP quality of the written image. */
  quality?: number;
}

/**
 * De-identifies one image: detects faces, pixelates them, re-encodes in the same format without metadata.
 * Throws ImageDecodeError when the bytes are not a supported, intact image.
 * @example
 * const detector = await loadFaceDetector();
 * const { bytes, report } = await deidentifyImage(await readFile('in.jpg'), detector);
 * // report.faces → [{ x: 414, y: 355, width: 177, height: 240, score: 0.996 }, …]
 */
export async function deidentifyImage(
  input: Uint8Array,
  detector: FaceDetector,
  options: DeidentifyImageOptions = {},
): Promise<{ bytes: Buffer; report: ImageReport }> {
  const image = await decodeImage(input);
  const detected = await detector.detect(image, options.detection);
  const faces = detected.map((f) => {
    const x = Math.max(0, Math.floor(f.x));
    const y = Math.max(0, Math.floor(f.y));
    const right = Math.min(image.width, Math.ceil(f.x + f.width));
    const bottom = Math.min(image.height, Math.ceil(f.y + f.height));
    return { x, y, width: right - x, height: bottom - y, score: f.score };
  });
  const { data, regions } = await pixelateFaces(image, faces, options.pixelate);
  const bytes = await encodeImage({ ...image, data }, image.format, { quality: options.quality ?? 92 });
  return { bytes, report: { format: image.format, width: image.width, height: image.height, faces, pixelated: regions } };
}

/** One file of a folder run: its report, or why it failed, or why it was skipped. */
export type FileOutcome =
  | ({ path: string; status: 'done'; millis: number } & ImageReport)
  | { path: string; status: 'failed'; error: string }
  | { path: string; status: 'skipped'; reason: string };

/** A folder run, for people and for machines (`--json`). */
export interface FolderReport {
  model: string;
  files: FileOutcome[];
  images: number;
  faces: number;
  failed: number;
  skipped: number;
  seconds: number;
  imagesPerSecond: number;
}

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.png', '.webp', '.tif', '.tiff']);

async function listFiles(root: string, dir = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  const files: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) files.push(...(await listFiles(root, rel)));
    else if (e.isFile()) files.push(rel);
  }
  return files;
}

/**
 * De-identifies every image under `inDir` into the same relative path under `outDir`. Files that
 * are not images are skipped and not copied (a de-identified folder should hold only what was
 * checked); images that cannot be read are reported as failed, named, and not written.
 * @example
 * const report = await deidentifyImageFolder('photos', 'photos-deid', await loadFaceDetector());
 * // report.files[0] → { path: 'a.jpg', status: 'done', faces: [...], ... }
 */
export async function deidentifyImageFolder(
  inDir: string,
  outDir: string,
  detector: FaceDetector,
  options: DeidentifyImageOptions & { onProgress?: (done: number, total: number, file: string) => void } = {},
): Promise<FolderReport> {
  const started = performance.now();
  const files = await listFiles(inDir);
  const outcomes: FileOutcome[] = [];
  for (const [i, rel] of files.entries()) {
    options.onProgress?.(i, files.length, rel);
    if (!IMAGE_EXTENSIONS.has(path.extname(rel).toLowerCase())) {
      outcomes.push({ path: rel, status: 'skipped', reason: 'not an image file (by extension); not copied' });
      continue;
    }
    const t0 = performance.now();
    try {
      const { bytes, report } = await deidentifyImage(await readFile(path.join(inDir, rel)), detector, options);
      await mkdir(path.dirname(path.join(outDir, rel)), { recursive: true });
      await writeFile(path.join(outDir, rel), bytes);
      outcomes.push({ path: rel, status: 'done', millis: Math.round(performance.now() - t0), ...report });
    } catch (error) {
      if (!(error instanceof ImageDecodeError)) throw error;
      outcomes.push({ path: rel, status: 'failed', error: `${rel}: ${error.message}` });
    }
  }
  options.onProgress?.(files.length, files.length, '');
  const seconds = (performance.now() - started) / 1000;
  const done = outcomes.filter((o) => o.status === 'done');
  return {
    model: detector.model,
    files: outcomes,
    images: done.length,
    faces: done.reduce((n, o) => n + o.faces.length, 0),
    failed: outcomes.filter((o) => o.status === 'failed').length,
    skipped: outcomes.filter((o) => o.status === 'skipped').length,
    seconds: Math.round(seconds * 100) / 100,
    imagesPerSecond: seconds > 0 ? Math.round((done.length / seconds) * 100) / 100 : 0,
  };
}
