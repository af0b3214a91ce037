/**
 * The selection report as files: CSV (UTF-8 with a byte-order mark so Excel reads Korean, RFC 4180
 * quoting, formula guard) and XLSX (exceljs) with a sheet of entries and a "Summary" sheet. One row
 * per candidate: id, title, agency, domain, modality, cost, score, a column per criterion, selected,
 * marginal value, binding constraints, reason.
 */
import ExcelJS from 'exceljs';
import { csvLine } from '../census/export/writers.js';
import type { Selection, SelectionInputs } from './evaluation.service.js';

/** The report's columns: fixed ones, then one per criterion (its key), then the verdict. */
export function reportHeader(criteria: readonly string[]): string[] {
  return [
    'entry_id',
    'title',
    'agency',
    'domain',
    'modality',
    'cost_krw',
    'score',
    ...criteria,
    'selected',
    'marginal_value',
    'marginal_kind',
    'binding',
    'reason',
  ];
}

function reportRows(selection: Selection, inputs: SelectionInputs): Array<Array<string | number | boolean | null>> {
  const criteria = Object.keys(inputs.rubric.weights);
  return selection.entries.map((e) => [
    e.entryId,
    e.title,
    e.agency,
    e.domain,
    e.modality,
    e.cost,
    e.score,
    ...criteria.map((c) => e.breakdown[c] ?? null),
    e.selected,
    e.marginalValue,
    e.marginalKind,
    e.binding,
    e.reason,
  ]);
}

const cell = (v: string | number | boolean | null): string =>
  v === null ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : typeof v === 'number' ? String(Number(v.toFixed(6))) : v;

/**
 * The report as CSV text: BOM, CRLF, a header row, one row per candidate (selected first).
 *
 * @example selectionCsv(selection, inputs).split('\r\n')[0] // '\uFEFFentry_id,title,agency,…'
 */
export function selectionCsv(selection: Selection, inputs: SelectionInputs): string {
  const criteria = Object.keys(inputs.rubric.weights);
  let out = `\uFEFF${csvLine(reportHeader(criteria))}`;
  for (const row of reportRows(selection, inputs)) out += csvLine(row.map(cell));
  return out;
}

/**
 * The report as an XLSX workbook: sheet "Selection" (the rows of the CSV, numbers as numbers) and
 * sheet "Summary" (status, objective, cost, budget, count, rubric version and weights, greedy gap,
 * constraints, inputs hash).
 *
 * @example const bytes = await selectionXlsx(selection, inputs); // a Buffer starting with 'PK'
 */
export async function selectionXlsx(selection: Selection, inputs: SelectionInputs): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'datadam';
  const sheet = workbook.addWorksheet('Selection');
  const criteria = Object.keys(inputs.rubric.weights);
  sheet.addRow(reportHeader(criteria)).font = { bold: true };
  for (const row of reportRows(selection, inputs)) sheet.addRow(row.map((v) => (typeof v === 'boolean' ? (v ? 'yes' : 'no') : v)));
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  sheet.getColumn(6).numFmt = '#,##0';

  const summary = workbook.addWorksheet('Summary');
  summary.addRow(['item', 'value']).font = { bold: true };
  const c = selection.constraints;
  const rows: Array<[string, string | number | null]> = [
    ['selection', selection.id],
    ['round', selection.roundId],
    ['status', selection.status],
    ['objective', selection.objective],
    ['cost_krw', selection.cost],
    ['budget_krw', c.budget],
    ['count', 'exact' in c.count ? `exactly ${c.count.exact}` : `at most ${c.count.max}`],
    ['selected', selection.selected.length],
    ['candidates', inputs.candidates.length],
    ['rubric_version', selection.rubricVersion],
    ...inputs.rubric.criteria.map((k): [string, number] => [`weight ${k.key} (${k.labelKo})`, inputs.rubric.weights[k.key] ?? 0]),
    ['greedy_objective', selection.greedy.objective],
    ['greedy_gap_percent', selection.greedy.gapPercent],
    ['domain_min', JSON.stringify(c.domainMin)],
    ['domain_max', JSON.stringify(c.domainMax)],
    ['agency_max', c.agencyMax],
    ['modality_min', JSON.stringify(c.modalityMin)],
    ['must_include', c.mustInclude.join(', ')],
    ['must_exclude', c.mustExclude.join(', ')],
    ['conflict', selection.conflict ? selection.conflict.join('; ') : null],
    ['inputs_hash', selection.inputsHash],
    ['created_at', selection.createdAt],
  ];
  for (const row of rows) summary.addRow(row);
  summary.getColumn(1).width = 32;
  summary.getColumn(2).width = 48;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
