/**
 * Test helpers for the usage ledger on a real database: a service over it, sample events, and the
 * tamperings an operator with write access to the database could try. Not for production code.
 */
import { sql, type Kysely } from 'kysely';
import type { DbCapabilities, UsageEventInput } from '../../core/ports.js';
import { ledgerKeyFromSecret } from './ledger.keys.js';
import { createLedgerRepository, type LedgerTables } from './ledger.repository.js';
import { createLedgerService, type LedgerService } from './ledger.service.js';
import { EMPTY_ROOT } from './merkle.js';

/** What these helpers need of an open database (src/platform/db's `Database`). */
export interface Database {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any module's tables
  readonly db: Kysely<any>;
  readonly capabilities: DbCapabilities;
}

export const TEST_LEDGER_SECRET = 'the ledger test secret, long enough to matter';

export function openTestLedger(database: Database, secret = TEST_LEDGER_SECRET): LedgerService {
  return createLedgerService({
    repo: createLedgerRepository(database.db, database.capabilities),
    clock: { now: () => new Date() },
    keys: ledgerKeyFromSecret(secret),
    autoIntegrate: false,
  });
}

/** The i-th sample event: three datasets, two using organisations, bytes and records. */
export function sampleEvent(i: number, overrides: Partial<UsageEventInput> = {}): UsageEventInput {
  return {
    idempotencyKey: `test-${i}`,
    kind: 'download',
    datasetId: `ds-${i % 3}`,
    releaseId: `rel-${i % 3}`,
    path: `data/part-${i}.csv`,
    orgId: i % 2 === 0 ? 'org-a' : 'org-b',
    userId: `user-${i % 5}`,
    grantId: null,
    purpose: 'training',
    quantity: 1000 + i,
    unit: i % 4 === 3 ? 'records' : 'bytes',
    occurredAt: new Date(Date.UTC(2026, i % 2, 1 + (i % 28), 12)).toISOString(),
    ...overrides,
  };
}

/** Records events from..to-1 concurrently, integrates, and signs a head (forced). */
export async function appendAndSign(ledger: LedgerService, from: number, to: number): Promise<void> {
  await Promise.all(Array.from({ length: to - from }, (_, k) => ledger.recorder.record(sampleEvent(from + k))));
  await ledger.signTreeHead({ kind: 'system', name: 'test' }, { force: true });
}

const db = (database: Database) => database.db as Kysely<LedgerTables>;

/** The seqs of the stored events, in order. */
export async function storedSeqs(database: Database): Promise<number[]> {
  return (await db(database).selectFrom('usage_events').select('seq').orderBy('seq').execute()).map((r) => Number(r.seq));
}

export const tamper = {
  /** Changes one stored field of one event. */
  async change(database: Database, seq: number): Promise<void> {
    await db(database).updateTable('usage_events').set({ quantity: 1 }).where('seq', '=', seq).execute();
  },
  /** Deletes one event. */
  async remove(database: Database, seq: number): Promise<void> {
    await db(database).deleteFrom('usage_events').where('seq', '=', seq).execute();
  },
  /** Swaps the contents (every column but seq) of two events: the log's order changes. */
  async swap(database: Database, a: number, b: number): Promise<void> {
    const rows = await db(database).selectFrom('usage_events').selectAll().where('seq', 'in', [a, b]).orderBy('seq').execute();
    const [ra, rb] = rows;
    if (!ra || !rb) throw new Error('swap: events missing');
    const strip = ({ seq: _seq, ...rest }: typeof ra) => rest;
    await db(database)
      .transaction()
      .execute(async (trx) => {
        await trx
          .updateTable('usage_events')
          .set({ idempotency_key: `swap-${a}`, id: `swap-${a}` })
          .where('seq', '=', a)
          .execute();
        await trx.updateTable('usage_events').set(strip(ra)).where('seq', '=', b).execute();
        await trx.updateTable('usage_events').set(strip(rb)).where('seq', '=', a).execute();
      });
  },
  /**
   * The operator's full rewrite: the tree is recomputed from the (tampered) events and a new head is
   * signed with the same key, so every stored node agrees again; only heads signed before disagree.
   */
  async recomputeTree(database: Database, ledger: LedgerService): Promise<void> {
    // Let an integration already under way (after the last records) finish first.
    await ledger.integrate();
    await db(database).deleteFrom('ledger_nodes').execute();
    await db(database)
      .updateTable('ledger_state')
      .set({ size: 0, root: Buffer.from(EMPTY_ROOT), last_seq: 0 })
      .where('id', '=', 1)
      .execute();
    await ledger.integrate();
    await ledger.signTreeHead({ kind: 'system', name: 'test' }, { force: true });
  },
  /** Rewrites the tail: drops the events from `fromSeq` on and records others in their place, tree recomputed and re-signed. */
  async rewriteTail(database: Database, ledger: LedgerService, fromSeq: number, replacements: UsageEventInput[]): Promise<void> {
    await db(database).deleteFrom('usage_events').where('seq', '>=', fromSeq).execute();
    for (const event of replacements) await ledger.recorder.record(event);
    await tamper.recomputeTree(database, ledger);
  },
  /** Forgets the signed heads issued before now (what an operator hiding a rewrite would also do). */
  async dropHeadsBelow(database: Database, size: number): Promise<void> {
    await sql`delete from ledger_tree_heads where size < ${size}`.execute(db(database));
  },
};
