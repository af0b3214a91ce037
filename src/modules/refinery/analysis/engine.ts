/**
 * The analysis engine: runs the refinery's pure engines (profile, quality indicators, rules,
 * near-duplicates, recipes) on a version's files. It writes the files into a scratch folder of its
 * own (one per run, emptied first and removed at the end whatever happens), reads them with DuckDB
 * confined to that folder, and hands back plain JSON. The refinery service decides when to run it
 * and keeps what it returns.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { openDuckDb, sqlIdentifier, sqlString, type DuckDb } from '../duckdb.js';
import type { IngestEngine } from '../ingest/ingest.js';
import { profilePath, type FileProfile, type ProfileReport } from '../profile/index.js';
import { attributeSpread, type CategoryCounts } from '../quality/diversity.js';
import {
  completeness,
  formatValidity,
  redundantRecords,
  ruleConformance,
  semanticAccuracy,
  statisticalDiversity,
  syntacticAccuracy,
  uniqueness,
  type QualityIndicator,
} from '../quality/indicators.js';
import { nearDuplicates } from '../quality/minhash.js';
import { nearDuplicateImages, perceptualHash } from '../quality/phash.js';
import { RuleFileError, ruleApplies, runRules, type RuleResult, type RuleSet } from '../quality/rules.js';
import type { SamplingPlan } from '../quality/sampling.js';
import { applyRecipe, type RecipeRun } from '../recipe/apply.js';
import type { Recipe } from '../recipe/recipe.js';

/** What a dataset declares for its quality checks. */
export interface AnalysisSettings {
  /** The column holding each record's label (classification sets): its balance is measured. */
  labelColumn?: string;
  /** Labels that should all occur (a missing one lowers the balance). */
  expectedLabels?: string[];
  /** Columns describing the population (지역, 성별, 연령대…): their spread is measured. */
  attributes?: string[];
  /** The column (or JSON Lines field) holding free text: near-duplicate texts are looked for in it. */
  textField?: string;
}

/** A file's part in the version's records, and how to read it. */
type Readable = 'csv' | 'tsv' | 'jsonl' | 'parquet';
const READABLE: ReadonlySet<string> = new Set<Readable>(['csv', 'tsv', 'jsonl', 'parquet']);

/** The records of a version: each row of a table (CSV, TSV, JSON Lines, Parquet), and each other file as one record. */
export interface RecordUnit {
  path: string;
  /** Rows of the file (null: the file is one record). */
  rows: number | null;
}

export function recordUnits(profile: ProfileReport): RecordUnit[] {
  return profile.files.map((f) =>
    READABLE.has(f.format) && !f.error && f.rows !== null ? { path: f.path, rows: f.rows } : { path: f.path, rows: null },
  );
}

export function recordCount(units: readonly RecordUnit[]): number {
  return units.reduce((sum, u) => sum + (u.rows ?? 1), 0);
}

export interface DefectEntry {
  file: string;
  column: string;
  code: string;
  count: number;
  message: { ko: string; en: string };
  examples: Array<{ row: number; value: string }>;
}

export interface QualityReport {
  records: number;
  indicators: QualityIndicator[];
  /** Column defects the profile found, with example rows. */
  defects: DefectEntry[];
  duplicates: {
    /** Groups of identical rows (first five per file), by 1-based row. */
    exact: Array<{ file: string; rows: number[]; count: number }>;
    texts: Array<{ file: string; rows: number[]; texts: string[] }>;
    images: Array<{ files: string[] }>;
  };
  /** Each rule on each file it applies to; failing rows cut to the first five. */
  rules: RuleResult[];
  settings: AnalysisSettings;
  /** Things that could not be measured, and why. */
  warnings: string[];
}

export interface QualityInput {
  profile: ProfileReport;
  settings: AnalysisSettings;
  rules?: RuleSet;
  /** The latest completed inspection. */
  inspection?: { id: string; passed: number; failed: number; plan: SamplingPlan };
}

const MAX_TEXTS = 200_000;
const EXAMPLE_GROUPS = 5;

function scanSql(file: string, format: Readable): string {
  const source = sqlString(path.resolve(file));
  switch (format) {
    case 'csv':
      return `read_csv(${source}, header = true, all_varchar = true)`;
    case 'tsv':
      return `read_csv(${source}, header = true, all_varchar = true, delim = '\\t')`;
    case 'parquet':
      return `read_parquet(${source})`;
    case 'jsonl':
      return `read_json(${source}, format = 'newline_delimited')`;
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A JSON-safe text of a DuckDB value. */
function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

async function columnsOf(db: DuckDb, source: string): Promise<string[]> {
  return (await db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${source}`)).map((r) => r.column_name);
}

export interface AnalysisEngineOptions {
  ingest: IngestEngine;
  /** A folder of the engine's own; each run uses (and removes) a subfolder. */
  workDir: string;
  /** DuckDB's memory limit per run (default '1GB'). */
  memoryLimit?: string;
}

/**
 * @example
 * const engine = createAnalysisEngine({ ingest, workDir: '/var/lib/datadam/work/analysis' });
 * const profile = await engine.profile(versionId, await refinery.versionFiles(versionId), {});
 */
export function createAnalysisEngine(options: AnalysisEngineOptions) {
  const workDir = path.resolve(options.workDir);
  const memoryLimit = options.memoryLimit ?? '1GB';

  /** Writes the files into a fresh scratch folder, runs `fn` on it, and removes it. */
  async function withFiles<T>(
    runId: string,
    files: ReadonlyArray<{ path: string; blobKey: string }>,
    fn: (dirs: { root: string; input: string }) => Promise<T>,
  ): Promise<T> {
    if (!/^[A-Za-z0-9_-]{1,120}$/.test(runId))
      throw new Error(`An analysis run id is letters, digits, - and _, not ${JSON.stringify(runId)}`);
    const root = path.join(workDir, runId);
    await rm(root, { recursive: true, force: true });
    const input = path.join(root, 'in');
    await mkdir(input, { recursive: true });
    try {
      await options.ingest.materialize(files, input);
      return await fn({ root, input });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }

  async function duck<T>(root: string, fn: (db: DuckDb) => Promise<T>): Promise<T> {
    const spill = path.join(root, 'spill');
    await mkdir(spill, { recursive: true });
    const db = await openDuckDb({ allowedDirectories: [root], memoryLimit, tempDirectory: spill, threads: 2 });
    try {
      return await fn(db);
    } finally {
      db.close();
    }
  }

  return {
    /** Profiles every file of a version (tables, text, images, media, annotations). */
    async profile(
      runId: string,
      files: ReadonlyArray<{ path: string; blobKey: string }>,
      settings: AnalysisSettings,
    ): Promise<ProfileReport> {
      return withFiles(runId, files, async ({ root, input }) => {
        const scratch = path.join(root, 'profile');
        await mkdir(scratch, { recursive: true });
        return profilePath(input, { workDir: scratch, ...(settings.textField ? { textField: settings.textField } : {}) });
      });
    },

    /** The quality indicators of a version, from its profile and its files. */
    async quality(runId: string, files: ReadonlyArray<{ path: string; blobKey: string }>, input: QualityInput): Promise<QualityReport> {
      const { profile, settings } = input;
      const warnings: string[] = [];
      const units = recordUnits(profile);
      const records = recordCount(units);
      const tables = profile.files.filter((f) => READABLE.has(f.format) && !f.error);

      // Completeness and format validity come from the profile alone.
      let cells = 0;
      let missingCells = 0;
      for (const file of profile.files) {
        if (file.rows === null || file.columns.length === 0) continue;
        cells += file.rows * file.columns.length;
        missingCells += file.columns.reduce((sum, c) => sum + Math.min(c.nulls, file.rows ?? 0), 0);
      }
      const indicators: QualityIndicator[] = [
        completeness({ cells, missingCells }),
        formatValidity({ files: profile.files.length, parsedFiles: profile.files.filter((f) => !f.error).length }),
      ];
      const annotated = profile.files.filter((f) => f.annotations);
      if (annotated.length > 0) {
        indicators.push(
          syntacticAccuracy({
            records: annotated.reduce((s, f) => s + f.annotations!.records, 0),
            validRecords: annotated.reduce((s, f) => s + f.annotations!.validRecords, 0),
          }),
        );
      }

      const defects: DefectEntry[] = profile.files.flatMap((file: FileProfile) =>
        file.columns.flatMap((column) =>
          column.defects.map((d) => ({
            file: file.path,
            column: column.name,
            code: d.code,
            count: d.count,
            message: d.message,
            examples: d.examples,
          })),
        ),
      );

      const duplicates: QualityReport['duplicates'] = { exact: [], texts: [], images: [] };
      let exactDuplicates = 0;
      let nearDuplicateTexts = 0;
      let nearDuplicateImageCount = 0;
      const ruleResults: RuleResult[] = [];
      const labelCounts: Record<string, number> = {};
      const attributeCounts: Record<string, Record<string, number>> = {};
      let labelSeen = false;

      await withFiles(runId, files, async ({ root, input: dir }) => {
        await duck(root, async (db) => {
          for (const file of tables) {
            const absolute = path.join(dir, ...file.path.split('/'));
            const source = scanSql(absolute, file.format as Readable);
            let columns: string[];
            try {
              columns = await columnsOf(db, source);
            } catch (error) {
              warnings.push(`${file.path}: could not be read for duplicates and rules: ${message(error)}`);
              continue;
            }
            const keys = columns.map(sqlIdentifier).join(', ');
            // Exact duplicate rows: every member of a group of identical rows but the first.
            try {
              if (!columns.includes('ordinality')) {
                const numbered = `(SELECT * FROM ${source} WITH ORDINALITY)`;
                const [total] = await db.all<{ n: number | null }>(
                  `SELECT sum(c - 1) AS n FROM (SELECT count(*) AS c FROM ${source} GROUP BY ${keys} HAVING count(*) > 1)`,
                );
                const dup = Number(total?.n ?? 0);
                exactDuplicates += dup;
                if (dup > 0) {
                  const groups = await db.all<{ rows: number[]; c: number }>(
                    `SELECT list(ordinality ORDER BY ordinality)[1:5] AS rows, count(*) AS c FROM ${numbered} GROUP BY ${keys} HAVING count(*) > 1 ORDER BY min(ordinality) LIMIT ${EXAMPLE_GROUPS}`,
                  );
                  for (const g of groups) duplicates.exact.push({ file: file.path, rows: g.rows.map(Number), count: Number(g.c) });
                }
              }
            } catch (error) {
              warnings.push(`${file.path}: exact duplicates not counted: ${message(error)}`);
            }
            // Near-duplicate texts among the distinct rows (so an exact copy is not counted twice).
            if (settings.textField && columns.includes(settings.textField)) {
              try {
                const field = sqlIdentifier(settings.textField);
                const rows = await db.all<{ t: string; r: number }>(
                  `SELECT CAST(${field} AS VARCHAR) AS t, min(ordinality) AS r FROM (SELECT * FROM ${source} WITH ORDINALITY) ` +
                    `WHERE ${field} IS NOT NULL GROUP BY ${keys} ORDER BY r LIMIT ${MAX_TEXTS}`,
                );
                const result = nearDuplicates(rows.map((r) => r.t));
                nearDuplicateTexts += redundantRecords(result.clusters);
                for (const cluster of result.clusters.slice(0, EXAMPLE_GROUPS)) {
                  duplicates.texts.push({
                    file: file.path,
                    rows: cluster.slice(0, 5).map((i) => Number(rows[i]!.r)),
                    texts: cluster.slice(0, 5).map((i) => rows[i]!.t.slice(0, 300)),
                  });
                }
              } catch (error) {
                warnings.push(`${file.path}: near-duplicate texts not looked for: ${message(error)}`);
              }
            }
            // Label balance and attribute spread.
            const tally = async (column: string, into: Record<string, number>) => {
              const id = sqlIdentifier(column);
              const counts = await db.all<{ v: string; n: number }>(
                `SELECT CAST(${id} AS VARCHAR) AS v, count(*) AS n FROM ${source} WHERE ${id} IS NOT NULL AND trim(CAST(${id} AS VARCHAR)) <> '' GROUP BY 1`,
              );
              for (const c of counts) into[c.v] = (into[c.v] ?? 0) + Number(c.n);
            };
            try {
              if (settings.labelColumn && columns.includes(settings.labelColumn)) {
                labelSeen = true;
                await tally(settings.labelColumn, labelCounts);
              }
              for (const attribute of settings.attributes ?? []) {
                if (!columns.includes(attribute)) continue;
                await tally(attribute, (attributeCounts[attribute] ??= {}));
              }
            } catch (error) {
              warnings.push(`${file.path}: labels or attributes not counted: ${message(error)}`);
            }
            // The dataset's rules, on the files they apply to.
            if (input.rules && (file.format === 'csv' || file.format === 'jsonl' || file.format === 'parquet')) {
              const applicable = input.rules.rules.filter((rule) => ruleApplies(rule, input.rules!.file, file.path));
              if (applicable.length > 0) {
                try {
                  for (const result of await runRules(db, applicable, absolute, file.path)) {
                    ruleResults.push({ ...result, failingRows: result.failingRows.slice(0, 5) });
                  }
                } catch (error) {
                  if (error instanceof RuleFileError) {
                    warnings.push(`${file.path}: ${error.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
                  } else {
                    warnings.push(`${file.path}: rules not run: ${message(error)}`);
                  }
                }
              }
            }
          }
        });

        // Near-duplicate images by perceptual hash.
        const images = profile.files.filter((f) => f.format === 'image' && !f.error);
        const hashes: Array<{ file: string; hash: string }> = [];
        for (const image of images) {
          try {
            hashes.push({ file: image.path, hash: await perceptualHash(path.join(dir, ...image.path.split('/'))) });
          } catch (error) {
            warnings.push(`${image.path}: no perceptual hash: ${message(error)}`);
          }
        }
        if (hashes.length > 1) {
          const result = nearDuplicateImages(hashes.map((h) => h.hash));
          nearDuplicateImageCount = redundantRecords(result.clusters);
          for (const cluster of result.clusters.slice(0, EXAMPLE_GROUPS))
            duplicates.images.push({ files: cluster.map((i) => hashes[i]!.file) });
        }
      });

      // Each method's finds are capped by what is left, so the union never passes the records.
      const exact = Math.min(exactDuplicates, records);
      const texts = Math.min(nearDuplicateTexts, records - exact);
      indicators.push(
        uniqueness({
          records,
          exactDuplicates: exact,
          nearDuplicateTexts: texts,
          nearDuplicateImages: Math.min(nearDuplicateImageCount, records - exact - texts),
        }),
      );

      if (settings.labelColumn || (settings.attributes ?? []).length > 0) {
        if (settings.labelColumn && !labelSeen) warnings.push(`The label column "${settings.labelColumn}" is in no table`);
        const attributes = attributeSpread(attributeCounts as Record<string, CategoryCounts>);
        indicators.push(
          statisticalDiversity({
            ...(labelSeen ? { labelCounts, expectedLabels: settings.expectedLabels ?? [] } : {}),
            attributes,
          }),
        );
      }
      if (input.rules) indicators.push(ruleConformance({ results: ruleResults }));
      if (input.inspection) {
        const indicator = semanticAccuracy({
          passed: input.inspection.passed,
          failed: input.inspection.failed,
          plan: input.inspection.plan,
        });
        indicators.push({ ...indicator, inputs: { ...indicator.inputs, inspectionId: input.inspection.id } });
      }

      return { records, indicators, defects, duplicates, rules: ruleResults, settings, warnings };
    },

    /**
     * Reads records of a version by file and 1-based row: a table row's columns as text, or for a
     * file that is one record, what is known of the file.
     */
    async readRecords(
      runId: string,
      files: ReadonlyArray<{ path: string; blobKey: string; format: string; mediaType: string; size: number }>,
      wanted: ReadonlyArray<{ path: string; row: number | null }>,
    ): Promise<Array<Record<string, string | null>>> {
      const byPath = new Map(files.map((f) => [f.path, f]));
      const needed = files.filter((f) => wanted.some((w) => w.path === f.path && w.row !== null));
      const rowsOf = new Map<string, Map<number, Record<string, string | null>>>();
      if (needed.length > 0) {
        await withFiles(runId, needed, async ({ root, input: dir }) => {
          await duck(root, async (db) => {
            for (const file of needed) {
              const rows = [...new Set(wanted.filter((w) => w.path === file.path && w.row !== null).map((w) => w.row!))];
              const source = scanSql(path.join(dir, ...file.path.split('/')), file.format as Readable);
              const found = new Map<number, Record<string, string | null>>();
              for (let i = 0; i < rows.length; i += 500) {
                const batch = rows.slice(i, i + 500);
                const read = await db.all(`SELECT * FROM ${source} WITH ORDINALITY WHERE ordinality IN (${batch.join(', ')})`);
                for (const row of read) {
                  const n = Number(row.ordinality);
                  const values: Record<string, string | null> = {};
                  for (const [key, value] of Object.entries(row)) if (key !== 'ordinality') values[key] = textOf(value);
                  found.set(n, values);
                }
              }
              rowsOf.set(file.path, found);
            }
          });
        });
      }
      return wanted.map((w) => {
        if (w.row !== null) return rowsOf.get(w.path)?.get(w.row) ?? {};
        const file = byPath.get(w.path);
        return { file: w.path, mediaType: file?.mediaType ?? null, bytes: file ? String(file.size) : null };
      });
    },

    /**
     * Applies a recipe to a version's files, then hands the output folder (its `data/` files) to
     * `store` before it is removed.
     */
    async recipe<T>(
      runId: string,
      files: ReadonlyArray<{ path: string; blobKey: string }>,
      recipe: Recipe,
      store: (outputDir: string, run: RecipeRun) => Promise<T>,
    ): Promise<{ run: RecipeRun; stored: T }> {
      return withFiles(runId, files, async ({ root, input }) => {
        const output = path.join(root, 'out');
        const run = await applyRecipe(recipe, input, output, { memoryLimit });
        // The run record is kept as the new version's report, not as one of its files.
        await rm(path.join(output, 'run.json'), { force: true });
        return { run, stored: await store(output, run) };
      });
    },
  };
}

export type AnalysisEngine = ReturnType<typeof createAnalysisEngine>;
