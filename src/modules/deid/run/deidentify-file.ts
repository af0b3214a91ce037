/**
 * A de-identification run over a file: read in batches of records, each batch de-identified on a
 * worker thread, written out in the input's order, with the run report at the end. Memory stays
 * bounded however large the file: at most a few batches per thread are in flight, and reading
 * waits while the output stream is full (backpressure from the disk back to the reader).
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { parse as parseCsv } from 'csv-parse';
import type { EntityType } from '../entities.js';
import { policyHash, resolvePolicyKeys, type DeidKeys, type OperatorName, type Policy } from '../policy.js';
import { createInlineExecutor, createThreadPool, DEFAULT_DETECTOR_MODULE, type BatchExecutor } from './pool.js';
import {
  csvLine,
  emptyStats,
  mergeStats,
  type BatchResult,
  type DeidFormat,
  type FieldStats,
  type RawRecord,
  type Sample,
} from './records.js';

export interface DeidProgress {
  /** Bytes of the input read so far, and in all. */
  bytes: number;
  totalBytes: number;
  /** Records written or suppressed so far. */
  records: number;
}

export interface DeidentifyOptions {
  /** jsonl, csv or text; default from the file's extension (.jsonl/.ndjson, .csv, anything else text). */
  format?: DeidFormat;
  /** The keys the policy needs; default: resolved from the environment and the key file it names. */
  keys?: DeidKeys;
  /** Worker threads: default os.availableParallelism(); 0 runs every batch on this thread. */
  threads?: number;
  /** Records per batch (default 256). */
  batchRecords?: number;
  /** The module exporting `detectEntities` (default: the detection engine). */
  detectorModule?: string;
  onProgress?: (progress: DeidProgress) => void;
}

/** What a run did: the record an agency keeps next to the output. */
export interface DeidRunReport {
  format: DeidFormat;
  input: { name: string; bytes: number };
  output: { name: string; bytes: number };
  records: { in: number; out: number; changed: number; suppressed: number };
  /** Entities acted on, per type (field rules count under their `as` type). */
  entities: Partial<Record<EntityType, number>>;
  /** Values changed, per operator. */
  operators: Partial<Record<OperatorName, number>>;
  /** Values an operator could not read, written as the type's token instead. */
  unreadable: number;
  /** Per CSV column or JSON path (absent for plain text). */
  fields?: Record<string, FieldStats>;
  policy: {
    hash: string;
    /** The policy as applied, every default filled in. It holds no secret, only the names of where they are. */
    content: Policy;
    /** The legal basis the policy gives for keeping unique identifiers, if it does. */
    uniqueIdentifiersLegalBasis?: string;
  };
  timing: { startedAt: string; finishedAt: string; seconds: number; threads: number; recordsPerSecond: number; megabytesPerSecond: number };
  warnings: string[];
  /** SENSITIVE: records before and after, in clear. Shown only to authorised reviewers; strip before sharing (`withoutSamples`). */
  samples: { sensitive: true; items: Sample[] };
}

/**
 * The report without its sensitive part, for anyone who is not an authorised reviewer.
 *
 * @example JSON.stringify(withoutSamples(report))
 */
export function withoutSamples(report: DeidRunReport): Omit<DeidRunReport, 'samples'> {
  const { samples: _samples, ...rest } = report;
  return rest;
}

/**
 * The format a file name suggests.
 *
 * @example formatFromName('환자.csv') // 'csv'
 */
export function formatFromName(name: string): DeidFormat {
  const ext = path.extname(name).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  return 'text';
}

/** Lines of a byte stream (UTF-8, a leading BOM dropped), without their '\n'. */
async function* linesOf(source: AsyncIterable<Buffer>, onBytes: (n: number) => void): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let first = true;
  for await (const chunk of source) {
    onBytes(chunk.length);
    let text = pending + decoder.write(chunk);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const lines = text.split('\n');
    pending = lines.pop()!;
    yield* lines;
  }
  pending += decoder.end();
  if (pending !== '') yield pending;
}

/**
 * De-identifies a file into another under a policy and returns the run report. Records are
 * batched, de-identified on worker threads, and written in input order; a record whose rule says
 * `suppress` is dropped. On failure the partial output is removed and the error thrown.
 *
 * @example const report = await deidentifyFile('in.jsonl', 'out.jsonl', parsePolicy(yaml), { onProgress: (p) => bar.update(p.bytes) })
 */
export async function deidentifyFile(
  input: string,
  output: string,
  policy: Policy,
  options: DeidentifyOptions = {},
): Promise<DeidRunReport> {
  const started = new Date();
  const format = options.format ?? formatFromName(input);
  const keys = options.keys ?? resolvePolicyKeys(policy, { env: process.env, readFile: (file) => readFileSync(file, 'utf8') });
  const threads = options.threads ?? availableParallelism();
  const batchRecords = Math.max(1, options.batchRecords ?? 256);
  const totalBytes = (await stat(input)).size;
  const warnings: string[] = [];
  const stats = emptyStats();
  const samples: Sample[] = [];
  let bytesRead = 0;
  let outputBytes = 0;
  let columns: string[] | undefined;
  let executor: BatchExecutor | undefined;
  const startExecutor = () => {
    const setup = {
      batch: { format, policy, keys, sampleLimit: policy.samples, ...(columns ? { columns } : {}) },
      detectorModule: options.detectorModule ?? DEFAULT_DETECTOR_MODULE,
    };
    return threads === 0 ? createInlineExecutor(setup) : createThreadPool(setup, threads);
  };

  const out = createWriteStream(output);
  const write = async (text: string) => {
    if (!text) return;
    outputBytes += Buffer.byteLength(text);
    // events.once rejects if the stream errors while we wait, so a failed disk does not hang the run.
    if (!out.write(text)) await once(out, 'drain');
  };

  // Batches in flight, in input order: awaiting the oldest first keeps the output in order.
  const inFlight: Promise<BatchResult>[] = [];
  const maxInFlight = Math.max(2, 2 * Math.max(threads, 1));
  const takeOldest = async () => {
    const result = await inFlight.shift()!;
    mergeStats(stats, result.stats);
    for (const sample of result.samples) if (samples.length < policy.samples) samples.push(sample);
    await write(result.output);
    options.onProgress?.({ bytes: bytesRead, totalBytes, records: stats.records });
  };
  let batch: RawRecord[] = [];
  let batchChars = 0;
  let nextRecord = 1;
  const submit = async () => {
    if (batch.length === 0) return;
    executor ??= startExecutor();
    const pending = executor.run(batch, nextRecord);
    // Marked handled now: a failing batch behind an earlier one is reported when its turn comes.
    pending.catch(() => undefined);
    inFlight.push(pending);
    nextRecord += batch.length;
    batch = [];
    batchChars = 0;
    while (inFlight.length >= maxInFlight) await takeOldest();
  };
  const add = async (record: RawRecord, size: number) => {
    batch.push(record);
    batchChars += size;
    // Long records make small batches: a batch's memory, not its count, is what must stay bounded.
    if (batch.length >= batchRecords || batchChars >= 1 << 20) await submit();
  };

  const source = createReadStream(input);
  try {
    if (format === 'csv') {
      const parser = parseCsv({ bom: true, relax_column_count: true, skip_empty_lines: true });
      source.on('data', (chunk) => (bytesRead += chunk.length));
      source.on('error', (error) => parser.destroy(error));
      source.pipe(parser);
      for await (const row of parser as AsyncIterable<string[]>) {
        if (!columns) {
          columns = row;
          await write(`${csvLine(row)}\n`);
          for (const name of [...Object.keys(policy.fields), ...(policy.scan_fields === 'all' ? [] : policy.scan_fields)]) {
            if (!columns.includes(name)) warnings.push(`The policy names the field "${name}", which this file does not have`);
          }
          continue;
        }
        await add(
          row,
          row.reduce((n, cell) => n + cell.length, 0),
        );
      }
    } else {
      for await (const line of linesOf(source, (n) => (bytesRead += n))) await add(line, line.length);
    }
    await submit();
    while (inFlight.length) await takeOldest();
    out.end();
    await once(out, 'finish');
  } catch (error) {
    source.destroy();
    out.destroy();
    await Promise.allSettled(inFlight);
    await rm(output, { force: true });
    throw error;
  } finally {
    await executor?.close();
  }

  if (stats.withoutSubject > 0) {
    warnings.push(
      `${stats.withoutSubject} record(s) have no value in the subject field "${policy.subject_field}": their dates all share one shift`,
    );
  }
  const finished = new Date();
  const seconds = (finished.getTime() - started.getTime()) / 1000;
  const legalBasis = policy.allow_unique_identifiers_with_legal_basis;
  return {
    format,
    input: { name: path.basename(input), bytes: totalBytes },
    output: { name: path.basename(output), bytes: outputBytes },
    records: { in: stats.records, out: stats.records - stats.suppressed, changed: stats.changed, suppressed: stats.suppressed },
    entities: stats.entities,
    operators: stats.operators,
    unreadable: stats.unreadable,
    ...(format === 'text' ? {} : { fields: stats.fields }),
    policy: { hash: policyHash(policy), content: policy, ...(legalBasis ? { uniqueIdentifiersLegalBasis: legalBasis } : {}) },
    timing: {
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      seconds,
      threads: executor?.threads ?? threads,
      recordsPerSecond: Math.round(stats.records / Math.max(seconds, 0.001)),
      megabytesPerSecond: Math.round((totalBytes / 1e6 / Math.max(seconds, 0.001)) * 100) / 100,
    },
    warnings,
    samples: { sensitive: true, items: samples },
  };
}
