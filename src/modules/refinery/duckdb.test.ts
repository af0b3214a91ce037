import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDuckDb, sqlIdentifier, sqlString } from './duckdb.js';

const root = mkdtempSync(path.join(tmpdir(), 'datadam-duckdb-'));
const inside = path.join(root, 'work');
const outside = path.join(root, 'work-other');
mkdirSync(inside);
mkdirSync(outside);
writeFileSync(path.join(inside, "it's.csv"), '지역,값\n서울,1\n부산,2\n');
writeFileSync(path.join(outside, 'secret.csv'), 'a\n1\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('openDuckDb', () => {
  it('reads files in its folders, with quotes in names, and returns plain numbers', async () => {
    const db = await openDuckDb({ allowedDirectories: [inside] });
    try {
      const rows = await db.all<{ n: number; total: number }>(
        `select count(*) as n, sum(${sqlIdentifier('값')}) as total from read_csv(${sqlString(path.join(inside, "it's.csv"))})`,
      );
      expect(rows).toEqual([{ n: 2, total: 3 }]);
    } finally {
      db.close();
    }
  });

  it('refuses files outside its folders, a sibling with the same prefix and a ../ escape, and cannot be unlocked', async () => {
    const db = await openDuckDb({ allowedDirectories: [inside] });
    try {
      await expect(db.all(`select * from read_csv(${sqlString(path.join(outside, 'secret.csv'))})`)).rejects.toThrow(/Permission/);
      await expect(db.all(`select * from read_csv(${sqlString(`${inside}/../work-other/secret.csv`)})`)).rejects.toThrow(/Permission/);
      await expect(db.all(`select * from read_csv('/etc/passwd')`)).rejects.toThrow(/Permission/);
      await expect(db.run('set enable_external_access = true')).rejects.toThrow(/configuration/);
    } finally {
      db.close();
    }
  });

  it('quotes literals and identifiers so they stay one token', () => {
    expect(sqlString("a'b")).toBe("'a''b'");
    expect(sqlIdentifier('a"b')).toBe('"a""b"');
    expect(() => sqlString('a\0b')).toThrow(/NUL/);
  });
});
