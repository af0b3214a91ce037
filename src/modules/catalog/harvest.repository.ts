/** SQL for federation: harvest sources, their log, and which search documents each one brought in. No rules here. */
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { CatalogDocumentRow } from './catalog.tables.js';

export interface HarvestSourceRow {
  id: string;
  name: string;
  kind: 'ckan' | 'dcat';
  url: string;
  schedule_minutes: number;
  /** 1 or 0. */
  enabled: number;
  last_run_at: string | null;
  last_ok_at: string | null;
  last_full_at: string | null;
  last_error: string | null;
  created_at: string;
  /** The run that holds the source's lock (migration 0007), or null. */
  lease_token: string | null;
  /** When that lock runs out (ISO); an expired one is free to take. */
  lease_until: string | null;
}

export interface HarvestLogRow {
  id: string;
  source_id: string;
  at: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface HarvestTables {
  harvest_sources: HarvestSourceRow;
  harvest_log: HarvestLogRow;
  catalog_documents: CatalogDocumentRow;
}

export function createHarvestRepository(db: Kysely<HarvestTables>) {
  return {
    insertSource: async (row: Insertable<HarvestSourceRow>): Promise<void> => {
      await db.insertInto('harvest_sources').values(row).execute();
    },
    listSources: async (): Promise<Array<Selectable<HarvestSourceRow>>> =>
      db.selectFrom('harvest_sources').selectAll().orderBy('created_at').orderBy('id').execute(),
    getSource: async (id: string): Promise<Selectable<HarvestSourceRow> | undefined> =>
      db.selectFrom('harvest_sources').selectAll().where('id', '=', id).executeTakeFirst(),
    updateSource: async (id: string, patch: Updateable<HarvestSourceRow>): Promise<void> => {
      await db.updateTable('harvest_sources').set(patch).where('id', '=', id).execute();
    },
    /**
     * Takes the source's run lock when it is free or expired, in one statement (atomic on both
     * engines); true when this caller got it.
     */
    acquireLease: async (id: string, token: string, now: string, until: string): Promise<boolean> => {
      const result = await db
        .updateTable('harvest_sources')
        .set({ lease_token: token, lease_until: until })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Extends a lock this caller holds; false when it lost it (it expired and another took it). */
    renewLease: async (id: string, token: string, until: string): Promise<boolean> => {
      const result = await db
        .updateTable('harvest_sources')
        .set({ lease_until: until })
        .where('id', '=', id)
        .where('lease_token', '=', token)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    releaseLease: async (id: string, token: string): Promise<void> => {
      await db
        .updateTable('harvest_sources')
        .set({ lease_token: null, lease_until: null })
        .where('id', '=', id)
        .where('lease_token', '=', token)
        .execute();
    },
    /** How many search documents each source holds now. */
    documentCounts: async (): Promise<Map<string, number>> => {
      const rows = await db
        .selectFrom('catalog_documents')
        .where('kind', '=', 'harvested')
        .where('source_id', 'is not', null)
        .select(['source_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .groupBy('source_id')
        .execute();
      return new Map(rows.map((r) => [r.source_id ?? '', Number(r.n)]));
    },
    appendLog: async (row: HarvestLogRow): Promise<void> => {
      await db.insertInto('harvest_log').values(row).execute();
    },
    /** Newest first. */
    listLog: async (sourceId: string, limit: number): Promise<HarvestLogRow[]> =>
      db
        .selectFrom('harvest_log')
        .selectAll()
        .where('source_id', '=', sourceId)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
    /** Every search document this source brought in: its document id and its id at the source. */
    documentsOfSource: async (sourceId: string): Promise<Array<{ id: string; remote_id: string | null }>> =>
      db
        .selectFrom('catalog_documents')
        .where('kind', '=', 'harvested')
        .where('source_id', '=', sourceId)
        .select(['id', 'remote_id'])
        .execute(),
  };
}

export type HarvestRepository = ReturnType<typeof createHarvestRepository>;
