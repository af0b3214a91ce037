/** SQL for de-identification runs through the platform (migration 0011). No rules here. */
import type { Kysely } from 'kysely';

export type DeidRunStatus = 'queued' | 'running' | 'done' | 'failed';

export interface DeidRunRow {
  id: string;
  org_id: string;
  dataset_id: string;
  /** The version de-identified. */
  version_id: string;
  status: DeidRunStatus;
  /** The policy's YAML as submitted (no secret: secrets are named, never inlined). */
  policy: string;
  policy_hash: string;
  /** JSON: the run's table and image settings. */
  options: string;
  job_id: string | null;
  error: string | null;
  /** JSON: how far the job is. */
  progress: string | null;
  /** The version the run made. */
  output_version_id: string | null;
  /** JSON: before/after samples, personal data in clear: only the samples route serves them. */
  samples: string | null;
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

export interface DeidTables {
  deid_runs: DeidRunRow;
}

export function createDeidRepository(db: Kysely<DeidTables>) {
  return {
    insertRun: async (row: DeidRunRow): Promise<void> => {
      await db.insertInto('deid_runs').values(row).execute();
    },
    getRun: async (id: string): Promise<DeidRunRow | undefined> =>
      db.selectFrom('deid_runs').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Every run, or those of the given organisations; newest first. */
    listRuns: async (orgIds: readonly string[] | 'all', options: { versionId?: string; limit?: number } = {}): Promise<DeidRunRow[]> => {
      if (orgIds !== 'all' && orgIds.length === 0) return [];
      let query = db.selectFrom('deid_runs').selectAll();
      if (orgIds !== 'all') query = query.where('org_id', 'in', [...orgIds]);
      if (options.versionId !== undefined) query = query.where('version_id', '=', options.versionId);
      return query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit ?? 200)
        .execute();
    },
    updateRun: async (id: string, fields: Partial<Omit<DeidRunRow, 'id'>>): Promise<void> => {
      await db.updateTable('deid_runs').set(fields).where('id', '=', id).execute();
    },
  };
}

export type DeidRepository = ReturnType<typeof createDeidRepository>;
