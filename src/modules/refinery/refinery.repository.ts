/** SQL for the refinery: datasets, versions and their files, uploads, reports, inspections. No rules here. */
import type { Kysely, Transaction } from 'kysely';

export type VersionStatus = 'ingesting' | 'ready' | 'failed';
/** 'deid': made by a de-identification run (src/modules/deid/deid.service.ts). */
export type VersionOrigin = 'upload' | 'recipe' | 'deid';
export type UploadStatus = 'receiving' | 'complete' | 'consumed';

export interface RefineryDatasetRow {
  id: string;
  org_id: string;
  census_entry_id: string | null;
  title: string;
  created_by: string | null;
  created_at: string;
  /** The dataset's rule file (YAML), as its stewards wrote it. */
  rules?: string | null;
  /** JSON: what the dataset declares for its quality checks (label column, attributes, text field). */
  settings?: string | null;
}

export interface DatasetVersionRow {
  id: string;
  dataset_id: string;
  number: number;
  parent_version_id: string | null;
  origin: VersionOrigin;
  /** JSON text. */
  recipe: string | null;
  status: VersionStatus;
  error: string | null;
  file_count: number;
  total_bytes: number;
  manifest_sha256: string | null;
  created_by: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface DatasetFileRow {
  version_id: string;
  path: string;
  blob_key: string;
  size: number;
  format: string;
  media_type: string;
  encoding: string | null;
  original_blob_key: string | null;
}

export interface UploadRow {
  id: string;
  org_id: string;
  dataset_id: string;
  created_by: string | null;
  file_name: string;
  length: number;
  received: number;
  status: UploadStatus;
  blob_key: string | null;
  created_at: string;
  expires_at: string;
}

export interface VersionReportRow {
  version_id: string;
  kind: string;
  /** JSON text. */
  body: string;
  created_at: string;
}

export interface InspectionRow {
  id: string;
  version_id: string;
  lot_size: number;
  sample_size: number;
  acceptance_number: number;
  aql: number;
  created_by: string | null;
  created_at: string;
  status: string;
}

export interface InspectionItemRow {
  inspection_id: string;
  item_no: number;
  file_path: string;
  row_number: number | null;
  verdict: 'pass' | 'fail' | null;
  inspector: string | null;
  decided_at: string | null;
  note: string | null;
  /** JSON: the record's values as read when the sample was drawn. */
  record?: string | null;
}

export type TaskKind = 'profile' | 'quality' | 'recipe';
export type TaskStatus = 'queued' | 'running' | 'done' | 'failed';

/** The state of a job run on a version, for people to follow. */
export interface VersionTaskRow {
  version_id: string;
  kind: TaskKind;
  status: TaskStatus;
  error: string | null;
  job_id: string | null;
  /** JSON. */
  result: string | null;
  updated_at: string;
}

export interface RefineryTables {
  refinery_datasets: RefineryDatasetRow;
  dataset_versions: DatasetVersionRow;
  dataset_files: DatasetFileRow;
  uploads: UploadRow;
  version_reports: VersionReportRow;
  inspections: InspectionRow;
  inspection_items: InspectionItemRow;
  version_tasks: VersionTaskRow;
  census_entries: { id: string; org_id: string };
}

// PostgreSQL hands bigint columns back as strings; the rows leave here as numbers.
const num = (value: unknown): number => Number(value);
const versionOf = (row: DatasetVersionRow): DatasetVersionRow => ({
  ...row,
  number: num(row.number),
  file_count: num(row.file_count),
  total_bytes: num(row.total_bytes),
});
const fileOf = (row: DatasetFileRow): DatasetFileRow => ({ ...row, size: num(row.size) });
const uploadOf = (row: UploadRow): UploadRow => ({ ...row, length: num(row.length), received: num(row.received) });
const inspectionOf = (row: InspectionRow): InspectionRow => ({
  ...row,
  lot_size: num(row.lot_size),
  sample_size: num(row.sample_size),
  acceptance_number: num(row.acceptance_number),
  aql: num(row.aql),
});
const itemOf = (row: InspectionItemRow): InspectionItemRow => ({
  ...row,
  item_no: num(row.item_no),
  row_number: row.row_number === null ? null : num(row.row_number),
});

/** Rows per INSERT, well under both engines' limits on bound parameters. */
const INSERT_BATCH = 500;

async function insertFiles(trx: Transaction<RefineryTables> | Kysely<RefineryTables>, files: DatasetFileRow[]): Promise<void> {
  for (let i = 0; i < files.length; i += INSERT_BATCH) {
    await trx
      .insertInto('dataset_files')
      .values(files.slice(i, i + INSERT_BATCH))
      .execute();
  }
}

export function createRefineryRepository(db: Kysely<RefineryTables>) {
  return {
    insertDataset: async (row: RefineryDatasetRow): Promise<void> => {
      await db.insertInto('refinery_datasets').values(row).execute();
    },
    getDataset: async (id: string): Promise<RefineryDatasetRow | undefined> =>
      db.selectFrom('refinery_datasets').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Every dataset, or those of the given organisations; newest first. */
    listDatasets: async (orgIds: readonly string[] | 'all'): Promise<RefineryDatasetRow[]> => {
      if (orgIds !== 'all' && orgIds.length === 0) return [];
      let query = db.selectFrom('refinery_datasets').selectAll();
      if (orgIds !== 'all') query = query.where('org_id', 'in', [...orgIds]);
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    },
    censusEntryOrg: async (entryId: string): Promise<string | undefined> =>
      (await db.selectFrom('census_entries').select('org_id').where('id', '=', entryId).executeTakeFirst())?.org_id,

    /**
     * Inserts a version numbered one past the dataset's highest. Two made at once may pick the
     * same number; the unique index refuses the second, which then tries the next number.
     */
    insertVersion: async (row: Omit<DatasetVersionRow, 'number'>): Promise<DatasetVersionRow> => {
      for (let attempt = 0; ; attempt++) {
        const top = await db
          .selectFrom('dataset_versions')
          .where('dataset_id', '=', row.dataset_id)
          .select((eb) => eb.fn.max('number').as('n'))
          .executeTakeFirst();
        const version: DatasetVersionRow = { ...row, number: num(top?.n ?? 0) + 1 };
        try {
          await db.insertInto('dataset_versions').values(version).execute();
          return version;
        } catch (error) {
          if (attempt >= 5) throw error;
          const taken = await db
            .selectFrom('dataset_versions')
            .select('id')
            .where('dataset_id', '=', row.dataset_id)
            .where('number', '=', version.number)
            .executeTakeFirst();
          if (!taken) throw error;
        }
      }
    },
    getVersion: async (id: string): Promise<DatasetVersionRow | undefined> => {
      const row = await db.selectFrom('dataset_versions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && versionOf(row);
    },
    /** Newest first. */
    listVersions: async (datasetId: string): Promise<DatasetVersionRow[]> =>
      (await db.selectFrom('dataset_versions').selectAll().where('dataset_id', '=', datasetId).orderBy('number', 'desc').execute()).map(
        versionOf,
      ),
    /**
     * Makes an ingesting version ready with its files, in one transaction, so no reader ever sees a
     * version half-made. False when the version was no longer ingesting (another attempt finished it).
     */
    completeVersion: async (
      id: string,
      files: DatasetFileRow[],
      fields: Pick<DatasetVersionRow, 'file_count' | 'total_bytes' | 'manifest_sha256' | 'finished_at'>,
    ): Promise<boolean> =>
      db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('dataset_versions')
          .set({ ...fields, status: 'ready', error: null })
          .where('id', '=', id)
          .where('status', '=', 'ingesting')
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await trx.deleteFrom('dataset_files').where('version_id', '=', id).execute();
        await insertFiles(trx, files);
        return true;
      }),
    failVersion: async (id: string, error: string, finishedAt: string): Promise<boolean> => {
      const result = await db
        .updateTable('dataset_versions')
        .set({ status: 'failed', error, finished_at: finishedAt })
        .where('id', '=', id)
        .where('status', '=', 'ingesting')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Sorted by path. */
    listFiles: async (versionId: string): Promise<DatasetFileRow[]> =>
      (await db.selectFrom('dataset_files').selectAll().where('version_id', '=', versionId).orderBy('path').execute()).map(fileOf),
    getFile: async (versionId: string, path: string): Promise<DatasetFileRow | undefined> => {
      const row = await db
        .selectFrom('dataset_files')
        .selectAll()
        .where('version_id', '=', versionId)
        .where('path', '=', path)
        .executeTakeFirst();
      return row && fileOf(row);
    },

    insertUpload: async (row: UploadRow): Promise<void> => {
      await db.insertInto('uploads').values(row).execute();
    },
    getUpload: async (id: string): Promise<UploadRow | undefined> => {
      const row = await db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
      return row && uploadOf(row);
    },
    getUploads: async (ids: readonly string[]): Promise<UploadRow[]> =>
      ids.length === 0
        ? []
        : (
            await db
              .selectFrom('uploads')
              .selectAll()
              .where('id', 'in', [...ids])
              .execute()
          ).map(uploadOf),
    /** Records the offset an append reached, if the upload is still where that append began. */
    advanceUpload: async (id: string, from: number, to: number): Promise<boolean> => {
      const result = await db
        .updateTable('uploads')
        .set({ received: to })
        .where('id', '=', id)
        .where('received', '=', from)
        .where('status', '=', 'receiving')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    completeUpload: async (id: string, blobKey: string): Promise<void> => {
      await db.updateTable('uploads').set({ status: 'complete', blob_key: blobKey }).where('id', '=', id).execute();
    },
    /** Marks complete uploads consumed, all or none; false when one of them was not complete any more. */
    consumeUploads: async (ids: readonly string[]): Promise<boolean> =>
      db
        .transaction()
        .execute(async (trx) => {
          const result = await trx
            .updateTable('uploads')
            .set({ status: 'consumed' })
            .where('id', 'in', [...ids])
            .where('status', '=', 'complete')
            .executeTakeFirst();
          if (Number(result.numUpdatedRows) !== ids.length) throw new ConsumeRace();
          return true;
        })
        .catch((error: unknown) => {
          if (error instanceof ConsumeRace) return false;
          throw error;
        }),
    /** Gives consumed uploads back (their version failed), so they can feed another try. */
    releaseUploads: async (ids: readonly string[]): Promise<void> => {
      if (ids.length === 0) return;
      await db
        .updateTable('uploads')
        .set({ status: 'complete' })
        .where('id', 'in', [...ids])
        .where('status', '=', 'consumed')
        .execute();
    },
    deleteUpload: async (id: string): Promise<void> => {
      await db.deleteFrom('uploads').where('id', '=', id).execute();
    },
    listExpiredUploads: async (now: string, limit: number): Promise<UploadRow[]> =>
      (await db.selectFrom('uploads').selectAll().where('expires_at', '<=', now).orderBy('expires_at').limit(limit).execute()).map(
        uploadOf,
      ),

    /** Replaces the version's report of this kind. */
    putReport: async (row: VersionReportRow): Promise<void> => {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('version_reports').where('version_id', '=', row.version_id).where('kind', '=', row.kind).execute();
        await trx.insertInto('version_reports').values(row).execute();
      });
    },
    getReport: async (versionId: string, kind: string): Promise<VersionReportRow | undefined> =>
      db.selectFrom('version_reports').selectAll().where('version_id', '=', versionId).where('kind', '=', kind).executeTakeFirst(),
    listReports: async (versionId: string): Promise<VersionReportRow[]> =>
      db.selectFrom('version_reports').selectAll().where('version_id', '=', versionId).orderBy('kind').execute(),

    /** An inspection and the items drawn for it, together. */
    insertInspection: async (row: InspectionRow, items: InspectionItemRow[]): Promise<void> => {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('inspections').values(row).execute();
        for (let i = 0; i < items.length; i += INSERT_BATCH)
          await trx
            .insertInto('inspection_items')
            .values(items.slice(i, i + INSERT_BATCH))
            .execute();
      });
    },
    getInspection: async (id: string): Promise<InspectionRow | undefined> => {
      const row = await db.selectFrom('inspections').selectAll().where('id', '=', id).executeTakeFirst();
      return row && inspectionOf(row);
    },
    listInspections: async (versionId: string): Promise<InspectionRow[]> =>
      (await db.selectFrom('inspections').selectAll().where('version_id', '=', versionId).orderBy('created_at').execute()).map(
        inspectionOf,
      ),
    listInspectionItems: async (inspectionId: string): Promise<InspectionItemRow[]> =>
      (await db.selectFrom('inspection_items').selectAll().where('inspection_id', '=', inspectionId).orderBy('item_no').execute()).map(
        itemOf,
      ),
    decideInspectionItem: async (
      inspectionId: string,
      itemNo: number,
      decision: Pick<InspectionItemRow, 'verdict' | 'inspector' | 'decided_at' | 'note'>,
    ): Promise<boolean> => {
      const result = await db
        .updateTable('inspection_items')
        .set(decision)
        .where('inspection_id', '=', inspectionId)
        .where('item_no', '=', itemNo)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    setInspectionStatus: async (id: string, status: string): Promise<void> => {
      await db.updateTable('inspections').set({ status }).where('id', '=', id).execute();
    },
    /** Closes an open inspection; false when it was closed already (another decision got there first). */
    closeInspection: async (id: string, status: string): Promise<boolean> => {
      const result = await db
        .updateTable('inspections')
        .set({ status })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    setDatasetRules: async (id: string, rules: string | null): Promise<void> => {
      await db.updateTable('refinery_datasets').set({ rules }).where('id', '=', id).execute();
    },
    setDatasetSettings: async (id: string, settings: string | null): Promise<void> => {
      await db.updateTable('refinery_datasets').set({ settings }).where('id', '=', id).execute();
    },

    /** Records a task's state (one row per version and kind; the newest state wins). */
    putTask: async (row: VersionTaskRow): Promise<void> => {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('version_tasks').where('version_id', '=', row.version_id).where('kind', '=', row.kind).execute();
        await trx.insertInto('version_tasks').values(row).execute();
      });
    },
    getTask: async (versionId: string, kind: TaskKind): Promise<VersionTaskRow | undefined> =>
      db.selectFrom('version_tasks').selectAll().where('version_id', '=', versionId).where('kind', '=', kind).executeTakeFirst(),
    listTasks: async (versionIds: readonly string[]): Promise<VersionTaskRow[]> =>
      versionIds.length === 0
        ? []
        : db
            .selectFrom('version_tasks')
            .selectAll()
            .where('version_id', 'in', [...versionIds])
            .execute(),
  };
}

class ConsumeRace extends Error {}

export type RefineryRepository = ReturnType<typeof createRefineryRepository>;
