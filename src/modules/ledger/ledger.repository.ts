/**
 * SQL for the usage ledger (migrations 0014 and 0015). No rules here: the service decides what to
 * append and who may read what.
 */
import { type Generated, type Kysely, sql } from 'kysely';
import type { DbCapabilities } from '../../core/ports.js';
import type { Hash } from './merkle.js';
import type { UsageEventRow } from './ledger.events.js';

export interface LedgerNodeRow {
  level: number;
  idx: number;
  hash: Uint8Array;
  seq: number | null;
}

export interface LedgerStateRow {
  id: number;
  size: number;
  root: Uint8Array;
  last_seq: number;
  updated_at: string;
}

export interface LedgerTreeHeadRow {
  id: number;
  size: number;
  root: Uint8Array;
  timestamp: number;
  signature: Uint8Array;
  key_id: string;
  created_at: string;
}

export interface LedgerTables {
  usage_events: Omit<UsageEventRow, 'seq'> & { seq: Generated<number> };
  ledger_nodes: LedgerNodeRow;
  ledger_state: LedgerStateRow;
  ledger_tree_heads: Omit<LedgerTreeHeadRow, 'id'> & { id?: number };
  refinery_datasets: { id: string; org_id: string; title: string };
  organizations: { id: string; name: string; name_en: string | null };
  releases: { dataset_id: string; title: string; title_en: string | null; created_at: string };
}

export type NewUsageEventRow = Omit<UsageEventRow, 'seq'>;

/** Filters and grouping of usage aggregates. */
export interface UsageQuery {
  groupBy: 'org' | 'dataset' | 'month';
  /** ISO date-times, inclusive from, exclusive to, on occurred_at. */
  from?: string;
  to?: string;
  datasetId?: string;
  orgId?: string;
  /** 'all', or the organisations whose data (as provider) or use (as consumer) the reader may see. */
  visibleTo: 'all' | { providerOrgs: readonly string[]; consumerOrgs: readonly string[] };
}

export interface UsageAggregateRow {
  key: string | null;
  unit: string;
  quantity: number;
  events: number;
}

/** What a usage row's key names: an organisation, or a dataset by its newest release's title (else its own). */
export interface KeyName {
  name: string;
  nameEn: string | null;
}

// SQLite allows 32,766 bound values per statement, PostgreSQL 65,535.
const EVENT_CHUNK = 1000;
const NODE_CHUNK = 4000;

const toBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export function createLedgerRepository(db: Kysely<LedgerTables>, capabilities: DbCapabilities) {
  const repo = {
    /**
     * Inserts events in one transaction: each key once (a key already stored inserts nothing).
     * Returns the seq of every key, and which keys this call inserted.
     */
    insertEvents: async (rows: readonly NewUsageEventRow[]): Promise<{ seqs: Map<string, number>; inserted: Set<string> }> =>
      db.transaction().execute(async (trx) => {
        const seqs = new Map<string, number>();
        const inserted = new Set<string>();
        for (let i = 0; i < rows.length; i += EVENT_CHUNK) {
          const chunk = rows.slice(i, i + EVENT_CHUNK);
          const returned = await trx
            .insertInto('usage_events')
            .values(chunk)
            .onConflict((oc) => oc.column('idempotency_key').doNothing())
            .returning(['seq', 'idempotency_key'])
            .execute();
          for (const r of returned) {
            seqs.set(r.idempotency_key, Number(r.seq));
            inserted.add(r.idempotency_key);
          }
        }
        const missing = rows.map((r) => r.idempotency_key).filter((k) => !seqs.has(k));
        for (let i = 0; i < missing.length; i += EVENT_CHUNK) {
          const found = await trx
            .selectFrom('usage_events')
            .select(['seq', 'idempotency_key'])
            .where('idempotency_key', 'in', missing.slice(i, i + EVENT_CHUNK))
            .execute();
          for (const r of found) seqs.set(r.idempotency_key, Number(r.seq));
        }
        return { seqs, inserted };
      }),

    /**
     * The highest seq below which no event can still appear. With several writers (PostgreSQL), an
     * insert holding a lower seq may not have committed yet: a SHARE lock on the table waits for every
     * inserting transaction in flight (and holds new ones back for the instant it is held), so every
     * seq at or below the maximum read under it is committed or never will be. A single-writer engine
     * (SQLite) commits in seq order already.
     */
    horizon: async (): Promise<number> => {
      if (!capabilities.concurrentWriters) {
        const row = await db
          .selectFrom('usage_events')
          .select((eb) => eb.fn.max('seq').as('max'))
          .executeTakeFirst();
        return Number(row?.max ?? 0);
      }
      return db.transaction().execute(async (trx) => {
        await sql`lock table usage_events in share mode`.execute(trx);
        const row = await trx
          .selectFrom('usage_events')
          .select((eb) => eb.fn.max('seq').as('max'))
          .executeTakeFirst();
        return Number(row?.max ?? 0);
      });
    },

    /** Events with afterSeq < seq ≤ uptoSeq, in seq order, at most `limit`. */
    eventsAfter: async (afterSeq: number, uptoSeq: number, limit: number): Promise<UsageEventRow[]> =>
      (
        await db
          .selectFrom('usage_events')
          .selectAll()
          .where('seq', '>', afterSeq)
          .where('seq', '<=', uptoSeq)
          .orderBy('seq')
          .limit(limit)
          .execute()
      ).map(normalizeEvent),

    getEvent: async (seq: number): Promise<UsageEventRow | undefined> => {
      const row = await db.selectFrom('usage_events').selectAll().where('seq', '=', seq).executeTakeFirst();
      return row ? normalizeEvent(row) : undefined;
    },

    getState: async (): Promise<LedgerStateRow> => {
      const row = await db.selectFrom('ledger_state').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
      return { ...row, size: Number(row.size), last_seq: Number(row.last_seq) };
    },

    /** The stored nodes among `keys`, by "level:index". */
    getNodes: async (keys: ReadonlyArray<{ level: number; index: number }>): Promise<Map<string, Hash>> => {
      const found = new Map<string, Hash>();
      for (let i = 0; i < keys.length; i += 200) {
        const chunk = keys.slice(i, i + 200);
        const rows = await db
          .selectFrom('ledger_nodes')
          .select(['level', 'idx', 'hash'])
          .where((eb) => eb.or(chunk.map((k) => eb.and([eb('level', '=', k.level), eb('idx', '=', k.index)]))))
          .execute();
        for (const r of rows) found.set(`${r.level}:${Number(r.idx)}`, new Uint8Array(r.hash));
      }
      return found;
    },

    /** Nodes of one level from index `from` on, in index order: a forward cursor for verification. */
    nodesFrom: async (level: number, from: number, limit: number): Promise<Array<{ idx: number; hash: Hash }>> =>
      (
        await db
          .selectFrom('ledger_nodes')
          .select(['idx', 'hash'])
          .where('level', '=', level)
          .where('idx', '>=', from)
          .orderBy('idx')
          .limit(limit)
          .execute()
      ).map((r) => ({ idx: Number(r.idx), hash: new Uint8Array(r.hash) })),

    countNodes: async (): Promise<number> => {
      const row = await db
        .selectFrom('ledger_nodes')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    /** The leaf index of the event `seq`, once integrated. */
    leafIndexOf: async (seq: number): Promise<number | undefined> => {
      const row = await db.selectFrom('ledger_nodes').select('idx').where('seq', '=', seq).where('level', '=', 0).executeTakeFirst();
      return row ? Number(row.idx) : undefined;
    },

    /**
     * Appends to the tree in one transaction, compare-and-set on the size: the state moves from
     * `fromSize` to the new one and the nodes are written, or nothing happens (another integrator
     * moved first) and false comes back.
     */
    commitAppend: async (
      fromSize: number,
      state: { size: number; root: Hash; lastSeq: number; updatedAt: string },
      nodes: ReadonlyArray<{ level: number; index: number; hash: Hash; seq: number | null }>,
    ): Promise<boolean> =>
      db.transaction().execute(async (trx) => {
        // First, so that a second integrator waits on this row and then finds the size moved.
        const updated = await trx
          .updateTable('ledger_state')
          .set({ size: state.size, root: toBuffer(state.root), last_seq: state.lastSeq, updated_at: state.updatedAt })
          .where('id', '=', 1)
          .where('size', '=', fromSize)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) return false;
        for (let i = 0; i < nodes.length; i += NODE_CHUNK) {
          await trx
            .insertInto('ledger_nodes')
            .values(nodes.slice(i, i + NODE_CHUNK).map((n) => ({ level: n.level, idx: n.index, hash: toBuffer(n.hash), seq: n.seq })))
            .execute();
        }
        return true;
      }),

    insertTreeHead: async (head: Omit<LedgerTreeHeadRow, 'id'>): Promise<void> => {
      await db
        .insertInto('ledger_tree_heads')
        .values({ ...head, root: toBuffer(head.root), signature: toBuffer(head.signature) })
        .execute();
    },

    latestTreeHead: async (): Promise<LedgerTreeHeadRow | undefined> => {
      const row = await db
        .selectFrom('ledger_tree_heads')
        .selectAll()
        .orderBy('size', 'desc')
        .orderBy('timestamp', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? normalizeHead(row as LedgerTreeHeadRow) : undefined;
    },

    /** Heads with size > after (size ≥ 0 for all), oldest first. */
    treeHeads: async (after: number, limit: number): Promise<LedgerTreeHeadRow[]> =>
      (
        await db
          .selectFrom('ledger_tree_heads')
          .selectAll()
          .where('size', '>', after)
          .orderBy('size')
          .orderBy('timestamp')
          .orderBy('id')
          .limit(limit)
          .execute()
      ).map((r) => normalizeHead(r as LedgerTreeHeadRow)),

    /** A head of exactly this size (the latest signed at it), if one was issued. */
    treeHeadAt: async (size: number): Promise<LedgerTreeHeadRow | undefined> => {
      const row = await db
        .selectFrom('ledger_tree_heads')
        .selectAll()
        .where('size', '=', size)
        .orderBy('timestamp', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? normalizeHead(row as LedgerTreeHeadRow) : undefined;
    },

    datasetOrg: async (datasetId: string): Promise<string | undefined> =>
      (await db.selectFrom('refinery_datasets').select('org_id').where('id', '=', datasetId).executeTakeFirst())?.org_id,

    /** Sum of quantity (and count of events) per group and unit. */
    usage: async (query: UsageQuery): Promise<UsageAggregateRow[]> => {
      const key =
        query.groupBy === 'org'
          ? sql<string | null>`usage_events.org_id`
          : query.groupBy === 'dataset'
            ? sql<string | null>`usage_events.dataset_id`
            : sql<string>`substr(usage_events.occurred_at, 1, 7)`;
      let q = db
        .selectFrom('usage_events')
        .select([
          key.as('key'),
          'usage_events.unit',
          (eb) => eb.fn.sum<number | string>('usage_events.quantity').as('quantity'),
          (eb) => eb.fn.countAll<number | string>().as('events'),
        ]);
      if (query.from !== undefined) q = q.where('usage_events.occurred_at', '>=', query.from);
      if (query.to !== undefined) q = q.where('usage_events.occurred_at', '<', query.to);
      if (query.datasetId !== undefined) q = q.where('usage_events.dataset_id', '=', query.datasetId);
      if (query.orgId !== undefined) q = q.where('usage_events.org_id', '=', query.orgId);
      const visible = query.visibleTo;
      if (visible !== 'all') {
        if (visible.providerOrgs.length === 0 && visible.consumerOrgs.length === 0) return [];
        q = q.where((eb) =>
          eb.or([
            ...(visible.consumerOrgs.length ? [eb('usage_events.org_id', 'in', [...visible.consumerOrgs])] : []),
            ...(visible.providerOrgs.length
              ? [
                  eb(
                    'usage_events.dataset_id',
                    'in',
                    eb
                      .selectFrom('refinery_datasets')
                      .select('refinery_datasets.id')
                      .where('refinery_datasets.org_id', 'in', [...visible.providerOrgs]),
                  ),
                ]
              : []),
          ]),
        );
      }
      const rows = await q.groupBy([key, 'usage_events.unit']).orderBy(key).orderBy('usage_events.unit').execute();
      return rows.map((r) => ({ key: r.key, unit: r.unit, quantity: Number(r.quantity), events: Number(r.events) }));
    },

    /**
     * The names of organisations or datasets by id (ids not found are left out). A dataset is named
     * as people who use it know it: by its newest release's titles, else the refinery's title.
     */
    namesOf: async (kind: 'org' | 'dataset', ids: readonly string[]): Promise<Map<string, KeyName>> => {
      const names = new Map<string, KeyName>();
      for (let i = 0; i < ids.length; i += EVENT_CHUNK) {
        const chunk = ids.slice(i, i + EVENT_CHUNK);
        if (kind === 'org') {
          const rows = await db.selectFrom('organizations').select(['id', 'name', 'name_en']).where('id', 'in', chunk).execute();
          for (const r of rows) names.set(r.id, { name: r.name, nameEn: r.name_en });
        } else {
          const rows = await db.selectFrom('refinery_datasets').select(['id', 'title']).where('id', 'in', chunk).execute();
          for (const r of rows) names.set(r.id, { name: r.title, nameEn: null });
          const released = await db
            .selectFrom('releases')
            .select(['dataset_id', 'title', 'title_en'])
            .where('dataset_id', 'in', chunk)
            .orderBy('created_at', 'asc')
            .execute();
          for (const r of released) names.set(r.dataset_id, { name: r.title, nameEn: r.title_en });
        }
      }
      return names;
    },
  };
  return repo;
}

function normalizeEvent(row: UsageEventRow): UsageEventRow {
  return { ...row, seq: Number(row.seq), quantity: Number(row.quantity) };
}

function normalizeHead(row: LedgerTreeHeadRow): LedgerTreeHeadRow {
  return {
    ...row,
    id: Number(row.id),
    size: Number(row.size),
    timestamp: Number(row.timestamp),
    root: new Uint8Array(row.root),
    signature: new Uint8Array(row.signature),
  };
}

export type LedgerRepository = ReturnType<typeof createLedgerRepository>;
