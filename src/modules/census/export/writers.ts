/**
 * Streaming writers for census exports: CSV (UTF-8 with a byte-order mark so Excel reads Korean,
 * RFC 4180 quoting, a guard against formula injection), XLSX (exceljs's streaming writer) and JSON
 * (an array written element by element). Rows come from any (async) iterable, so an export of any
 * size is written in bounded memory. Enum values are written as their keys by default, which the
 * `native` import mapping reads back unchanged.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { DEFAULT_DOMAINS, FIELD_CHOICES, FIELD_LABELS, FORM_FIELDS, type CensusForm, type Labels } from '../census.form.js';

/** One census entry to export. */
export interface ExportRow {
  id: string;
  orgName: string;
  orgCode?: string | undefined;
  status: string;
  version: number | string;
  updatedAt: Date | string;
  /** The form as stored; a draft may lack fields. */
  form: Partial<CensusForm>;
}

export type ExportLanguage = 'ko' | 'en';

export interface ExportOptions {
  /** Header language (default 'ko'). */
  lang?: ExportLanguage;
  /**
   * How enum and domain values are written in CSV and XLSX: their keys (default; stable across
   * label changes) or their Korean or English labels. The native import reads all three.
   */
  values?: 'keys' | ExportLanguage;
  /** End `out` when done (default true). */
  end?: boolean;
}

/** The columns before the form fields; their labels are the ones the native import recognises. */
export const EXPORT_META_COLUMNS: Array<{ key: 'id' | 'orgName' | 'orgCode' | 'status' | 'version' | 'updatedAt'; labels: Labels }> = [
  { key: 'id', labels: { ko: 'ID', en: 'ID' } },
  { key: 'orgName', labels: { ko: '기관명', en: 'Agency' } },
  { key: 'orgCode', labels: { ko: '기관코드', en: 'Agency code' } },
  { key: 'status', labels: { ko: '상태', en: 'Status' } },
  { key: 'version', labels: { ko: '버전', en: 'Version' } },
  { key: 'updatedAt', labels: { ko: '수정일시', en: 'Updated at' } },
];

/**
 * The export's header: the meta columns, then every form field's label.
 *
 * @example exportHeader('ko').slice(0, 7) // ['ID', '기관명', '기관코드', '상태', '버전', '수정일시', '데이터명']
 */
export function exportHeader(lang: ExportLanguage = 'ko'): string[] {
  return [...EXPORT_META_COLUMNS.map((c) => c.labels[lang]), ...FORM_FIELDS.map((f) => FIELD_LABELS[f][lang])];
}

/**
 * A form value as cell text (lists joined with '; '), enums and domains as keys or labels.
 *
 * @example formValueText('readiness', 'raw', 'ko') // '원천 데이터'
 * @example formValueText('formats', ['CSV', 'JSON']) // 'CSV; JSON'
 */
export function formValueText(field: keyof CensusForm, value: unknown, values: 'keys' | ExportLanguage = 'keys'): string {
  if (value === undefined || value === null) return '';
  const choices = field === 'domain' ? DEFAULT_DOMAINS : FIELD_CHOICES[field];
  const label = (v: unknown) => {
    const text = String(v);
    return values !== 'keys' && choices && Object.hasOwn(choices, text) ? choices[text]![values] : text;
  };
  return Array.isArray(value) ? value.map(label).join('; ') : label(value);
}

function isoTime(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : value;
}

function metaValues(row: ExportRow): string[] {
  return [row.id, row.orgName, row.orgCode ?? '', row.status, String(row.version), isoTime(row.updatedAt)];
}

/**
 * One CSV field: quoted when it holds a quote, a comma or a line break (RFC 4180); a value starting
 * with = + - @ or a tab or carriage return gets a leading apostrophe so a spreadsheet does not run
 * it as a formula, and so does one starting with an apostrophe, so that the native import, which
 * takes one leading apostrophe off such values, gives back exactly what was written.
 *
 * @example csvField('=1+1') // "'=1+1"
 * @example csvField('a,"b"') // '"a,""b"""'
 */
export function csvField(value: string): string {
  const text = /^['=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One CSV line, CRLF-terminated.
 *
 * @example csvLine(['a', 'b,c']) // 'a,"b,c"\r\n'
 */
export function csvLine(values: string[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

async function finish(out: Writable, end: boolean): Promise<void> {
  if (!end) return;
  const finished = once(out, 'finish');
  out.end();
  await finished;
}

/**
 * Write entries as CSV: UTF-8 with a byte-order mark, CRLF, a header of labels. Returns the number
 * of rows written.
 *
 * @example await writeCsv(repository.streamEntries(filter), reply.raw) // 1234
 */
export async function writeCsv(
  rows: AsyncIterable<ExportRow> | Iterable<ExportRow>,
  out: Writable,
  options: ExportOptions = {},
): Promise<number> {
  const values = options.values ?? 'keys';
  let buffer = `\uFEFF${csvLine(exportHeader(options.lang))}`;
  let count = 0;
  for await (const row of rows) {
    buffer += csvLine([...metaValues(row), ...FORM_FIELDS.map((f) => formValueText(f, row.form[f], values))]);
    count++;
    if (buffer.length >= 32 * 1024) {
      await write(out, buffer);
      buffer = '';
    }
  }
  if (buffer) await write(out, buffer);
  await finish(out, options.end ?? true);
  return count;
}

/**
 * Write entries as XLSX with exceljs's streaming writer: one sheet, a bold header of labels,
 * numbers as numbers, lists joined with '; '. Always ends `out` (the zip must be closed). Returns
 * the number of rows written.
 *
 * @example await writeXlsx(entries, createWriteStream('census.xlsx')) // 1234
 */
export async function writeXlsx(
  rows: AsyncIterable<ExportRow> | Iterable<ExportRow>,
  out: Writable,
  options: Omit<ExportOptions, 'end'> = {},
): Promise<number> {
  const values = options.values ?? 'keys';
  const lang = options.lang ?? 'ko';
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(lang === 'ko' ? '조사표' : 'Census', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = exportHeader(lang).map((_, i) => ({ width: i < 6 ? 14 : 20 }));
  const header = sheet.addRow(exportHeader(lang));
  header.font = { bold: true };
  header.commit();
  let count = 0;
  for await (const row of rows) {
    const cells: Array<string | number> = [...metaValues(row)];
    for (const field of FORM_FIELDS) {
      const value = row.form[field];
      cells.push(typeof value === 'number' ? value : formValueText(field, value, values));
    }
    sheet.addRow(cells).commit();
    count++;
    // Let the zip stream drain now and then, so a slow reader does not make rows pile up.
    if (count % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  sheet.commit();
  const finished = once(out, 'finish');
  await workbook.commit();
  await finished;
  return count;
}

/**
 * Write entries as a JSON array, one element per line, each a flat object: id, agencyName,
 * agencyCode, status, version, updatedAt, then the form's fields (enums as keys, lists as arrays),
 * which the native import reads back. Returns the number of rows written.
 *
 * @example await writeJson(entries, reply.raw) // 1234
 */
export async function writeJson(
  rows: AsyncIterable<ExportRow> | Iterable<ExportRow>,
  out: Writable,
  options: Pick<ExportOptions, 'end'> = {},
): Promise<number> {
  let buffer = '[';
  let count = 0;
  for await (const row of rows) {
    const element: Record<string, unknown> = {
      id: row.id,
      agencyName: row.orgName,
      agencyCode: row.orgCode,
      status: row.status,
      version: row.version,
      updatedAt: isoTime(row.updatedAt),
    };
    for (const field of FORM_FIELDS) element[field] = row.form[field];
    buffer += `${count === 0 ? '\n' : ',\n'}${JSON.stringify(element)}`;
    count++;
    if (buffer.length >= 32 * 1024) {
      await write(out, buffer);
      buffer = '';
    }
  }
  buffer += count === 0 ? ']\n' : '\n]\n';
  await write(out, buffer);
  await finish(out, options.end ?? true);
  return count;
}
