/**
 * The profiler on 10 real Korean public CSV files (test/fixtures/datago-tabular). Expected figures
 * were established independently of the profiler: encodings with `file` and Python's codecs (a file
 * is CP949 when it does not decode as UTF-8), row counts and defects with Python's csv module.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { profilePath, type FileProfile } from './index.js';

const ROOT = path.resolve(import.meta.dirname, '../../../../test/fixtures/datago-tabular');
const report = profilePath(ROOT);
const file = async (folder: string): Promise<FileProfile> => {
  const found = (await report).files.find((f) => f.path.startsWith(`${folder}/`) && f.format === 'csv');
  if (!found) throw new Error(`no profile for ${folder}`);
  return found;
};
const column = (f: FileProfile, name: string) => {
  const c = f.columns.find((col) => col.name === name);
  if (!c) throw new Error(`no column ${name} in ${f.path}`);
  return c;
};

const EXPECTED: Array<[folder: string, encoding: string, rows: number, columns: number]> = [
  ['경찰청_범죄 발생 장소별 통계', 'cp949', 38, 36],
  ['경찰청_전국치안센터주소현황', 'utf-8-bom', 969, 7],
  ['국토교통부_전국 법정동', 'cp949', 46289, 9],
  ['도로교통공단_사망 교통사고 정보', 'cp949', 2983, 23],
  ['산업통상자원부_전국 주유소 등록현황', 'cp949', 6076, 6],
  ['서울특별시_우체국 정보 (한국어)', 'cp949', 227, 14],
  ['서울특별시_응급실 위치 정보', 'cp949', 68, 34],
  ['한국장학재단_대학별 평균등록금', 'cp949', 388, 7],
  ['행정안전부_산후조리업', 'utf-8-bom', 968, 47],
  ['행정안전부_직업소개소', 'utf-8-bom', 2499, 30],
];

describe('profiling the datago-tabular files', () => {
  it.each(EXPECTED)('%s: encoding %s, %i rows, %i columns, no error', async (folder, encoding, rows, columns) => {
    const f = await file(folder);
    expect(f).toMatchObject({ format: 'csv', encoding, rows });
    expect(f.columns).toHaveLength(columns);
    expect(f.error).toBeUndefined();
  });

  it('types known columns sensibly', async () => {
    const dong = await file('국토교통부_전국 법정동');
    expect(column(dong, '법정동코드')).toMatchObject({ type: 'BIGINT', nulls: 0 });
    expect(column(dong, '생성일자').type).toBe('DATE');
    expect(column(dong, '시도명').type).toBe('VARCHAR');
    const gas = await file('산업통상자원부_전국 주유소 등록현황');
    expect(column(gas, '변동사유발생연월일').type).toBe('DATE');
    expect(column(gas, '연도')).toMatchObject({ type: 'BIGINT' });
    const post = await file('서울특별시_우체국 정보 (한국어)');
    // 05584: a postal code keeps its leading zero, so it is text.
    expect(column(post, '새우편번호').type).toBe('VARCHAR');
    expect(column(post, '대표전화번호').stats.patterns[0]).toMatchObject({ pattern: 'phone', share: 1 });
    const tuition = await file('한국장학재단_대학별 평균등록금');
    expect(column(tuition, '평균등록금(원)').type).toBe('BIGINT');
    expect(column(tuition, '평균등록금(원)').stats.min).toBeTypeOf('number');
  });

  it('finds the Excel-mangled 관리번호 of the job agencies, every row of it', async () => {
    const jobs = await file('행정안전부_직업소개소');
    const id = column(jobs, '관리번호');
    expect(id.issues).toContain('excel_scientific_number');
    expect(id.defects.find((d) => d.code === 'excel_scientific_number')).toMatchObject({
      count: 2499,
      examples: [
        { row: 1, value: '2.00116E+14' },
        { row: 2, value: '2.00146E+18' },
        expect.anything(),
        expect.anything(),
        expect.anything(),
      ],
    });
    // One phone number went the same way.
    expect(column(jobs, '소재지전화').defects.find((d) => d.code === 'excel_scientific_number')).toMatchObject({
      count: 1,
      examples: [{ value: '2.10121E+11' }],
    });
  });

  it('finds dotted dates in the LocalData files and none in the ISO-dated ones', async () => {
    const care = await file('행정안전부_산후조리업');
    expect(column(care, '인허가일자').defects.find((d) => d.code === 'dotted_date')).toMatchObject({
      count: 968,
      examples: [{ row: 1, value: '2013.1.28' }, ...Array(4).fill(expect.anything())],
    });
    expect(column(care, '폐업일자').defects.find((d) => d.code === 'dotted_date')?.count).toBe(472);
    expect(column(care, '휴업시작일자').defects.find((d) => d.code === 'dotted_date')?.count).toBe(168);
    const jobs = await file('행정안전부_직업소개소');
    expect(column(jobs, '폐업일자').defects.find((d) => d.code === 'dotted_date')?.count).toBe(1013);
    const gas = await file('산업통상자원부_전국 주유소 등록현황');
    expect(gas.columns.flatMap((c) => c.issues)).not.toContain('dotted_date');
  });

  it('finds the counts saved with a trailing space in the crime statistics', async () => {
    const crime = await file('경찰청_범죄 발생 장소별 통계');
    const spaced = crime.columns.filter((c) => c.issues.includes('number_with_spaces'));
    expect(spaced).toHaveLength(34);
    expect(column(crime, '아파트-연립다세대')).toMatchObject({ type: 'BIGINT', nulls: 0 });
    expect(column(crime, '아파트-연립다세대').defects[0]).toMatchObject({
      code: 'number_with_spaces',
      count: 38,
      examples: [{ row: 1, value: '111 ' }, ...Array(4).fill(expect.anything())],
    });
    expect(column(crime, '범죄대분류').issues).toEqual([]);
  });

  it('finds addresses with stray spaces among the police centres', async () => {
    const police = await file('경찰청_전국치안센터주소현황');
    expect(column(police, '주소').defects.find((d) => d.code === 'leading_trailing_space')?.count).toBe(30);
    expect(column(police, '치안센터명').defects.find((d) => d.code === 'leading_trailing_space')).toMatchObject({
      count: 1,
      examples: [{ value: '고수치안센터 ' }],
    });
  });

  it('flags empty and constant columns', async () => {
    const post = await file('서울특별시_우체국 정보 (한국어)');
    expect(column(post, '주소')).toMatchObject({ nulls: 227, distinct: 0, issues: ['all_null'] });
    const accidents = await file('도로교통공단_사망 교통사고 정보');
    expect(column(accidents, '발생년')).toMatchObject({ distinct: 1, issues: ['constant'] });
    expect(column(accidents, '발생년').stats.topValues).toEqual([{ value: '2020', count: 2983 }]);
  });
});
