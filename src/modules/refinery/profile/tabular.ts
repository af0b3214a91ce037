/**
 * Profiles of tables (CSV, TSV, XLSX, Parquet, JSON Lines, JSON arrays) through DuckDB, in one pass
 * over the whole file whatever the number of columns (the cost that matters on a 1 GB file):
 *
 * 1. sample: the first `sampleRows` rows (default 100,000) as text, kept in a DuckDB table and
 *    fetched as one JSON list per column. Every column's values there go through `ColumnInspector`
 *    (patterns, defects with 1-based row numbers), and they propose a type to check. SAMPLED: value
 *    patterns, defects and their counts (exact for files up to `sampleRows` rows; the report says
 *    how many rows were inspected). The sample also proposes the top-value candidates (its 20 most
 *    frequent values, plus values seen more than once in probes through a delimited file, see
 *    probe.ts) and the histogram's bin grid (its numeric range).
 * 2. one aggregate query over the whole file, all columns at once. EXACT: row count, nulls, whether
 *    every value casts to the proposed type, min/max (as text, and as number or date for those
 *    types), mean, min/max length, the counts of the top-value candidates, the histogram counts.
 *    APPROXIMATE (HyperLogLog / t-digest): distinct count (`distinctApprox`), p25/p50/p75.
 *    APPROXIMATE CHOICE, EXACT COUNTS: the top values (`topValuesApprox`): a value frequent only in
 *    parts of the file that neither the sample nor a probe saw can be missing.
 * 3. only for a numeric column whose values reach far past the sample's range (GRID_CELLS bins
 *    out) or that had no number in the sample: its histogram again over its exact range.
 *
 * Histograms: 20 equal-width bins between the exact minimum and maximum when the sample covers the
 * range (always, for files up to `sampleRows` rows; the outer bins may stretch by up to one bin).
 * When the file's range is wider, cells of the sample's bin width are merged into up to 20 bins of
 * equal width, the first and last cut at the exact minimum and maximum. Counts are always exact.
 *
 * Distinct counts and top values are exact when the file has fewer rows than `sampleRows`.
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
import { probeValueCounts } from './probe.js';

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
  /** The 10 most frequent values with their exact counts over the whole file (see `topValuesApprox`). */
  topValues: Array<{ value: string; count: number }>;
  /**
   * Whether the values in `topValues` were chosen approximately: true when the file has more rows
   * than were inspected, and the candidates came from the inspected rows and from probes through
   * the file, so a value frequent only in parts no probe saw can be missing. Counts are exact.
   */
  topValuesApprox: boolean;
  /**
   * Why no top values were counted over a file larger than the inspection: `unique` when no value
   * repeated among the inspected rows nor in the probes (identifiers, free text: every count would
   * be about 1); `numeric` for number and date columns, which the histogram, quantiles and range
   * describe. Counting candidates costs a hash per row and column over the whole file (a third of
   * the pass over a 10-million-row file), so it is spent where it tells something.
   */
  topValuesSkipped?: 'unique' | 'numeric';
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
  /** Exact when the whole file fits in the inspected sample, else approximate (HyperLogLog); see `distinctApprox`. */
  distinct: number;
  /** Defect codes (see DEFECT_MESSAGES). */
  issues: string[];
  stats: ColumnStats;
  /** The defects behind `issues`, with counts in the inspected rows and example rows. */
  defects: ColumnDefect[];
  /** Whether `distinct` is a HyperLogLog estimate (files with more rows than were inspected). */
  distinctApprox: boolean;
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
/** The sample's most frequent values counted over the whole file, per column. */
const TOP_CANDIDATES = 2 * TOP_VALUES;
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
  /** The UTF-8 delimited text DuckDB reads, for probes through it (CSV, TSV, workbooks' copies). */
  delimited?: { file: string; delimiter: string };
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
      return { relation: csvRelation(csv, ',', true), encoding: null, sheet, sheets, delimited: { file: csv, delimiter: ',' } };
    }
    case 'csv':
    case 'tsv': {
      const head = await readHead(file, SNIFF_BYTES);
      // Our own sniff, not DuckDB's: DuckDB would rather skip a ragged line than report it.
      const delimiter = format === 'tsv' ? '\t' : sniffDelimiter(head);
      const encoding = detectEncoding(head);
      if (encoding !== 'utf-8' && encoding !== 'utf-8-bom') return transcodedCsv(file, delimiter, workDir);
      return {
        relation: csvRelation(file, delimiter),
        encoding,
        delimited: { file, delimiter },
        retryDecoded: () => transcodedCsv(file, delimiter, workDir),
      };
    }
  }
}

async function transcodedCsv(file: string, delimiter: string, workDir: string): Promise<Source> {
  const copy = await transcodeToUtf8(file, workDir);
  return { relation: csvRelation(copy.file, delimiter), encoding: copy.encoding, delimited: { file: copy.file, delimiter } };
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
export async function xlsxToCsv(file: string, workDir: string): Promise<{ csv: string; sheet: string; sheets: number }> {
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

/**
 * Bin edges fixed before a pass over the whole file. `grid`: planned over the inspected rows' range
 * [min, max], with cells of the same width past either end (see `binsAggregate`); otherwise over
 * the file's exact range.
 */
interface BinPlan {
  min: number;
  max: number;
  width: number;
  grid: boolean;
}

/** Cells counted past either end of a grid plan before a column is binned again (the range grew ~200×). */
const GRID_CELLS = 200 * HISTOGRAM_BINS;

async function profileSource(db: DuckDb, source: Source, sampleRows: number): Promise<TableProfile> {
  const described = await db.all<{ column_name: string; column_type: string }>(`describe select * from ${source.relation}`);
  const names = described.map((d) => d.column_name);
  const asText = (name: string) =>
    source.nativeTypes && source.nativeTypes.get(name) !== 'VARCHAR' ? `cast(${sqlIdentifier(name)} as varchar)` : sqlIdentifier(name);

  // Probes through the file read while DuckDB takes the sample (used only past the sample, below).
  const probing = source.delimited
    ? probeValueCounts(source.delimited.file, source.delimited.delimiter, names.length)
    : Promise.resolve(undefined);
  // Handled here too, so that if the sample fails first the probes' failure is not an unhandled rejection.
  probing.catch(() => undefined);
  // The sample, as text, in file order (DuckDB keeps insertion order for a plain LIMIT).
  const limit = Math.max(0, Math.floor(sampleRows));
  await db.run(
    `create or replace temp table profile_sample as select ${names.map((n, i) => `${asText(n)} as c${i}`).join(', ') || '1 as none'} from ${source.relation} limit ${limit}`,
  );
  // All values of the sample in one row of JSON lists, in row order (far cheaper than row objects).
  const [fetched] = await db.all<Record<string, unknown>>(
    `select count(*) as inspected${names.map((_, i) => `, to_json(list(c${i} order by rowid))::varchar as c${i}`).join('')} from profile_sample`,
  );
  const inspected = Number(fetched?.inspected ?? 0);
  const inspections: ColumnInspection[] = [];
  const proposals: ColumnType[] = [];
  for (let i = 0; i < names.length; i++) {
    const inspector = new ColumnInspector();
    let leadingZeros = false;
    let maxLength = 0;
    const values = (inspected ? JSON.parse(String(fetched?.[`c${i}`])) : []) as Array<string | null>;
    for (let row = 0; row < values.length; row++) {
      const v = values[row]!;
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

  const numericOf = (i: number, column: string) => {
    const native = source.nativeTypes?.get(names[i]!);
    if (native) return NUMERIC_TYPES.test(native) ? `cast(${column} as double)` : undefined;
    return proposals[i] === 'BIGINT' || proposals[i] === 'DOUBLE' ? `try_cast(${column} as double)` : undefined;
  };
  const numericExpr = (i: number) => numericOf(i, sqlIdentifier(names[i]!));

  // When the sample is the whole file, everything below is exact: candidates are all values and
  // the sample's numeric range is the file's.
  const wholeFileInspected = inspected < limit;
  const sampleAggregates = ['1 as none'];
  names.forEach((_, i) => {
    // The most frequent values of the sample: candidates for the top values of the file.
    sampleAggregates.push(
      `(select to_json(list(v))::varchar from (select c${i} as v from profile_sample where c${i} is not null group by 1 order by count(*) desc, 1 limit ${TOP_CANDIDATES})) as c${i}_top`,
      `(select max(n) from (select count(*) as n from profile_sample where c${i} is not null group by c${i})) as c${i}_topn`,
    );
    const numeric = numericOf(i, `c${i}`);
    if (numeric) sampleAggregates.push(`min(${numeric}) as c${i}_nmin`, `max(${numeric}) as c${i}_nmax`);
    if (wholeFileInspected) sampleAggregates.push(`count(distinct c${i}) as c${i}_d`);
    if (!source.nativeTypes && proposals[i] !== 'VARCHAR') {
      sampleAggregates.push(`count(c${i}) = count(try_cast(c${i} as ${proposals[i]})) as c${i}_casts`);
    }
  });
  const [sampled = {}] = await db.all<Record<string, unknown>>(`select ${sampleAggregates.join(', ')} from profile_sample`);
  await db.run('drop table profile_sample');

  // Candidates for the top values: the sample's most frequent values, and for a file larger than
  // the sample, the values seen more than once in probes spread through it.
  const candidates = names.map((_, i) => new Set(JSON.parse(String(sampled[`c${i}_top`] ?? '[]') || '[]') as string[]));
  const repeatedInProbes = names.map(() => false);
  const probed = await probing;
  if (!wholeFileInspected && probed) {
    probed.forEach((counts, i) => {
      const seen = [...counts.entries()].filter(([, n]) => n > 1).sort((a, b) => b[1] - a[1]);
      repeatedInProbes[i] = seen.length > 0;
      for (const [value] of seen.slice(0, TOP_VALUES)) candidates[i]!.add(value);
    });
  }
  const topValuesSkipped = names.map((_, i): ColumnStats['topValuesSkipped'] => {
    if (wholeFileInspected) return undefined;
    if (Number(sampled[`c${i}_topn`] ?? 0) <= 1 && !repeatedInProbes[i]) return 'unique';
    return numericOf(i, 'x') || ['DATE', 'TIMESTAMP'].includes(proposals[i]!) ? 'numeric' : undefined;
  });
  topValuesSkipped.forEach((skipped, i) => skipped && candidates[i]!.clear());
  // Histogram bins planned over the sample's numeric range, counted exactly in the pass; values
  // outside it fall in cells of the same width (see histogramBins). When the sample is the whole
  // file this is the plain 20-bin histogram between the exact minimum and maximum.
  const binPlans: Array<BinPlan | undefined> = names.map((_, i) =>
    rangePlan(toNumber(sampled[`c${i}_nmin`]), toNumber(sampled[`c${i}_nmax`]), true),
  );

  // The pass over the whole file: everything, for all columns at once.
  const temporalExpr = (i: number) => {
    const native = source.nativeTypes?.get(names[i]!);
    if (native) return TEMPORAL_TYPES.test(native) ? sqlIdentifier(names[i]!) : undefined;
    return proposals[i] === 'DATE' || proposals[i] === 'TIMESTAMP' ? `try_cast(${sqlIdentifier(names[i]!)} as ${proposals[i]})` : undefined;
  };
  // A column read as numbers or dates (native, or every inspected value casts) is summarised by
  // its values, not its texts: comparing and hashing texts of every row cost a twentieth of the
  // pass. Its values are ASCII once they all cast, so a length in bytes is its length in
  // characters. One that does not cast further down turns into text, and its text statistics
  // come from a second pass (textAggregates below) over that column only; one with a value that
  // does not cast in the inspected rows (a dotted date among dates) gets them in this pass.
  const typedValue = (i: number) => {
    if (!numericExpr(i) && !temporalExpr(i)) return undefined;
    if (!source.nativeTypes && sampled[`c${i}_casts`] !== true) return undefined;
    return source.nativeTypes ? sqlIdentifier(names[i]!) : `try_cast(${sqlIdentifier(names[i]!)} as ${proposals[i]})`;
  };
  const textAggregates = (i: number) => {
    const text = asText(names[i]!);
    return [
      `min(${text}) as c${i}_min`,
      `max(${text}) as c${i}_max`,
      `min(length(${text})) as c${i}_minlen`,
      `max(length(${text})) as c${i}_maxlen`,
      ...(wholeFileInspected ? [] : [`approx_count_distinct(${text}) as c${i}_d`]),
    ];
  };
  const aggregates = ['count(*) as "rows"'];
  names.forEach((name, i) => {
    const text = asText(name);
    const column = sqlIdentifier(name);
    aggregates.push(`count(${column}) as c${i}_n`);
    const typed = typedValue(i);
    if (typed) {
      aggregates.push(`min(strlen(${text})) as c${i}_minlen`, `max(strlen(${text})) as c${i}_maxlen`);
      if (!wholeFileInspected) aggregates.push(`approx_count_distinct(${typed}) as c${i}_d`);
    } else {
      aggregates.push(...textAggregates(i));
    }
    const listed = [...candidates[i]!];
    if (listed.length) aggregates.push(topCountsAggregate(text, listed, `c${i}_top`));
    if (!source.nativeTypes && proposals[i] !== 'VARCHAR') aggregates.push(`count(try_cast(${column} as ${proposals[i]})) as c${i}_cast`);
    const numeric = numericExpr(i);
    if (numeric) {
      aggregates.push(
        `min(${numeric}) as c${i}_nmin`,
        `max(${numeric}) as c${i}_nmax`,
        `avg(${numeric}) as c${i}_mean`,
        `to_json(approx_quantile(${numeric}, [0.25, 0.5, 0.75]))::varchar as c${i}_q`,
      );
      if (binPlans[i]) aggregates.push(binsAggregate(numeric, binPlans[i]!, `c${i}_bins`));
    }
    const temporal = temporalExpr(i);
    if (temporal) aggregates.push(`cast(min(${temporal}) as varchar) as c${i}_tmin`, `cast(max(${temporal}) as varchar) as c${i}_tmax`);
  });
  const [summary] = await db.all<Record<string, unknown>>(`select ${aggregates.join(', ')} from ${source.relation}`);
  if (!summary) throw new Error('the table could not be read');
  const rows = Number(summary.rows);

  const castableAll = (i: number) => {
    const nonNull = Number(summary[`c${i}_n`] ?? 0);
    return source.nativeTypes || summary[`c${i}_cast`] === undefined ? true : Number(summary[`c${i}_cast`]) === nonNull;
  };
  // A second pass, over the columns that need it only: histograms of columns with no plan (no
  // number in the sample) or values past the grid, binned over the exact range; and the text
  // statistics of columns that turned to text.
  const exactRange = (i: number) => rangePlan(toNumber(summary[`c${i}_nmin`]), toNumber(summary[`c${i}_nmax`]), false);
  const binCounts = (i: number) => (JSON.parse(String(summary[`c${i}_bins`] ?? '{}') || '{}') ?? {}) as Record<string, number>;
  const rebin = names
    .map((_, i) => i)
    .filter((i) => {
      if (!exactRange(i) || !castableAll(i)) return false;
      const plan = binPlans[i];
      if (!plan) return true;
      const keys = Object.keys(binCounts(i)).map(Number);
      return keys.some((k) => k <= -GRID_CELLS || k >= HISTOGRAM_BINS - 1 + GRID_CELLS);
    });
  for (const i of rebin) binPlans[i] = exactRange(i);
  const turnedText = names.map((_, i) => i).filter((i) => typedValue(i) !== undefined && !castableAll(i));
  const secondPass = [
    ...rebin.map((i) => binsAggregate(numericExpr(i)!, binPlans[i]!, `c${i}_bins`)),
    ...turnedText.flatMap(textAggregates),
  ];
  if (secondPass.length) {
    const [again] = await db.all<Record<string, unknown>>(`select ${secondPass.join(', ')} from ${source.relation}`);
    Object.assign(summary, again);
  }

  const columns: ColumnProfile[] = names.map((name, i) => {
    const nonNull = Number(summary[`c${i}_n`] ?? 0);
    const proposal = proposals[i]!;
    // A value further down that does not cast makes the whole column text.
    const type = castableAll(i) ? proposal : 'VARCHAR';
    const numeric = NUMERIC_TYPES.test(type);
    const temporal = TEMPORAL_TYPES.test(type);
    const topCounts = JSON.parse(String(summary[`c${i}_top`] ?? '{}') || '{}') as Record<string, number> | null;
    const topValues = Object.entries(topCounts ?? {})
      .filter(([value]) => candidates[i]!.has(value))
      .map(([value, count]) => ({ value, count: Number(count) }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, TOP_VALUES);
    const plan = binPlans[i];
    const exact = exactRange(i);
    const bins = plan && exact && numeric ? histogramBins(binCounts(i), plan, exact.min, exact.max) : undefined;
    const quantiles = summary[`c${i}_q`] ? (JSON.parse(String(summary[`c${i}_q`])) as Array<number | null>) : [];
    const inspection = inspections[i]!;
    const defects = [...inspection.defects];
    const [lowest, highest] = numeric ? ['nmin', 'nmax'] : temporal ? ['tmin', 'tmax'] : ['min', 'max'];
    const distinct = Math.min(Number((wholeFileInspected ? sampled : summary)[`c${i}_d`] ?? 0), nonNull);
    if (rows > 0 && nonNull === 0) defects.push({ code: 'all_null', count: rows, examples: [], message: DEFECT_MESSAGES.all_null });
    else if (rows > 1 && nonNull === rows && summary[`c${i}_${lowest}`] === summary[`c${i}_${highest}`]) {
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
        min: numeric ? toNumber(summary[`c${i}_nmin`]) : pick(summary[`c${i}_${lowest}`]),
        max: numeric ? toNumber(summary[`c${i}_nmax`]) : pick(summary[`c${i}_${highest}`]),
        mean: numeric ? toNumber(summary[`c${i}_mean`]) : null,
        p25: numeric ? (quantiles[0] ?? null) : null,
        p50: numeric ? (quantiles[1] ?? null) : null,
        p75: numeric ? (quantiles[2] ?? null) : null,
        minLength: toNumber(summary[`c${i}_minlen`]),
        maxLength: toNumber(summary[`c${i}_maxlen`]),
        topValues,
        topValuesApprox: !wholeFileInspected,
        ...(topValuesSkipped[i] ? { topValuesSkipped: topValuesSkipped[i] } : {}),
        histogram: bins ? { kind: 'bins', bins } : { kind: 'top', values: topValues },
        patterns: inspection.patterns,
        dateFormats: inspection.dateFormats,
      },
      defects,
      distinctApprox: !wholeFileInspected,
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

/**
 * Exact counts of the candidate values, as a JSON object. The filter compares hashes (cheaper than
 * strings over a long candidate list); a value that merely shares a hash is counted under its own
 * key and dropped by the caller, so the counts stay exact.
 */
function topCountsAggregate(text: string, candidates: string[], alias: string): string {
  return `to_json(histogram(${text}) filter (where hash(${text}) in (${candidates.map((c) => `hash(${sqlString(c)})`).join(', ')})))::varchar as ${alias}`;
}

function rangePlan(min: number | null, max: number | null, grid: boolean): BinPlan | undefined {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return undefined;
  return { min, max, width: max > min ? (max - min) / HISTOGRAM_BINS : 1, grid };
}

/**
 * Counts per cell, as a JSON object. Cells 0 … 19 split the plan's range in equal widths (the last
 * one holds its maximum). For a grid plan, values below the range fall in cells -1, -2, … of the
 * same width going down from its minimum, values above it in cells 20, 21, … going up from its
 * maximum, clamped at GRID_CELLS cells past either end.
 */
function binsAggregate(numeric: string, { min, max, width, grid }: BinPlan, alias: string): string {
  const inside = `least(greatest(floor((${numeric} - ${min}) / ${width}), 0), ${HISTOGRAM_BINS - 1})`;
  const cell = grid
    ? `case when ${numeric} < ${min} then greatest(-ceil((${min} - ${numeric}) / ${width}), ${-GRID_CELLS}) when ${numeric} > ${max} then least(${HISTOGRAM_BINS} + floor((${numeric} - ${max}) / ${width}), ${HISTOGRAM_BINS - 1 + GRID_CELLS}) else ${inside} end`
    : inside;
  // least/greatest skip NULLs, so the filter keeps empty cells out of bin 0.
  return `to_json(histogram((${cell})::integer) filter (where ${numeric} is not null))::varchar as ${alias}`;
}

/**
 * The bins of a plan's cells, the outer ones stretched to the exact minimum and maximum. When cells
 * further than one past the planned range hold values, consecutive cells are merged, the same number in each bin,
 * into at most HISTOGRAM_BINS bins of equal width (the first and last cut to the exact range).
 */
function histogramBins(counts: Record<string, number>, plan: BinPlan, exactMin: number, exactMax: number): HistogramBin[] {
  const keys = Object.keys(counts).map(Number);
  let lo = Math.min(0, ...keys);
  let hi = Math.max(HISTOGRAM_BINS - 1, ...keys);
  if (lo >= -1 && hi <= HISTOGRAM_BINS) {
    // At most one cell past either end: folded into the outer bins (up to twice as wide).
    const fold = (into: number, from: number) => (counts = { ...counts, [into]: Number(counts[into] ?? 0) + Number(counts[from] ?? 0) });
    fold(0, -1);
    fold(HISTOGRAM_BINS - 1, HISTOGRAM_BINS);
    lo = 0;
    hi = HISTOGRAM_BINS - 1;
  }
  // The lower edge of a cell.
  const edge = (cell: number) =>
    cell <= HISTOGRAM_BINS - 1 ? plan.min + cell * plan.width : plan.max + (cell - HISTOGRAM_BINS) * plan.width;
  const perBin = Math.ceil((hi - lo + 1) / HISTOGRAM_BINS);
  const bins: HistogramBin[] = [];
  for (let first = lo; first <= hi; first += perBin) {
    let count = 0;
    for (let cell = first; cell < first + perBin && cell <= hi; cell++) count += Number(counts[String(cell)] ?? 0);
    bins.push({
      from: edge(first),
      to: first + perBin > hi ? Math.max(exactMax, plan.min + HISTOGRAM_BINS * plan.width) : edge(first + perBin),
      count,
    });
  }
  bins[0]!.from = Math.min(exactMin, plan.min);
  return bins;
}
