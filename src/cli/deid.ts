/**
 * `datadam deid …`: de-identification without a server. `deid scan` streams JSONL records through
 * the detection engine; `deid apply` and `deid risk` join the same parent command (see
 * `deidCommand`) and can reuse the JSONL helpers below.
 */
import { once } from 'node:events';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { AppError } from '../core/errors.js';
import { registerDeidApply } from './deid-apply.js';
import { registerDeidImages } from './deid-images.js';
import { registerDeidRisk } from './deid-risk.js';
import { DEFAULT_THRESHOLD, detectEntities, type DetectOptions } from '../modules/deid/detect.js';
import { ENTITY_TYPES, isEntityType, type EntityType } from '../modules/deid/entities.js';
import type { CensusCommandContext } from './census.js';

/** What program.ts hands every `deid` verb (the same helpers the other areas get). */
export type DeidCommandContext = Pick<CensusCommandContext, 'dataCommand' | 'action'>;

/** One input record of the JSONL contract. */
export interface DeidRecord {
  id: string | number;
  text: string;
}

/** A defect in the input data (not in the command line): exit 1, naming the line. */
export class JsonlInputError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'JsonlInputError';
    this.line = line;
  }
}

/**
 * The `deid` parent command, created on first use, so each `deid` verb can be registered on its own.
 *
 * @example deidCommand(program).command('risk')
 */
export function deidCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'deid') ??
    program.command('deid').description('de-identification: find personal information, transform it, measure re-identification risk')
  );
}

/**
 * Registers `datadam deid scan` (and is where `deid apply` / `deid risk` are added).
 *
 * @example registerDeidCommands(program, { dataCommand, action })
 */
export function registerDeidCommands(program: Command, context: DeidCommandContext): void {
  const deid = deidCommand(program);
  registerScanCommand(deid, context);
  registerDeidApply(deid, context);
  registerDeidImages(deid, context);
  registerDeidRisk(deid, context);
}

function registerScanCommand(deid: Command, { action }: DeidCommandContext): void {
  deid
    .command('scan')
    .description('find personal information in JSONL records {"id","text"}; writes {"id","entities"} per line, in order')
    .argument('[file]', 'the JSONL file (default: standard input; "-" also means standard input)')
    .option('--format <format>', 'input and output format (only jsonl for now)', 'jsonl')
    .option('--types <types>', `comma-separated entity types to report (default: all): ${ENTITY_TYPES.join(',')}`)
    .option('--threshold <score>', `minimum score in [0, 1] (default ${DEFAULT_THRESHOLD})`)
    .action(
      action(async (file: string | undefined, options: { format: string; types?: string; threshold?: string }) => {
        if (options.format !== 'jsonl') throw new AppError('bad_request', `Unknown format ${options.format}: use jsonl`);
        const detect: DetectOptions = {};
        if (options.types !== undefined) detect.types = parseEntityTypes(options.types);
        if (options.threshold !== undefined) detect.threshold = parseThreshold(options.threshold);
        await scanJsonl(openInput(file), process.stdout, detect);
      }),
    );
}

/**
 * Parses `--types PHONE,KR_RRN` into entity types; an unknown name is a usage error.
 *
 * @example parseEntityTypes('PHONE, KR_RRN') // ['PHONE', 'KR_RRN']
 */
export function parseEntityTypes(value: string): EntityType[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !isEntityType(n));
  if (unknown.length) throw new AppError('bad_request', `Unknown entity type ${unknown.join(', ')}: use ${ENTITY_TYPES.join(', ')}`);
  if (names.length === 0) throw new AppError('bad_request', `--types needs at least one of ${ENTITY_TYPES.join(', ')}`);
  return names as EntityType[];
}

/**
 * Parses `--threshold 0.7`: a number in [0, 1], or a usage error.
 *
 * @example parseThreshold('0.7') // 0.7
 */
export function parseThreshold(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new AppError('bad_request', `--threshold must be a number between 0 and 1, not ${value}`);
  }
  return n;
}

/**
 * The input stream for a FILE argument: standard input when absent or "-".
 *
 * @example openInput(undefined) // process.stdin
 */
export function openInput(file: string | undefined): Readable {
  if (file === undefined || file === '-') return process.stdin;
  if (!existsSync(file)) throw new AppError('not_found', `No such file: ${file}`);
  if (statSync(file).isDirectory()) throw new AppError('bad_request', `${file} is a folder, not a JSONL file`);
  return createReadStream(file);
}

/**
 * Reads JSONL records `{"id", "text"}` one line at a time (never the whole input in memory).
 * Blank lines are skipped; a line that is not such a record throws a JsonlInputError naming it.
 *
 * @example for await (const { line, record } of readJsonlRecords(stream)) console.log(line, record.id)
 */
export async function* readJsonlRecords(input: Readable): AsyncGenerator<{ line: number; record: DeidRecord }> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line++;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new JsonlInputError(line, `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new JsonlInputError(line, 'expected a JSON object {"id", "text"}');
    const { id, text } = value as Record<string, unknown>;
    if (typeof id !== 'string' && typeof id !== 'number') throw new JsonlInputError(line, '"id" must be a string or a number');
    if (typeof text !== 'string') throw new JsonlInputError(line, '"text" must be a string');
    yield { line, record: { id, text } };
  }
}

/**
 * Buffers lines for a writable stream and waits for it to drain, so a slow reader downstream
 * holds the scan back instead of filling memory.
 *
 * @example const out = createLineWriter(process.stdout); await out.write('{}'); await out.flush();
 */
export function createLineWriter(output: Writable, chunkSize = 64 * 1024) {
  let buffer = '';
  const flush = async () => {
    if (buffer === '') return;
    const chunk = buffer;
    buffer = '';
    if (!output.write(chunk)) await once(output, 'drain');
  };
  return {
    async write(line: string): Promise<void> {
      buffer += `${line}\n`;
      if (buffer.length >= chunkSize) await flush();
    },
    flush,
  };
}

/**
 * Scans JSONL records from `input` and writes `{"id","entities"}` lines to `output` in input order.
 * Lines before a malformed one are written before its error is thrown. Returns the records scanned.
 *
 * @example await scanJsonl(createReadStream('in.jsonl'), process.stdout, { types: ['PHONE'] })
 */
export async function scanJsonl(input: Readable, output: Writable, options: DetectOptions = {}): Promise<number> {
  const out = createLineWriter(output);
  let count = 0;
  try {
    for await (const { record } of readJsonlRecords(input)) {
      await out.write(JSON.stringify({ id: record.id, entities: detectEntities(record.text, options) }));
      count++;
    }
  } finally {
    await out.flush();
  }
  return count;
}
