import { createReadStream, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATA_GO_KR_DOMAINS } from '../census.form.js';
import { DuplicateIndex } from './duplicates.js';
import { DATA_GO_KR_MAPPING, NATIVE_MAPPING, type Mapping } from './mapping.js';
import { ImportFileError, type ReadMeta } from './types.js';
import { importRows, mapRow, type ImportOptions, type MappedRow } from './validate.js';

const FIXTURES = new URL('../../../../test/fixtures/census/', import.meta.url);
const fixturePath = (name: string) => new URL(name, FIXTURES);
const fixture = (name: string) => readFileSync(fixturePath(name));

async function* chunks(data: string | Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf-8') : data;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function importAll(
  source: AsyncIterable<Uint8Array>,
  options: ImportOptions,
): Promise<{ rows: MappedRow[]; fileError?: ImportFileError }> {
  const rows: MappedRow[] = [];
  try {
    for await (const row of importRows(source, options)) rows.push(row);
  } catch (error) {
    if (error instanceof ImportFileError) return { rows, fileError: error };
    throw error;
  }
  return { rows };
}

const HEADER =
  '목록키,목록유형,목록명,목록설명,조회수,분류체계,기관코드,기관명,국가중점여부,표준데이터여부,목록.등록일,목록.수정일,목록.URL';
const catalogRow = (overrides: Partial<Record<string, string>> = {}) => {
  const row: Record<string, string> = {
    목록키: '15000000',
    목록유형: 'API',
    목록명: '농림수산식품교육문화정보원_기관조사가격서비스',
    목록설명: '품목의 가격정보를 조회하기 위한 서비스',
    조회수: '2983',
    분류체계: '교통물류',
    기관코드: 'B552895',
    기관명: '농림수산식품교육문화정보원',
    국가중점여부: 'N',
    표준데이터여부: 'N',
    '목록.등록일': '2012-12-06',
    '목록.수정일': '2018-12-04',
    '목록.URL': 'https://www.data.go.kr/data/15000000/openapi.do',
    ...overrides,
  };
  return HEADER.split(',')
    .map((c) => row[c]!)
    .join(',');
};

describe('the data-go-kr mapping', () => {
  it('maps a catalog row onto the form, the agency, the external id and extras', async () => {
    const { rows } = await importAll(chunks(fixture('data-go-kr-1000.csv')), { mapping: DATA_GO_KR_MAPPING, fileName: 'c.csv' });
    expect(rows[0]).toEqual({
      row: 2,
      externalId: '15000000',
      agency: { code: 'B552895', name: '농림수산식품교육문화정보원' },
      extra: {
        listType: 'API',
        views: '2983',
        category: '교통물류',
        nationalPriority: 'N',
        standardData: 'N',
        registeredAt: '2012-12-06',
        modifiedAt: '2018-12-04',
      },
      errors: [],
      form: {
        title: '농림수산식품교육문화정보원_기관조사가격서비스',
        description:
          '품목의 가격정보를 조회하기 위한 서비스로서 가락 도매시장과 강서 도매시장의 가격정보와 농수축산물의 품목, 지역, 유통센터별 가격정보, 임산물의 품목, 지역별 가격정보를 조회할 수 있다.',
        readiness: 'processed',
        structure: 'semi_structured',
        modality: 'tabular',
        domain: 'transport',
        purpose: '공공데이터 개방(data.go.kr)',
        formats: ['API'],
        updateCycle: 'irregular',
        provisionScope: 'open',
        personalInfo: 'none',
        sensitiveCategories: [],
        sampleAvailability: 'none',
        urls: ['https://www.data.go.kr/data/15000000/openapi.do'],
      },
    });
  });

  it('imports all 998 rows of the fixture, with FILE and STD as structured CSV', async () => {
    const { rows, fileError } = await importAll(chunks(fixture('data-go-kr-1000.csv')), { mapping: DATA_GO_KR_MAPPING, fileName: 'c.csv' });
    expect(fileError).toBeUndefined();
    expect(rows).toHaveLength(998);
    expect(rows.filter((r) => r.errors.length > 0)).toEqual([]);
    const file = rows.find((r) => r.extra['listType'] === 'FILE')!;
    expect(file.form).toMatchObject({ formats: ['CSV'], structure: 'structured' });
    expect(new Set(rows.map((r) => r.form!.domain))).toEqual(new Set(rows.map((r) => DATA_GO_KR_DOMAINS[r.extra['category']!])));
  });

  it('reports bad cells against the catalog column, in Korean and English', async () => {
    const text = [
      HEADER,
      catalogRow({ 분류체계: '교통' }),
      catalogRow({ 목록유형: 'XLS' }),
      catalogRow({ 목록명: '', 기관코드: '' }),
      catalogRow({ '목록.URL': 'data.go.kr/data/1' }),
      catalogRow({ 목록설명: '깨진\uFFFD글자' }),
    ].join('\n');
    const { rows } = await importAll(chunks(text), { mapping: DATA_GO_KR_MAPPING });
    const categories = Object.keys(DATA_GO_KR_DOMAINS).join(', ');
    expect(rows.flatMap((r) => r.errors)).toEqual([
      {
        row: 2,
        column: '분류체계',
        message: `허용되지 않는 값입니다: "교통" (가능: ${categories})`,
        messageEn: `not an allowed value: "교통" (allowed: ${categories})`,
      },
      {
        row: 3,
        column: '목록유형',
        message: '허용되지 않는 값입니다: "XLS" (가능: FILE, STD, API)',
        messageEn: 'not an allowed value: "XLS" (allowed: FILE, STD, API)',
      },
      { row: 4, column: '기관코드', message: '필수 항목입니다', messageEn: 'required' },
      { row: 4, column: '목록명', message: '필수 항목입니다', messageEn: 'required' },
      {
        row: 5,
        column: '목록.URL',
        message: 'URL 형식이 아닙니다: "data.go.kr/data/1"',
        messageEn: 'not a valid URL: "data.go.kr/data/1"',
      },
      {
        row: 6,
        column: '목록설명',
        message: '잘못된 문자가 있습니다(인코딩 오류): 파일의 인코딩을 확인하세요',
        messageEn: 'invalid character (encoding): check the encoding the file was saved in',
      },
    ]);
    expect(rows.every((r) => r.form === undefined)).toBe(true);
  });

  it('names the row and column of a byte a CP949 file cannot decode', async () => {
    const cp949 = fixture('data-go-kr-1000.cp949.csv');
    const lines = fixture('data-go-kr-1000.csv').toString('utf-8').split('\n');
    // Where row 3's 목록설명 starts in the CP949 bytes: every non-ASCII character there takes two bytes.
    const cp949Length = (text: string) => [...text].reduce((n, c) => n + (c.charCodeAt(0) < 0x80 ? 1 : 2), 0);
    const row3 = lines[2]!;
    const description = row3.indexOf(',', row3.indexOf(',', row3.indexOf(',') + 1) + 1) + 1;
    const at = cp949Length(lines.slice(0, 2).join('\n')) + 1 + cp949Length(row3.slice(0, description)) + 1;
    const bytes = Buffer.from(cp949.subarray(0, cp949Length(lines.slice(0, 4).join('\n')) + 1));
    bytes[at] = 0xff;
    const meta: ReadMeta = {};
    const { rows } = await importAll(chunks(bytes), { mapping: DATA_GO_KR_MAPPING, fileName: 'c.csv', meta });
    expect(meta.encoding).toBe('cp949');
    expect(rows.map((r) => r.errors.map((e) => [e.row, e.column, e.messageEn]))).toEqual([
      [],
      [[3, '목록설명', 'invalid character (encoding): check the encoding the file was saved in']],
      [],
    ]);
  });

  it('refuses a file whose header lacks the catalog columns', async () => {
    const { fileError } = await importAll(chunks('목록키,목록명,기관명\n1,가,나\n'), { mapping: DATA_GO_KR_MAPPING, fileName: 'c.csv' });
    expect(fileError?.toRowError()).toEqual({
      row: 1,
      column: '목록유형',
      message: '머리글에 필요한 열이 없습니다: "목록유형", "목록설명", "분류체계", "기관코드" (매핑 data-go-kr)',
      messageEn: 'the header lacks columns the mapping needs: "목록유형", "목록설명", "분류체계", "기관코드" (mapping data-go-kr)',
    });
  });
});

describe('the same rows in every encoding', () => {
  const utf8 = fixture('data-go-kr-1000.csv');
  const text = utf8.toString('utf-8');
  const run = async (bytes: Uint8Array, size = 65_536) => {
    const meta: ReadMeta = {};
    const { rows, fileError } = await importAll(chunks(bytes, size), { mapping: DATA_GO_KR_MAPPING, fileName: 'catalog.csv', meta });
    expect(fileError).toBeUndefined();
    return { rows, encoding: meta.encoding };
  };

  it('imports the UTF-8, CP949, UTF-8-BOM, UTF-16LE and UTF-16BE copies of the 998 rows identically', async () => {
    const reference = await run(utf8);
    expect(reference.rows).toHaveLength(998);
    const copies: Array<[string, Uint8Array]> = [
      ['cp949', fixture('data-go-kr-1000.cp949.csv')],
      ['utf-8-bom', Buffer.from(`\uFEFF${text}`, 'utf-8')],
      ['utf-16le', Buffer.from(`\uFEFF${text}`, 'utf16le')],
      ['utf-16be', Buffer.from(`\uFEFF${text}`, 'utf16le').swap16()],
    ];
    for (const [encoding, bytes] of copies) {
      const result = await run(bytes, 4099); // odd chunks: characters are split between them
      expect(result.encoding).toBe(encoding);
      expect(result.rows).toEqual(reference.rows);
    }
  });

  it('reads the 100-row UTF-8-BOM and UTF-16LE files from disk as the first 100 rows', async () => {
    const reference = (await run(utf8)).rows.slice(0, 100);
    for (const name of ['data-go-kr-100.utf8-bom.csv', 'data-go-kr-100.utf16le.csv']) {
      const meta: ReadMeta = {};
      const rows: MappedRow[] = [];
      for await (const row of importRows(createReadStream(fixturePath(name)), { mapping: DATA_GO_KR_MAPPING, fileName: name, meta }))
        rows.push(row);
      expect(rows).toEqual(reference);
    }
  });
});

describe('the broken CSV', () => {
  it('reports exactly the expected rows, columns and messages, then the unterminated quote', async () => {
    const expected = JSON.parse(fixture('broken.expected.json').toString('utf-8')) as {
      valid: number[];
      errors: Array<{ row: number; column: string; message: string; messageEn: string }>;
      fileError: { row: number; column: string; message: string; messageEn: string; line: number };
    };
    const { rows, fileError } = await importAll(createReadStream(fixturePath('broken.csv')), {
      mapping: NATIVE_MAPPING,
      fileName: 'broken.csv',
    });
    expect(rows.flatMap((r) => r.errors)).toEqual(expected.errors);
    expect(rows.filter((r) => r.form).map((r) => r.row)).toEqual(expected.valid);
    const { line, ...rowError } = expected.fileError;
    expect(fileError?.toRowError()).toEqual(rowError);
    expect(fileError?.line).toBe(line);
    expect(rows.find((r) => r.row === 7)?.form?.description).toBe('도서관 이름과 주소\n둘째 줄: 운영 시간');
  });
});

describe('the native mapping', () => {
  const expectedForms = [
    {
      title: '서울시 대기질 측정 자료',
      description: '서울시 25개 구 대기질 측정소의 시간별 측정값',
      readiness: 'raw',
      structure: 'structured',
      modality: 'time_series',
      domain: 'environment',
      volumeRecords: 1234567,
      formats: ['CSV', 'JSON'],
      collectionStart: '2010-01-01',
      updateCycle: 'daily',
      provisionScope: 'open',
      personalInfo: 'none',
      sensitiveCategories: [],
      sampleAvailability: 'none',
      urls: ['https://data.example.go.kr/air'],
    },
    {
      title: '건강검진 가명 표본',
      description: '건강검진 결과의 가명처리 표본 (100만 명)',
      readiness: 'ai_ready',
      structure: 'structured',
      modality: 'tabular',
      domain: 'healthcare',
      volumeRecords: 1000000,
      formats: ['CSV'],
      collectionStart: '2002',
      updateCycle: 'yearly',
      provisionScope: 'conditional',
      restrictionReason: 'pipa',
      personalInfo: 'pseudonymised',
      sensitiveCategories: ['health'],
      sampleAvailability: 'none',
      urls: ['https://nhiss.example.go.kr/sample'],
    },
    {
      title: '교통사고 블랙박스 영상',
      description: '교통사고 블랙박스 영상과 사고 유형 라벨',
      readiness: 'ai_ready',
      structure: 'unstructured',
      modality: 'video',
      domain: 'autonomous_driving',
      volumeRecords: 52000,
      formats: ['MP4'],
      collectionStart: '2019-03-01',
      updateCycle: 'irregular',
      provisionScope: 'safe_zone',
      restrictionReason: 'pipa',
      personalInfo: 'identifiable',
      sensitiveCategories: ['location'],
      sampleAvailability: 'none',
      urls: ['https://data.example.go.kr/dashcam'],
    },
  ];

  it.each([
    ['native.xlsx', [2, 4, 5]],
    ['native.json', [1, 2, 3]],
    ['native.jsonl', [1, 3, 4]],
  ])('reads %s (keys, Korean and English labels) into the same forms', async (name, rowNumbers) => {
    const { rows, fileError } = await importAll(createReadStream(fixturePath(name)), { mapping: NATIVE_MAPPING, fileName: name });
    expect(fileError).toBeUndefined();
    expect(rows.map((r) => r.errors)).toEqual([[], [], []]);
    expect(rows.map((r) => r.row)).toEqual(rowNumbers);
    expect(rows.map((r) => r.form)).toEqual(expectedForms);
    expect(rows.map((r) => [r.externalId, r.agency])).toEqual([
      ['A-1', { code: '6110000', name: '서울특별시' }],
      ['B-2', { code: 'B551182', name: '국민건강보험공단' }],
      ['C-3', { code: '1320000', name: '경찰청' }],
    ]);
  });

  const base = {
    데이터명: '시험 자료',
    설명: '설명',
    '데이터 준비 수준': 'raw',
    '데이터 구조': 'structured',
    '데이터 유형': 'text',
    분야: 'education',
    '제공 범위': 'open',
    '개인정보 포함 여부': 'none',
  };
  const one = (cells: Record<string, string>, mapping: Mapping = NATIVE_MAPPING, unguard = false) =>
    mapRow({ row: 2, values: { ...base, ...cells } }, mapping, { unguard });

  it('reads numbers with thousands separators and rejects what is not a number', () => {
    expect(one({ '규모(건수)': '1,234,567' }).form?.volumeRecords).toBe(1234567);
    expect(one({ '규모(시간)': '1,234.5' }).form?.volumeHours).toBe(1234.5);
    expect(one({ '규모(건수)': ' 42 ' }).form?.volumeRecords).toBe(42);
    expect(one({ '규모(건수)': '1,23' }).errors.map((e) => e.messageEn)).toEqual(['not a number: "1,23"']);
    expect(one({ '규모(건수)': '1.5' }).errors.map((e) => e.messageEn)).toEqual(['must be a whole number']);
    expect(one({ '규모(건수)': '-5' }).errors.map((e) => [e.column, e.message, e.messageEn])).toEqual([
      ['규모(건수)', '0 이상이어야 합니다', 'must be at least 0'],
    ]);
  });

  it('splits lists on ; and , and URLs without breaking a URL that holds a comma', () => {
    expect(one({ '파일 형식': 'CSV; JSON,XML' }).form?.formats).toEqual(['CSV', 'JSON', 'XML']);
    expect(one({ '관련 URL': 'https://a.kr/x?a=1,2; https://b.kr https://c.kr,https://d.kr\nhttps://e.kr' }).form?.urls).toEqual([
      'https://a.kr/x?a=1,2',
      'https://b.kr',
      'https://c.kr',
      'https://d.kr',
      'https://e.kr',
    ]);
    expect(one({ '개인정보 포함 여부': '식별 가능', '민감정보 범주': '건강; Location, minors' }).form?.sensitiveCategories).toEqual([
      'health',
      'location',
      'minors',
    ]);
  });

  it('accepts enum keys and labels in any case and spacing, and lists the allowed values otherwise', () => {
    expect(one({ '데이터 준비 수준': 'AI-READY (labelled)' }).form?.readiness).toBe('ai_ready');
    expect(one({ '데이터 준비 수준': '가공데이터' }).form?.readiness).toBe('processed');
    expect(one({ 분야: '법률·안보' }).form?.domain).toBe('law_security');
    expect(one({ '민감정보 범주': '혈액형', '개인정보 포함 여부': '식별 가능' }).errors[0]).toMatchObject({
      column: '민감정보 범주',
      messageEn:
        'not an allowed value: "혈액형" (allowed: health, genetic, biometric, criminal, beliefs, political, union, sex_life, race_ethnicity, location, minors)',
    });
  });

  it('applies the form rules that span fields, and reads dates written with dots', () => {
    expect(one({ '수집 시작': '2022. 6. 30.' }).form?.collectionStart).toBe('2022-06-30');
    expect(one({ '수집 시작': '2022-06', '수집 종료': '2021' }).errors).toEqual([
      { row: 2, column: '수집 종료', message: '수집 시작보다 앞설 수 없습니다', messageEn: 'before the start of collection' },
    ]);
    expect(one({ '수집 시작': '22/6/30' }).errors[0]?.messageEn).toBe('dates are YYYY, YYYY-MM or YYYY-MM-DD: "22/6/30"');
    expect(one({ '민감정보 범주': '건강' }).errors[0]).toMatchObject({
      column: '민감정보 범주',
      messageEn: 'sensitive categories need personal information',
    });
    expect(one({ '담당자 이메일': 'not-an-email' }).errors[0]).toMatchObject({
      column: '담당자 이메일',
      messageEn: 'not a valid email address: "not-an-email"',
    });
    expect(one({ 데이터명: 'x' }).errors[0]).toMatchObject({ column: '데이터명', message: '2자 이상이어야 합니다' });
  });

  it('removes the formula guard of CSV exports only when asked', () => {
    expect(one({ 데이터명: "'=SUM(A1)" }, NATIVE_MAPPING, true).form?.title).toBe('=SUM(A1)');
    expect(one({ 데이터명: "'=SUM(A1)" }).form?.title).toBe("'=SUM(A1)");
    expect(one({ 데이터명: "'보통 제목" }, NATIVE_MAPPING, true).form?.title).toBe("'보통 제목");
  });

  it('reports a row the reader marked, and nothing else about it', () => {
    const marked = mapRow(
      { row: 9, values: {}, problems: [{ column: '#15', message: '열이 너무 많습니다', messageEn: 'too many columns' }] },
      NATIVE_MAPPING,
    );
    expect(marked).toEqual({
      row: 9,
      extra: {},
      errors: [{ row: 9, column: '#15', message: '열이 너무 많습니다', messageEn: 'too many columns' }],
    });
  });

  it('names the field key for a required field no column gives (JSON)', async () => {
    const { rows } = await importAll(chunks('[{"title":"제목이다","description":"d"}]'), { mapping: NATIVE_MAPPING, fileName: 'x.json' });
    expect(rows[0]!.errors.map((e) => e.column)).toEqual([
      'readiness',
      'structure',
      'modality',
      'domain',
      'provisionScope',
      'personalInfo',
    ]);
  });
});

describe('likely duplicates during import', () => {
  it('flags rows of the same agency with near-identical titles, against what was there before too', async () => {
    const text = [
      HEADER,
      catalogRow({ 목록키: '1', 목록명: '서울특별시_응급실 위치 정보', 기관코드: '6110000', 기관명: '서울특별시' }),
      catalogRow({ 목록키: '2', 목록명: '서울특별시_응급실 위치정보', 기관코드: '6110000', 기관명: '서울특별시' }),
      catalogRow({ 목록키: '3', 목록명: '부산광역시_응급실 위치 정보', 기관코드: '6260000', 기관명: '부산광역시' }),
      catalogRow({ 목록키: '4', 목록명: '서울특별시_공공자전거 대여소 정보', 기관코드: '6110000', 기관명: '서울특별시' }),
    ].join('\n');
    const duplicates = new DuplicateIndex();
    duplicates.add('6110000', 'entry-17', '공공자전거 대여소정보');
    const { rows } = await importAll(chunks(text), { mapping: DATA_GO_KR_MAPPING, duplicates });
    expect(rows.map((r) => r.likelyDuplicates)).toEqual([undefined, ['1'], undefined, ['entry-17']]);
  });
});
