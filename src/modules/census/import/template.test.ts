import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DOMAINS, FIELD_CHOICES, FIELD_LABELS, FORM_FIELDS, censusFormSchema } from '../census.form.js';
import { NATIVE_MAPPING } from './mapping.js';
import { TEMPLATE_EXAMPLE, templateCsv, templateXlsx } from './template.js';
import { importRows, type MappedRow } from './validate.js';

async function* bytes(data: string | Uint8Array): AsyncGenerator<Uint8Array> {
  yield typeof data === 'string' ? Buffer.from(data, 'utf-8') : data;
}

async function importAll(data: string | Uint8Array, fileName: string): Promise<MappedRow[]> {
  const rows: MappedRow[] = [];
  for await (const row of importRows(bytes(data), { mapping: NATIVE_MAPPING, fileName })) rows.push(row);
  return rows;
}

const example = censusFormSchema.parse(TEMPLATE_EXAMPLE);

describe('templateCsv', () => {
  it('has a BOM, the labels of every field as header and one example row', () => {
    const [header, row, rest] = templateCsv('ko').split('\r\n');
    expect(header).toBe(`\uFEFF${FORM_FIELDS.map((f) => FIELD_LABELS[f].ko).join(',')}`);
    expect(row).toContain('가공 데이터');
    expect(rest).toBe('');
    expect(templateCsv('en').split('\r\n')[0]).toBe(`\uFEFF${FORM_FIELDS.map((f) => FIELD_LABELS[f].en).join(',')}`);
  });

  it.each(['ko', 'en'] as const)('imports back (%s) as the example', async (lang) => {
    const rows = await importAll(templateCsv(lang), `template-${lang}.csv`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.errors).toEqual([]);
    expect(rows[0]!.form).toEqual(example);
  });
});

describe('templateXlsx', () => {
  it('imports back as the example', async () => {
    const rows = await importAll(await templateXlsx(), 'template.xlsx');
    expect(rows.map((r) => [r.row, r.errors])).toEqual([[2, []]]);
    expect(rows[0]!.form).toEqual(example);
  });

  it('has notes in English on the header, the allowed values on a second sheet, and drop-down lists', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await templateXlsx()) as unknown as ExcelJS.Buffer);
    const [sheet, allowed] = workbook.worksheets;
    expect(sheet!.name).toBe('조사표');
    expect(sheet!.getRow(1).getCell(1).value).toBe('데이터명');
    expect(String(sheet!.getRow(1).getCell(1).note)).toMatch(/Title \(title\)/);

    const listed = new Map<string, string[]>();
    allowed!.eachRow((row, n) => {
      if (n === 1) return;
      const field = String(row.getCell(2).value);
      listed.set(field, [...(listed.get(field) ?? []), String(row.getCell(3).value)]);
    });
    for (const [field, choices] of Object.entries(FIELD_CHOICES)) expect(listed.get(field)).toEqual(Object.keys(choices));
    expect(listed.get('domain')).toEqual(Object.keys(DEFAULT_DOMAINS));

    const readinessColumn = sheet!.getColumn(FORM_FIELDS.indexOf('readiness') + 1).letter;
    expect(sheet!.getCell(`${readinessColumn}3`).dataValidation).toMatchObject({
      type: 'list',
      formulae: [expect.stringMatching(/^'허용값 \(Allowed values\)'!\$D\$\d+:\$D\$\d+$/)],
    });
  });
});
