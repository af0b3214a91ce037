import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../test/support/cli.js';
import { openCsvRecords } from './csv-file.js';
import { countClassesWithDuckDb, isUtf8File } from './duckdb-counts.js';
import { ClassCounter, measureRisk, type EquivalenceClass } from './measures.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/datago-tabular');
const dir = mkdtempSync(path.join(tmpdir(), 'datadam-deid-duckdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function streamed(file: string, quasi: string[], sensitive: string): Promise<EquivalenceClass[]> {
  const { header, records } = await openCsvRecords(file);
  const counter = new ClassCounter(
    quasi.map((c) => header.indexOf(c)),
    header.indexOf(sensitive),
  );
  for await (const r of records) counter.add(r);
  return counter.classes();
}

/** Classes as sorted plain data, to compare two ways of counting. */
function canonical(classes: readonly EquivalenceClass[]) {
  return classes
    .map((c) => ({ key: c.key.join('|'), size: c.size, sensitive: [...(c.sensitive ?? new Map<string, number>())].sort() }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

describe('countClassesWithDuckDb', () => {
  it('gives the same classes as the streaming reader on a real table (산후조리업, UTF-8 with BOM)', async () => {
    const file = path.join(FIXTURES, '행정안전부_산후조리업/fulldata_01_01_04_P_산후조리업.csv');
    const quasi = ['소재지우편번호', '인허가일자', '영업상태명'];
    const viaDuckDb = await countClassesWithDuckDb(file, quasi, '임산부정원수', { threads: 1 });
    const viaStream = await streamed(file, quasi, '임산부정원수');
    expect(canonical(viaDuckDb)).toEqual(canonical(viaStream));
    expect(measureRisk(viaDuckDb).records).toBe(measureRisk(viaStream).records);
  });

  it('handles quoted commas and empty cells, and refuses CP949 files', async () => {
    const file = path.join(dir, 'a.csv');
    writeFileSync(file, '주소,나이,병명\n"서울, 강남구",30,감기\n"서울, 강남구",30,\n,41,암\n');
    const classes = await countClassesWithDuckDb(file, ['주소', '나이'], '병명', { threads: 1 });
    expect(canonical(classes)).toEqual([
      { key: '|41', size: 1, sensitive: [['암', 1]] },
      {
        key: '서울, 강남구|30',
        size: 2,
        sensitive: [
          ['', 1],
          ['감기', 1],
        ],
      },
    ]);
    const cp949 = path.join(FIXTURES, '도로교통공단_사망 교통사고 정보/도로교통공단_사망 교통사고 정보_20201231.csv');
    expect(await isUtf8File(cp949)).toBe(false);
    await expect(countClassesWithDuckDb(cp949, ['발생지시도'])).rejects.toThrow(/not UTF-8/);
  });
});
