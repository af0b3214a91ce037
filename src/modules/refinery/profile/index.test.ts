import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { profilePath } from './index.js';

const root = mkdtempSync(path.join(tmpdir(), 'datadam-profile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('profilePath', () => {
  it('walks a folder in path order, profiles each kind, reports links and unknown files instead of skipping them', async () => {
    mkdirSync(path.join(root, 'tables'));
    writeFileSync(path.join(root, 'tables', 'a.csv'), '지역,값\n서울,1\n부산,2\n');
    writeFileSync(path.join(root, 'corpus.txt'), '첫 문장입니다.\n둘째 문장.\n첫 문장입니다.\n');
    writeFileSync(path.join(root, 'labels.jsonl'), '{"text":"좋다","label":"pos"}\n{"text":"싫다","label":"neg"}\n');
    writeFileSync(path.join(root, 'blob.bin'), Buffer.from([0, 1, 2, 3, 0, 0, 0, 7, 8, 9]));
    await sharp({ create: { width: 8, height: 6, channels: 3, background: '#000' } })
      .png()
      .toFile(path.join(root, 'pic.png'));
    symlinkSync('/etc/passwd', path.join(root, 'link.csv'));
    const progress: string[] = [];
    const report = await profilePath(root, {
      onProgress: (file, done, total) => progress.push(`${done}/${total} ${file}`),
      annotations: { schema: { type: 'object', required: ['label'] }, labelPath: 'label' },
    });
    expect(report.files.map((f) => [f.path, f.format])).toEqual([
      ['blob.bin', 'other'],
      ['corpus.txt', 'text'],
      ['labels.jsonl', 'jsonl'],
      ['link.csv', 'other'],
      ['pic.png', 'image'],
      ['tables/a.csv', 'csv'],
    ]);
    expect(progress.at(-1)).toBe('6/6 tables/a.csv');
    const [blob, corpus, labels, link, pic, table] = report.files;
    expect(blob).toMatchObject({ encoding: null, rows: null, columns: [], bytes: 10 });
    expect(corpus).toMatchObject({ encoding: 'utf-8', rows: 3, text: { duplicates: 1 } });
    expect(labels).toMatchObject({
      rows: 2,
      annotations: {
        validRecords: 2,
        labels: [
          { label: 'neg', count: 1 },
          { label: 'pos', count: 1 },
        ],
      },
    });
    expect(labels!.columns.map((c) => c.name)).toEqual(['text', 'label']);
    expect(link!.error).toMatch(/link\.csv: a symbolic link, not followed/);
    expect(pic).toMatchObject({ encoding: null, image: { format: 'png', width: 8, height: 6 } });
    expect(table).toMatchObject({
      encoding: 'utf-8',
      rows: 2,
      columns: [
        { name: '지역', type: 'VARCHAR', nulls: 0, distinct: 2, issues: [] },
        { name: '값', type: 'BIGINT' },
      ],
    });
  });

  it('profiles a single file under its own name, and reports a broken one with its name', async () => {
    const file = path.join(root, 'single.csv');
    writeFileSync(file, 'a,b\n' + '1,2\n'.repeat(30_000) + '1,2,3\n');
    const report = await profilePath(file);
    expect(report.files).toHaveLength(1);
    expect(report.files[0]).toMatchObject({
      path: 'single.csv',
      format: 'csv',
      error: expect.stringMatching(/^single\.csv: .*Line: 30002/),
    });
  });

  it('throws when the target does not exist', async () => {
    await expect(profilePath(path.join(root, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
