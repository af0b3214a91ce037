import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../test/support/cli.js';
import { deidentifyImage, deidentifyImageFolder } from './deid-images.js';
import { loadFaceDetector, type FaceDetector } from './face-detector.js';
import { overlapOfSmaller, type Box } from './geometry.js';
import { decodeImage, ImageDecodeError } from './redact.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/deid/images');
// People counted by eye in each photograph (see test/fixtures/deid/images/SOURCES.md).
const PHOTOS = [
  { file: 'face-api-sample1-800.jpg', people: 3 },
  { file: 'face-api-sample5-800.jpg', people: 5 },
];

const dir = mkdtempSync(path.join(tmpdir(), 'datadam-deid-images-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let detector: FaceDetector;
beforeAll(async () => {
  detector = await loadFaceDetector();
});

/** How many different colours a region holds: thousands in a face, one per cell in a mosaic. */
function distinctColours(pixels: Uint8Array, width: number, channels: number, box: Box): number {
  const seen = new Set<number>();
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) {
      const i = (y * width + x) * channels;
      seen.add((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!);
    }
  }
  return seen.size;
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array, width: number, channels: number, box: Box): number {
  let sum = 0;
  let n = 0;
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * width + x) * channels + c;
        sum += Math.abs(a[i]! - b[i]!);
        n++;
      }
    }
  }
  return sum / n;
}

const inside = (x: number, y: number, boxes: Box[]) => boxes.some((b) => x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height);

describe('deidentifyImage on real photographs', { timeout: 60_000 }, () => {
  for (const { file, people } of PHOTOS) {
    it(`finds every face in ${file} (${people} people) and reports boxes and scores`, async () => {
      const { report } = await deidentifyImage(readFileSync(path.join(FIXTURES, file)), detector);
      expect(report.format).toBe('jpeg');
      expect(report.faces).toHaveLength(people);
      for (const face of report.faces) {
        expect(face.score).toBeGreaterThanOrEqual(0.3);
        expect(face.score).toBeLessThanOrEqual(1);
        // A face in an 800-pixel-wide group photo: tens of pixels, not a sliver and not the whole image.
        expect(face.width).toBeGreaterThan(20);
        expect(face.width).toBeLessThan(report.width / 3);
      }
      // Distinct people, not one face reported several times.
      for (const [i, a] of report.faces.entries()) {
        for (const b of report.faces.slice(i + 1)) expect(Math.abs(a.x - b.x) + Math.abs(a.y - b.y)).toBeGreaterThan(a.width / 2);
      }
    });
  }

  it('wipes the detail from each face region and leaves every other pixel exactly as it was (PNG, lossless)', async () => {
    const png = await sharp(path.join(FIXTURES, PHOTOS[1]!.file)).png().toBuffer();
    const before = await decodeImage(png);
    const { bytes, report } = await deidentifyImage(png, detector);
    expect((await sharp(bytes).metadata()).format).toBe('png');
    const after = await decodeImage(bytes);
    expect([after.width, after.height, after.channels]).toEqual([before.width, before.height, before.channels]);
    expect(report.pixelated.length).toBe(report.faces.length);
    for (const region of report.pixelated) {
      // At most 8×8 cells (twice that where two faces' regions overlap) where a face had thousands
      // of colours; and the picture itself changed a lot, not just its colour count.
      expect(distinctColours(before.data, before.width, before.channels, region)).toBeGreaterThan(1000);
      expect(distinctColours(after.data, after.width, after.channels, region)).toBeLessThanOrEqual(2 * 8 * 8);
      expect(meanAbsDiff(before.data, after.data, before.width, before.channels, region)).toBeGreaterThan(5);
    }
    let changedOutside = 0;
    let outside = 0;
    for (let y = 0; y < before.height; y++) {
      for (let x = 0; x < before.width; x++) {
        if (inside(x, y, report.pixelated)) continue;
        outside++;
        const i = (y * before.width + x) * before.channels;
        for (let c = 0; c < before.channels; c++) if (before.data[i + c] !== after.data[i + c]) changedOutside++;
      }
    }
    expect(outside).toBeGreaterThan(before.width * before.height * 0.5);
    expect(changedOutside).toBe(0);
  });

  it('keeps a JPEG a JPEG, with the untouched part within re-encoding noise and no metadata', async () => {
    const jpeg = await sharp(path.join(FIXTURES, PHOTOS[0]!.file))
      .withExif({ IFD0: { Artist: 'Hong Gildong', Copyright: 'someone' } })
      .jpeg({ quality: 95 })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();
    const before = await decodeImage(jpeg);
    const { bytes, report } = await deidentifyImage(jpeg, detector);
    const meta = await sharp(bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    const after = await decodeImage(bytes);
    // The rows below the lowest face region are untouched apart from JPEG re-encoding.
    const below = Math.max(...report.pixelated.map((r) => r.y + r.height)) + 8;
    expect(below).toBeLessThan(before.height - 50);
    const band = { x: 0, y: below, width: before.width, height: before.height - below };
    expect(meanAbsDiff(before.data, after.data, before.width, before.channels, band)).toBeLessThan(2);
  });

  it('finds the faces of a photograph stored sideways with an EXIF orientation', async () => {
    const sideways = await sharp(path.join(FIXTURES, PHOTOS[0]!.file)).rotate(-90).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const { report } = await deidentifyImage(sideways, detector);
    const upright = await sharp(path.join(FIXTURES, PHOTOS[0]!.file)).metadata();
    expect([report.width, report.height]).toEqual([upright.width, upright.height]);
    expect(report.faces).toHaveLength(PHOTOS[0]!.people);
  });

  it('finds small faces in a large image through the tiles that a whole-image pass alone misses', async () => {
    // The group photo shrunk from 800 to 300 pixels wide (faces about 25 pixels) on a 2400×1800 wall;
    // where its faces are is known from the photo at full size.
    const photo = readFileSync(path.join(FIXTURES, PHOTOS[1]!.file));
    const scale = 300 / 800;
    const truth = (await detector.detect(await decodeImage(photo))).map((f) => ({
      x: 1500 + f.x * scale,
      y: 900 + f.y * scale,
      width: f.width * scale,
      height: f.height * scale,
    }));
    expect(truth).toHaveLength(PHOTOS[1]!.people);
    const small = await sharp(photo).resize(300).toBuffer();
    const wall = await sharp({ create: { width: 2400, height: 1800, channels: 3, background: '#9aa' } })
      .composite([{ input: small, left: 1500, top: 900 }])
      .png()
      .toBuffer();
    const image = await decodeImage(wall);
    const found = (boxes: Box[]) => truth.filter((t) => boxes.some((b) => overlapOfSmaller(b, t) > 0.5)).length;
    expect(found(await detector.detect(image, { tileSize: Number.MAX_SAFE_INTEGER }))).toBeLessThan(truth.length);
    const tiled = await detector.detect(image);
    expect(found(tiled)).toBe(truth.length);
    // Nothing on the empty wall.
    for (const b of tiled) expect(b.x >= 1500 - 10 && b.y >= 900 - 10 && b.x < 1800 && b.y < 1120).toBe(true);
  });

  it('finds no face in a generated image without people and changes none of its pixels', async () => {
    const width = 640;
    const height = 480;
    const noise = await sharp({
      create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
    })
      .png()
      .toBuffer();
    const shapes = Buffer.from(
      `<svg width="${width}" height="${height}"><rect x="40" y="60" width="200" height="120" fill="#c33"/><circle cx="420" cy="240" r="90" fill="#3a6"/><rect x="300" y="360" width="300" height="60" fill="#fff"/></svg>`,
    );
    const input = await sharp(noise)
      .composite([{ input: shapes }])
      .removeAlpha()
      .png()
      .toBuffer();
    const { bytes, report } = await deidentifyImage(input, detector);
    expect(report.faces).toEqual([]);
    const [a, b] = await Promise.all([decodeImage(input), decodeImage(bytes)]);
    expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data))).toBe(0);
  });

  it('rejects a truncated JPEG and bytes that are no image, saying why', async () => {
    const whole = readFileSync(path.join(FIXTURES, PHOTOS[0]!.file));
    await expect(deidentifyImage(whole.subarray(0, Math.floor(whole.length / 2)), detector)).rejects.toThrow(ImageDecodeError);
    await expect(deidentifyImage(whole.subarray(0, Math.floor(whole.length / 2)), detector)).rejects.toThrow(/corrupt or truncated/);
    await expect(deidentifyImage(Buffer.from('this is not an image'), detector)).rejects.toThrow(/not a readable image/);
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
      .gif()
      .toBuffer();
    await expect(deidentifyImage(gif, detector)).rejects.toThrow(/unsupported image format gif/);
  });
});

describe('deidentifyImageFolder', { timeout: 60_000 }, () => {
  it('mirrors the tree, names a corrupt file as failed without writing it, and skips files that are not images', async () => {
    const inDir = path.join(dir, 'in');
    const outDir = path.join(dir, 'out');
    mkdirSync(path.join(inDir, 'day 2'), { recursive: true });
    writeFileSync(path.join(inDir, 'group.jpg'), readFileSync(path.join(FIXTURES, PHOTOS[0]!.file)));
    writeFileSync(path.join(inDir, 'day 2', 'stairs.jpg'), readFileSync(path.join(FIXTURES, PHOTOS[1]!.file)));
    writeFileSync(path.join(inDir, 'broken.jpg'), readFileSync(path.join(FIXTURES, PHOTOS[0]!.file)).subarray(0, 5000));
    writeFileSync(path.join(inDir, 'notes.txt'), 'no faces here');
    const report = await deidentifyImageFolder(inDir, outDir, detector);
    expect(report.files.map((f) => [f.path, f.status])).toEqual([
      ['broken.jpg', 'failed'],
      [path.join('day 2', 'stairs.jpg'), 'done'],
      ['group.jpg', 'done'],
      ['notes.txt', 'skipped'],
    ]);
    const broken = report.files[0]!;
    expect(broken.status === 'failed' && broken.error).toMatch(/^broken\.jpg: corrupt or truncated image/);
    expect(existsSync(path.join(outDir, 'broken.jpg'))).toBe(false);
    expect(existsSync(path.join(outDir, 'notes.txt'))).toBe(false);
    expect(existsSync(path.join(outDir, 'day 2', 'stairs.jpg'))).toBe(true);
    expect(report).toMatchObject({ images: 2, faces: PHOTOS[0]!.people + PHOTOS[1]!.people, failed: 1, skipped: 1 });
    expect(report.imagesPerSecond).toBeGreaterThan(0);
  });
});
