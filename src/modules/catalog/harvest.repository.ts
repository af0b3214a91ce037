/** SQL for federation: harvest sources, their log, and which search documents each one brought in. No rules here. */
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { CatalogDocumentRow } from './catalog.tables.js';

export interface HarvestSourceRow {
  id: string;
  name: string;
  kind: 'ckan';
  url: string;
  schedule_minutes: number;
  /** 1 or 0. */
  enabled: number;
  last_run_at: string | null;
  last_ok_at: string | null;
  last_full_at: string | null;
  last_error: string | null;
  created_at: string;
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
