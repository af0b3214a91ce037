/**
 * Runs a recipe over a file or a folder of files with DuckDB and writes the result as Parquet and/or
 * JSONL. Files are streamed: text in an encoding other than UTF-8 is transcoded to a temporary UTF-8
 * file first (DuckDB reads UTF-8 only), and the data itself never passes through JavaScript. The
 * run is reproducible: one DuckDB thread, rows kept in file order by a hidden row number, so the same
 * recipe on the same input writes byte-identical files; the run record carries the hashes to prove it.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { AppError } from '../../../core/errors.js';
import { Cp949Decoder, NfcSegmenter, decodeStream, type TextEncoding } from '../../shared/encoding.js';
import { openDuckDb, sqlIdentifier, sqlString, type DuckDb } from '../duckdb.js';
import { RECIPE_MACROS, ROW_COLUMN, compileRecipe, type Column, type CompiledStep, type StepCount } from './compile.js';
import { recipeHash, type Recipe, type SplitName } from './recipe.js';
import { activeSplits, splitSelectSql } from './splits.js';

export type InputFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet';

export interface InputFileRecord {
  /** Relative to the input folder (the file name when the input is one file). */
  path: string;
  bytes: number;
  sha256: string;
  format: InputFormat;
  /** Text files: the encoding found (or given in the recipe). */
  encoding?: TextEncoding;
}

export interface OutputFileRecord {
  /** Relative to the output folder, e.g. `data/train.parquet`. */
  path: string;
  format: 'parquet' | 'jsonl';
  split?: SplitName;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface StepRecord {
  /** `input` (the implicit normalisation), `steps[3]`, `schema`, or `split`. */
  at: string;
  op: string;
  rowsIn: number;
  rowsOut: number;
  /** Per column: values that became null because they could not be read. */
  nulled?: Record<string, number>;
  /** Per column: identifiers in Excel's scientific notation, nulled because their digits are gone. */
  precisionLost?: Record<string, number>;
  /** Per column: values the step changed. */
  changed?: Record<string, number>;
  /** Per column: nulls filled. */
  filled?: Record<string, number>;
  /** Per column: numbers read from scientific notation (not ids). */
  scientific?: Record<string, number>;
}

/** What a recipe run did, enough to check and repeat it. */
export interface RecipeRun {
  /** SHA-256 of the canonical recipe. */
  recipeHash: string;
  inputs: InputFileRecord[];
  outputs: OutputFileRecord[];
  columns: Column[];
  rowsIn: number;
  rowsOut: number;
  steps: StepRecord[];
  warnings: string[];
}

export interface RecipeProgress {
  phase: 'read' | 'transcode' | 'transform' | 'write';
  /** The file or step concerned. */
  detail: string;
  done: number;
  total: number;
}

export interface ApplyRecipeOptions {
  onProgress?: (progress: RecipeProgress) => void;
  /** DuckDB's memory limit, e.g. '2GB' (it spills to a temporary folder past it). */
  memoryLimit?: string;
}

/** A run that could not finish because of the data (not the recipe): exit 1 from the CLI. */
export class RecipeRunError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RecipeRunError';
  }
}

const EXTENSION_FORMATS: Record<string, InputFormat> = {
  '.csv': 'csv',
  '.txt': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'jsonl',
  '.parquet': 'parquet',
};

/**
 * Applies a recipe to a file or a folder (its files matching `recipe.input.files`, read as one
 * table) and writes `outputDir/data/<name>.<format>`, or `train`/`validation`/`test` files when the
 * recipe splits, plus `outputDir/run.json`.
 *
 * @example
 * const run = await applyRecipe(parseRecipe(await readFile('recipe.yaml', 'utf8')), 'raw/산후조리업.csv', 'out');
 * console.log(run.rowsIn, run.rowsOut, run.outputs.map((o) => o.sha256));
 */
export async function applyRecipe(
  recipe: Recipe,
  inputPath: string,
  outputDir: string,
  options: ApplyRecipeOptions = {},
): Promise<RecipeRun> {
  const progress = options.onProgress ?? (() => {});
  const { root, files } = await findInputs(recipe, path.resolve(inputPath));
  const format = chooseFormat(recipe, files);
  const output = path.resolve(outputDir);
  const dataDir = path.join(output, 'data');
  await mkdir(dataDir, { recursive: true });
  const work = await mkdtemp(path.join(tmpdir(), 'datadam-recipe-'));
  let db: DuckDb | undefined;
  try {
    // 1. Hash every input; transcode text that is not plain UTF-8.
    const inputs: InputFileRecord[] = [];
    const readable: string[] = [];
    for (const [index, file] of files.entries()) {
      const relative = path.relative(root, file) || path.basename(file);
      progress({ phase: 'read', detail: relative, done: index, total: files.length });
      const examined = await examineFile(file, format !== 'parquet');
      const forced = recipe.input.encoding === 'auto' ? undefined : recipe.input.encoding;
      const record: InputFileRecord = { path: relative, bytes: examined.bytes, sha256: examined.sha256, format };
      if (format === 'parquet') {
        readable.push(file);
      } else if ((forced ?? 'utf-8') === 'utf-8' && examined.plainUtf8) {
        record.encoding = 'utf-8';
        readable.push(file);
      } else {
        progress({ phase: 'transcode', detail: relative, done: index, total: files.length });
        const target = path.join(work, `input-${index}${path.extname(file).toLowerCase() || '.txt'}`);
        record.encoding = await transcodeToUtf8(file, target, forced);
        readable.push(target);
      }
      inputs.push(record);
    }

    // 2. DuckDB, confined to the input, the output and the work folder, on one thread (determinism).
    await mkdir(path.join(work, 'spill'));
    db = await openDuckDb({
      allowedDirectories: [root, output, work],
      threads: 1,
      tempDirectory: path.join(work, 'spill'),
      ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
    });
    for (const macro of RECIPE_MACROS) await db.run(macro);

    const source = sourceSql(recipe, format, readable);
    const inputColumns = (await db.all<{ column_name: string; column_type: string }>(`describe select * from ${source}`)).map((c) => ({
      name: c.column_name,
      type: c.column_type,
    }));
    const compiled = compileRecipe(recipe, inputColumns);
    for (const check of compiled.checks) {
      try {
        await db.all(check.sql);
      } catch (error) {
        throw new AppError('validation', `The recipe does not fit the data: ${check.field}: ${check.message}`, {
          problems: [{ field: check.field, message: check.message }],
          cause: error,
        });
      }
    }

    // 3. The stages as CTEs: s0 reads the files and numbers the rows in file order.
    const ctes = [`s0 as (select row_number() over () as ${sqlIdentifier(ROW_COLUMN)}, * from ${source})`];
    compiled.stages.forEach((stage, index) => ctes.push(`s${index + 1} as (${stage.select.replace('{input}', `s${index}`)})`));
    const withClause = `with ${ctes.join(',\n')}`;
    const last = `s${compiled.stages.length}`;

    progress({ phase: 'transform', detail: 'counting', done: 0, total: 2 });
    const steps = await countSteps(db, withClause, compiled.stages);
    for (const [index, stage] of compiled.stages.entries()) {
      if (stage.failOn) {
        const counted = steps[index]![stage.failOn.kind === 'precision_lost' ? 'precisionLost' : 'nulled'];
        const total = Object.values(counted ?? {}).reduce((sum, n) => sum + n, 0);
        if (total > 0) throw new RecipeRunError(`${stage.failOn.message} (${total} value(s))`);
      }
    }

    progress({ phase: 'transform', detail: 'refining', done: 1, total: 2 });
    const refined = 'datadam_refined';
    const splitColumn = '__datadam_split';
    if (recipe.split) {
      const { key, stratify } = recipe.split;
      const known = compiled.columns.map((c) => c.name);
      for (const [field, name] of [
        ['split.key', key],
        ['split.stratify', stratify],
      ] as const) {
        if (name !== undefined && !known.includes(name)) {
          throw new AppError('validation', `The recipe does not fit the data: ${field}: no column "${name}" in the output`, {
            problems: [{ field, message: `no column "${name}" in the output (columns: ${known.join(', ')})` }],
          });
        }
      }
      await db.run(`create temp table datadam_stage as ${withClause}\nselect * from ${last}`);
      await db.run(`create temp table ${refined} as ${splitSelectSql('datadam_stage', ROW_COLUMN, splitColumn, recipe.split)}`);
      await db.run('drop table datadam_stage');
    } else {
      await db.run(`create temp table ${refined} as ${withClause}\nselect * from ${last}`);
    }

    // 4. Write each output in file order.
    const list = compiled.columns.map((c) => sqlIdentifier(c.name)).join(', ');
    const parts: { split?: SplitName; where: string; stem: string }[] = recipe.split
      ? activeSplits(recipe.split).map((split) => ({
          split,
          where: `where ${sqlIdentifier(splitColumn)} = ${sqlString(split)}`,
          stem: split,
        }))
      : [{ where: '', stem: recipe.output.name }];
    const outputs: OutputFileRecord[] = [];
    let written = 0;
    const totalFiles = parts.length * recipe.output.formats.length;
    for (const part of parts) {
      const [{ n: rows }] = (await db.all<{ n: number }>(`select count(*) as n from ${refined} ${part.where}`)) as [{ n: number }];
      for (const outFormat of recipe.output.formats) {
        const file = path.join(dataDir, `${part.stem}.${outFormat}`);
        progress({ phase: 'write', detail: path.relative(output, file), done: written, total: totalFiles });
        const options = outFormat === 'parquet' ? '(format parquet, compression zstd)' : '(format json)';
        await db.run(
          `copy (select ${list} from ${refined} ${part.where} order by ${sqlIdentifier(ROW_COLUMN)}) to ${sqlString(file)} ${options}`,
        );
        const hashed = await hashFile(file);
        outputs.push({
          path: path.relative(output, file).split(path.sep).join('/'),
          format: outFormat,
          ...(part.split ? { split: part.split } : {}),
          rows,
          bytes: hashed.bytes,
          sha256: hashed.sha256,
        });
        written++;
      }
    }
    progress({ phase: 'write', detail: 'done', done: written, total: totalFiles });

    const rowsIn = steps[0]?.rowsIn ?? 0;
    const rowsOut = steps[steps.length - 1]?.rowsOut ?? 0;
    const run: RecipeRun = {
      recipeHash: recipeHash(recipe),
      inputs,
      outputs,
      columns: compiled.columns,
      rowsIn,
      rowsOut,
      steps,
      warnings: warningsFor(steps),
    };
    await writeFile(path.join(output, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
    return run;
  } finally {
    db?.close();
    await rm(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Inputs

async function findInputs(recipe: Recipe, inputPath: string): Promise<{ root: string; files: string[] }> {
  let info;
  try {
    info = await stat(inputPath);
  } catch {
    throw new RecipeRunError(`No file or folder at ${inputPath}`);
  }
  if (info.isFile()) return { root: path.dirname(inputPath), files: [inputPath] };
  const patterns = (recipe.input.files ?? []).map(globToRegExp);
  const entries = (await readdir(inputPath, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const files = entries
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => {
      const relative = path.relative(inputPath, file).split(path.sep).join('/');
      if (patterns.length) return patterns.some((p) => p.test(relative));
      return !relative.split('/').some((part) => part.startsWith('.')) && path.extname(file).toLowerCase() in EXTENSION_FORMATS;
    })
    // Code-unit order, not locale order: the same on every machine.
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (files.length === 0) throw new RecipeRunError(`No input files in ${inputPath}${patterns.length ? ' match input.files' : ''}`);
  return { root: inputPath, files };
}

/**
 * A glob (`*` within a folder, `**` across folders, `?` one character) as a RegExp over `/` paths.
 *
 * @example globToRegExp('**\/*.csv').test('a/b.csv') // true
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else out += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'u');
}

function chooseFormat(recipe: Recipe, files: readonly string[]): InputFormat {
  if (recipe.input.format !== 'auto') return recipe.input.format;
  const formats = new Set(files.map((f) => EXTENSION_FORMATS[path.extname(f).toLowerCase()] ?? 'csv'));
  if (formats.size > 1) throw new RecipeRunError(`The input mixes formats (${[...formats].join(', ')}): set input.format or input.files`);
  return [...formats][0]!;
}

/** Reads a file once: its hash, its size, and whether it is UTF-8 without a byte-order mark. */
async function examineFile(file: string, checkText: boolean): Promise<{ sha256: string; bytes: number; plainUtf8: boolean }> {
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let plainUtf8 = checkText;
  for await (const chunk of createReadStream(file)) {
    const data = chunk as Buffer;
    if (bytes === 0 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) plainUtf8 = false;
    hash.update(data);
    bytes += data.length;
    if (plainUtf8) {
      try {
        decoder.decode(data, { stream: true });
      } catch {
        plainUtf8 = false;
      }
    }
  }
  if (plainUtf8) {
    try {
      decoder.decode();
    } catch {
      plainUtf8 = false;
    }
  }
  return { sha256: hash.digest('hex'), bytes, plainUtf8 };
}

async function hashFile(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Streams a text file into UTF-8 NFC at `target`; returns the encoding it was read in. */
async function transcodeToUtf8(
  file: string,
  target: string,
  forced: Exclude<TextEncoding, 'utf-8-bom'> | undefined,
): Promise<TextEncoding> {
  const out = createWriteStream(target);
  const write = async (text: string) => {
    if (text && !out.write(text, 'utf8')) await once(out, 'drain');
  };
  try {
    if (forced === undefined) {
      const decoded = decodeStream(createReadStream(file));
      for await (const text of decoded.text) await write(text);
      out.end();
      await once(out, 'finish');
      return await decoded.encoding;
    }
    const decoder = forced === 'cp949' ? new Cp949Decoder() : new TextDecoder(forced, { ignoreBOM: false });
    const nfc = new NfcSegmenter();
    for await (const chunk of createReadStream(file)) await write(nfc.push(decoder.decode(chunk as Buffer, { stream: true })));
    await write(nfc.push(decoder.decode()) + nfc.flush());
    out.end();
    await once(out, 'finish');
    return forced;
  } catch (error) {
    out.destroy();
    throw error;
  }
}

/** The table function reading all the input files as one table (text read as text, never guessed). */
function sourceSql(recipe: Recipe, format: InputFormat, files: readonly string[]): string {
  const list = `[${files.map(sqlString).join(', ')}]`;
  switch (format) {
    case 'parquet':
      return `read_parquet(${list}, union_by_name = true)`;
    case 'jsonl':
      return `read_json(${list}, format = 'newline_delimited', union_by_name = true)`;
    case 'csv':
    case 'tsv': {
      const delimiter = recipe.input.delimiter ?? (format === 'tsv' ? '\t' : undefined);
      // all_varchar: ids keep their leading zeros and nothing is guessed; the steps decide types.
      const options = ['header = true', 'all_varchar = true', 'null_padding = true', 'union_by_name = true'];
      if (delimiter !== undefined) options.push(`delim = ${sqlString(delimiter === '\\t' ? '\t' : delimiter)}`);
      return `read_csv(${list}, ${options.join(', ')})`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Counts and warnings

/** One pass over the stages computing every count (rows in and out of each, and the step counts). */
async function countSteps(db: DuckDb, withClause: string, stages: readonly CompiledStep[]): Promise<StepRecord[]> {
  const selects: string[] = [];
  const subqueries: string[] = [];
  stages.forEach((stage, index) => {
    const aggregates = [`count(*) as rows`, ...stage.counts.map((count, n) => `${count.sql} as c${n}`)];
    subqueries.push(`(select ${aggregates.join(', ')} from s${index}) as q${index}`);
    selects.push(`q${index}.rows as in${index}`, ...stage.counts.map((_, n) => `q${index}.c${n} as s${index}_${n}`));
  });
  subqueries.push(`(select count(*) as rows from s${stages.length}) as q_out`);
  selects.push('q_out.rows as out');
  const [row] = await db.all<Record<string, number>>(`${withClause}\nselect ${selects.join(', ')} from ${subqueries.join(' cross join ')}`);
  const counts = row!;
  return stages.map((stage, index) => {
    const record: StepRecord = {
      at: stage.at,
      op: stage.op,
      rowsIn: Number(counts[`in${index}`]),
      rowsOut: Number(index + 1 < stages.length ? counts[`in${index + 1}`] : counts.out),
    };
    stage.counts.forEach((count: StepCount, n) => {
      const value = Number(counts[`s${index}_${n}`]);
      const field = (
        { nulled: 'nulled', precision_lost: 'precisionLost', changed: 'changed', filled: 'filled', scientific: 'scientific' } as const
      )[count.kind];
      if (value > 0) (record[field] ??= {})[count.column] = value;
    });
    return record;
  });
}

function warningsFor(steps: readonly StepRecord[]): string[] {
  const warnings: string[] = [];
  for (const step of steps) {
    for (const [column, n] of Object.entries(step.nulled ?? {})) {
      warnings.push(`${step.at} ${step.op}: ${n} value(s) of "${column}" could not be read and are now null`);
    }
    for (const [column, n] of Object.entries(step.precisionLost ?? {})) {
      warnings.push(
        `${step.at} ${step.op}: ${n} identifier(s) in "${column}" are in scientific notation (e.g. 3.62E+17): their digits were lost in a spreadsheet, so they are now null`,
      );
    }
    for (const [column, n] of Object.entries(step.scientific ?? {})) {
      warnings.push(
        `${step.at} ${step.op}: ${n} number(s) in "${column}" were in scientific notation; check they were not rounded in a spreadsheet`,
      );
    }
  }
  return warnings;
}
