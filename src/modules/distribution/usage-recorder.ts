/**
 * The `UsageRecorder` port over the `usage_events` table (migration 0014): one row per idempotency
 * key, in the order `seq` gives them. Kept small on purpose: the usage ledger (issue 9) builds its
 * tamper-evident log over this order and may replace or extend this implementation.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { uuidv7 } from '../../core/ids.js';
import type { UsageEventInput, UsageRecorder } from '../../core/ports.js';
import type { DistributionTables } from './distribution.tables.js';

/**
 * Records usage events in the database, exactly once per idempotency key: a second `record` with
 * a key already there writes nothing and answers the first event's `seq` with `duplicate: true`.
 *
 * @example
 * const usage = createDbUsageRecorder(database.db, systemClock);
 * await usage.record({ idempotencyKey: 'req-1', kind: 'download', datasetId, quantity: 42, unit: 'bytes', occurredAt: new Date().toISOString() });
 */
export function createDbUsageRecorder(db: Kysely<DistributionTables>, clock: Clock): UsageRecorder {
  const seqOf = async (key: string): Promise<number | undefined> => {
    const row = await db.selectFrom('usage_events').select('seq').where('idempotency_key', '=', key).executeTakeFirst();
    return row === undefined ? undefined : Number(row.seq);
  };
  return {
    async record(event: UsageEventInput) {
      if (!Number.isSafeInteger(event.quantity) || event.quantity < 0) {
        throw new Error(`A usage quantity is a whole number ≥ 0, not ${event.quantity}`);
      }
      const inserted = await db
        .insertInto('usage_events')
        .values({
          id: uuidv7(),
          idempotency_key: event.idempotencyKey,
          kind: event.kind,
          dataset_id: event.datasetId,
          release_id: event.releaseId ?? null,
          path: event.path ?? null,
          org_id: event.orgId ?? null,
          user_id: event.userId ?? null,
          grant_id: event.grantId ?? null,
          purpose: event.purpose ?? null,
          quantity: event.quantity,
          unit: event.unit,
          occurred_at: event.occurredAt,
          recorded_at: clock.now().toISOString(),
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning('seq')
        .executeTakeFirst();
      if (inserted !== undefined) return { seq: Number(inserted.seq), duplicate: false };
      const seq = await seqOf(event.idempotencyKey);
      if (seq === undefined) throw new Error(`Usage event ${event.idempotencyKey} was neither inserted nor found`);
      return { seq, duplicate: true };
    },
  };
}
