import { describe, expect, it } from 'vitest';
import { FIELD_LABELS, FORM_FIELDS } from '../census.form.js';
import {
  DATA_GO_KR_MAPPING,
  MappingFileError,
  NATIVE_MAPPING,
  REQUIRED_FIELDS,
  bindMapping,
  isMappingTarget,
  loadMappingFile,
  matchKey,
  nativeTarget,
  resolveMapping,
} from './mapping.js';
import { importRows } from './validate.js';

const DATA_GO_KR_HEADER = [
  '목록키',
  '목록유형',
  '목록명',
  '목록설명',
  '조회수',
  '분류체계',
  '기관코드',
  '기관명',
  '국가중점여부',
  '표준데이터여부',
  '목록.등록일',
  '목록.수정일',
  '목록.URL',
];

function mistakes(input: unknown): Array<{ field: string; message: string }> {
  try {
    loadMappingFile(input);
  } catch (error) {
    if (error instanceof MappingFileError) return error.problems;
    throw error;
  }
  throw new Error('expected a MappingFileError');
}

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text, 'utf-8');
}

describe('targets and labels', () => {
  it('knows which fields are required', () => {
    expect(REQUIRED_FIELDS).toEqual([
      'title',
      'description',
      'readiness',
      'structure',
      'modality',
      'domain',
      'provisionScope',
      'personalInfo',
    ]);
  });

  it('reads every field from its key or either label, without two fields sharing a name', () => {
    for (const field of FORM_FIELDS) {
      expect(nativeTarget(field)).toBe(field);
      expect(nativeTarget(FIELD_LABELS[field].ko)).toBe(field);
      expect(nativeTarget(FIELD_LABELS[field].en)).toBe(field);
      expect(nativeTarget(` ${FIELD_LABELS[field].en.toUpperCase()} `)).toBe(field);
    }
    const owners = new Map<string, Set<string>>();
    for (const field of FORM_FIELDS) {
      for (const name of [field, FIELD_LABELS[field].ko, FIELD_LABELS[field].en]) {
        owners.set(matchKey(name), (owners.get(matchKey(name)) ?? new Set()).add(field));
      }
    }
    expect([...owners].filter(([, fields]) => fields.size > 1)).toEqual([]);
  });

  it('reads the columns exports add', () => {
    expect(['ID', '기관명', '기관코드', '상태', '버전', '수정일시', 'Agency', 'Agency code', 'Updated at'].map(nativeTarget)).toEqual([
      'externalId',
      'agencyName',
      'agencyCode',
      'extra:status',
      'extra:version',
      'extra:updatedAt',
      'agencyName',
      'agencyCode',
      'extra:updatedAt',
    ]);
    expect(nativeTarget('비고')).toBeUndefined();
  });

  it('tells targets from other names', () => {
    expect(['title', 'agencyCode', 'extra:views'].every(isMappingTarget)).toBe(true);
    expect(['titel', 'extra:', 'extra:a b', 'agency'].some(isMappingTarget)).toBe(false);
  });
});

describe('bindMapping', () => {
  it('binds data-go-kr to the catalog header', () => {
    const bound = bindMapping(DATA_GO_KR_MAPPING, DATA_GO_KR_HEADER);
    expect(bound.missingColumns).toEqual([]);
    expect(bound.missingRequired).toEqual([]);
    expect(bound.ignored).toEqual([]);
    expect(bound.columnOf.get('title')).toBe('목록명');
    expect(bound.columnOf.get('domain')).toBe('분류체계');
    expect(bound.columns.find((c) => c.column === '목록유형')?.targets).toEqual(['formats', 'structure', 'extra:listType']);
  });

  it('allows optional columns to be missing, matches columns leniently and reports missing ones', () => {
    const bound = bindMapping(DATA_GO_KR_MAPPING, ['목록키', '목록유형', '목록 명', '분류체계', '기관코드', '기관명', '비고']);
    expect(bound.columnOf.get('title')).toBe('목록 명');
    expect(bound.missingColumns).toEqual(['목록설명']);
    expect(bound.missingRequired).toEqual(['description']);
    expect(bound.ignored).toEqual(['비고']);
  });

  it('binds native columns by label; a second column for the same field is ignored', () => {
    const bound = bindMapping(NATIVE_MAPPING, ['데이터명', 'Title', '설명', '비고', '기관명']);
    expect(bound.columnOf.get('title')).toBe('데이터명');
    expect(bound.columnOf.get('agencyName')).toBe('기관명');
    expect(bound.ignored).toEqual(['Title', '비고']);
    expect(bound.missingRequired).toEqual(['readiness', 'structure', 'modality', 'domain', 'provisionScope', 'personalInfo']);
  });
});

describe('loadMappingFile', () => {
  const good = {
    name: '기관 보유 목록',
    columns: { 자료명: 'title', 자료설명: 'description', 분야: 'domain', 구분: ['structure', 'extra:kind'], 기관: 'agencyName' },
    constants: { readiness: 'raw', modality: 'text', provisionScope: 'open', personalInfo: 'none' },
    valueMaps: { structure: { 표: 'structured', 문서: 'unstructured' } },
    optionalColumns: ['기관'],
  };

  it('accepts a good mapping (as JSON text, with a BOM) and imports with it', async () => {
    const mapping = loadMappingFile(`\uFEFF${JSON.stringify(good)}`);
    expect(mapping).toMatchObject({ name: '기관 보유 목록', source: 'file:기관 보유 목록', columns: good.columns });
    const rows = [];
    for await (const row of importRows(bytes('자료명,자료설명,분야,구분\n민원 기록,민원 상담 내용,공공행정,문서\n'), { mapping }))
      rows.push(row);
    expect(rows[0]).toMatchObject({
      row: 2,
      errors: [],
      extra: { kind: '문서' },
      form: { title: '민원 기록', domain: 'public_administration', structure: 'unstructured', readiness: 'raw' },
    });
  });

  it('explains every mistake at once, suggesting the nearest target', () => {
    const problems = mistakes({
      name: 'x',
      columns: { 자료명: 'titel', 설명: 'description', 기관: 'agency', 비고: 'extra:a b' },
      constants: { readines: 'raw', modality: 'hologram', structure: 'structured' },
      valueMaps: { domain: { 교통: 'transport' }, structure: { 표: 'table' } },
      optionalColumns: ['없는 열'],
    });
    expect(problems).toEqual([
      {
        field: 'columns.자료명',
        message: expect.stringMatching(/^unknown target "titel" \(did you mean "title"\?\); targets are title, titleEn/),
      },
      { field: 'columns.기관', message: expect.stringMatching(/^unknown target "agency" \(did you mean "agencyCode" or "agencyName"\?\)/) },
      { field: 'columns.비고', message: expect.stringMatching(/^unknown target "extra:a b"/) },
      { field: 'constants.readines', message: 'not a form field (did you mean "readiness"?)' },
      { field: 'constants.modality', message: expect.stringMatching(/^invalid value: Invalid option/) },
      { field: 'valueMaps.domain', message: 'no column is mapped to "domain"' },
      { field: 'valueMaps.structure', message: 'no column is mapped to "structure"' },
      { field: 'optionalColumns', message: '"없는 열" is not one of the mapped columns' },
      { field: 'columns', message: 'no column or constant gives the required field "title" (Title)' },
      { field: 'columns', message: 'no column or constant gives the required field "readiness" (Readiness)' },
      { field: 'columns', message: 'no column or constant gives the required field "modality" (Modality)' },
      { field: 'columns', message: 'no column or constant gives the required field "domain" (Domain)' },
      { field: 'columns', message: 'no column or constant gives the required field "provisionScope" (Scope of provision)' },
      { field: 'columns', message: 'no column or constant gives the required field "personalInfo" (Personal information)' },
    ]);
  });

  it('checks value maps against the field they feed', () => {
    const problems = mistakes({ ...good, valueMaps: { structure: { 표: 'table' } } });
    expect(problems).toEqual([
      {
        field: 'valueMaps.structure.표',
        message: '"table" is not a value of structure (allowed: structured, semi_structured, unstructured)',
      },
    ]);
  });

  it('reports the shape being wrong, unknown keys and bad JSON', () => {
    expect(mistakes({ name: '', columns: [] })).toEqual([
      { field: 'name', message: expect.stringMatching(/>=1 characters/) },
      { field: 'columns', message: expect.stringMatching(/expected record/) },
    ]);
    expect(mistakes({ ...good, colums: {} })[0]).toEqual({ field: 'file', message: expect.stringMatching(/^unknown key\(s\) "colums"/) });
    expect(mistakes('{"name": ')[0]).toEqual({ field: 'file', message: expect.stringMatching(/^not valid JSON/) });
    expect(() => loadMappingFile('{')).toThrow(/매핑 파일|mapping file/);
  });

  it('gives Korean messages too', () => {
    try {
      loadMappingFile({ ...good, columns: { ...good.columns, 자료명: 'titel' } });
    } catch (error) {
      expect((error as MappingFileError).messageKo).toMatch(/알 수 없는 대상 "titel" \("title"인가요\?\)/);
      expect((error as MappingFileError).status).toBe(422);
    }
  });
});

describe('resolveMapping', () => {
  it('finds built-in mappings by name and loads mapping text', () => {
    expect(resolveMapping('data-go-kr')).toBe(DATA_GO_KR_MAPPING);
    expect(resolveMapping('native')).toBe(NATIVE_MAPPING);
    expect(resolveMapping(JSON.stringify({ name: 'n', columns: {}, matchLabels: true })).source).toBe('file:n');
    expect(() => resolveMapping('data.go.kr')).toThrow(/unknown mapping "data.go.kr" \(built in: native, data-go-kr/);
  });
});
