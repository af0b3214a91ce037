import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DOMAINS,
  FIELD_LABELS,
  FORM_FIELDS,
  MODALITY,
  PERSONAL_INFO,
  PROVISION_SCOPE,
  READINESS,
  RESTRICTION_REASON,
  SAMPLE_AVAILABILITY,
  SENSITIVE_CATEGORY,
  STRUCTURE,
  UPDATE_CYCLE,
  censusFormSchema,
  type CensusForm,
} from '../census.form.js';
import { NATIVE_MAPPING } from '../import/mapping.js';
import { readRows } from '../import/readers.js';
import { importRows, type MappedRow } from '../import/validate.js';
import { csvField, exportHeader, writeCsv, writeJson, writeXlsx, type ExportOptions, type ExportRow } from './writers.js';

/** A writable that keeps what it is given, slowly if asked (to exercise back-pressure). */
function sink(options: { slow?: boolean } = {}): { out: Writable; bytes: () => Buffer; writes: () => number } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    highWaterMark: options.slow ? 64 : 16 * 1024,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      if (options.slow) setImmediate(done);
      else done();
    },
  });
  return { out, bytes: () => Buffer.concat(chunks), writes: () => chunks.length };
}

async function* once(data: Uint8Array): AsyncGenerator<Uint8Array> {
  yield data;
}

async function importBack(data: Uint8Array, fileName: string): Promise<MappedRow[]> {
  const rows: MappedRow[] = [];
  for await (const row of importRows(once(data), { mapping: NATIVE_MAPPING, fileName })) rows.push(row);
  return rows;
}

const form = (overrides: Partial<CensusForm> = {}): CensusForm =>
  censusFormSchema.parse({
    title: '서울시 대기질 측정 자료',
    description: '측정소별 시간 자료, "쉼표, 따옴표"와\n줄바꿈 포함',
    readiness: 'raw',
    structure: 'structured',
    modality: 'time_series',
    domain: 'environment',
    provisionScope: 'open',
    personalInfo: 'none',
    volumeRecords: 1234567,
    formats: ['CSV', 'JSON'],
    urls: ['https://data.example.go.kr/air'],
    ...overrides,
  });

const entry = (id: string, f: CensusForm, overrides: Partial<ExportRow> = {}): ExportRow => ({
  id,
  orgName: '서울특별시',
  orgCode: '6110000',
  status: 'submitted',
  version: 3,
  updatedAt: new Date('2026-03-01T09:00:00Z'),
  form: f,
  ...overrides,
});

describe('csvField', () => {
  it('quotes per RFC 4180 and guards formulas', () => {
    expect(csvField('plain 텍스트')).toBe('plain 텍스트');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(['+1', '-1', '@SUM(A1)', '\tx'].map(csvField)).toEqual(["'+1", "'-1", "'@SUM(A1)", "'\tx"]);
    expect(csvField("'quoted")).toBe("''quoted");
  });
});

describe('writeCsv', () => {
  it('writes a BOM, a header of labels, CRLF rows, enums as keys', async () => {
    const { out, bytes } = sink();
    const count = await writeCsv([entry('e1', form())], out);
    expect(count).toBe(1);
    const text = bytes().toString('utf-8');
    expect(text.startsWith('\uFEFFID,기관명,기관코드,상태,버전,수정일시,데이터명,')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe(exportHeader('ko').join(','));
    expect(lines[1]).toMatch(
      /^e1,서울특별시,6110000,submitted,3,2026-03-01T09:00:00.000Z,서울시 대기질 측정 자료,,"측정소별 시간 자료, ""쉼표, 따옴표""와\n줄바꿈 포함",/,
    );
    expect(lines[1]).toContain(',raw,structured,time_series,environment,');
    expect(lines[1]).toContain(',CSV; JSON,');
    expect(lines[2]).toBe('');
  });

  it('writes labels instead of keys when asked, and English headers', async () => {
    const { out, bytes } = sink();
    await writeCsv([entry('e1', form())], out, { lang: 'en', values: 'en' });
    const text = bytes().toString('utf-8');
    expect(text.split('\r\n')[0]).toBe(`\uFEFF${exportHeader('en').join(',')}`);
    expect(text).toContain(',Raw,Structured,Time series / sensor,Environment and weather,');
  });

  it('waits for a slow reader, and leaves the stream open when asked', async () => {
    const { out, bytes, writes } = sink({ slow: true });
    const rows = Array.from({ length: 2_000 }, (_, i) => entry(`e${i}`, form()));
    await writeCsv(rows, out, { end: false });
    expect(out.writableEnded).toBe(false);
    out.end();
    expect(writes()).toBeGreaterThan(10);
    expect(bytes().toString('utf-8').split('\r\n')).toHaveLength(2_002);
  });
});

describe('writeJson', () => {
  it('writes a JSON array of flat objects, element by element', async () => {
    const { out, bytes } = sink();
    expect(await writeJson([entry('e1', form()), entry('e2', form({ title: '둘째' }), { orgCode: undefined })], out)).toBe(2);
    const text = bytes().toString('utf-8');
    expect(text.split('\n')).toHaveLength(5); // '[', two elements, ']', ''
    const parsed = JSON.parse(text) as Array<Record<string, unknown>>;
    expect(parsed[0]).toMatchObject({
      id: 'e1',
      agencyName: '서울특별시',
      agencyCode: '6110000',
      status: 'submitted',
      version: 3,
      readiness: 'raw',
    });
    expect(parsed[1]).not.toHaveProperty('agencyCode');
    expect(Object.keys(parsed[0]!).slice(6)).toEqual(FORM_FIELDS.filter((f) => form()[f] !== undefined));
  });

  it('writes an empty array for no rows', async () => {
    const { out, bytes } = sink();
    expect(await writeJson([], out)).toBe(0);
    expect(JSON.parse(bytes().toString('utf-8'))).toEqual([]);
  });
});

describe('writeXlsx', () => {
  it('writes a workbook with a header of labels and numbers as numbers', async () => {
    const { out, bytes } = sink();
    expect(await writeXlsx([entry('e1', form())], out)).toBe(1);
    const rows = [];
    const meta = {};
    for await (const row of readRows(once(bytes()), { meta })) rows.push(row);
    expect(meta).toMatchObject({ format: 'xlsx', sheet: '조사표', columns: exportHeader('ko') });
    expect(rows[0]!.values).toMatchObject({ ID: 'e1', [FIELD_LABELS.volumeRecords.ko]: '1234567', [FIELD_LABELS.formats.ko]: 'CSV; JSON' });
  });
});

// ---------------------------------------------------------------------------------------------
// Round trips: export → import with the native mapping → the same forms.

const text = (min: number, max: number) =>
  fc
    .string({
      unit: fc.constantFrom('가', '나', '똠', 'a', 'Z', '1', ' ', ',', '"', ';', '\n', '=', '-', '+', '@', "'", '(', '·'),
      minLength: min,
      maxLength: max,
    })
    .map((s) => s.trim())
    .filter((s) => s.length >= min);
const optionalText = fc.option(text(1, 30), { nil: undefined });
const keys = <T extends string>(values: readonly T[]) => fc.constantFrom(...values);
const year = fc.integer({ min: 1990, max: 2030 });
const partialDate = fc.oneof(
  year.map(String),
  fc.tuple(year, fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`),
);

const arbitraryForm: fc.Arbitrary<CensusForm> = fc
  .record({
    title: text(2, 40),
    titleEn: optionalText,
    description: text(1, 80),
    department: optionalText,
    contactEmail: fc.option(fc.constantFrom('data@example.go.kr', 'kim.minsu@agency.kr'), { nil: undefined }),
    contactPhone: fc.option(fc.constantFrom('+82-44-000-0000', '044-000-0000'), { nil: undefined }),
    readiness: keys(READINESS.keys),
    structure: keys(STRUCTURE.keys),
    modality: keys(MODALITY.keys),
    domain: keys(Object.keys(DEFAULT_DOMAINS)),
    purpose: optionalText,
    volumeRecords: fc.option(fc.nat(), { nil: undefined }),
    volumeBytes: fc.option(fc.maxSafeNat(), { nil: undefined }),
    volumeHours: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }),
    formats: fc.uniqueArray(fc.constantFrom('CSV', 'JSON', 'XLSX', 'MP4', 'HWP', 'API'), { maxLength: 4 }),
    collectionStart: fc.option(partialDate, { nil: undefined }),
    updateCycle: fc.option(keys(UPDATE_CYCLE.keys), { nil: undefined }),
    provisionScope: keys(PROVISION_SCOPE.keys),
    restrictionReason: fc.option(keys(RESTRICTION_REASON.keys), { nil: undefined }),
    personalInfo: keys(PERSONAL_INFO.keys),
    sensitiveCategories: fc.uniqueArray(keys(SENSITIVE_CATEGORY.keys), { maxLength: 3 }),
    sampleAvailability: keys(SAMPLE_AVAILABILITY.keys),
    urls: fc.uniqueArray(fc.constantFrom('https://data.example.go.kr/a', 'http://example.kr/x?a=1&b=2', 'https://e.kr/p(1)'), {
      maxLength: 2,
    }),
  })
  .map((f) => ({
    ...f,
    restrictionReason: f.provisionScope === 'open' ? f.restrictionReason : (f.restrictionReason ?? 'security'),
    sensitiveCategories: f.personalInfo === 'none' ? [] : f.sensitiveCategories,
  }))
  .map((f) => censusFormSchema.safeParse(f))
  .filter((r) => r.success)
  .map((r) => r.data!);

type Writer = (rows: ExportRow[], out: Writable, options: ExportOptions) => Promise<number>;
const WRITERS: Array<[string, Writer, string, ExportOptions]> = [
  ['CSV, keys', writeCsv, 'x.csv', {}],
  ['CSV, Korean labels', writeCsv, 'x.csv', { values: 'ko' }],
  ['CSV, English', writeCsv, 'x.csv', { lang: 'en', values: 'en' }],
  ['XLSX, keys', writeXlsx, 'x.xlsx', {}],
  ['XLSX, Korean labels', writeXlsx, 'x.xlsx', { values: 'ko' }],
  ['JSON', (rows, out) => writeJson(rows, out), 'x.json', {}],
];

describe('round trip through the native import', () => {
  it.each(WRITERS)('%s gives back the same forms, agencies, ids and status (property)', async (_name, write, fileName, options) => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryForm, { minLength: 1, maxLength: 5 }), async (forms) => {
        const rows = forms.map((f, i) => entry(`e${i}`, f, i % 2 ? { orgCode: undefined } : {}));
        const { out, bytes } = sink();
        await write(rows, out, options);
        const back = await importBack(bytes(), fileName);
        expect(back.map((r) => r.errors)).toEqual(rows.map(() => []));
        expect(back.map((r) => r.form)).toEqual(forms);
        expect(back.map((r) => [r.externalId, r.agency, r.extra])).toEqual(
          rows.map((r) => [
            r.id,
            r.orgCode === undefined ? { name: r.orgName } : { code: r.orgCode, name: r.orgName },
            { status: 'submitted', version: '3', updatedAt: '2026-03-01T09:00:00.000Z' },
          ]),
        );
      }),
      { numRuns: fileName.endsWith('.xlsx') ? 25 : 100 },
    );
  });
});
