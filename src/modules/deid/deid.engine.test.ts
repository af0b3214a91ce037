/**
 * The run engine on its own, with files on disk and a stand-in face detector: images are pixelated
 * where the detector says (or copied unchanged when asked, and the report says so), formats that
 * are not de-identified are copied with a warning, and a k that cannot be reached fails the run
 * naming the table.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { createDeidEngine, DeidRunError, type DeidRunInput, type DeidVersionReport } from './deid.engine.js';
import type { FaceDetector } from './images/face-detector.js';
import { parsePolicy } from './policy.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'datadam-deid-engine-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const source = path.join(root, 'blobs');

/** Files "in the blob store": here a folder, keyed by name. */
async function materialize(files: ReadonlyArray<{ path: string; blobKey: string }>, dir: string): Promise<void> {
  for (const f of files) {
    await mkdir(path.dirname(path.join(dir, f.path)), { recursive: true });
    await copyFile(path.join(source, f.blobKey), path.join(dir, f.path));
  }
}

const FACE = { x: 8, y: 8, width: 16, height: 16, score: 0.99 };
const detector: FaceDetector = { model: 'stand-in', detect: async () => [FACE] };

async function setup(): Promise<DeidRunInput['files']> {
  await mkdir(source, { recursive: true });
  // A gradient, so a mosaic over the face changes its pixels.
  const pixels = Buffer.alloc(48 * 48 * 3);
  for (let i = 0; i < 48 * 48; i++) pixels.set([(i * 5) % 256, (i * 11) % 256, (i * 3) % 256], i * 3);
  writeFileSync(
    path.join(source, 'photo'),
    await sharp(pixels, { raw: { width: 48, height: 48, channels: 3 } })
      .png()
      .toBuffer(),
  );
  writeFileSync(path.join(source, 'tsv'), '이름\t나이\n홍길동\t34\n');
  writeFileSync(path.join(source, 'csv'), '성별,나이\n남,34\n여,35\n남,51\n');
  const size = (key: string) => readFileSync(path.join(source, key)).length;
  return [
    { path: 'img/photo.png', blobKey: 'photo', format: 'image', size: size('photo') },
    { path: 'notes.tsv', blobKey: 'tsv', format: 'tsv', size: size('tsv') },
    { path: 'people.csv', blobKey: 'csv', format: 'csv', size: size('csv') },
  ];
}

const policy = parsePolicy('version: 1\n');

describe('the deid run engine', () => {
  const engine = createDeidEngine({ materialize, workDir: path.join(root, 'work'), threads: 0, loadFaceDetector: async () => detector });

  async function run(input: Partial<DeidRunInput> & Pick<DeidRunInput, 'files'>) {
    let written: string[] = [];
    let pixels: Buffer | undefined;
    const { report } = await engine.run(
      {
        runId: `r${Math.random().toString(36).slice(2)}`,
        sourceVersion: { id: 'v', number: 1 },
        policy,
        keys: {},
        options: { tables: [], images: 'faces' },
        ...input,
      },
      async (dir: string, made: DeidVersionReport) => {
        written = readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
          .sort();
        pixels = readFileSync(path.join(dir, 'img', 'photo.png'));
        return made;
      },
    );
    return { report, written, pixels: pixels! };
  }

  it('pixelates faces, copies other formats with a warning, and removes its scratch folder', async () => {
    const files = await setup();
    const { report, written, pixels } = await run({ files });
    expect(written).toEqual(['img/photo.png', 'notes.tsv', 'people.csv']);
    expect(report.images).toMatchObject({ mode: 'faces', images: 1, faces: 1, failed: 0, model: 'stand-in' });
    expect(report.files.map((f) => [f.path, f.action])).toEqual([
      ['img/photo.png', 'pixelated'],
      ['notes.tsv', 'copied'],
      ['people.csv', 'deidentified'],
    ]);
    expect(report.warnings.some((w) => w.startsWith('notes.tsv: tsv files are not de-identified'))).toBe(true);
    const before = await sharp(readFileSync(path.join(source, 'photo')))
      .raw()
      .toBuffer();
    const after = await sharp(pixels).raw().toBuffer();
    const at = (x: number, y: number) => (y * 48 + x) * 3;
    expect(after.subarray(at(10, 10), at(10, 10) + 3)).not.toEqual(before.subarray(at(10, 10), at(10, 10) + 3));
    expect(after.subarray(at(46, 46), at(46, 46) + 3)).toEqual(before.subarray(at(46, 46), at(46, 46) + 3));
    expect(readdirSync(path.join(root, 'work'))).toEqual([]);
  });

  it('copies images unchanged when told to skip them, and says so', async () => {
    const files = await setup();
    const { report, pixels } = await run({ files, options: { tables: [], images: 'skip' } });
    expect(pixels).toEqual(readFileSync(path.join(source, 'photo')));
    expect(report.images).toMatchObject({ mode: 'skip', images: 0, skipped: 1 });
    expect(report.images.note).toMatch(/skipped/);
    expect(report.warnings).toContain('1 image(s) copied unchanged: faces were not looked for');
  });

  it('fails the run, naming the table, when k cannot be reached', async () => {
    const files = (await setup()).filter((f) => f.format === 'csv');
    const failing = run({
      files,
      options: { tables: [{ file: 'people.csv', quasi: ['성별', '나이'], k: 10, maxSuppression: 0 }], images: 'faces' },
    });
    await expect(failing).rejects.toThrow(DeidRunError);
    await expect(failing).rejects.toThrow(/^tables\[0\]\.k: people\.csv cannot reach k=10/);
    const missing = run({ files, options: { tables: [{ file: 'people.csv', quasi: ['지역'], k: 2 }], images: 'faces' } });
    await expect(missing).rejects.toThrow(/^tables\[0\]\.quasi: people\.csv has no column "지역"/);
  });
});
