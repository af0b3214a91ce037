/**
 * The layout of a release, as Hugging Face `datasets` loads it: tabular files (CSV, TSV, JSON Lines,
 * XLSX, Parquet) as Parquet under `data/` (split files named `data/train-00000-of-00001.parquet`
 * when the version was split by a recipe), every other file under its own path, and a dataset card
 * `README.md` whose YAML header names the configs and their data files.
 *
 * The planning, the manifest, the configs and the card are pure functions; `createLayoutEngine`
 * does the conversion with DuckDB (one thread, so the same input always gives the same bytes, and
 * an unchanged file keeps its SHA-256 from one release to the next) in a scratch folder, and stores
 * what it writes in the blob store.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import type { BlobStore } from '../../core/ports.js';
import { openDuckDb, sqlIdentifier, sqlString, type DuckDb } from '../refinery/duckdb.js';
import { xlsxToCsv } from '../refinery/profile/tabular.js';

export interface ManifestColumn {
  name: string;
  /** DuckDB's name of the Parquet column's type (BIGINT, DOUBLE, VARCHAR, DATE, …). */
  type: string;
}

/** One file of a release, as its manifest lists it. */
export interface ReleaseManifestFile {
  /** Relative, '/'-separated, NFC. */
  path: string;
  size: number;
  /** SHA-256 of the bytes: also their blob key. */
  sha256: string;
  format: string;
  mediaType: string;
  /** Rows of a tabular file; null for other files. */
  records: number | null;
  /** The Parquet schema of a tabular file. */
  columns?: ManifestColumn[];
  /** The Hugging Face config and split a Parquet file belongs to. */
  config?: string;
  split?: string;
  /** The version's file this one was converted from (tabular files). */
  source?: { path: string; sha256: string; format: string };
}

export interface ReleaseManifest {
  files: ReleaseManifestFile[];
  totalBytes: number;
  /** The refinery version frozen, and its own manifest hash. */
  version: { id: string; number: number; manifestSha256: string | null };
  /** What could not be converted or checked, naming the file. */
  warnings: string[];
}

export const PARQUET_MEDIA_TYPE = 'application/vnd.apache.parquet';
export const CARD_PATH = 'README.md';
/** Formats converted to Parquet (as the refinery's ingest names them). */
export const TABULAR_FORMATS: ReadonlySet<string> = new Set(['csv', 'tsv', 'jsonl', 'xlsx', 'parquet']);

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * The canonical manifest: files sorted by path, each with its fields in a fixed order, JSON without
 * spaces. Stored as is; its SHA-256 is the release's `manifest_sha256`.
 *
 * @example manifestSha256(canonicalManifest(manifest)).length // 64
 */
export function canonicalManifest(m: ReleaseManifest): string {
  return JSON.stringify({
    files: [...m.files].sort(byPath).map((f) => ({
      path: f.path,
      size: f.size,
      sha256: f.sha256,
      format: f.format,
      mediaType: f.mediaType,
      records: f.records,
      ...(f.columns ? { columns: f.columns.map((c) => ({ name: c.name, type: c.type })) } : {}),
      ...(f.config !== undefined ? { config: f.config } : {}),
      ...(f.split !== undefined ? { split: f.split } : {}),
      ...(f.source ? { source: { path: f.source.path, sha256: f.source.sha256, format: f.source.format } } : {}),
    })),
    totalBytes: m.files.reduce((sum, f) => sum + f.size, 0),
    version: { id: m.version.id, number: m.version.number, manifestSha256: m.version.manifestSha256 },
    warnings: m.warnings,
  });
}

export function manifestSha256(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex');
}

// ------------------------------------------------------------------------------------------------
// Planning (pure)

export interface LayoutSource {
  path: string;
  blobKey: string;
  size: number;
  format: string;
  mediaType: string;
  /** Rows the refinery's profile counted, when it has. */
  profiledRows?: number | null;
  /** Column types the refinery's profile proposes (checked against every value before use). */
  profiledTypes?: ReadonlyArray<{ name: string; type: string }>;
}

export type LayoutStep =
  { kind: 'convert'; source: LayoutSource; path: string; split?: string } | { kind: 'keep'; source: LayoutSource; path: string };

/**
 * Where each file of a version goes. `splits` are a recipe's outputs with their split (from its
 * run record): the first of each split (Parquet preferred) becomes `data/<split>-00000-of-00001.parquet`;
 * the same split in another format is kept under its own path. Other tabular files become
 * `data/<path without extension>.parquet`; everything else keeps its path, but a version's own
 * `README.md` moves to `README.source.md` for the dataset card.
 *
 * @example planLayout([{ path: 'a.csv', format: 'csv', … }]) // [{ kind: 'convert', path: 'data/a.parquet', … }]
 */
export function planLayout(files: readonly LayoutSource[], splits: ReadonlyArray<{ path: string; split: string }> = []): LayoutStep[] {
  const splitOf = new Map(splits.map((s) => [s.path, s.split]));
  const steps: LayoutStep[] = [];
  const taken = new Set<string>();
  const chosenSplit = new Map<string, LayoutSource>();
  // Parquet first, so a split written in several formats is taken from its Parquet file.
  const splitFiles = files
    .filter((f) => splitOf.has(f.path) && TABULAR_FORMATS.has(f.format))
    .sort((a, b) => Number(b.format === 'parquet') - Number(a.format === 'parquet') || byPath(a, b));
  for (const f of splitFiles) {
    const split = splitOf.get(f.path)!;
    if (!chosenSplit.has(split)) chosenSplit.set(split, f);
  }
  const chosen = new Set([...chosenSplit.values()]);
  for (const [split, f] of chosenSplit) {
    const target = `data/${split}-00000-of-00001.parquet`;
    taken.add(target);
    steps.push({ kind: 'convert', source: f, path: target, split });
  }
  const others = files.filter((f) => !chosen.has(f)).sort(byPath);
  // Kept files hold their paths first; converted ones go around them.
  for (const f of others) {
    if (TABULAR_FORMATS.has(f.format) && !splitOf.has(f.path)) continue;
    const target = f.path === CARD_PATH ? 'README.source.md' : f.path;
    taken.add(target);
    steps.push({ kind: 'keep', source: f, path: target });
  }
  for (const f of others) {
    if (!TABULAR_FORMATS.has(f.format) || splitOf.has(f.path)) continue;
    const stem = f.path.replace(/^data\//, '').replace(/\.[^./]+$/, '');
    let target = `data/${stem}.parquet`;
    if (taken.has(target)) target = `data/${stem}-${f.format}.parquet`;
    for (let n = 2; taken.has(target); n++) target = `data/${stem}-${f.format}-${n}.parquet`;
    taken.add(target);
    steps.push({ kind: 'convert', source: f, path: target });
  }
  return steps.sort(byPath);
}

/** A config's files per split. */
export interface HfConfig {
  name: string;
  isDefault: boolean;
  dataFiles: Array<{ split: string; paths: string[] }>;
}

const sameColumns = (a: readonly ManifestColumn[] | undefined, b: readonly ManifestColumn[] | undefined) =>
  JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/**
 * Gives each Parquet file under `data/` its config and split: a recipe's splits make the `default`
 * config; without them, files that share one schema are the `train` split of `default`, and files
 * of different schemas each get a config of their own (the first is the default).
 *
 * @example assignConfigs(files).find((f) => f.path === 'data/a.parquet')?.config // 'default'
 */
export function assignConfigs(files: ReleaseManifestFile[]): ReleaseManifestFile[] {
  const parquet = files.filter((f) => f.source && f.path.startsWith('data/') && f.format === 'parquet');
  const split = parquet.filter((f) => f.split !== undefined);
  const rest = parquet.filter((f) => f.split === undefined).sort(byPath);
  const assigned = new Map<string, { config: string; split: string }>();
  for (const f of split) assigned.set(f.path, { config: 'default', split: f.split! });
  const oneSchema = rest.length > 0 && rest.every((f) => sameColumns(f.columns, rest[0]!.columns));
  if (split.length === 0 && oneSchema) {
    for (const f of rest) assigned.set(f.path, { config: 'default', split: 'train' });
  } else {
    const names = new Set(['default']);
    for (const f of rest) {
      let name = f.path
        .replace(/^data\//, '')
        .replace(/\.parquet$/, '')
        .replace(/[/\s]+/g, '_');
      for (let n = 2; names.has(name); n++) name = `${name}_${n}`;
      names.add(name);
      assigned.set(f.path, { config: name, split: 'train' });
    }
  }
  return files.map((f) => {
    const a = assigned.get(f.path);
    return a ? { ...f, config: a.config, split: a.split } : f;
  });
}

/** The configs the files name, the default first. */
export function hfConfigs(files: readonly ReleaseManifestFile[]): HfConfig[] {
  const configs = new Map<string, Map<string, string[]>>();
  for (const f of [...files].sort(byPath)) {
    if (f.config === undefined || f.split === undefined) continue;
    const splits = configs.get(f.config) ?? new Map<string, string[]>();
    splits.set(f.split, [...(splits.get(f.split) ?? []), f.path]);
    configs.set(f.config, splits);
  }
  const order = ['train', 'validation', 'test'];
  const rank = (s: string) => (order.includes(s) ? order.indexOf(s) : order.length);
  const out = [...configs].map(([name, splits]) => ({
    name,
    isDefault: false,
    dataFiles: [...splits]
      .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
      .map(([split, paths]) => ({ split, paths })),
  }));
  out.sort((a, b) => Number(b.name === 'default') - Number(a.name === 'default'));
  if (out[0]) out[0].isDefault = true;
  return out;
}

/** Hugging Face's `size_categories` for a record count. @example sizeCategory(1500) // '1K<n<10K' */
export function sizeCategory(records: number): string {
  const steps: Array<[number, string]> = [
    [1e3, 'n<1K'],
    [1e4, '1K<n<10K'],
    [1e5, '10K<n<100K'],
    [1e6, '100K<n<1M'],
    [1e7, '1M<n<10M'],
    [1e8, '10M<n<100M'],
    [1e9, '100M<n<1B'],
    [1e10, '1B<n<10B'],
    [1e11, '10B<n<100B'],
    [1e12, '100B<n<1T'],
  ];
  return steps.find(([limit]) => records < limit)?.[1] ?? 'n>1T';
}

const HF_LICENCES: Array<[RegExp, string]> = [
  [/^CC[-\s]?BY[-\s]?4\.0$/i, 'cc-by-4.0'],
  [/^CC[-\s]?BY[-\s]?SA[-\s]?4\.0$/i, 'cc-by-sa-4.0'],
  [/^CC[-\s]?BY[-\s]?NC[-\s]?4\.0$/i, 'cc-by-nc-4.0'],
  [/^CC[-\s]?BY[-\s]?NC[-\s]?SA[-\s]?4\.0$/i, 'cc-by-nc-sa-4.0'],
  [/^CC[-\s]?BY[-\s]?ND[-\s]?4\.0$/i, 'cc-by-nd-4.0'],
  [/^CC0([-\s]?1\.0)?$/i, 'cc0-1.0'],
  [/^MIT$/i, 'mit'],
  [/^Apache[-\s]?2\.0$/i, 'apache-2.0'],
  [/^ODC[-\s]?BY([-\s]?1\.0)?$/i, 'odc-by'],
  [/^ODbL([-\s]?1\.0)?$/i, 'odbl'],
  [/^PDDL([-\s]?1\.0)?$/i, 'pddl'],
];

/** The card's licence fields: a Hugging Face licence id, or `other` with its name and link. */
export function hfLicence(licence: string, url: string | null | undefined): Record<string, string> {
  const id = HF_LICENCES.find(([re]) => re.test(licence.trim()))?.[1];
  if (id) return { license: id };
  return { license: 'other', license_name: licence, ...(url ? { license_link: url } : {}) };
}

export interface DatasetCardInput {
  title: string;
  licence: string;
  licenceUrl?: string | null;
  files: readonly ReleaseManifestFile[];
  taskCategories?: readonly string[];
  /** The Markdown after the header: the datasheet, citation, changelog. */
  body: string;
}

/** The YAML header's fields, as an object (what the card's YAML parses back to). */
export function datasetCardHeader(input: Omit<DatasetCardInput, 'body'>): Record<string, unknown> {
  const records = input.files.filter((f) => f.config !== undefined).reduce((sum, f) => sum + (f.records ?? 0), 0);
  const configs = hfConfigs(input.files);
  return {
    ...hfLicence(input.licence, input.licenceUrl),
    language: ['ko'],
    pretty_name: input.title,
    size_categories: [sizeCategory(records)],
    ...(input.taskCategories && input.taskCategories.length > 0 ? { task_categories: [...input.taskCategories] } : {}),
    ...(configs.length > 0
      ? {
          configs: configs.map((c) => ({
            config_name: c.name,
            ...(c.isDefault && c.name !== 'default' ? { default: true } : {}),
            data_files: c.dataFiles.map((d) => ({ split: d.split, path: d.paths.length === 1 ? d.paths[0]! : d.paths })),
          })),
        }
      : {}),
  };
}

/**
 * The dataset card: a YAML header (`license`, `language`, `pretty_name`, `size_categories`,
 * `task_categories`, `configs`) between `---` lines, then the Markdown body.
 *
 * @example datasetCard({ title: '주차장', licence: 'CC-BY-4.0', files, body: '# 주차장\n' }).startsWith('---\nlicense: cc-by-4.0\n') // true
 */
export function datasetCard(input: DatasetCardInput): string {
  const yaml = stringifyYaml(datasetCardHeader(input), { lineWidth: 0 });
  return `---\n${yaml}---\n\n${input.body.trimEnd()}\n`;
}

// ------------------------------------------------------------------------------------------------
// Conversion (DuckDB, a scratch folder, the blob store)

export interface LayoutEngineDeps {
  blobs: BlobStore;
  /** Writes files of the blob store into a folder (the refinery's ingest engine does). */
  materialize: (files: ReadonlyArray<{ path: string; blobKey: string }>, dir: string) => Promise<string[]>;
  /** A folder of the engine's own; each build uses (and removes) a subfolder. */
  workDir: string;
}

export interface BuiltLayout {
  /** Sorted by path, without the dataset card; Parquet files carry their config and split. */
  files: ReleaseManifestFile[];
  warnings: string[];
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|DOUBLE|FLOAT|REAL|DECIMAL.*)$/;
const CASTABLE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|DOUBLE|FLOAT|REAL|BOOLEAN|DATE|TIMESTAMP|TIME|DECIMAL\(\d+,\s*\d+\))$/;

/** Columns of a relation as DuckDB describes them. */
async function describe(db: DuckDb, relation: string): Promise<ManifestColumn[]> {
  return (await db.all<{ column_name: string; column_type: string }>(`describe select * from ${relation}`)).map((c) => ({
    name: c.column_name,
    type: c.column_type,
  }));
}

/**
 * The select list that types a text table: each column takes the type proposed (by the profile, or
 * DuckDB's sniffer) only when every value converts and no number loses a leading zero; otherwise it
 * stays text. Nothing the agency wrote is lost.
 */
async function losslessSelect(db: DuckDb, relation: string, proposed: ReadonlyMap<string, string>): Promise<string> {
  const columns = await describe(db, relation);
  const candidates = columns.filter((c) => CASTABLE.test(proposed.get(c.name) ?? 'VARCHAR'));
  const bad = new Set<string>();
  if (candidates.length > 0) {
    const checks = candidates.map((c, i) => {
      const type = proposed.get(c.name)!;
      const column = sqlIdentifier(c.name);
      const failed = `(${column} is not null and try_cast(${column} as ${type}) is null)`;
      const leadingZero = NUMERIC.test(type) ? ` or regexp_matches(trim(${column}), '^[+-]?0[0-9]')` : '';
      return `count(*) filter (where ${failed}${leadingZero}) as c${i}`;
    });
    const [row] = await db.all<Record<string, number>>(`select ${checks.join(', ')} from ${relation}`);
    candidates.forEach((c, i) => {
      if (Number(row?.[`c${i}`] ?? 0) > 0) bad.add(c.name);
    });
  }
  return columns
    .map((c) => {
      const type = proposed.get(c.name);
      const column = sqlIdentifier(c.name);
      return type && CASTABLE.test(type) && !bad.has(c.name) ? `cast(${column} as ${type}) as ${column}` : column;
    })
    .join(', ');
}

async function sniffedTypes(db: DuckDb, file: string, delimiter: string | undefined): Promise<Map<string, string>> {
  try {
    const options = ['header = true', ...(delimiter ? [`delim = ${sqlString(delimiter)}`] : [])];
    return new Map((await describe(db, `read_csv(${sqlString(file)}, ${options.join(', ')})`)).map((c) => [c.name, c.type]));
  } catch {
    return new Map();
  }
}

/** Writes `file` (CSV/TSV/JSONL/XLSX text) as Parquet at `out`. */
async function toParquet(db: DuckDb, file: string, source: LayoutSource, out: string, scratch: string): Promise<void> {
  const write = (select: string, relation: string) =>
    db.run(`copy (select ${select} from ${relation}) to ${sqlString(out)} (format parquet, compression zstd)`);
  if (source.format === 'jsonl') {
    await write('*', `read_json(${sqlString(file)}, format = 'newline_delimited')`);
    return;
  }
  let csv = file;
  let delimiter: string | undefined = source.format === 'tsv' ? '\t' : undefined;
  if (source.format === 'xlsx') {
    csv = (await xlsxToCsv(file, scratch)).csv;
    delimiter = ',';
  }
  const options = ['all_varchar = true', 'header = true', ...(delimiter ? [`delim = ${sqlString(delimiter)}`] : [])];
  if (source.format === 'xlsx') options.push('null_padding = true');
  const relation = `read_csv(${sqlString(csv)}, ${options.join(', ')})`;
  const profiled = source.profiledTypes && source.profiledTypes.length > 0;
  const proposed = profiled ? new Map(source.profiledTypes!.map((c) => [c.name, c.type])) : await sniffedTypes(db, csv, delimiter);
  await write(await losslessSelect(db, relation, proposed), relation);
}

async function parquetFacts(db: DuckDb, file: string): Promise<{ records: number; columns: ManifestColumn[] }> {
  const relation = `read_parquet(${sqlString(file)})`;
  const [row] = await db.all<{ n: number }>(`select count(*) as n from ${relation}`);
  return { records: Number(row?.n ?? 0), columns: await describe(db, relation) };
}

export interface LayoutBuildOptions {
  signal?: AbortSignal;
  /** Told after each file: how many are done of how many (awaited, so it may write progress down). */
  onProgress?: (done: number, total: number) => Promise<void> | void;
}

export function createLayoutEngine(deps: LayoutEngineDeps) {
  return {
    /**
     * Carries out a plan: converts each tabular file to Parquet and stores it, reads every Parquet
     * file's schema and row count, and lists the kept files as they are. A file that cannot be
     * converted is kept under its own path, with a warning naming it.
     *
     * @example const { files } = await layout.build(planLayout(versionFiles))
     */
    async build(steps: readonly LayoutStep[], options: LayoutBuildOptions = {}): Promise<BuiltLayout> {
      await mkdir(deps.workDir, { recursive: true });
      const work = await mkdtemp(path.join(deps.workDir, 'release-'));
      const files: ReleaseManifestFile[] = [];
      const warnings: string[] = [];
      let db: DuckDb | undefined;
      try {
        db = await openDuckDb({ allowedDirectories: [work], threads: 1, tempDirectory: work });
        for (const [index, step] of steps.entries()) {
          options.signal?.throwIfAborted();
          const { source } = step;
          const kept: ReleaseManifestFile = {
            path: step.path,
            size: source.size,
            sha256: source.blobKey,
            format: source.format,
            mediaType: source.mediaType,
            records: null,
          };
          if (step.kind === 'keep') {
            files.push(kept);
            // Kept files cost nothing: progress on every thousandth (a version may hold 100,000 images).
            if ((index + 1) % 1000 === 0 || index === steps.length - 1) await options.onProgress?.(index + 1, steps.length);
            continue;
          }
          const dir = path.join(work, `f${index}`);
          const [input] = await deps.materialize(
            [{ path: `input${path.extname(source.path).toLowerCase()}`, blobKey: source.blobKey }],
            dir,
          );
          try {
            let parquet = input!;
            if (source.format !== 'parquet') {
              parquet = path.join(dir, 'out.parquet');
              await toParquet(db, input!, source, parquet, dir);
            }
            const facts = await parquetFacts(db, parquet);
            const stored =
              source.format === 'parquet' ? { key: source.blobKey, size: source.size } : await deps.blobs.put(createReadStream(parquet));
            if (source.profiledRows !== undefined && source.profiledRows !== null && source.profiledRows !== facts.records) {
              warnings.push(`${source.path}: the profile counted ${source.profiledRows} rows, the Parquet file holds ${facts.records}`);
            }
            files.push({
              path: step.path,
              size: stored.size,
              sha256: stored.key,
              format: 'parquet',
              mediaType: PARQUET_MEDIA_TYPE,
              records: facts.records,
              columns: facts.columns,
              ...(step.split !== undefined ? { split: step.split } : {}),
              source: { path: source.path, sha256: source.blobKey, format: source.format },
            });
          } catch (error) {
            const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
            warnings.push(`${source.path}: not converted to Parquet (${message}); kept as it is`);
            files.push({ ...kept, path: source.path });
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
          await options.onProgress?.(index + 1, steps.length);
        }
      } finally {
        db?.close();
        await rm(work, { recursive: true, force: true });
      }
      return { files: assignConfigs(files).sort(byPath), warnings };
    },
  };
}

export type LayoutEngine = ReturnType<typeof createLayoutEngine>;
