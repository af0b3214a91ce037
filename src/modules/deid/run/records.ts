/**
 * De-identifying records of each format: a JSONL line (a JSON object, every string field or the
 * chosen ones scanned), a CSV row (every column or the chosen ones), a plain-text line. One batch
 * of records in, the output lines and the counts out: the unit of work a worker thread does, and
 * exactly what a single-thread run does too, so both produce the same bytes.
 */
import type { Entity, EntityType } from '../entities.js';
import type { DeidKeys, FieldRule, OperatorName, Policy } from '../policy.js';
import { applyFieldRule, applyPolicy } from './apply.js';

export type DeidFormat = 'jsonl' | 'csv' | 'text';
export const DEID_FORMATS: readonly DeidFormat[] = ['jsonl', 'csv', 'text'];

/** The detection engine's signature (src/modules/deid/detect.ts). */
export type Detector = (text: string, options: { types?: readonly EntityType[]; threshold?: number }) => Entity[];

/** A record as read: a line (JSONL, text) or the cells of a CSV row. */
export type RawRecord = string | string[];

/** Everything a batch needs besides its records; sent once to each worker thread. */
export interface BatchSetup {
  format: DeidFormat;
  policy: Policy;
  keys: DeidKeys;
  /** CSV: the header's column names. */
  columns?: string[];
  /** How many before/after samples a batch returns at most (the run keeps the first overall). */
  sampleLimit: number;
}

/** Counts of one field (CSV column, JSON path). */
export interface FieldStats {
  /** Entities found in the field, per type. */
  entities: Partial<Record<EntityType, number>>;
  /** Values changed by the field's own rule (`fields.<name>`). */
  transformed: number;
  /** Values the rule's operator could not read, written as the field's token instead. */
  unreadable: number;
}

export interface BatchStats {
  records: number;
  changed: number;
  suppressed: number;
  entities: Partial<Record<EntityType, number>>;
  operators: Partial<Record<OperatorName, number>>;
  /** Entity values an operator could not read (a `generalize` of an address it could not parse), written as the token. */
  unreadable: number;
  fields: Record<string, FieldStats>;
  /** Records with dates to shift but no value in the subject field: they all share one shift. */
  withoutSubject: number;
}

/** A record before and after: personal data in clear. Only authorised reviewers may see these. */
export interface Sample {
  /** The record's number in the input (1-based, not counting a CSV header). */
  record: number;
  before: string;
  /** Null when the record was suppressed. */
  after: string | null;
}

export interface BatchResult {
  /** The output lines, each ending with a newline. */
  output: string;
  stats: BatchStats;
  samples: Sample[];
}

/**
 * An empty set of counts.
 *
 * @example emptyStats().records // 0
 */
export function emptyStats(): BatchStats {
  return { records: 0, changed: 0, suppressed: 0, entities: {}, operators: {}, unreadable: 0, fields: {}, withoutSubject: 0 };
}

function add<K extends string>(counts: Partial<Record<K, number>>, key: K, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

/**
 * Adds the counts of `from` into `into` (in place).
 *
 * @example mergeStats(total, batch.stats)
 */
export function mergeStats(into: BatchStats, from: BatchStats): void {
  into.records += from.records;
  into.changed += from.changed;
  into.suppressed += from.suppressed;
  into.unreadable += from.unreadable;
  into.withoutSubject += from.withoutSubject;
  for (const [k, n] of Object.entries(from.entities)) add(into.entities, k as EntityType, n);
  for (const [k, n] of Object.entries(from.operators)) add(into.operators, k as OperatorName, n);
  for (const [name, f] of Object.entries(from.fields)) {
    const target = (into.fields[name] ??= { entities: {}, transformed: 0, unreadable: 0 });
    target.transformed += f.transformed;
    target.unreadable += f.unreadable;
    for (const [k, n] of Object.entries(f.entities)) add(target.entities, k as EntityType, n);
  }
}

/** Quotes a CSV cell when it must be (RFC 4180). */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * A CSV line from cells, without the newline.
 *
 * @example csvLine(['a', 'b,c']) // 'a,"b,c"'
 */
export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',');
}

/**
 * De-identifies a batch of records; their numbers (in samples and errors) start at `firstRecord` (1-based).
 *
 * @example processBatch(['홍길동 010-1234-5678'], 1, { format: 'text', policy, keys, sampleLimit: 0 }, detectEntities).output // '[이름] [전화번호]\n'
 */
export function processBatch(records: readonly RawRecord[], firstRecord: number, setup: BatchSetup, detect: Detector): BatchResult {
  const processor = new RecordProcessor(setup, detect);
  const lines: string[] = [];
  const samples: Sample[] = [];
  records.forEach((record, i) => {
    const result = processor.process(record, firstRecord + i);
    if (result === undefined) return;
    if (result.after !== null) lines.push(`${result.after}\n`);
    if (result.changed && samples.length < setup.sampleLimit)
      samples.push({ record: firstRecord + i, before: result.before, after: result.after });
  });
  return { output: lines.join(''), stats: processor.stats, samples };
}

interface RecordOutcome {
  before: string;
  after: string | null;
  changed: boolean;
}

class RecordProcessor {
  readonly stats = emptyStats();
  private readonly fieldRules: ReadonlyMap<string, FieldRule>;
  private readonly scanAll: boolean;
  private readonly scanned: ReadonlySet<string>;
  private readonly shiftsDates: boolean;

  constructor(
    private readonly setup: BatchSetup,
    private readonly detect: Detector,
  ) {
    this.fieldRules = new Map(Object.entries(setup.policy.fields));
    this.scanAll = setup.policy.scan_fields === 'all';
    this.scanned = new Set(setup.policy.scan_fields === 'all' ? [] : setup.policy.scan_fields);
    this.shiftsDates = Object.values(setup.policy.fields).some((rule) => rule.operator === 'date_shift');
  }

  /** Undefined for a line that is no record (a blank line of JSONL). */
  process(record: RawRecord, number: number): RecordOutcome | undefined {
    switch (this.setup.format) {
      case 'text':
        return this.count(this.processText(record as string));
      case 'jsonl': {
        const line = record as string;
        if (!line.trim()) return undefined;
        return this.count(this.processJson(line, number));
      }
      case 'csv':
        return this.count(this.processCsv(record as string[]));
    }
  }

  private count(outcome: RecordOutcome): RecordOutcome {
    this.stats.records++;
    if (outcome.after === null) this.stats.suppressed++;
    if (outcome.changed) this.stats.changed++;
    return outcome;
  }

  private fieldStats(name: string): FieldStats {
    return (this.stats.fields[name] ??= { entities: {}, transformed: 0, unreadable: 0 });
  }

  /** Detection and the type rules on one string; `field` names it in the counts. */
  private scanText(text: string, field: string | undefined, subjectKey: string | undefined): { text: string; suppressed: boolean } {
    const { policy, keys } = this.setup;
    const entities = this.detect(text, { types: policy.detect, threshold: policy.threshold });
    if (entities.length === 0) return { text, suppressed: false };
    const result = applyPolicy(text, entities, policy, { keys, ...(subjectKey === undefined ? {} : { subjectKey }) });
    for (const r of result.replacements) {
      add(this.stats.entities, r.type);
      add(this.stats.operators, r.operator);
      if (!r.applied) this.stats.unreadable++;
      if (field !== undefined) add(this.fieldStats(field).entities, r.type);
    }
    return { text: result.text, suppressed: result.suppressed };
  }

  /** A field's own rule on its whole value. */
  private applyRule(
    value: string,
    name: string,
    rule: FieldRule,
    subjectKey: string | undefined,
  ): { value: string | undefined; suppressed: boolean } {
    const { policy, keys } = this.setup;
    const result = applyFieldRule(value, rule, policy, { keys, ...(subjectKey === undefined ? {} : { subjectKey }) });
    const stats = this.fieldStats(name);
    if (rule.operator !== 'keep') {
      stats.transformed++;
      add(this.stats.operators, rule.operator);
      if (rule.as) add(this.stats.entities, rule.as);
    }
    if (!result.applied) stats.unreadable++;
    return result;
  }

  private shouldScan(name: string): boolean {
    return this.scanAll || this.scanned.has(name);
  }

  private processText(line: string): RecordOutcome {
    const { text, suppressed } = this.scanText(line, undefined, undefined);
    return { before: line, after: suppressed ? null : text, changed: suppressed || text !== line };
  }

  private processCsv(cells: string[]): RecordOutcome {
    const columns = this.setup.columns ?? [];
    const subjectIndex = this.setup.policy.subject_field === undefined ? -1 : columns.indexOf(this.setup.policy.subject_field);
    const subjectKey = subjectIndex >= 0 && cells[subjectIndex] !== '' ? cells[subjectIndex] : undefined;
    if (this.shiftsDates && subjectKey === undefined) this.stats.withoutSubject++;
    let suppressed = false;
    const out = cells.map((cell, i) => {
      if (suppressed || cell === '') return cell;
      const name = columns[i] ?? `column_${i + 1}`;
      const rule = this.fieldRules.get(name);
      if (rule) {
        const r = this.applyRule(cell, name, rule, subjectKey);
        suppressed ||= r.suppressed;
        return r.value ?? '';
      }
      if (!this.shouldScan(name)) return cell;
      const r = this.scanText(cell, name, subjectKey);
      suppressed ||= r.suppressed;
      return r.text;
    });
    const before = csvLine(cells);
    if (suppressed) return { before, after: null, changed: true };
    const after = csvLine(out);
    return { before, after, changed: after !== before };
  }

  private processJson(line: string, number: number): RecordOutcome {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      // The parser's message quotes the line, which may hold personal data: it stays out of the error.
      throw new Error(`Record ${number} is not valid JSON`, { cause: error });
    }
    const subjectField = this.setup.policy.subject_field;
    const subject = subjectField === undefined ? undefined : valueAtPath(record, subjectField);
    const subjectKey =
      subject === undefined || subject === null ? undefined : typeof subject === 'object' ? JSON.stringify(subject) : String(subject);
    if (this.shiftsDates && (subjectKey === undefined || subjectKey === '')) this.stats.withoutSubject++;
    let suppressed = false;
    let changed = false;
    const visit = (value: unknown, path: string): unknown => {
      if (suppressed) return value;
      const rule = path ? this.fieldRules.get(path) : undefined;
      if (rule && (typeof value === 'string' || typeof value === 'number') && value !== '') {
        const r = this.applyRule(String(value), path, rule, subjectKey);
        suppressed ||= r.suppressed;
        if (r.value !== String(value)) changed = true;
        // A number the rule left alone stays a number.
        return r.value === String(value) ? value : r.value;
      }
      if (typeof value === 'string') {
        if (value === '' || !this.shouldScan(path)) return value;
        const r = this.scanText(value, path, subjectKey);
        suppressed ||= r.suppressed;
        if (r.text !== value) changed = true;
        return r.text;
      }
      if (Array.isArray(value)) return value.map((item) => visit(item, path));
      if (value && typeof value === 'object') {
        const out: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(value)) out[key] = visit(item, path ? `${path}.${key}` : key);
        return out;
      }
      return value;
    };
    const after = visit(record, '');
    if (suppressed) return { before: line, after: null, changed: true };
    // An untouched record is written byte for byte as it came.
    return { before: line, after: changed ? JSON.stringify(after) : line, changed };
  }
}

/** The value at a dotted path of a JSON value (`patient.id`), or undefined. */
function valueAtPath(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (!current || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
