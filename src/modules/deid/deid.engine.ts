/**
 * The de-identification run engine: does on disk what a platform run asks for (issue 6). It writes
 * a version's files into a scratch folder of its own (emptied first, removed at the end whatever
 * happens), de-identifies every JSON Lines, CSV and text file through `deidentifyFile` (a worker
 * pool using every core, streamed), pixelates faces in images (`deidentifyImageFolder`), copies the
 * other files, generalises the tables it is told to until they reach k and measures the risk left
 * on their quasi-identifiers, and hands the output folder and the run report to `store` (the
 * service makes a version of them). The deid service decides when to run it and keeps the result.
 */
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { EntityType } from './entities.js';
import type { FaceDetector } from './images/face-detector.js';
import type { FolderReport } from './images/deid-images.js';
import type { DeidKeys, OperatorName, Policy } from './policy.js';
import { policyHash } from './policy.js';
import { deidentifyFile, withoutSamples, type DeidRunReport } from './run/deidentify-file.js';
import type { DeidFormat, FieldStats, Sample } from './run/records.js';
import { anonymizeCounts, TargetUnreachableError, type ChosenLevel, type QuasiIdentifier } from './tables/anonymize.js';
import { CsvFileWriter, openCsvRecords } from './tables/csv-file.js';
import { hierarchyFor, suggestHierarchyKind } from './tables/hierarchies.js';
import { buildLegalDongIndex, type LegalDongIndex } from './tables/legal-dong.js';
import { ClassCounter, measureRisk, type RiskReport } from './tables/measures.js';

/** A CSV file to generalise until every combination of its quasi-identifiers is shared by k records. */
export interface DeidTableSetting {
  /** The file's manifest path. */
  file: string;
  quasi: string[];
  /** The k to reach (1: measure only). */
  k: number;
  /** Share of records that may be suppressed to reach k (default 0.05). */
  maxSuppression?: number;
}

export interface DeidRunOptions {
  tables: DeidTableSetting[];
  /** `faces`: pixelate faces in every image (default); `skip`: copy images unchanged (the report says so). */
  images: 'faces' | 'skip';
}

export interface DeidRunProgress {
  files: number;
  filesDone: number;
  currentFile: string | null;
  /** Bytes of the de-identified (text) files read so far, and in all. */
  bytes: number;
  totalBytes: number;
  records: number;
}

/** The risk left on a table's quasi-identifiers (no values: a class's key could name a person). */
export interface RiskSummary {
  records: number;
  classes: number;
  k: number;
  prosecutor: RiskReport['prosecutor'];
  smallClassCount: number;
  smallClassRecords: number;
}

export interface TableOutcome {
  file: string;
  quasi: string[];
  targetK: number;
  maxSuppression: number;
  /** After the policy ran, before generalisation. */
  before: RiskSummary;
  /** What is released: the residual risk. */
  after: RiskSummary;
  reached: boolean;
  levels: ChosenLevel[];
  suppressedRecords: number;
  /** Normalised certainty penalty of the generalisation (0: untouched, 1: everything suppressed). */
  informationLoss: number;
}

export interface DeidFileOutcome {
  path: string;
  /** The manifest's format. */
  format: string;
  action: 'deidentified' | 'pixelated' | 'copied' | 'not_written';
  /** Why a file was copied unchanged or not written. */
  reason?: string;
  /** For de-identified files: the run report without samples (the policy is given once, at the top). */
  run?: Omit<DeidRunReport, 'samples' | 'policy'>;
  /** For images: faces found and pixelated. */
  faces?: number;
}

/** What a platform run did: the report kept on the version it made (`deid_run`). */
export interface DeidVersionReport {
  runId: string;
  sourceVersion: { id: string; number: number };
  policy: { hash: string; content: Policy; uniqueIdentifiersLegalBasis?: string };
  files: DeidFileOutcome[];
  totals: {
    files: number;
    deidentified: number;
    copied: number;
    images: number;
    records: { in: number; out: number; changed: number; suppressed: number };
    bytes: number;
    unreadable: number;
    /** Entities acted on, per type, over every file. */
    entities: Partial<Record<EntityType, number>>;
    operators: Partial<Record<OperatorName, number>>;
  };
  /** Per file and column (CSV) or JSON path: `<file> › <field>`. */
  fields: Record<string, FieldStats>;
  /** Residual re-identification risk of each table the run was told about. */
  tables: TableOutcome[];
  images: {
    mode: 'faces' | 'skip' | 'none';
    images: number;
    faces: number;
    failed: number;
    skipped: number;
    model?: string;
    note?: string;
  };
  warnings: string[];
  timing: { startedAt: string; finishedAt: string; seconds: number };
  /** SENSITIVE: records before and after, in clear; served only to authorised reviewers. */
  samples: { sensitive: true; items: Array<Sample & { file: string }> };
}

/** A run that cannot succeed however often it is tried (a column the table lacks, k out of reach). */
export class DeidRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeidRunError';
  }
}

/** The manifest formats de-identified as records, and how each is read. */
const RECORD_FORMATS: Readonly<Record<string, DeidFormat>> = { jsonl: 'jsonl', csv: 'csv', text: 'text' };

/**
 * The format a manifest file is de-identified as, or undefined when it is not one of them.
 *
 * @example deidFormatOf('csv') // 'csv'
 */
export function deidFormatOf(manifestFormat: string): DeidFormat | undefined {
  return RECORD_FORMATS[manifestFormat];
}

const summary = (r: RiskReport): RiskSummary => ({
  records: r.records,
  classes: r.classes,
  k: r.k,
  prosecutor: r.prosecutor,
  smallClassCount: r.smallClassCount,
  smallClassRecords: r.smallClassRecords,
});

function add<K extends string>(into: Partial<Record<K, number>>, from: Partial<Record<K, number>>): void {
  for (const [key, n] of Object.entries(from) as Array<[K, number]>) into[key] = (into[key] ?? 0) + n;
}

export interface DeidEngineOptions {
  /** Writes a version's files into a folder (the refinery's ingest engine). */
  materialize(files: ReadonlyArray<{ path: string; blobKey: string }>, dir: string): Promise<unknown>;
  /** A folder of the engine's own; each run uses (and removes) a subfolder. */
  workDir: string;
  /** Worker threads per file (default: every core). */
  threads?: number;
  /** Loads the face detector (default: SSD MobileNet v1 from images/face-detector.ts, loaded on first use). */
  loadFaceDetector?: () => Promise<FaceDetector>;
  /** The 법정동 code table for address hierarchies (default: data/legal-dong.csv of the repository). */
  legalDongFile?: string;
}

export interface DeidRunInput {
  runId: string;
  sourceVersion: { id: string; number: number };
  files: ReadonlyArray<{ path: string; blobKey: string; format: string; size: number }>;
  policy: Policy;
  keys: DeidKeys;
  options: DeidRunOptions;
  onProgress?: (progress: DeidRunProgress) => void;
  signal?: AbortSignal;
}

/** The 법정동 table shipped with the repository (src/modules/deid and dist/modules/deid both sit three levels down). */
const DEFAULT_LEGAL_DONG = path.resolve(import.meta.dirname, '..', '..', '..', 'data', 'legal-dong.csv');

/**
 * @example
 * const engine = createDeidEngine({ materialize: ingest.materialize, workDir: '/var/lib/datadam/work/deid' });
 * const { report } = await engine.run(input, async (dir, report) => refinery.createDerivedVersion(…));
 */
export function createDeidEngine(engineOptions: DeidEngineOptions) {
  const workDir = path.resolve(engineOptions.workDir);
  const materialize = engineOptions.materialize;
  const threads = engineOptions.threads;
  let legalDong: Promise<LegalDongIndex | undefined> | undefined;
  let detector: Promise<FaceDetector> | undefined;

  const loadLegalDong = () =>
    (legalDong ??= (async () => {
      try {
        const { header, records } = await openCsvRecords(engineOptions.legalDongFile ?? DEFAULT_LEGAL_DONG);
        const all: string[][] = [header];
        for await (const record of records) all.push(record);
        return buildLegalDongIndex(all);
      } catch {
        // Without the table, addresses are generalised by their words (wordAddressHierarchy).
        return undefined;
      }
    })());

  const faceDetector = () =>
    (detector ??= engineOptions.loadFaceDetector
      ? engineOptions.loadFaceDetector()
      : import('./images/face-detector.js').then((m) => m.loadFaceDetector()));

  /** Generalises a CSV file in place until its quasi-identifiers reach k; returns what is left. */
  async function anonymizeFile(file: string, setting: DeidTableSetting, where: string): Promise<TableOutcome> {
    const maxSuppression = setting.maxSuppression ?? 0.05;
    const first = await openCsvRecords(file);
    const missing = setting.quasi.filter((c) => !first.header.includes(c));
    if (missing.length) {
      first.close();
      throw new DeidRunError(`${where}.quasi: ${setting.file} has no column ${missing.map((c) => `"${c}"`).join(', ')}`);
    }
    const quasiIdx = setting.quasi.map((c) => first.header.indexOf(c));
    const counter = new ClassCounter(quasiIdx);
    for await (const record of first.records) counter.add(record);
    const classes = counter.classes();
    // Listing small classes would print quasi-identifier values: the report keeps counts only.
    const before = measureRisk(classes, { targetK: setting.k, maxSmallClasses: 0 });
    const distinct = setting.quasi.map((_, a) => [...new Set(classes.map((c) => c.key[a]!))]);
    const kinds = setting.quasi.map((c, a) => suggestHierarchyKind(c, distinct[a]!.slice(0, 2000)));
    const index = kinds.includes('address') ? await loadLegalDong() : undefined;
    const quasi: QuasiIdentifier[] = setting.quasi.map((column, a) => ({
      column,
      hierarchy: hierarchyFor(kinds[a]!, distinct[a]!, index),
    }));
    let result;
    try {
      result = anonymizeCounts(classes, quasi, { k: setting.k, maxSuppression });
    } catch (error) {
      if (error instanceof TargetUnreachableError) {
        throw new DeidRunError(
          `${where}.k: ${setting.file} cannot reach k=${setting.k} by generalising ${setting.quasi.join(', ')} and suppressing at most ${Math.round(maxSuppression * 100)} % of its ${before.records} records`,
        );
      }
      throw error;
    }
    const untouched = result.levels.every((l) => l.level === 0) && result.suppressedRecords === 0;
    if (!untouched) {
      const temporary = `${file}.k-anonymous`;
      const writer = new CsvFileWriter(temporary);
      try {
        await writer.write(first.header);
        const second = await openCsvRecords(file);
        for await (const record of second.records) {
          const generalized = result.generalize(quasiIdx.map((i) => record[i]!));
          if (result.isSuppressed(generalized)) continue;
          quasiIdx.forEach((i, a) => (record[i] = generalized[a]!));
          await writer.write(record);
        }
      } finally {
        await writer.close();
      }
      await rename(temporary, file);
    }
    return {
      file: setting.file,
      quasi: setting.quasi,
      targetK: setting.k,
      maxSuppression,
      before: summary(before),
      after: summary(result.after),
      reached: result.after.k >= setting.k,
      levels: result.levels,
      suppressedRecords: result.suppressedRecords,
      informationLoss: result.loss.ncp,
    };
  }

  return {
    /**
     * Runs a de-identification over a version's files and hands the output folder and the report to
     * `store` (which makes a version of them) before the scratch folder is removed.
     */
    async run<T>(
      input: DeidRunInput,
      store: (outputDir: string, report: DeidVersionReport) => Promise<T>,
    ): Promise<{ report: DeidVersionReport; stored: T }> {
      if (!/^[A-Za-z0-9_-]{1,120}$/.test(input.runId))
        throw new Error(`A run id is letters, digits, - and _, not ${JSON.stringify(input.runId)}`);
      const started = new Date();
      const root = path.join(workDir, input.runId);
      await rm(root, { recursive: true, force: true });
      const inDir = path.join(root, 'in');
      const imageDir = path.join(root, 'images');
      const outDir = path.join(root, 'out');
      await mkdir(outDir, { recursive: true });
      try {
        const { policy, options } = input;
        const images = input.files.filter((f) => f.format === 'image');
        const others = input.files.filter((f) => f.format !== 'image');
        await materialize(others, inDir);
        const recordFiles = others.filter((f) => deidFormatOf(f.format) !== undefined);
        const progress: DeidRunProgress = {
          files: input.files.length,
          filesDone: 0,
          currentFile: null,
          bytes: 0,
          totalBytes: recordFiles.reduce((n, f) => n + f.size, 0),
          records: 0,
        };
        const report: DeidVersionReport = {
          runId: input.runId,
          sourceVersion: input.sourceVersion,
          policy: {
            hash: policyHash(policy),
            content: policy,
            ...(policy.allow_unique_identifiers_with_legal_basis
              ? { uniqueIdentifiersLegalBasis: policy.allow_unique_identifiers_with_legal_basis }
              : {}),
          },
          files: [],
          totals: {
            files: input.files.length,
            deidentified: 0,
            copied: 0,
            images: 0,
            records: { in: 0, out: 0, changed: 0, suppressed: 0 },
            bytes: 0,
            unreadable: 0,
            entities: {},
            operators: {},
          },
          fields: {},
          tables: [],
          images: { mode: images.length === 0 ? 'none' : options.images, images: 0, faces: 0, failed: 0, skipped: 0 },
          warnings: [],
          timing: { startedAt: started.toISOString(), finishedAt: '', seconds: 0 },
          samples: { sensitive: true, items: [] },
        };
        const tableSettings = new Map(options.tables.map((t, i) => [t.file, { setting: t, where: `tables[${i}]` }]));
        input.onProgress?.({ ...progress });

        for (const file of others) {
          input.signal?.throwIfAborted();
          const source = path.join(inDir, ...file.path.split('/'));
          const target = path.join(outDir, ...file.path.split('/'));
          await mkdir(path.dirname(target), { recursive: true });
          const format = deidFormatOf(file.format);
          progress.currentFile = file.path;
          if (format === undefined) {
            await copyFile(source, target);
            report.totals.copied++;
            const reason = `${file.format} files are not de-identified: copied unchanged`;
            report.files.push({ path: file.path, format: file.format, action: 'copied', reason });
            report.warnings.push(`${file.path}: ${reason}; check it holds no personal data`);
          } else {
            const bytesBefore = progress.bytes;
            const recordsBefore = progress.records;
            const run = await deidentifyFile(source, target, policy, {
              format,
              keys: input.keys,
              ...(threads !== undefined ? { threads } : {}),
              onProgress: (p) => {
                progress.bytes = bytesBefore + p.bytes;
                progress.records = recordsBefore + p.records;
                input.onProgress?.({ ...progress });
              },
            });
            progress.bytes = bytesBefore + run.input.bytes;
            progress.records = recordsBefore + run.records.in;
            const { policy: _policy, ...counts } = withoutSamples(run);
            report.files.push({ path: file.path, format: file.format, action: 'deidentified', run: counts });
            report.totals.deidentified++;
            const r = report.totals.records;
            r.in += run.records.in;
            r.out += run.records.out;
            r.changed += run.records.changed;
            r.suppressed += run.records.suppressed;
            report.totals.bytes += run.input.bytes;
            report.totals.unreadable += run.unreadable;
            add(report.totals.entities, run.entities);
            add(report.totals.operators, run.operators);
            for (const [field, stats] of Object.entries(run.fields ?? {})) report.fields[`${file.path} › ${field}`] = stats;
            for (const warning of run.warnings) report.warnings.push(`${file.path}: ${warning}`);
            for (const sample of run.samples.items) report.samples.items.push({ file: file.path, ...sample });
            const table = tableSettings.get(file.path);
            if (table) {
              if (format !== 'csv') throw new DeidRunError(`${table.where}.file: ${file.path} is not a CSV file`);
              report.tables.push(await anonymizeFile(target, table.setting, table.where));
            }
          }
          progress.filesDone++;
          input.onProgress?.({ ...progress });
        }

        if (images.length > 0) {
          if (options.images === 'skip') {
            await materialize(images, outDir);
            report.totals.copied += images.length;
            report.images.skipped = images.length;
            report.images.note = 'Images were skipped as asked: copied unchanged, faces not looked for';
            for (const image of images)
              report.files.push({ path: image.path, format: image.format, action: 'copied', reason: 'images skipped: copied unchanged' });
            report.warnings.push(`${images.length} image(s) copied unchanged: faces were not looked for`);
          } else {
            progress.currentFile = images[0]!.path;
            input.onProgress?.({ ...progress });
            await materialize(images, imageDir);
            const folder: FolderReport = await import('./images/deid-images.js').then(async (m) =>
              m.deidentifyImageFolder(imageDir, outDir, await faceDetector(), {
                onProgress: (done, _total, current) => {
                  progress.filesDone = others.length + done;
                  progress.currentFile = current || null;
                  input.onProgress?.({ ...progress });
                },
              }),
            );
            report.images = {
              mode: 'faces',
              images: folder.images,
              faces: folder.faces,
              failed: folder.failed,
              skipped: folder.skipped,
              model: folder.model,
              note: 'Faces pixelated; licence plates and other identifying content are not looked for (docs/deid-images.md)',
            };
            report.totals.images = folder.images;
            for (const outcome of folder.files) {
              const format = 'image';
              const at = outcome.path.split(path.sep).join('/');
              if (outcome.status === 'done') report.files.push({ path: at, format, action: 'pixelated', faces: outcome.faces.length });
              else {
                const reason = outcome.status === 'failed' ? outcome.error : outcome.reason;
                report.files.push({ path: at, format, action: 'not_written', reason });
                report.warnings.push(`${at}: not written (${reason})`);
              }
            }
          }
        }

        const finished = new Date();
        report.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        report.timing = {
          startedAt: started.toISOString(),
          finishedAt: finished.toISOString(),
          seconds: (finished.getTime() - started.getTime()) / 1000,
        };
        progress.currentFile = null;
        progress.filesDone = input.files.length;
        input.onProgress?.({ ...progress });
        return { report, stored: await store(outDir, report) };
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  };
}

export type DeidEngine = ReturnType<typeof createDeidEngine>;
