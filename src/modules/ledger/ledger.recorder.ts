/**
 * Usage ingestion with group commit: `record()` calls that arrive together are written in ONE
 * transaction, and each resolves only after that transaction committed (so an acknowledged event is
 * durable: see docs/ledger.md, "Durability"). Exactly once per idempotency key, also across
 * restarts: the key is unique in `usage_events`, a stored key inserts nothing and answers with the
 * seq it already has.
 *
 * Batching: the first event of a batch waits at most `maxWaitMs` for company (or until `maxBatch`
 * are queued); while a batch commits, new events queue and go together as soon as it is done, so
 * batches grow with the load and each commit's fsync is shared by everything queued behind it.
 */
import type { Clock } from '../../core/clock.js';
import { uuidv7 } from '../../core/ids.js';
import type { UsageEventInput, UsageRecorder } from '../../core/ports.js';
import type { NewUsageEventRow } from './ledger.repository.js';

/** The one write the recorder needs: insert rows once per key, in one transaction. */
export type InsertUsageEvents = (rows: readonly NewUsageEventRow[]) => Promise<{ seqs: Map<string, number>; inserted: Set<string> }>;

export interface LedgerRecorderOptions {
  insertEvents: InsertUsageEvents;
  clock: Clock;
  /** How long the first event of a batch waits for others (default 2 ms). */
  maxWaitMs?: number;
  /** A batch is written at once when this many are queued (default 500). */
  maxBatch?: number;
  /** Transactions in flight at once (default 1: classic group commit). */
  maxInFlight?: number;
  /** Called after a commit that inserted something (the service integrates the tree then). */
  onCommitted?: (inserted: number) => void;
}

export interface LedgerRecorder extends UsageRecorder {
  /** Writes whatever is queued now and waits for every batch in flight. */
  flush(): Promise<void>;
  /** Events queued or in flight. */
  pending(): number;
}

interface Pending {
  row: NewUsageEventRow;
  resolve: (result: { seq: number; duplicate: boolean }) => void;
  reject: (error: unknown) => void;
}

const UNITS = new Set(['bytes', 'records', 'tokens', 'compute_seconds']);

/** Checks a usage event and turns it into the row stored; throws a RangeError naming the field. */
export function usageEventRow(event: UsageEventInput, recordedAt: string): NewUsageEventRow {
  const text = (value: unknown, field: string, required: boolean): string | null => {
    if (value === undefined || value === null) {
      if (required) throw new RangeError(`${field} is required`);
      return null;
    }
    if (typeof value !== 'string' || (required && value === '')) throw new RangeError(`${field} must be a non-empty string`);
    return value;
  };
  const key = text(event.idempotencyKey, 'idempotencyKey', true)!;
  if (key.length > 200) throw new RangeError('idempotencyKey must be at most 200 characters');
  if (!UNITS.has(event.unit)) throw new RangeError(`unit must be one of ${[...UNITS].join(', ')}`);
  if (!Number.isSafeInteger(event.quantity) || event.quantity < 0) throw new RangeError('quantity must be a non-negative integer');
  const occurred = text(event.occurredAt, 'occurredAt', true)!;
  if (Number.isNaN(Date.parse(occurred))) throw new RangeError('occurredAt must be an ISO 8601 date-time');
  return {
    id: uuidv7(),
    idempotency_key: key,
    kind: text(event.kind, 'kind', true)!,
    dataset_id: text(event.datasetId, 'datasetId', true)!,
    release_id: text(event.releaseId, 'releaseId', false),
    path: text(event.path, 'path', false),
    org_id: text(event.orgId, 'orgId', false),
    user_id: text(event.userId, 'userId', false),
    grant_id: text(event.grantId, 'grantId', false),
    purpose: text(event.purpose, 'purpose', false),
    quantity: event.quantity,
    unit: event.unit,
    occurred_at: new Date(occurred).toISOString(),
    recorded_at: recordedAt,
  };
}

/**
 * A `UsageRecorder` that group-commits.
 * @example const recorder = createLedgerRecorder({ insertEvents: repo.insertEvents, clock }); await recorder.record(event) // { seq: 42, duplicate: false }
 */
export function createLedgerRecorder(options: LedgerRecorderOptions): LedgerRecorder {
  const maxWaitMs = options.maxWaitMs ?? 2;
  const maxBatch = options.maxBatch ?? 500;
  const maxInFlight = options.maxInFlight ?? 1;
  let queue: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight = 0;
  let inFlightCount = 0;
  const settled = new Set<Promise<void>>();

  const write = async (batch: Pending[]): Promise<void> => {
    // One row per key; later callers with the same key get the first one's seq, as duplicates.
    const first = new Map<string, NewUsageEventRow>();
    for (const p of batch) if (!first.has(p.row.idempotency_key)) first.set(p.row.idempotency_key, p.row);
    try {
      const { seqs, inserted } = await options.insertEvents([...first.values()]);
      const answered = new Set<string>();
      for (const p of batch) {
        const key = p.row.idempotency_key;
        const seq = seqs.get(key);
        if (seq === undefined) {
          p.reject(new Error(`usage event ${key} was neither inserted nor found`));
          continue;
        }
        p.resolve({ seq, duplicate: !inserted.has(key) || answered.has(key) });
        answered.add(key);
      }
      if (inserted.size > 0) options.onCommitted?.(inserted.size);
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  };

  const drain = (): void => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      inFlight++;
      inFlightCount += batch.length;
      const done: Promise<void> = write(batch).finally(() => {
        inFlight--;
        inFlightCount -= batch.length;
        settled.delete(done);
        // Whatever queued during the commit goes now: it has waited long enough.
        if (queue.length > 0) drain();
      });
      settled.add(done);
    }
  };

  return {
    record(event) {
      let row: NewUsageEventRow;
      try {
        row = usageEventRow(event, options.clock.now().toISOString());
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      return new Promise((resolve, reject) => {
        queue.push({ row, resolve, reject });
        if (inFlight >= maxInFlight) return;
        if (queue.length >= maxBatch) drain();
        else timer ??= setTimeout(drain, maxWaitMs);
      });
    },
    async flush() {
      drain();
      while (settled.size > 0 || queue.length > 0) {
        await Promise.all([...settled]);
        drain();
      }
    },
    pending: () => queue.length + inFlightCount,
  };
}
