/**
 * Readers for bulk-import files: CSV, TSV, XLSX, a JSON array of objects and JSON Lines, each read
 * as a stream of rows keyed by column name, in bounded memory whatever the file's size.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { CsvParser, CsvSyntaxError } from './csv.js';
import { decodeStream } from '../../shared/encoding.js';
import { ImportFileError, type ImportFormat, type ReadMeta, type RowProblem, type SourceRow, type SourceValue } from './types.js';

export { ImportFileError } from './types.js';
export type { ImportFormat, ReadMeta, RowProblem, SourceRow, SourceValue } from './types.js';

export interface ReadOptions {
  /** Used for the format when `format` is not given (by extension). */
  fileName?: string;
  /** The format; otherwise from the extension, else sniffed from the content. */
  format?: ImportFormat;
  /** Filled in as the file is read: format, encoding, columns, sheet. */
  meta?: ReadMeta;
  /** Called with the header (CSV, TSV, XLSX) before any row is yielded; may throw to stop. */
  onHeader?: (columns: string[]) => void;
}

/** A record longer than this many characters is taken as a runaway quoted cell. */
const MAX_RECORD_CHARS = 1_000_000;

/**
 * Read the rows of an import file, one at a time. Rows are numbered as in the file with the header as
 * row 1 (see `SourceRow` for each format; in CSV a quoted cell spanning lines makes one record, and
 * the record count is the row number, as a spreadsheet shows it). Blank rows are skipped but counted.
 * A row with more or fewer cells than the header is yielded with `problems` rather than thrown; a file
 * that cannot be read throws `ImportFileError` naming the row and line.
 *
 * @example
 * const meta: ReadMeta = {};
 * for await (const { row, values } of readRows(createReadStream('목록.csv'), { fileName: '목록.csv', meta })) {
 *   console.log(row, values['목록명']); // 2 '농림수산식품교육문화정보원_기관조사가격서비스'
 * }
 * meta.encoding; // 'cp949'
 */
export async function* readRows(source: AsyncIterable<Uint8Array>, options: ReadOptions = {}): AsyncGenerator<SourceRow> {
  const meta = options.meta ?? {};
  const { head, rest } = await peekBytes(source, 8);
  const byName = options.fileName === undefined ? undefined : formatFromName(options.fileName);
  const zip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  const ole = head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0;

  if (ole || byName === 'xls') {
    throw new ImportFileError({
      ko: 'XLS(엑셀 97-2003) 형식은 읽을 수 없습니다. XLSX나 CSV로 저장해 주세요',
      en: 'XLS (Excel 97-2003) files cannot be read; save the file as XLSX or CSV',
    });
  }
  const requested = options.format ?? (byName === 'txt' ? undefined : byName);
  if (requested === 'xlsx' || (requested === undefined && zip)) {
    if (!zip) {
      throw new ImportFileError({ ko: 'XLSX 파일이 아닙니다', en: 'not an XLSX file' }, { row: 1 });
    }
    meta.format = 'xlsx';
    yield* readXlsx(rest, meta, options.onHeader);
    return;
  }
  if (zip) {
    throw new ImportFileError({
      ko: `${requested?.toUpperCase() ?? ''} 파일이 아니라 압축 파일(XLSX 등)입니다`,
      en: `a zip archive (XLSX?), not ${requested?.toUpperCase() ?? 'text'}`,
    });
  }

  const decoded = decodeStream(rest);
  const text = await peekText(decoded.text, 4096);
  void decoded.encoding.then((encoding) => {
    meta.encoding = encoding;
  });
  const format = requested ?? sniffTextFormat(text.head);
  meta.format = format;
  switch (format) {
    case 'csv':
    case 'tsv':
      yield* readDelimited(text.rest, format === 'tsv' ? '\t' : ',', meta, options.onHeader);
      return;
    case 'json':
      yield* readJsonArray(text.rest, meta);
      return;
    case 'jsonl':
      yield* readJsonLines(text.rest, meta);
      return;
  }
}

/**
 * The format a file name implies, by extension; 'txt' and 'xls' are returned for the caller to treat.
 *
 * @example formatFromName('목록.CSV') // 'csv'
 */
export function formatFromName(fileName: string): ImportFormat | 'txt' | 'xls' | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  switch (ext) {
    case 'csv':
      return 'csv';
    case 'tsv':
    case 'tab':
      return 'tsv';
    case 'txt':
      return 'txt';
    case 'xlsx':
    case 'xlsm':
      return 'xlsx';
    case 'xls':
      return 'xls';
    case 'json':
      return 'json';
    case 'jsonl':
    case 'ndjson':
      return 'jsonl';
    default:
      return undefined;
  }
}

/** A text format from the start of the text: JSON by its first character, else TSV or CSV by the first line. */
function sniffTextFormat(head: string): Exclude<ImportFormat, 'xlsx'> {
  const start = head.trimStart();
  if (start.startsWith('[')) return 'json';
  if (start.startsWith('{')) return 'jsonl';
  const firstLine = start.split(/\r?\n/, 1)[0] ?? '';
  const tabs = firstLine.split('\t').length - 1;
  const commas = firstLine.split(',').length - 1;
  return tabs > commas ? 'tsv' : 'csv';
}

// ---------------------------------------------------------------------------------------------
// CSV and TSV

async function* readDelimited(
  text: AsyncIterable<string>,
  delimiter: string,
  meta: ReadMeta,
  onHeader: ((columns: string[]) => void) | undefined,
): AsyncGenerator<SourceRow> {
  const parsed: Array<{ cells: string[]; line: number }> = [];
  const parser = new CsvParser(delimiter, (cells, line) => parsed.push({ cells, line }), MAX_RECORD_CHARS);
  let header: string[] | undefined;
  let records = 0; // records handed on so far, the header included

  function* drain(): Generator<SourceRow> {
    for (const { cells, line } of parsed) {
      records++;
      if (header === undefined) {
        header = readHeader(cells);
        meta.columns = header;
        onHeader?.(header);
        continue;
      }
      if (cells.length === 1 && cells[0]!.trim() === '') continue;
      if (cells.every((cell) => cell.trim() === '')) continue;
      yield toSourceRow(header, cells, records, line);
    }
    parsed.length = 0;
  }

  try {
    for await (const chunk of text) {
      parser.push(chunk);
      yield* drain();
    }
    parser.end();
    yield* drain();
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    yield* drain(); // the rows completed before the failure
    const row = error.records + 1;
    const column = header?.[error.field] ?? `#${error.field + 1}`;
    throw new ImportFileError(
      error.kind === 'unterminated_quote'
        ? {
            ko: `${row}행(${error.line}번째 줄) "${column}" 열에서 시작한 따옴표가 닫히지 않았습니다`,
            en: `unterminated quote: the quoted cell starting at row ${row} (line ${error.line}), column "${column}" is never closed`,
          }
        : {
            ko: `${row}행(${error.line}번째 줄) "${column}" 열이 너무 깁니다 (닫히지 않은 따옴표?)`,
            en: `the cell at row ${row} (line ${error.line}), column "${column}" is too long (an unterminated quote?)`,
          },
      { row, line: error.line, column },
      { cause: error },
    );
  }
  if (header === undefined) throw new ImportFileError({ ko: '빈 파일입니다', en: 'the file is empty' }, { row: 1 });
}

/** Trimmed header names; an unnamed column becomes `#n`; a repeated name is an error. */
function readHeader(cells: string[]): string[] {
  const header = cells.map((cell, i) => cell.replace(/^\uFEFF/, '').trim() || `#${i + 1}`);
  while (header.length > 0 && /^#\d+$/.test(header[header.length - 1]!)) header.pop();
  if (header.length === 0) {
    throw new ImportFileError({ ko: '머리글(1행)이 비어 있습니다', en: 'the header (row 1) is empty' }, { row: 1 });
  }
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) {
      throw new ImportFileError(
        { ko: `머리글에 같은 열 이름이 두 번 있습니다: "${name}"`, en: `the header names a column twice: "${name}"` },
        { row: 1, column: name },
      );
    }
    seen.add(name);
  }
  return header;
}

/** A record as a row, with a problem when it has more non-empty cells, or fewer cells, than the header. */
function toSourceRow(header: string[], cells: string[], row: number, line?: number): SourceRow {
  const values: Record<string, SourceValue> = {};
  for (let i = 0; i < header.length; i++) values[header[i]!] = cells[i] ?? '';
  const result: SourceRow = line === undefined ? { row, values, columns: header } : { row, line, values, columns: header };
  let last = cells.length;
  while (last > header.length && (cells[last - 1] ?? '').trim() === '') last--;
  let problem: RowProblem | undefined;
  if (last > header.length) {
    problem = {
      column: `#${header.length + 1}`,
      message: `열이 너무 많습니다: ${last}개 (머리글은 ${header.length}개)`,
      messageEn: `too many columns: ${last} (the header has ${header.length})`,
    };
  } else if (cells.length < header.length) {
    problem = {
      column: header[cells.length]!,
      message: `열이 부족합니다: ${cells.length}개 (머리글은 ${header.length}개)`,
      messageEn: `too few columns: ${cells.length} (the header has ${header.length})`,
    };
  }
  if (problem) result.problems = [problem];
  return result;
}

// ---------------------------------------------------------------------------------------------
// XLSX

async function* readXlsx(
  source: AsyncIterable<Uint8Array>,
  meta: ReadMeta,
  onHeader: ((columns: string[]) => void) | undefined,
): AsyncGenerator<SourceRow> {
  const input = Readable.from(source, { objectMode: false });
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache', // to tell dates from numbers
    entries: 'ignore',
  });
  let header: string[] | undefined;
  let sheetFound = false;
  try {
    for await (const worksheet of workbook) {
      const firstSheet = (workbook as unknown as { model?: { sheets?: Array<{ name?: string }> } }).model?.sheets?.[0]?.name;
      const name = (worksheet as unknown as { name?: string }).name;
      if (sheetFound || (firstSheet !== undefined && name !== undefined && name !== firstSheet)) continue;
      sheetFound = true;
      if (name !== undefined) meta.sheet = name;
      for await (const row of worksheet) {
        const cells = (row.values as ExcelJS.CellValue[]).slice(1).map(cellText);
        if (cells.every((cell) => cell.trim() === '')) continue;
        if (header === undefined) {
          header = readHeader(cells);
          meta.columns = header;
          onHeader?.(header);
          continue;
        }
        yield toSourceRow(header, cells, row.number);
      }
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new ImportFileError(
      { ko: `XLSX 파일을 읽을 수 없습니다: ${detail}`, en: `cannot read the XLSX file: ${detail}` },
      {},
      { cause: error },
    );
  } finally {
    input.destroy();
  }
  if (!sheetFound) throw new ImportFileError({ ko: '워크시트가 없습니다', en: 'the workbook has no worksheet' });
  if (header === undefined) throw new ImportFileError({ ko: '빈 워크시트입니다', en: 'the worksheet is empty' }, { row: 1 });
}

/**
 * A cell's value as text: rich text joined, a formula's result, a hyperlink's text, a date as
 * YYYY-MM-DD (or a full ISO timestamp when it has a time of day).
 *
 * @example cellText({ richText: [{ text: '가' }, { text: '나' }] }) // '가나'
 */
export function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.normalize('NFC');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if ('richText' in value)
    return value.richText
      .map((part) => part.text)
      .join('')
      .normalize('NFC');
  if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: ExcelJS.CellValue }).result);
  if ('hyperlink' in value) {
    const text = (value as { text?: unknown }).text;
    if (typeof text === 'string') return text.normalize('NFC');
    if (text && typeof text === 'object' && 'richText' in text) return cellText(text as ExcelJS.CellRichTextValue);
    return value.hyperlink;
  }
  if ('error' in value) return String(value.error);
  return '';
}

// ---------------------------------------------------------------------------------------------
// JSON and JSON Lines

/** A JSON value as a cell: text as is, numbers and booleans as text, null as empty, arrays as lists. */
function jsonCell(value: unknown): SourceValue {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item : jsonText(item)));
  return JSON.stringify(value);
}

function jsonText(value: unknown): string {
  const cell = jsonCell(value);
  return typeof cell === 'string' ? cell : JSON.stringify(cell);
}

function jsonRow(value: unknown, row: number, line: number, meta: ReadMeta): SourceRow {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      row,
      line,
      values: {},
      problems: [{ column: '', message: 'JSON 객체가 아닙니다', messageEn: 'not a JSON object' }],
    };
  }
  const values: Record<string, SourceValue> = {};
  for (const [key, cell] of Object.entries(value)) values[key.normalize('NFC').trim()] = jsonCell(cell);
  meta.columns ??= Object.keys(values);
  return { row, line, values };
}

async function* readJsonLines(text: AsyncIterable<string>, meta: ReadMeta): AsyncGenerator<SourceRow> {
  let line = 0;
  let partial = '';
  const parseLine = (content: string, lineNo: number): SourceRow | undefined => {
    if (content.trim() === '') return undefined;
    try {
      return jsonRow(JSON.parse(content), lineNo, lineNo, meta);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return {
        row: lineNo,
        line: lineNo,
        values: {},
        problems: [{ column: '', message: `JSON 구문 오류: ${detail}`, messageEn: `JSON syntax error: ${detail}` }],
      };
    }
  };
  for await (const chunk of text) {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    if (partial.length > MAX_RECORD_CHARS) {
      throw new ImportFileError(
        { ko: `${line + 1}번째 줄이 너무 깁니다`, en: `line ${line + 1} is too long` },
        { row: line + 1, line: line + 1 },
      );
    }
    for (const content of lines) {
      line++;
      const row = parseLine(content, line);
      if (row) yield row;
    }
  }
  line++;
  const row = parseLine(partial, line);
  if (row) yield row;
}

/**
 * A JSON array of objects, element by element: a scanner finds where each element ends (tracking
 * strings and nesting) and parses that element alone, so the whole document is never in memory.
 */
async function* readJsonArray(text: AsyncIterable<string>, meta: ReadMeta): AsyncGenerator<SourceRow> {
  let state: 'before' | 'between' | 'element' | 'after' = 'before';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let elementLine = 1;
  let element: string[] = [];
  let elementChars = 0;
  let count = 0;

  const syntax = (what: { ko: string; en: string }) =>
    new ImportFileError(
      { ko: `JSON 구문 오류 (${line}번째 줄): ${what.ko}`, en: `JSON syntax error at line ${line}: ${what.en}` },
      { row: count + 1, line },
    );
  const finishElement = (): SourceRow => {
    const source = element.join('');
    element = [];
    elementChars = 0;
    count++;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new ImportFileError(
        {
          ko: `JSON 구문 오류: ${count}번째 항목(${elementLine}번째 줄): ${detail}`,
          en: `JSON syntax error in element ${count} (line ${elementLine}): ${detail}`,
        },
        { row: count, line: elementLine },
        { cause: error },
      );
    }
    return jsonRow(value, count, elementLine, meta);
  };

  for await (const chunk of text) {
    let start = 0; // where the current element's text begins in this chunk
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) line++;
      if (state === 'element') {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 92) escaped = true;
          else if (c === 34) inString = false;
          continue;
        }
        if (c === 34) inString = true;
        else if (c === 123 || c === 91) depth++;
        else if (c === 125 || c === 93) {
          if (depth === 0) {
            if (c === 125) throw syntax({ ko: '"}"가 잘못된 위치에 있습니다', en: 'unexpected "}"' });
            element.push(chunk.slice(start, i));
            yield finishElement();
            state = 'after';
            continue;
          }
          depth--;
        } else if (c === 44 && depth === 0) {
          element.push(chunk.slice(start, i));
          yield finishElement();
          state = 'between';
        }
        continue;
      }
      if (c === 32 || c === 9 || c === 10 || c === 13) continue;
      if (state === 'before') {
        if (c !== 91) throw syntax({ ko: 'JSON 배열([...])이어야 합니다', en: 'expected a JSON array ([...]) of objects' });
        state = 'between';
        continue;
      }
      if (state === 'between') {
        if (c === 93 && count === 0) {
          state = 'after';
          continue;
        }
        if (c === 44 || c === 93) throw syntax({ ko: `"${chunk[i]}"가 잘못된 위치에 있습니다`, en: `unexpected "${chunk[i]}"` });
        state = 'element';
        elementLine = line;
        start = i;
        i--; // read this character again as part of the element
        continue;
      }
      throw syntax({ ko: '배열이 끝난 뒤에 내용이 더 있습니다', en: 'content after the end of the array' });
    }
    if (state === 'element') {
      element.push(chunk.slice(start));
      elementChars += chunk.length - start;
      if (elementChars > MAX_RECORD_CHARS)
        throw syntax({ ko: `${count + 1}번째 항목이 너무 큽니다`, en: `element ${count + 1} is too large` });
    }
  }
  if ((state as string) !== 'after') throw syntax({ ko: '배열이 닫히지 않았습니다', en: 'the array is not closed' });
}

// ---------------------------------------------------------------------------------------------
// Peeking

/** The first chunks of a stream up to `n` units (or more), and the whole stream again, without reading it twice. */
async function peek<T extends { length: number }>(source: AsyncIterable<T>, n: number): Promise<{ taken: T[]; rest: AsyncIterable<T> }> {
  const input = source[Symbol.asyncIterator]();
  const taken: T[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const next = await input.next();
    if (next.done) {
      done = true;
      break;
    }
    taken.push(next.value);
    size += next.value.length;
  }
  const head = [...taken];
  async function* rest(): AsyncGenerator<T> {
    try {
      yield* taken;
      taken.length = 0;
      if (done) return;
      for (;;) {
        const next = await input.next();
        if (next.done) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      if (!done) await input.return?.();
    }
  }
  return { taken: head, rest: rest() };
}

/** The first `n` bytes (or more), and the whole stream again. */
async function peekBytes(source: AsyncIterable<Uint8Array>, n: number): Promise<{ head: Uint8Array; rest: AsyncIterable<Uint8Array> }> {
  const { taken, rest } = await peek(source, n);
  return { head: Buffer.concat(taken), rest };
}

/** The same for text, by characters. */
async function peekText(source: AsyncIterable<string>, n: number): Promise<{ head: string; rest: AsyncIterable<string> }> {
  const { taken, rest } = await peek(source, n);
  return { head: taken.join(''), rest };
}
