/** SQL for releases (migration 0014) and what they read of the refinery, census and identity. No rules here. */
import type { Kysely } from 'kysely';
import type {
  DistributionTables,
  ReleaseBuildRow,
  ReleaseBuildStatus,
  ReleaseFileRow,
  ReleaseRow,
  ReleaseTier,
} from './distribution.tables.js';

// PostgreSQL hands bigint columns back as strings; the rows leave here as numbers.
const num = (value: unknown): number => Number(value);
const releaseOf = (row: ReleaseRow): ReleaseRow => ({ ...row, account_required: num(row.account_required) });
const buildOf = (row: ReleaseBuildRow): ReleaseBuildRow => ({ ...row, files_done: num(row.files_done), files_total: num(row.files_total) });
const fileOf = (row: ReleaseFileRow): ReleaseFileRow => ({
  ...row,
  size: num(row.size),
  records: row.records === null ? null : num(row.records),
});

export function createReleasesRepository(db: Kysely<DistributionTables>) {
  return {
    getRelease: async (id: string): Promise<ReleaseRow | undefined> => {
      const row = await db.selectFrom('releases').selectAll().where('id', '=', id).executeTakeFirst();
      return row && releaseOf(row);
    },
    /** A dataset's releases, oldest first (withdrawn ones too). */
    listReleases: async (datasetId: string): Promise<ReleaseRow[]> =>
      (
        await db
          .selectFrom('releases')
          .selectAll()
          .where('dataset_id', '=', datasetId)
          .orderBy('created_at', 'asc')
          .orderBy('id', 'asc')
          .execute()
      ).map(releaseOf),
    /** Published (not withdrawn) releases, newest first, optionally of one tier or agency; a keyset page after `before` (created_at, id). */
    listPublished: async (filter: { tier?: ReleaseTier; orgId?: string; before?: { createdAt: string; id: string }; limit: number }) =>
      (
        await db
          .selectFrom('releases')
          .selectAll()
          .where('withdrawn_at', 'is', null)
          .$if(filter.tier !== undefined, (q) => q.where('tier', '=', filter.tier!))
          .$if(filter.orgId !== undefined, (q) => q.where('org_id', '=', filter.orgId!))
          .$if(filter.before !== undefined, (q) =>
            q.where((eb) =>
              eb.or([
                eb('created_at', '<', filter.before!.createdAt),
                eb.and([eb('created_at', '=', filter.before!.createdAt), eb('id', '<', filter.before!.id)]),
              ]),
            ),
          )
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(filter.limit)
          .execute()
      ).map(releaseOf),
    /** Releases of the refinery datasets linked to a census entry, oldest first. */
    listReleasesOfCensusEntry: async (entryId: string): Promise<ReleaseRow[]> =>
      (
        await db
          .selectFrom('releases')
          .innerJoin('refinery_datasets', 'refinery_datasets.id', 'releases.dataset_id')
          .selectAll('releases')
          .where('refinery_datasets.census_entry_id', '=', entryId)
          .orderBy('releases.created_at', 'asc')
          .orderBy('releases.id', 'asc')
          .execute()
      ).map(releaseOf),
    listFiles: async (releaseId: string): Promise<ReleaseFileRow[]> =>
      (await db.selectFrom('release_files').selectAll().where('release_id', '=', releaseId).orderBy('path').execute()).map(fileOf),
    /** The release and its files, in one transaction: all or nothing. */
    insertRelease: async (row: ReleaseRow, files: ReleaseFileRow[]): Promise<void> => {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('releases').values(row).execute();
        for (let i = 0; i < files.length; i += 200)
          await trx
            .insertInto('release_files')
            .values(files.slice(i, i + 200))
            .execute();
      });
    },
    /** Sets `withdrawn_at` once; false when it was set already. */
    withdraw: async (id: string, at: string): Promise<boolean> => {
      const result = await db
        .updateTable('releases')
        .set({ withdrawn_at: at })
        .where('id', '=', id)
        .where('withdrawn_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    // Builds of releases in the background (migration 0017).
    /** Inserts a build; false when another build of the dataset is under way (the partial unique index). */
    insertBuild: async (row: ReleaseBuildRow): Promise<boolean> => {
      try {
        await db.insertInto('release_builds').values(row).execute();
        return true;
      } catch (error) {
        const active = await db
          .selectFrom('release_builds')
          .select('id')
          .where('dataset_id', '=', row.dataset_id)
          .where('status', 'in', ['queued', 'running'])
          .executeTakeFirst();
        if (active) return false;
        throw error;
      }
    },
    getBuild: async (id: string): Promise<ReleaseBuildRow | undefined> => {
      const row = await db.selectFrom('release_builds').selectAll().where('id', '=', id).executeTakeFirst();
      return row && buildOf(row);
    },
    /** The dataset's build under way, if any. */
    activeBuild: async (datasetId: string): Promise<ReleaseBuildRow | undefined> => {
      const row = await db
        .selectFrom('release_builds')
        .selectAll()
        .where('dataset_id', '=', datasetId)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst();
      return row && buildOf(row);
    },
    /** A dataset's builds, newest first. */
    listBuilds: async (datasetId: string): Promise<ReleaseBuildRow[]> =>
      (
        await db
          .selectFrom('release_builds')
          .selectAll()
          .where('dataset_id', '=', datasetId)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .execute()
      ).map(buildOf),
    updateBuild: async (
      id: string,
      change: Partial<Pick<ReleaseBuildRow, 'status' | 'files_done' | 'files_total' | 'error' | 'release_id'>> & { updated_at: string },
      onlyIf?: ReleaseBuildStatus[],
    ): Promise<boolean> => {
      const result = await db
        .updateTable('release_builds')
        .set(change)
        .where('id', '=', id)
        .$if(onlyIf !== undefined, (q) => q.where('status', 'in', onlyIf!))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    // What a release is made from.
    getDataset: async (id: string) => db.selectFrom('refinery_datasets').selectAll().where('id', '=', id).executeTakeFirst(),
    getVersion: async (id: string) => {
      const row = await db.selectFrom('dataset_versions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && { ...row, number: num(row.number), file_count: num(row.file_count), total_bytes: num(row.total_bytes) };
    },
    listVersionFiles: async (versionId: string) =>
      (await db.selectFrom('dataset_files').selectAll().where('version_id', '=', versionId).orderBy('path').execute()).map((f) => ({
        ...f,
        size: num(f.size),
      })),
    getReport: async (versionId: string, kind: string) =>
      db.selectFrom('version_reports').selectAll().where('version_id', '=', versionId).where('kind', '=', kind).executeTakeFirst(),
    /** The de-identification run that made a version. */
    deidRunMaking: async (versionId: string) =>
      db.selectFrom('deid_runs').select(['id', 'policy_hash']).where('output_version_id', '=', versionId).executeTakeFirst(),
    getCensusEntry: async (id: string) => db.selectFrom('census_entries').selectAll().where('id', '=', id).executeTakeFirst(),
    getOrganization: async (id: string) => db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst(),
  };
}

export type ReleasesRepository = ReturnType<typeof createReleasesRepository>;
