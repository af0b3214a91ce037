/** SQL for access to releases (migration 0014): licence acceptances, requests, grants, and the release rows downloads read. No rules here. */
import type { Kysely } from 'kysely';
import type {
  AccessGrantRow,
  AccessRequestRow,
  DistributionTables,
  LicenceAcceptanceRow,
  ReleaseFileRow,
  ReleaseRow,
} from './distribution.tables.js';

/** A request with what lists show beside it: the dataset, its agency, the requesting organisation. */
export interface AccessRequestView extends AccessRequestRow {
  dataset_title: string;
  provider_org_id: string;
  org_name: string;
}

/** A grant with the dataset and its agency. */
export interface AccessGrantView extends AccessGrantRow {
  dataset_title: string;
  provider_org_id: string;
  org_name: string;
}

// PostgreSQL hands bigint columns back as strings; the rows leave here as numbers.
const fileOf = (row: ReleaseFileRow): ReleaseFileRow => ({
  ...row,
  size: Number(row.size),
  records: row.records === null ? null : Number(row.records),
});
const requestOf = <T extends AccessRequestRow>(row: T): T => ({ ...row, duration_days: Number(row.duration_days) });
const releaseOf = (row: ReleaseRow): ReleaseRow => ({ ...row, account_required: Number(row.account_required) });

export function createAccessRepository(db: Kysely<DistributionTables>) {
  const requestViews = () =>
    db
      .selectFrom('access_requests as r')
      .innerJoin('refinery_datasets as d', 'd.id', 'r.dataset_id')
      .innerJoin('organizations as o', 'o.id', 'r.org_id')
      .selectAll('r')
      .select(['d.title as dataset_title', 'd.org_id as provider_org_id', 'o.name as org_name']);
  const grantViews = () =>
    db
      .selectFrom('access_grants as g')
      .innerJoin('refinery_datasets as d', 'd.id', 'g.dataset_id')
      .innerJoin('organizations as o', 'o.id', 'g.org_id')
      .selectAll('g')
      .select(['d.title as dataset_title', 'd.org_id as provider_org_id', 'o.name as org_name']);

  return {
    // Releases and their files, as downloads read them
    getRelease: async (id: string): Promise<ReleaseRow | undefined> => {
      const row = await db.selectFrom('releases').selectAll().where('id', '=', id).executeTakeFirst();
      return row && releaseOf(row);
    },
    releasesOfDataset: async (datasetId: string): Promise<ReleaseRow[]> =>
      (await db.selectFrom('releases').selectAll().where('dataset_id', '=', datasetId).orderBy('created_at', 'desc').execute()).map(
        releaseOf,
      ),
    getReleaseFile: async (releaseId: string, path: string): Promise<ReleaseFileRow | undefined> => {
      const row = await db
        .selectFrom('release_files')
        .selectAll()
        .where('release_id', '=', releaseId)
        .where('path', '=', path)
        .executeTakeFirst();
      return row && fileOf(row);
    },
    listReleaseFiles: async (releaseId: string): Promise<ReleaseFileRow[]> =>
      (await db.selectFrom('release_files').selectAll().where('release_id', '=', releaseId).orderBy('path').execute()).map(fileOf),
    getDataset: async (id: string): Promise<{ id: string; org_id: string; title: string } | undefined> =>
      db.selectFrom('refinery_datasets').select(['id', 'org_id', 'title']).where('id', '=', id).executeTakeFirst(),
    orgKinds: async (ids: readonly string[]): Promise<Map<string, string>> => {
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('organizations')
        .select(['id', 'kind'])
        .where('id', 'in', [...ids])
        .execute();
      return new Map(rows.map((r) => [r.id, r.kind]));
    },

    // Licence acceptances
    findAcceptance: async (userId: string, releaseId: string, termsSha256: string): Promise<LicenceAcceptanceRow | undefined> =>
      db
        .selectFrom('licence_acceptances')
        .selectAll()
        .where('user_id', '=', userId)
        .where('release_id', '=', releaseId)
        .where('terms_sha256', '=', termsSha256)
        .orderBy('accepted_at')
        .executeTakeFirst(),
    insertAcceptance: async (row: LicenceAcceptanceRow): Promise<void> => {
      await db.insertInto('licence_acceptances').values(row).execute();
    },

    // Requests
    insertRequest: async (row: AccessRequestRow): Promise<void> => {
      await db.insertInto('access_requests').values(row).execute();
    },
    getRequest: async (id: string): Promise<AccessRequestView | undefined> => {
      const row = await requestViews().where('r.id', '=', id).executeTakeFirst();
      return row && requestOf(row);
    },
    /** Requests of the given requesting organisations, or for datasets of the given providing ones ('all': every one). */
    listRequests: async (filter: {
      orgIds?: readonly string[];
      providerOrgIds?: readonly string[] | 'all';
    }): Promise<AccessRequestView[]> => {
      let query = requestViews();
      if (filter.orgIds !== undefined) {
        if (filter.orgIds.length === 0) return [];
        query = query.where('r.org_id', 'in', [...filter.orgIds]);
      }
      if (filter.providerOrgIds !== undefined && filter.providerOrgIds !== 'all') {
        if (filter.providerOrgIds.length === 0) return [];
        query = query.where('d.org_id', 'in', [...filter.providerOrgIds]);
      }
      return (await query.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(1000).execute()).map(requestOf);
    },
    /**
     * Decides a pending request: sets its decision and, on approval, adds the grant, in one
     * transaction. False when the request was no longer pending (someone decided it first).
     */
    decide: async (
      id: string,
      decision: { status: 'approved' | 'rejected'; decided_by: string; decided_at: string; decision_note: string | null },
      grant: AccessGrantRow | undefined,
    ): Promise<boolean> =>
      db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('access_requests')
          .set(decision)
          .where('id', '=', id)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) return false;
        if (grant) await trx.insertInto('access_grants').values(grant).execute();
        return true;
      }),

    // Grants
    getGrant: async (id: string): Promise<AccessGrantView | undefined> => grantViews().where('g.id', '=', id).executeTakeFirst(),
    grantsOfRequests: async (requestIds: readonly string[]): Promise<AccessGrantView[]> => {
      if (requestIds.length === 0) return [];
      const out: AccessGrantView[] = [];
      for (let i = 0; i < requestIds.length; i += 500) {
        out.push(
          ...(await grantViews()
            .where('g.request_id', 'in', requestIds.slice(i, i + 500))
            .execute()),
        );
      }
      return out;
    },
    listGrants: async (filter: { orgIds?: readonly string[]; providerOrgIds?: readonly string[] | 'all' }): Promise<AccessGrantView[]> => {
      let query = grantViews();
      if (filter.orgIds !== undefined) {
        if (filter.orgIds.length === 0) return [];
        query = query.where('g.org_id', 'in', [...filter.orgIds]);
      }
      if (filter.providerOrgIds !== undefined && filter.providerOrgIds !== 'all') {
        if (filter.providerOrgIds.length === 0) return [];
        query = query.where('d.org_id', 'in', [...filter.providerOrgIds]);
      }
      return query.orderBy('g.created_at', 'desc').orderBy('g.id', 'desc').limit(1000).execute();
    },
    /** Revokes a grant not yet revoked; false when it already was. */
    revokeGrant: async (id: string, fields: { revoked_at: string; revoked_by: string; revoke_reason: string }): Promise<boolean> => {
      const updated = await db
        .updateTable('access_grants')
        .set(fields)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    },
    /** A grant in force at `now` for the dataset, held by one of `orgIds`: the one that lasts longest. */
    activeGrant: async (datasetId: string, orgIds: readonly string[], now: string): Promise<AccessGrantRow | undefined> => {
      if (orgIds.length === 0) return undefined;
      return db
        .selectFrom('access_grants')
        .selectAll()
        .where('dataset_id', '=', datasetId)
        .where('org_id', 'in', [...orgIds])
        .where('revoked_at', 'is', null)
        .where('starts_at', '<=', now)
        .where('expires_at', '>', now)
        .orderBy('expires_at', 'desc')
        .executeTakeFirst();
    },
  };
}

export type AccessRepository = ReturnType<typeof createAccessRepository>;
