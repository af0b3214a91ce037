import { describe, expect, it } from 'vitest';
import { changelogMarkdown, diffColumns, diffManifests, isEmptyDiff } from './changelog.js';
import type { ReleaseManifestFile } from './hf-layout.js';

const file = (path: string, sha: string, extra: Partial<ReleaseManifestFile> = {}): ReleaseManifestFile => ({
  path,
  size: sha.length,
  sha256: sha.padEnd(64, '0'),
  format: 'parquet',
  mediaType: 'application/vnd.apache.parquet',
  records: null,
  ...extra,
});

describe('diffManifests', () => {
  it('finds files added, removed, renamed and changed by SHA-256, leaving ignored paths out', () => {
    const before = [file('README.md', 'r1'), file('a.png', 'aa'), file('b.png', 'bb'), file('c.png', 'cc'), file('old.png', 'mv')];
    const after = [file('README.md', 'r2'), file('a.png', 'aa'), file('b.png', 'b2'), file('d.png', 'dd'), file('moved/new.png', 'mv')];
    const diff = diffManifests({ files: before }, { files: after }, { ignore: ['README.md'] });
    expect(diff.unchanged).toBe(1);
    expect(diff.changed.map((c) => c.path)).toEqual(['b.png']);
    expect(diff.changed[0]!.before.sha256).toBe('bb'.padEnd(64, '0'));
    expect(diff.added.map((f) => f.path)).toEqual(['d.png']);
    expect(diff.removed.map((f) => f.path)).toEqual(['c.png']);
    expect(diff.renamed).toEqual([{ from: 'old.png', to: 'moved/new.png', sha256: 'mv'.padEnd(64, '0'), size: 2 }]);
    expect(diff.schema).toEqual([]);
  });

  it('reports schema differences of tabular files: columns added, removed, retyped', () => {
    const before = file('data/train.parquet', 'p1', {
      records: 2,
      columns: [
        { name: '지역', type: 'VARCHAR' },
        { name: '값', type: 'BIGINT' },
        { name: '비고', type: 'VARCHAR' },
      ],
    });
    const after = file('data/train.parquet', 'p2', {
      records: 3,
      columns: [
        { name: '지역', type: 'VARCHAR' },
        { name: '값', type: 'DOUBLE' },
        { name: '인구', type: 'BIGINT' },
      ],
    });
    const diff = diffManifests({ files: [before] }, { files: [after] });
    expect(diff.changed).toEqual([
      {
        path: 'data/train.parquet',
        before: { path: 'data/train.parquet', sha256: before.sha256, size: 2 },
        after: { path: 'data/train.parquet', sha256: after.sha256, size: 2 },
        records: { before: 2, after: 3 },
      },
    ]);
    expect(diff.schema).toEqual([
      {
        path: 'data/train.parquet',
        added: [{ name: '인구', type: 'BIGINT' }],
        removed: [{ name: '비고', type: 'VARCHAR' }],
        typeChanged: [{ name: '값', before: 'BIGINT', after: 'DOUBLE' }],
      },
    ]);
    const en = changelogMarkdown(diff, 'en', '1.0.0');
    expect(en[0]).toBe('- Changes since 1.0.0:');
    expect(en).toContain('  - Changed: `data/train.parquet` (2 → 3 records)');
    expect(en).toContain('  - Schema `data/train.parquet`: +인구 (BIGINT), -비고 (VARCHAR), 값: BIGINT → DOUBLE');
    expect(changelogMarkdown(diff, 'ko', '1.0.0')[0]).toBe('- 1.0.0 대비 변경 사항:');
  });

  it('is empty between identical manifests', () => {
    const files = [file('a.png', 'aa'), file('data/x.parquet', 'xx', { columns: [{ name: 'a', type: 'BIGINT' }] })];
    const diff = diffManifests({ files }, { files });
    expect(isEmptyDiff(diff)).toBe(true);
    expect(diff.unchanged).toBe(2);
    expect(changelogMarkdown(diff, 'en', '0.1.0')).toEqual(['- Changes since 0.1.0:', '  - No file changed']);
  });

  it('diffColumns keeps the order of the files', () => {
    expect(
      diffColumns(
        't',
        [{ name: 'b', type: 'X' }],
        [
          { name: 'c', type: 'Y' },
          { name: 'a', type: 'Z' },
        ],
      ).added.map((c) => c.name),
    ).toEqual(['c', 'a']);
  });
});
