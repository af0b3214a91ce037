import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { BlobStore } from '../../core/ports.js';
import { createFsBlobStore } from '../../platform/blob/fs-blob-store.js';
import { openDuckDb, sqlString } from '../refinery/duckdb.js';
import {
  assignConfigs,
  canonicalManifest,
  createLayoutEngine,
  datasetCard,
  hfConfigs,
  hfLicence,
  manifestSha256,
  planLayout,
  sizeCategory,
  type LayoutSource,
  type ReleaseManifestFile,
} from './hf-layout.js';

const src = (p: string, format: string, extra: Partial<LayoutSource> = {}): LayoutSource => ({
  path: p,
  blobKey: p.padEnd(64, '0'),
  size: 10,
  format,
  mediaType: 'x/y',
  ...extra,
});

describe('planLayout', () => {
  it('puts tabular files under data/ as Parquet and keeps the rest where they are', () => {
    const plan = planLayout([
      src('a.csv', 'csv'),
      src('sub/b.jsonl', 'jsonl'),
      src('img/1.png', 'image'),
      src('README.md', 'text'),
      src('c.xlsx', 'xlsx'),
    ]);
    expect(plan.map((s) => [s.kind, s.source.path, s.path])).toEqual([
      ['keep', 'README.md', 'README.source.md'],
      ['convert', 'a.csv', 'data/a.parquet'],
      ['convert', 'c.xlsx', 'data/c.parquet'],
      ['convert', 'sub/b.jsonl', 'data/sub/b.parquet'],
      ['keep', 'img/1.png', 'img/1.png'],
    ]);
  });

  it('names split files as Hugging Face does, from the Parquet output of each split, and avoids clashes', () => {
    const plan = planLayout(
      [
        src('data/train.parquet', 'parquet'),
        src('data/train.jsonl', 'jsonl'),
        src('data/test.parquet', 'parquet'),
        src('x.csv', 'csv'),
        src('x.tsv', 'tsv'),
      ],
      [
        { path: 'data/train.parquet', split: 'train' },
        { path: 'data/train.jsonl', split: 'train' },
        { path: 'data/test.parquet', split: 'test' },
      ],
    );
    expect(plan.map((s) => [s.kind, s.source.path, s.path, 'split' in s ? s.split : undefined])).toEqual([
      ['convert', 'data/test.parquet', 'data/test-00000-of-00001.parquet', 'test'],
      ['convert', 'data/train.parquet', 'data/train-00000-of-00001.parquet', 'train'],
      ['keep', 'data/train.jsonl', 'data/train.jsonl', undefined],
      ['convert', 'x.tsv', 'data/x-tsv.parquet', undefined],
      ['convert', 'x.csv', 'data/x.parquet', undefined],
    ]);
  });
});

const pq = (p: string, columns: string[], extra: Partial<ReleaseManifestFile> = {}): ReleaseManifestFile => ({
  path: p,
  size: 1,
  sha256: 'f'.repeat(64),
  format: 'parquet',
  mediaType: 'application/vnd.apache.parquet',
  records: 5,
  columns: columns.map((name) => ({ name, type: 'VARCHAR' })),
  source: { path: p, sha256: 'e'.repeat(64), format: 'csv' },
  ...extra,
});

describe('configs and the dataset card', () => {
  it('puts files of one schema in the train split of the default config', () => {
    const files = assignConfigs([pq('data/a.parquet', ['x']), pq('data/b.parquet', ['x'])]);
    expect(hfConfigs(files)).toEqual([
      { name: 'default', isDefault: true, dataFiles: [{ split: 'train', paths: ['data/a.parquet', 'data/b.parquet'] }] },
    ]);
  });

  it('gives files of different schemas a config each, and a recipe split the default config', () => {
    expect(
      hfConfigs(assignConfigs([pq('data/a.parquet', ['x']), pq('data/sub/b.parquet', ['y'])])).map((c) => [c.name, c.isDefault]),
    ).toEqual([
      ['a', true],
      ['sub_b', false],
    ]);
    const split = assignConfigs([
      pq('data/test-00000-of-00001.parquet', ['x'], { split: 'test' }),
      pq('data/train-00000-of-00001.parquet', ['x'], { split: 'train' }),
      pq('data/extra.parquet', ['z']),
    ]);
    expect(hfConfigs(split)).toEqual([
      {
        name: 'default',
        isDefault: true,
        dataFiles: [
          { split: 'train', paths: ['data/train-00000-of-00001.parquet'] },
          { split: 'test', paths: ['data/test-00000-of-00001.parquet'] },
        ],
      },
      { name: 'extra', isDefault: false, dataFiles: [{ split: 'train', paths: ['data/extra.parquet'] }] },
    ]);
  });

  it('writes a YAML header datasets reads: licence, language, pretty name, size, configs', () => {
    const files = assignConfigs([pq('data/a.parquet', ['x'], { records: 1500 }), pq('data/b.parquet', ['y'], { records: 10 })]);
    const card = datasetCard({
      title: 'Parking',
      licence: 'CC BY 4.0',
      files,
      taskCategories: ['tabular-regression'],
      body: '# Parking\n\ntext',
    });
    const m = /^---\n([\s\S]*?)\n---\n\n([\s\S]*)$/.exec(card);
    expect(m).not.toBeNull();
    expect(parseYaml(m![1]!)).toEqual({
      license: 'cc-by-4.0',
      language: ['ko'],
      pretty_name: 'Parking',
      size_categories: ['1K<n<10K'],
      task_categories: ['tabular-regression'],
      configs: [
        { config_name: 'a', default: true, data_files: [{ split: 'train', path: 'data/a.parquet' }] },
        { config_name: 'b', data_files: [{ split: 'train', path: 'data/b.parquet' }] },
      ],
    });
    expect(m![2]).toBe('# Parking\n\ntext\n');
  });

  it('maps licences and sizes as Hugging Face names them', () => {
    expect(hfLicence('CC0', null)).toEqual({ license: 'cc0-1.0' });
    expect(hfLicence('공공누리 제1유형', 'https://www.kogl.or.kr/info/licenseType1.do')).toEqual({
      license: 'other',
      license_name: '공공누리 제1유형',
      license_link: 'https://www.kogl.or.kr/info/licenseType1.do',
    });
    expect([0, 999, 1000, 123_456, 5e9].map(sizeCategory)).toEqual(['n<1K', 'n<1K', '1K<n<10K', '100K<n<1M', '1B<n<10B']);
  });

  it('hashes the canonical manifest whatever the order of files and keys', () => {
    const a = pq('data/a.parquet', ['x']);
    const b = { ...pq('data/b.parquet', ['y']) };
    const m1 = { files: [a, b], totalBytes: 2, version: { id: 'v', number: 1, manifestSha256: null }, warnings: [] };
    const reordered = { warnings: [], version: { manifestSha256: null, number: 1, id: 'v' }, totalBytes: 2, files: [b, a] };
    expect(manifestSha256(canonicalManifest(m1))).toBe(manifestSha256(canonicalManifest(reordered)));
  });
});

describe('createLayoutEngine (DuckDB)', () => {
  let dir: string;
  let blobs: BlobStore;
  const put = async (bytes: Buffer | string) => blobs.put(Buffer.from(bytes));
  const materialize = async (files: ReadonlyArray<{ path: string; blobKey: string }>, target: string) => {
    await mkdir(target, { recursive: true });
    const out: string[] = [];
    for (const f of files) {
      const p = path.join(target, f.path);
      await pipeline(await blobs.get(f.blobKey), createWriteStream(p));
      out.push(p);
    }
    return out;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'datadam-hf-'));
    blobs = createFsBlobStore({ root: path.join(dir, 'blobs') });
  });
  afterAll(async () => {
    await blobs.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function readParquet(
    key: string,
  ): Promise<{ rows: Record<string, unknown>[]; columns: Array<{ column_name: string; column_type: string }> }> {
    const file = path.join(dir, `read-${key}.parquet`);
    await pipeline(await blobs.get(key), createWriteStream(file));
    const db = await openDuckDb({ allowedDirectories: [dir] });
    try {
      return {
        rows: await db.all(`select * from read_parquet(${sqlString(file)})`),
        columns: await db.all(`describe select * from read_parquet(${sqlString(file)})`),
      };
    } finally {
      db.close();
    }
  }

  it('converts CSV, TSV, JSON Lines and XLSX to Parquet without losing a value, keeps Parquet and other files as they are', async () => {
    const csv = await put('우편번호,지역,값,날짜\n01234,서울,1,2024-01-02\n12345,부산,2.5,2024-02-03\n');
    const tsv = await put('a\tb\n1\tx\n2\ty\n3\tz\n');
    const jsonl = await put('{"id":1,"text":"안녕"}\n{"id":2,"text":"세계"}\n');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('시트');
    sheet.addRow(['이름', '수']);
    sheet.addRow(['가', 1]);
    sheet.addRow(['나', 2]);
    const xlsx = await put(Buffer.from(await workbook.xlsx.writeBuffer()));
    const png = await put(Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    const engine = createLayoutEngine({ blobs, materialize, workDir: path.join(dir, 'work') });
    const sources: LayoutSource[] = [
      { path: 'a.csv', blobKey: csv.key, size: csv.size, format: 'csv', mediaType: 'text/csv', profiledRows: 2 },
      { path: 't.tsv', blobKey: tsv.key, size: tsv.size, format: 'tsv', mediaType: 'text/tab-separated-values' },
      { path: 'j.jsonl', blobKey: jsonl.key, size: jsonl.size, format: 'jsonl', mediaType: 'application/jsonl' },
      {
        path: 'w.xlsx',
        blobKey: xlsx.key,
        size: xlsx.size,
        format: 'xlsx',
        mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
      { path: 'img/p.png', blobKey: png.key, size: png.size, format: 'image', mediaType: 'image/png' },
    ];
    const built = await engine.build(planLayout(sources));
    expect(built.warnings).toEqual([]);
    expect(built.files.map((f) => [f.path, f.format, f.records, f.config, f.split])).toEqual([
      ['data/a.parquet', 'parquet', 2, 'a', 'train'],
      ['data/j.parquet', 'parquet', 2, 'j', 'train'],
      ['data/t.parquet', 'parquet', 3, 't', 'train'],
      ['data/w.parquet', 'parquet', 2, 'w', 'train'],
      ['img/p.png', 'image', null, undefined, undefined],
    ]);
    const a = built.files[0]!;
    // The leading zero keeps 우편번호 text; the rest take their types.
    expect(a.columns).toEqual([
      { name: '우편번호', type: 'VARCHAR' },
      { name: '지역', type: 'VARCHAR' },
      { name: '값', type: 'DOUBLE' },
      { name: '날짜', type: 'DATE' },
    ]);
    const read = await readParquet(a.sha256);
    expect(read.rows.map((r) => r['우편번호'])).toEqual(['01234', '12345']);
    expect(a.source).toEqual({ path: 'a.csv', sha256: csv.key, format: 'csv' });
    expect((await readParquet(built.files[3]!.sha256)).rows).toEqual([
      { 이름: '가', 수: 1 },
      { 이름: '나', 수: 2 },
    ]);
    expect(built.files[4]!.sha256).toBe(png.key);

    // The same input gives the same bytes (an unchanged file is unchanged in the next release).
    const again = await engine.build(planLayout(sources));
    expect(again.files.map((f) => f.sha256)).toEqual(built.files.map((f) => f.sha256));

    // A Parquet file is kept byte for byte, with its schema read.
    const parquet = await engine.build(
      planLayout([{ path: 'data/x.parquet', blobKey: a.sha256, size: a.size, format: 'parquet', mediaType: 'x' }]),
    );
    expect(parquet.files[0]).toMatchObject({ path: 'data/x.parquet', sha256: a.sha256, records: 2, config: 'default', split: 'train' });
  });

  it('uses the profile’s types only when every value fits, and keeps a file it cannot convert with a warning', async () => {
    const csv = await put('code,n\n007,1\nA12,x\n');
    const broken = await put('{"a": 1}\n{not json\n');
    const engine = createLayoutEngine({ blobs, materialize, workDir: path.join(dir, 'work') });
    const built = await engine.build(
      planLayout([
        {
          path: 'p.csv',
          blobKey: csv.key,
          size: csv.size,
          format: 'csv',
          mediaType: 'text/csv',
          profiledRows: 3,
          profiledTypes: [
            { name: 'code', type: 'BIGINT' },
            { name: 'n', type: 'BIGINT' },
          ],
        },
        { path: 'bad.jsonl', blobKey: broken.key, size: broken.size, format: 'jsonl', mediaType: 'application/jsonl' },
      ]),
    );
    const p = built.files.find((f) => f.path === 'data/p.parquet')!;
    expect(p.columns).toEqual([
      { name: 'code', type: 'VARCHAR' },
      { name: 'n', type: 'VARCHAR' },
    ]);
    expect(built.files.find((f) => f.path === 'bad.jsonl')).toMatchObject({ format: 'jsonl', sha256: broken.key, records: null });
    expect(built.warnings).toHaveLength(2);
    expect(built.warnings[0]).toMatch(/^bad\.jsonl: not converted to Parquet/);
    expect(built.warnings[1]).toBe('p.csv: the profile counted 3 rows, the Parquet file holds 2');
  });
});
