import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../test/support/cli.js';
import type { FolderReport } from '../modules/deid/images/deid-images.js';

const dir = mkdtempSync(path.join(tmpdir(), 'datadam-cli-deid-images-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/deid/images');

const deidImages = (args: string[]) => runCli(['deid', 'images', ...args]);

const IN = path.join(dir, 'in');
mkdirSync(path.join(IN, 'sub'), { recursive: true });
copyFileSync(path.join(FIXTURES, 'face-api-sample1-800.jpg'), path.join(IN, 'party.jpg'));
beforeAll(async () => {
  const wall = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#7a8' } })
    .png()
    .toBuffer();
  writeFileSync(path.join(IN, 'sub', 'wall.png'), wall);
});

describe('datadam deid images', { timeout: 90_000 }, () => {
  it('writes every image with its faces pixelated and prints one JSON report with boxes and scores', async () => {
    const out = path.join(dir, 'out-json');
    const result = await deidImages([IN, out, '--json']);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as FolderReport;
    expect(report.files.map((f) => [f.path, f.status])).toEqual([
      ['party.jpg', 'done'],
      [path.join('sub', 'wall.png'), 'done'],
    ]);
    const party = report.files[0]!;
    expect(party.status === 'done' && party.faces.length).toBe(3);
    expect(party.status === 'done' && party.faces.every((f) => f.score >= 0.3 && f.width > 0)).toBe(true);
    expect(report.files[1]!.status === 'done' && report.files[1]!.faces).toEqual([]);
    expect(report).toMatchObject({ images: 2, faces: 3, failed: 0 });
    expect((await sharp(path.join(out, 'party.jpg')).metadata()).format).toBe('jpeg');
    expect((await sharp(path.join(out, 'sub', 'wall.png')).metadata()).format).toBe('png');
  });

  it('prints each face for people, and exits 1 naming a corrupt image it did not write', async () => {
    writeFileSync(path.join(IN, 'broken.png'), Buffer.from('not a png at all'));
    const out = path.join(dir, 'out-human');
    const result = await deidImages([IN, out]);
    rmSync(path.join(IN, 'broken.png'));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^broken\.png {2}FAILED: broken\.png: not a readable image/m);
    expect(result.stdout).toMatch(/^party\.jpg {2}jpeg 800×533 {2}3 face\(s\) pixelated/m);
    expect(result.stdout).toMatch(/^ {4}face 0\.\d\d at \d+,\d+ \d+×\d+$/m);
    expect(result.stdout).toMatch(/2 image\(s\), 3 face\(s\) pixelated .*; 1 failed, 0 skipped/);
    expect(result.stderr).toMatch(/1 image\(s\) could not be read/);
    expect(existsSync(path.join(out, 'broken.png'))).toBe(false);
    expect(existsSync(path.join(out, 'party.jpg'))).toBe(true);
  });

  it('exits 2 for a missing input folder, an output inside the input, a non-empty output, or a bad threshold', async () => {
    const missing = await deidImages([path.join(dir, 'nope'), path.join(dir, 'o1')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No folder at .*nope/);
    const nested = await deidImages([IN, path.join(IN, 'out')]);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toMatch(/inside/);
    const full = path.join(dir, 'full');
    mkdirSync(full);
    writeFileSync(path.join(full, 'keep.txt'), 'x');
    const notEmpty = await deidImages([IN, full]);
    expect(notEmpty.code).toBe(2);
    expect(notEmpty.stderr).toMatch(/not empty/);
    const bad = await deidImages([IN, path.join(dir, 'o2'), '--min-confidence', '2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--min-confidence must be a number from 0 to 1/);
  });
});
