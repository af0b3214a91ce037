import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../test/support/cli.js';
import { openCsvRecords } from './csv-file.js';
import { addressHierarchy, SUPPRESSED } from './hierarchies.js';
import { areaName, buildLegalDongIndex, resolveArea, type LegalDongIndex } from './legal-dong.js';

const TABLE = path.join(REPO_ROOT, 'test/fixtures/datago-tabular/국토교통부_전국 법정동/국토교통부_전국 법정동.csv');
const POSTNATAL = path.join(REPO_ROOT, 'test/fixtures/datago-tabular/행정안전부_산후조리업/fulldata_01_01_04_P_산후조리업.csv');

async function readAll(file: string): Promise<{ header: string[]; rows: string[][]; encoding: string }> {
  const { header, records, encoding } = await openCsvRecords(file);
  const rows: string[][] = [];
  for await (const r of records) rows.push(r);
  return { header, rows, encoding: await encoding };
}

let index: LegalDongIndex;
let table: { header: string[]; rows: string[][]; encoding: string };
beforeAll(async () => {
  table = await readAll(TABLE);
  index = buildLegalDongIndex([table.header, ...table.rows]);
});

describe('the 법정동 code table', () => {
  it('is read from CP949 and indexes the current codes at each level', () => {
    expect(table.encoding).toBe('cp949');
    expect(table.header.slice(0, 4)).toEqual(['법정동코드', '시도명', '시군구명', '읍면동명']);
    const current = table.rows.filter((r) => r[7] === '');
    // Independent count of distinct 2-, 5- and 8-digit prefixes named at their own level.
    const prefixes = (n: number, named: number) => new Set(current.filter((r) => r[named] !== '').map((r) => r[0]!.slice(0, n))).size;
    expect(index.sido.size).toBe(prefixes(2, 1));
    expect(index.sigungu.size).toBe(prefixes(5, 2));
    expect(index.eupmyeondong.size).toBe(prefixes(8, 3));
    expect(index.sido.size).toBe(17);
    expect(index.sido.get('11')).toBe('서울특별시');
  });

  it('resolves addresses: full and short 시도, two-word 시군구, 행정동 numbering, codes', () => {
    const bojeong = resolveArea(index, '경기도 용인시 기흥구 보정동 1261번지');
    expect(areaName(index, bojeong, 'eupmyeondong')).toBe('경기도 용인시기흥구 보정동');
    expect(bojeong.eupmyeondong).toMatch(/^41463/);
    expect(areaName(index, resolveArea(index, '서울특별시 송파구 송파1동 31번지 2호'), 'eupmyeondong')).toBe('서울특별시 송파구 송파동');
    expect(areaName(index, resolveArea(index, '서울 강남구'), 'sigungu')).toBe('서울특별시 강남구');
    expect(areaName(index, resolveArea(index, '전라북도 전주시완산구 평화동1가 445번지'), 'eupmyeondong')).toBe(
      '전라북도 전주시완산구 평화동1가',
    );
    expect(areaName(index, resolveArea(index, '세종특별자치시 반곡동 100'), 'eupmyeondong')).toBe('세종특별자치시 세종시 반곡동');
    expect(resolveArea(index, '1171010500')).toEqual({ sido: '11', sigungu: '11710', eupmyeondong: '11710105' });
    expect(resolveArea(index, '화성 어딘가')).toEqual({});
  });

  it('makes a functional address hierarchy on the real addresses of 산후조리업, mostly down to 읍면동', async () => {
    const postnatal = await readAll(POSTNATAL);
    const at = postnatal.header.indexOf('소재지전체주소');
    const addresses = postnatal.rows.map((r) => r[at]!);
    const hierarchy = addressHierarchy(index);
    for (let level = 0; level < 4; level++) {
      const above = new Map<string, string>();
      for (const a of addresses) {
        const here = hierarchy.generalize(a, level);
        const next = hierarchy.generalize(a, level + 1);
        expect(above.get(here) ?? next).toBe(next);
        above.set(here, next);
      }
    }
    const nonEmpty = addresses.filter((a) => a.trim() !== '');
    const toDong = nonEmpty.filter((a) => hierarchy.generalize(a, 1).split(' ').length === 3).length;
    const toSido = nonEmpty.filter((a) => hierarchy.generalize(a, 3) !== SUPPRESSED).length;
    expect(toSido / nonEmpty.length).toBeGreaterThan(0.99);
    expect(toDong / nonEmpty.length).toBeGreaterThan(0.9);
  });
});
