/**
 * Profiles of annotation files (JSON or JSON Lines): every record checked against the JSON Schema
 * the dataset declares (ajv), and the distribution of a declared label path. JSON Lines are
 * streamed record by record; a JSON file is parsed whole (a top-level array is a list of records,
 * anything else one record), so very large annotation sets belong in JSON Lines.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject } from 'ajv';
import { decodeStream } from '../../shared/encoding.js';

export interface AnnotationError {
  /** 1-based record number (line number for JSON Lines, array index + 1 for JSON). */
  record: number;
  /** JSON Pointer to the offending value inside the record ('' for the record itself). */
  pointer: string;
  message: string;
}

export interface AnnotationProfile {
  records: number;
  validRecords: number;
  /** Total errors found (every schema error of every record, and unreadable records). */
  errorCount: number;
  /** The first 20 errors. */
  errors: AnnotationError[];
  /** Label → count for `labelPath`, most frequent first (labels as JSON text for non-strings). */
  labels?: Array<{ label: string; count: number }>;
  /** Records where `labelPath` found nothing. */
  unlabelled?: number;
}

export interface AnnotationOptions {
  format: 'json' | 'jsonl';
  /** A JSON Schema (draft-07 or 2019-09 style as ajv's default supports). */
  schema?: object;
  /** e.g. 'label', 'meta.class' or 'annotations[].category'. */
  labelPath?: string;
}

const MAX_ERRORS = 20;

/**
 * Every value `labelPath` reaches in `record`: dots go into objects, `[]` into every array element.
 *
 * @example valuesAt({ annotations: [{ category: 'car' }, { category: 'bus' }] }, 'annotations[].category') // ['car', 'bus']
 */
export function valuesAt(record: unknown, labelPath: string): unknown[] {
  let current: unknown[] = [record];
  for (const raw of labelPath.split('.')) {
    const spread = raw.endsWith('[]');
    const key = spread ? raw.slice(0, -2) : raw;
    const next: unknown[] = [];
    for (const value of current) {
      const child =
        key === ''
          ? value
          : value !== null && typeof value === 'object' && !Array.isArray(value)
            ? (value as Record<string, unknown>)[key]
            : undefined;
      if (child === undefined) continue;
      if (spread) {
        if (Array.isArray(child)) next.push(...child);
      } else next.push(child);
    }
    current = next;
  }
  return current;
}

/**
 * Validates annotation records and counts their labels.
 *
 * @example
 * const p = await profileAnnotations('/data/up/labels.jsonl', { format: 'jsonl', schema, labelPath: 'label' });
 * p.errors[0]; // { record: 12, pointer: '/label', message: 'must be integer' }
 */
export async function profileAnnotations(file: string, options: AnnotationOptions): Promise<AnnotationProfile> {
  const validate = options.schema ? new Ajv({ allErrors: true, strict: false }).compile(options.schema) : undefined;
  const labels = new Map<string, number>();
  let records = 0;
  let valid = 0;
  let errorCount = 0;
  let unlabelled = 0;
  const errors: AnnotationError[] = [];
  const report = (error: AnnotationError) => {
    errorCount++;
    if (errors.length < MAX_ERRORS) errors.push(error);
  };
  const visit = (record: unknown, number: number) => {
    records++;
    if (validate) {
      if (validate(record)) valid++;
      else for (const e of validate.errors ?? []) report({ record: number, pointer: e.instancePath, message: messageOf(e) });
    } else valid++;
    if (options.labelPath !== undefined) {
      const found = valuesAt(record, options.labelPath);
      if (found.length === 0) unlabelled++;
      for (const value of found) {
        const label = typeof value === 'string' ? value : JSON.stringify(value);
        labels.set(label, (labels.get(label) ?? 0) + 1);
      }
    }
  };

  if (options.format === 'jsonl') {
    let number = 0;
    let partial = '';
    const handle = (line: string) => {
      number++;
      if (line.trim() === '') return;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (error) {
        records++;
        report({ record: number, pointer: '', message: `not JSON: ${(error as Error).message}` });
        return;
      }
      visit(record, number);
    };
    for await (const chunk of decodeStream(createReadStream(file, { highWaterMark: 1024 * 1024 })).text) {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const part of parts) handle(part);
    }
    if (partial !== '') handle(partial);
  } else {
    let document: unknown;
    try {
      document = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
    } catch (error) {
      throw new Error(`not JSON: ${(error as Error).message}`, { cause: error });
    }
    if (Array.isArray(document)) document.forEach((record, i) => visit(record, i + 1));
    else visit(document, 1);
  }

  return {
    records,
    validRecords: valid,
    errorCount,
    errors,
    ...(options.labelPath !== undefined
      ? {
          labels: [...labels.entries()]
            .map(([label, count]) => ({ label, count }))
            .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)),
          unlabelled,
        }
      : {}),
  };
}

function messageOf(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties')
    return `${error.message ?? 'is not allowed'}: ${String((error.params as { additionalProperty?: string }).additionalProperty)}`;
  if (error.keyword === 'enum')
    return `${error.message ?? 'is not allowed'}: ${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)}`;
  return error.message ?? error.keyword;
}
