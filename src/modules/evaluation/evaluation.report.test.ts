import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { computeSelection, inputsHash, type Selection, type SelectionInputs } from './evaluation.service.js';
import { reportHeader, selectionCsv, selectionXlsx } from './evaluation.report.js';

const INPUTS: SelectionInputs = {
  format: 1,
  roundId: 'round',
  rubric: {
    version: 3,
    criteria: [
      { key: 'demand', labelKo: '수요', labelEn: 'Demand', source: 'demand' },
      { key: 'usefulness', labelKo: '활용성', labelEn: 'Usefulness', source: 'expert' },
    ],
    weights: { demand: 0.5, usefulness: 0.5 },
  },
  candidates: [
    {
      entryId: 'e1',
      title: '교통, "사고" 통계',
      agency: '기관 가',
      agencyId: 'g1',
      domain: 'transport',
      modality: 'tabular',
      cost: 100,
      values: { demand: 100, usefulness: 50 },
    },
    {
      entryId: 'e2',
      title: '=SUM(A1)',
      agency: '기관 나',
      agencyId: 'g2',
      domain: 'transport',
      modality: 'text',
      cost: 100,
      values: { demand: 20, usefulness: null },
    },
    {
      entryId: 'e3',
      title: '대기질',
      agency: '기관 나',
      agencyId: 'g2',
      domain: 'environment',
      modality: 'image',
      cost: 150,
      values: { demand: 60, usefulness: 90 },
    },
  ],
  constraints: {
    budget: 250,
    count: { max: 2 },
    domainMin: {},
    domainMax: {},
    agencyMax: null,
    modalityMin: {},
    mustInclude: [],
    mustExclude: [],
  },
  run: { timeLimit: 10, sensitivityStep: 0.1, exactUnselected: 20 },
};

async function selection(): Promise<Selection> {
  const outcome = await computeSelection(INPUTS);
  return {
    id: 'sel',
    roundId: 'round',
    rubricVersion: 3,
    ...outcome,
    constraints: INPUTS.constraints,
    inputsHash: inputsHash(INPUTS),
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: null,
  };
}

describe('selection report', () => {
  it('computes the optimum from inputs, deterministically, with missing values as null in the breakdown', async () => {
    const s = await selection();
    expect(s.status).toBe('optimal');
    expect(s.selected).toEqual(['e1', 'e3']);
    expect(s.objective).toBeCloseTo(75 + 75, 9);
    expect(s.entries.find((e) => e.entryId === 'e2')!.breakdown).toEqual({ demand: 20, usefulness: null });
    expect((await computeSelection(INPUTS)).selected).toEqual(s.selected);
    expect(inputsHash(structuredClone(INPUTS))).toBe(inputsHash(INPUTS));
    expect(inputsHash({ ...INPUTS, constraints: { ...INPUTS.constraints, budget: 251 } })).not.toBe(inputsHash(INPUTS));
  });

  it('writes CSV with a BOM, quoting and a formula guard, one row per candidate', async () => {
    const csv = selectionCsv(await selection(), INPUTS);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows = parse(csv, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!)).toEqual(reportHeader(['demand', 'usefulness']));
    expect(rows.map((r) => r.entry_id)).toEqual(['e1', 'e3', 'e2']);
    expect(rows.find((r) => r.entry_id === 'e1')!.title).toBe('교통, "사고" 통계');
    expect(rows.find((r) => r.entry_id === 'e2')).toMatchObject({ title: "'=SUM(A1)", usefulness: '', selected: 'no' });
  });

  it('writes XLSX with the entries and a summary', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await selectionXlsx(await selection(), INPUTS)) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Selection', 'Summary']);
    const sheet = workbook.getWorksheet('Selection')!;
    expect(sheet.rowCount).toBe(4);
    expect(sheet.getRow(2).getCell(6).value).toBe(100);
    const summary = new Map<string, unknown>();
    workbook.getWorksheet('Summary')!.eachRow((row) => summary.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(summary.get('budget_krw')).toBe(250);
    expect(summary.get('count')).toBe('at most 2');
    expect(summary.get('weight demand (수요)')).toBe(0.5);
  });
});
