/**
 * Profiles of tables (CSV, TSV, XLSX, Parquet, JSON Lines, JSON arrays) through DuckDB, in a small
 * fixed number of passes whatever the number of columns:
 *
 * 1. sample: the first `sampleRows` rows (default 100,000) as text, kept in a DuckDB table. Every
 *    column's values there go through `ColumnInspector` (patterns, defects with 1-based row numbers),
 *    and they propose a type to check. SAMPLED: value patterns, defects and their counts (exact for
 *    files up to `sampleRows` rows; the report says how many rows were inspected).
 * 2. one aggregate query over the whole file, all columns at once. EXACT: row count, nulls, whether
 *    every value casts to the proposed type, min/max (as text, and as number or date for those
 *    types), mean, min/max length. APPROXIMATE (HyperLogLog / t-digest / space-saving): distinct
 *    count, p25/p50/p75, the top-10 candidates.
 * 3. one more aggregate query over the whole file. EXACT: the counts of the top-10 candidates and
 *    the 20-bin histogram of each numeric column between its exact min and max.
 *
 * Distinct counts are exact when the file has fewer rows than `sampleRows` (counted in the sample).
 *
 * Every column is read as text (`all_varchar` for CSV, a cast to VARCHAR otherwise) so nothing the
 * type sniffer would round away, such as "3.62E+17" or "0101", is hidden from the inspection.
 * DuckDB reads UTF-8 only: files in CP949 or UTF-16 are first streamed through the shared decoder
 * into a UTF-8 copy in `workDir`; XLSX sheets are streamed by exceljs into a CSV copy there.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { cellText } from '../../census/import/readers.js';
import { decodeStream, detectEncoding, SNIFF_BYTES, type TextEncoding } from '../../shared/encoding.js';
import { openDuckDb, sqlIdentifier, sqlString, type DuckDb } from '../duckdb.js';
import { sniffDelimiter } from './detect.js';
import { ColumnInspector, DEFECT_MESSAGES, type ColumnDefect, type ColumnInspection, type PatternShare } from './patterns.js';

export type TableFormat = 'csv' | 'tsv' | 'xlsx' | 'parquet' | 'jsonl' | 'json';

/** The logical type reported for a column (DuckDB's names). */
export type ColumnType = 'BIGINT' | 'DOUBLE' | 'DATE' | 'TIMESTAMP' | 'BOOLEAN' | 'VARCHAR' | string;

export interface HistogramBin {
  /** Lower bound (inclusive). */
  from: number;
  /** Upper bound (exclusive, inclusive for the last bin). */
  to: number;
  count: number;
}

export type ColumnHistogram = { kind: 'bins'; bins: HistogramBin[] } | { kind: 'top'; values: Array<{ value: string; count: number }> };

export interface ColumnStats {
  /** Smallest and largest value: numbers for numeric columns, ISO text for dates, else text order. */
  min: number | string | null;
  max: number | string | null;
  mean: number | null;
  p25: number | null;
  p50: number | null;
  p75: number | null;
  minLength: number | null;
  maxLength: number | null;
  /** The 10 most frequent values with their exact counts (candidates found approximately). */
  topValues: Array<{ value: string; count: number }>;
  histogram: ColumnHistogram;
  /** Patterns of the inspected (sampled) non-empty values. */
  patterns: PatternShare[];
  /** Date layouts among the inspected values. */
  dateFormats: Array<{ format: string; count: number }>;
}

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Exact. */
  nulls: number;
  /** Exact when the whole file fits in the inspected sample, else approximate (HyperLogLog). */
  distinct: number;
  /** Defect codes (see DEFECT_MESSAGES). */
  issues: string[];
  stats: ColumnStats;
  /** The defects behind `issues`, with counts in the inspected rows and example rows. */
  defects: ColumnDefect[];
}

export interface TableProfile {
  encoding: TextEncoding | null;
  /** Exact number of data rows (the header is not a row). */
  rows: number;
  columns: ColumnProfile[];
  /** Rows the value inspection looked at (the first ones). */
  inspectedRows: number;
  /** The sheet profiled, for workbooks (the first one). */
  sheet?: string;
  sheets?: number;
}

export interface TableProfileOptions {
  /** A folder for UTF-8 copies and DuckDB's spill files; must exist. */
  workDir: string;
  /** Rows inspected value by value (default 100,000). */
  sampleRows?: number;
  /** DuckDB memory limit (default '1GB'); past it DuckDB spills into workDir. */
  memoryLimit?: string;
  threads?: number;
}

export const DEFAULT_SAMPLE_ROWS = 100_000;
const TOP_VALUES = 10;
const HISTOGRAM_BINS = 20;

/**
 * Profiles one table file. Throws an Error naming the file (and the line, when DuckDB knows it)
 * when the file cannot be read as a table.
 *
 * @example
 * const profile = await profileTable('/data/up/주유소.csv', 'csv', { workDir: '/tmp/work' });
 * profile.encoding; // 'cp949'
 * profile.columns.find((c) => c.name === '변동사유발생연월일')?.type; // 'DATE'
 */
export async function profileTable(file: string, format: TableFormat, options: TableProfileOptions): Promise<TableProfile> {
  const workDir = path.resolve(options.workDir);
  const db = await openDuckDb({
    allowedDirectories: [path.dirname(path.resolve(file)), workDir],
    memoryLimit: options.memoryLimit ?? '1GB',
    tempDirectory: workDir,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  });
  try {
    const source = await openSource(db, path.resolve(file), format, workDir);
    const sampleRows = options.sampleRows ?? DEFAULT_SAMPLE_ROWS;
    try {
      return await profileSource(db, source, sampleRows);
    } catch (error) {
      if (!source.retryDecoded || !/Invalid unicode|not utf-8/i.test(String(error))) throw error;
      return await profileSource(db, await source.retryDecoded(), sampleRows);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${path.basename(file)}: ${cleanDuckDbMessage(message)}`, { cause: error });
  } finally {
    db.close();
  }
}

/** DuckDB's CSV errors carry a page of settings; the first lines say what and where. */
function cleanDuckDbMessage(message: string): string {
  if (message.includes('Error when sniffing file')) {
    return 'the CSV dialect could not be settled: lines have different numbers of fields or broken quoting';
  }
  const lines = message.split('\n').filter((l) => l.trim() !== '');
  const kept = lines.filter(
    (l) => !/^\s{2}\w+ = /.test(l) && !l.startsWith('LINE ') && !/^\s*\^/.test(l) && !l.startsWith('Possible Solution'),
  );
  return kept.slice(0, 3).join(' ');
}

interface Source {
  /** A FROM item reading the file. */
  relation: string;
  encoding: TextEncoding | null;
  /** The file's own column types (Parquet, JSON); undefined for text tables, typed by checking. */
  nativeTypes?: Map<string, string>;
  sheet?: string;
  sheets?: number;
  /**
   * For a file read as UTF-8 because its head is: the same file decoded instead, for when DuckDB
   * finds invalid UTF-8 further on (a file that is ASCII in its first 64 KiB and CP949 after).
   */
  retryDecoded?: () => Promise<Source>;
}

async function openSource(db: DuckDb, file: string, format: TableFormat, workDir: string): Promise<Source> {
  switch (format) {
    case 'parquet':
      return typedSource(db, `read_parquet(${sqlString(file)})`);
    case 'jsonl':
      return typedSource(db, `read_json(${sqlString(file)}, format = 'newline_delimited')`);
    case 'json':
      return typedSource(db, `read_json(${sqlString(file)}, format = 'array')`);
    case 'xlsx': {
      const { csv, sheet, sheets } = await xlsxToCsv(file, workDir);
      return { relation: csvRelation(csv, ',', true), encoding: null, sheet, sheets };
    }
    case 'csv':
    case 'tsv': {
      const head = await readHead(file, SNIFF_BYTES);
      // Our own sniff, not DuckDB's: DuckDB would rather skip a ragged line than report it.
      const delimiter = format === 'tsv' ? '\t' : sniffDelimiter(head);
      const encoding = detectEncoding(head);
      if (encoding !== 'utf-8' && encoding !== 'utf-8-bom') return transcodedCsv(file, delimiter, workDir);
      return { relation: csvRelation(file, delimiter), encoding, retryDecoded: () => transcodedCsv(file, delimiter, workDir) };
    }
  }
}

async function transcodedCsv(file: string, delimiter: string | undefined, workDir: string): Promise<Source> {
  const copy = await transcodeToUtf8(file, workDir);
  return { relation: csvRelation(copy.file, delimiter), encoding: copy.encoding };
}

function csvRelation(file: string, delimiter?: string, ragged = false): string {
  // header=true: with every column read as text DuckDB cannot tell a header by its types.
  const options = [`all_varchar = true`, `header = true`, `skip = 0`, `quote = '"'`, `escape = '"'`];
  if (delimiter) options.push(`delim = ${sqlString(delimiter)}`);
  if (ragged) options.push('null_padding = true');
  return `read_csv(${sqlString(file)}, ${options.join(', ')})`;
}

async function typedSource(db: DuckDb, relation: string): Promise<Source> {
  const described = await db.all<{ column_name: string; column_type: string }>(`describe select * from ${relation}`);
  return { relation, encoding: null, nativeTypes: new Map(described.map((d) => [d.column_name, d.column_type])) };
}

async function readHead(file: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

let copies = 0;

/** A UTF-8 copy of a text file in `workDir`, streamed chunk by chunk through the shared decoder. */
async function transcodeToUtf8(file: string, workDir: string): Promise<{ file: string; encoding: TextEncoding }> {
  const target = path.join(workDir, `utf8-${process.pid}-${++copies}-${path.basename(file).replace(/[^\w.-]/g, '_')}.csv`);
  const decoded = decodeStream(createReadStream(file, { highWaterMark: 1024 * 1024 }));
  const out = createWriteStream(target);
  try {
    for await (const chunk of decoded.text) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'finish');
  }
  return { file: target, encoding: await decoded.encoding };
}

/** The first worksheet of a workbook as a CSV in `workDir`, row by row (exceljs's streaming reader). */
async function xlsxToCsv(file: string, workDir: string): Promise<{ csv: string; sheet: string; sheets: number }> {
  const target = path.join(workDir, `xlsx-${process.pid}-${++copies}.csv`);
  const out = createWriteStream(target);
  let sheetName = '';
  let sheets = 0;
  try {
    const workbook = new ExcelJS.stream.xlsx.WorkbookReader(file, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      entries: 'ignore',
    });
    for await (const worksheet of workbook) {
      sheets++;
      if (sheets > 1) continue; // the rest are counted, not profiled
      sheetName = (worksheet as unknown as { name?: string }).name ?? 'Sheet1';
      let width = 0;
      for await (const row of worksheet) {
        const cells = (row.values as ExcelJS.CellValue[]).slice(1).map((v) => cellText(v));
        if (cells.every((c) => c === '')) continue;
        width = Math.max(width, cells.length);
        while (cells.length < width) cells.push('');
        const line = cells.map(csvField).join(',') + '\n';
        if (!out.write(line)) await once(out, 'drain');
      }
    }
  } finally {
    out.end();
    await once(out, 'finish');
  }
  if (sheets === 0) throw new Error('the workbook has no worksheet');
  return { csv: target, sheet: sheetName, sheets };
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

type NumberLike = number | string | null;

const toNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The type the inspected values propose for a text column; checked against the whole file. */
function proposedType(patterns: PatternShare[], leadingZeros: boolean, maxLength: number): ColumnType {
  if (patterns.length === 0) return 'VARCHAR';
  const names = new Set(patterns.map((p) => p.pattern));
  // Codes with leading zeros (postal codes, 법정동 codes) and 16+ digit ids are text, not numbers.
  if (names.size === 1 && names.has('integer')) return leadingZeros || maxLength > 15 ? 'VARCHAR' : 'BIGINT';
  if ([...names].every((n) => n === 'integer' || n === 'decimal' || n === 'scientific')) return leadingZeros ? 'VARCHAR' : 'DOUBLE';
  if (names.size === 1 && names.has('boolean')) return 'BOOLEAN';
  if (names.size === 1 && (names.has('date') || names.has('datetime'))) return names.has('date') ? 'DATE' : 'TIMESTAMP';
  return 'VARCHAR';
}

const NUMERIC_TYPES =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/;
const TEMPORAL_TYPES = /^(DATE|TIMESTAMP.*)$/;

async function profileSource(db: DuckDb, source: Source, sampleRows: number): Promise<TableProfile> {
  const described = await db.all<{ column_name: string; column_type: string }>(`describe select * from ${source.relation}`);
  const names = described.map((d) => d.column_name);
  const asText = (name: string) =>
    source.nativeTypes && source.nativeTypes.get(name) !== 'VARCHAR' ? `cast(${sqlIdentifier(name)} as varchar)` : sqlIdentifier(name);

  // Pass 1: the sample, as text, in file order (DuckDB keeps insertion order for a plain LIMIT).
  await db.run(
    `create or replace temp table profile_sample as select ${names.map((n, i) => `${asText(n)} as c${i}`).join(', ') || '1 as none'} from ${source.relation} limit ${Math.max(0, Math.floor(sampleRows))}`,
  );
  const [{ inspected } = { inspected: 0 }] = await db.all<{ inspected: number }>('select count(*) as inspected from profile_sample');
  const inspections: ColumnInspection[] = [];
  const proposals: ColumnType[] = [];
  for (let i = 0; i < names.length; i++) {
    const inspector = new ColumnInspector();
    let leadingZeros = false;
    let maxLength = 0;
    const values = await db.all<{ v: string | null }>(`select c${i} as v from profile_sample`);
    for (let row = 0; row < values.length; row++) {
      const v = values[row]!.v;
      inspector.add(v, row + 1);
      if (v !== null) {
        const t = v.trim();
        if (t.length > 1 && t[0] === '0' && t[1] !== '.') leadingZeros = true;
        if (t.length > maxLength) maxLength = t.length;
      }
    }
    const inspection = inspector.result();
    inspections.push(inspection);
    const native = source.nativeTypes?.get(names[i]!);
    proposals.push(native ?? proposedType(inspection.patterns, leadingZeros, maxLength));
  }
  // When the sample is the whole file, distinct counts are taken exactly from it.
  const wholeFileInspected = inspected < sampleRows;
  const exactDistinct =
    wholeFileInspected && names.length
      ? (
          await db.all<Record<string, number>>(
            `select ${names.map((_, i) => `count(distinct c${i}) as c${i}`).join(', ')} from profile_sample`,
          )
        )[0]
      : undefined;
  await db.run('drop table profile_sample');

  // Pass 2: everything one scan can tell, for all columns at once.
  const numericExpr = (i: number) => {
    const native = source.nativeTypes?.get(names[i]!);
    if (native) return NUMERIC_TYPES.test(native) ? `cast(${sqlIdentifier(names[i]!)} as double)` : undefined;
    return proposals[i] === 'BIGINT' || proposals[i] === 'DOUBLE' ? `try_cast(${sqlIdentifier(names[i]!)} as double)` : undefined;
  };
  const temporalExpr = (i: number) => {
    const native = source.nativeTypes?.get(names[i]!);
    if (native) return TEMPORAL_TYPES.test(native) ? sqlIdentifier(names[i]!) : undefined;
    return proposals[i] === 'DATE' || proposals[i] === 'TIMESTAMP' ? `try_cast(${sqlIdentifier(names[i]!)} as ${proposals[i]})` : undefined;
  };
  const aggregates = ['count(*) as "rows"'];
  names.forEach((name, i) => {
    const text = asText(name);
    const column = sqlIdentifier(name);
    aggregates.push(
      `count(${column}) as c${i}_n`,
      `approx_count_distinct(${text}) as c${i}_d`,
      `min(${text}) as c${i}_min`,
      `max(${text}) as c${i}_max`,
      `min(length(${text})) as c${i}_minlen`,
      `max(length(${text})) as c${i}_maxlen`,
      `to_json(approx_top_k(${text}, ${TOP_VALUES}))::varchar as c${i}_top`,
    );
    if (!source.nativeTypes && proposals[i] !== 'VARCHAR') aggregates.push(`count(try_cast(${column} as ${proposals[i]})) as c${i}_cast`);
    const numeric = numericExpr(i);
    if (numeric) {
      aggregates.push(
        `min(${numeric}) as c${i}_nmin`,
        `max(${numeric}) as c${i}_nmax`,
        `avg(${numeric}) as c${i}_mean`,
        `to_json(approx_quantile(${numeric}, [0.25, 0.5, 0.75]))::varchar as c${i}_q`,
      );
    }
    const temporal = temporalExpr(i);
    if (temporal) aggregates.push(`cast(min(${temporal}) as varchar) as c${i}_tmin`, `cast(max(${temporal}) as varchar) as c${i}_tmax`);
  });
  const [summary] = await db.all<Record<string, unknown>>(`select ${aggregates.join(', ')} from ${source.relation}`);
  if (!summary) throw new Error('the table could not be read');
  const rows = Number(summary.rows);

  // Pass 3: exact counts of the top candidates and the numeric histograms.
  const countsAggregates: string[] = [];
  const binWidths: Array<{ min: number; width: number } | undefined> = [];
  names.forEach((name, i) => {
    const candidates = JSON.parse(String(summary[`c${i}_top`] ?? '[]')) as Array<string | null>;
    const listed = candidates.filter((c): c is string => c !== null);
    if (listed.length) {
      countsAggregates.push(
        `to_json(histogram(${asText(name)}) filter (where ${asText(name)} in (${listed.map(sqlString).join(', ')})))::varchar as c${i}_top`,
      );
    }
    const numeric = numericExpr(i);
    const min = toNumber(summary[`c${i}_nmin`]);
    const max = toNumber(summary[`c${i}_nmax`]);
    if (numeric && min !== null && max !== null && Number.isFinite(min) && Number.isFinite(max)) {
      const width = max > min ? (max - min) / HISTOGRAM_BINS : 1;
      binWidths[i] = { min, width };
      countsAggregates.push(
        // least/greatest skip NULLs, so the filter keeps empty cells out of bin 0.
        `to_json(histogram(least(greatest(floor((${numeric} - ${min}) / ${width}), 0), ${HISTOGRAM_BINS - 1})::integer) filter (where ${numeric} is not null))::varchar as c${i}_bins`,
      );
    }
  });
  const [counts] = countsAggregates.length
    ? await db.all<Record<string, unknown>>(`select ${countsAggregates.join(', ')} from ${source.relation}`)
    : [{}];

  const columns: ColumnProfile[] = names.map((name, i) => {
    const nonNull = Number(summary[`c${i}_n`] ?? 0);
    const proposal = proposals[i]!;
    const castable = source.nativeTypes ? nonNull : summary[`c${i}_cast`] === undefined ? nonNull : Number(summary[`c${i}_cast`]);
    // A value further down that does not cast makes the whole column text.
    const type = castable === nonNull ? proposal : 'VARCHAR';
    const numeric = NUMERIC_TYPES.test(type);
    const temporal = TEMPORAL_TYPES.test(type);
    const topCounts = JSON.parse(String(counts?.[`c${i}_top`] ?? '{}') || '{}') as Record<string, number> | null;
    const topValues = Object.entries(topCounts ?? {})
      .map(([value, count]) => ({ value, count: Number(count) }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
      .slice(0, TOP_VALUES);
    const bins =
      binWidths[i] && numeric ? histogramBins(JSON.parse(String(counts?.[`c${i}_bins`] ?? '{}') || '{}'), binWidths[i]!) : undefined;
    const quantiles = summary[`c${i}_q`] ? (JSON.parse(String(summary[`c${i}_q`])) as Array<number | null>) : [];
    const inspection = inspections[i]!;
    const defects = [...inspection.defects];
    const distinct = exactDistinct ? Number(exactDistinct[`c${i}`]) : Math.min(Number(summary[`c${i}_d`] ?? 0), nonNull);
    if (rows > 0 && nonNull === 0) defects.push({ code: 'all_null', count: rows, examples: [], message: DEFECT_MESSAGES.all_null });
    else if (rows > 1 && nonNull === rows && summary[`c${i}_min`] === summary[`c${i}_max`]) {
      defects.push({ code: 'constant', count: rows, examples: [], message: DEFECT_MESSAGES.constant });
    }
    const pick = (value: unknown): NumberLike => (value === null || value === undefined ? null : (value as NumberLike));
    return {
      name,
      type,
      nulls: rows - nonNull,
      distinct: nonNull > 0 ? Math.max(distinct, 1) : 0,
      issues: defects.map((d) => d.code),
      stats: {
        min: numeric ? toNumber(summary[`c${i}_nmin`]) : temporal ? pick(summary[`c${i}_tmin`]) : pick(summary[`c${i}_min`]),
        max: numeric ? toNumber(summary[`c${i}_nmax`]) : temporal ? pick(summary[`c${i}_tmax`]) : pick(summary[`c${i}_max`]),
        mean: numeric ? toNumber(summary[`c${i}_mean`]) : null,
        p25: numeric ? (quantiles[0] ?? null) : null,
        p50: numeric ? (quantiles[1] ?? null) : null,
        p75: numeric ? (quantiles[2] ?? null) : null,
        minLength: toNumber(summary[`c${i}_minlen`]),
        maxLength: toNumber(summary[`c${i}_maxlen`]),
        topValues,
        histogram: bins ? { kind: 'bins', bins } : { kind: 'top', values: topValues },
        patterns: inspection.patterns,
        dateFormats: inspection.dateFormats,
      },
      defects,
    };
  });

  return {
    encoding: source.encoding,
    rows,
    columns,
    inspectedRows: inspected,
    ...(source.sheet !== undefined ? { sheet: source.sheet, sheets: source.sheets ?? 1 } : {}),
  };
}

function histogramBins(counts: Record<string, number> | null, { min, width }: { min: number; width: number }): HistogramBin[] {
  return Array.from({ length: HISTOGRAM_BINS }, (_, bin) => ({
    from: min + bin * width,
    to: min + (bin + 1) * width,
    count: Number(counts?.[String(bin)] ?? 0),
  }));
}
