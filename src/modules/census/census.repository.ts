/** SQL for the census, through Kysely. No rules here: the service decides, this stores and fetches. */
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { uuidv7 } from '../../core/ids.js';
import { chunks } from '../../core/collections.js';
import type {
  CensusImportRow,
  CampaignStatus,
  CensusCampaignRow,
  CensusCampaignTargetRow,
  CensusEntryRow,
  CensusEntryVersionRow,
  CensusTables,
  EntryStatus,
} from './census.tables.js';

/**
 * Which entries a query may return: all of them, or the accepted ones plus every entry of the
 * listed organisations. The service works out which from the policy; this only applies it.
 */
export type EntryVisibility = { all: true } | { all: false; orgIds: readonly string[] };

/** Entry columns without the form, for lists. */
const SUMMARY_COLUMNS = [
  'e.id',
  'e.org_id',
  'e.campaign_id',
  'e.status',
  'e.version',
  'e.title',
  'e.domain',
  'e.modality',
  'e.readiness',
  'e.provision_scope',
  'e.updated_at',
] as const;

export interface EntrySummaryRow extends Pick<
  CensusEntryRow,
  'id' | 'org_id' | 'campaign_id' | 'status' | 'version' | 'title' | 'domain' | 'modality' | 'readiness' | 'provision_scope' | 'updated_at'
> {
  org_name: string;
  duplicate_count: number;
}

export interface EntryWithOrg extends CensusEntryRow {
  org_name: string;
}

export interface TargetWithOrg extends CensusCampaignTargetRow {
  org_name: string;
}

export interface StatusCounts {
  draft: number;
  submitted: number;
  returned: number;
  accepted: number;
}

export type CoverageColumn = 'domain' | 'modality' | 'readiness' | 'provision_scope';

/**
 * SQLite binds at most 32766 variables in one statement (PostgreSQL 65535): a multi-row INSERT
 * sends rows in chunks that stay under the smaller limit.
 */
const MAX_BIND_VARIABLES = 32_000;

/** The organisations whose every entry the viewer may see, besides accepted ones (none when it sees all). */
const privateOrgsOf = (visibility: EntryVisibility): string[] => (visibility.all ? [] : [...visibility.orgIds]);

const bulkSqlCache = new WeakMap<object, Map<string, string>>();

/** The SQL of a multi-row INSERT of `count` imported entries, compiled by Kysely for this database and cached. */
function bulkInsertSql(db: Kysely<CensusTables>, columns: ReadonlyArray<keyof CensusEntryRow>, count: number): string {
  const executor = db.getExecutor();
  let cache = bulkSqlCache.get(executor);
  if (!cache) bulkSqlCache.set(executor, (cache = new Map()));
  const key = `${columns.join(',')}:${count}`;
  let text = cache.get(key);
  if (text === undefined) {
    const placeholderRow = Object.fromEntries(columns.map((c) => [c, null])) as unknown as CensusEntryRow;
    text = db
      .insertInto('census_entries')
      .values(Array.from({ length: count }, () => placeholderRow))
      .onConflict((oc) => oc.columns(['source', 'external_id']).doNothing())
      .compile().sql;
    cache.set(key, text);
  }
  return text;
}

function censusQueries(db: Kysely<CensusTables>) {
  const countAs = (status: EntryStatus) => sql<number>`coalesce(sum(case when e.status = ${status} then 1 else 0 end), 0)`;

  return {
    // ── organisations ────────────────────────────────────────────────────────────────────────────
    setOrganizationCode: async (id: string, code: string) => {
      await db.updateTable('organizations').set({ code }).where('id', '=', id).execute();
    },
    findOrganization: (id: string) =>
      db.selectFrom('organizations').select(['id', 'name', 'kind', 'code']).where('id', '=', id).executeTakeFirst(),
    findOrganizations: (ids: readonly string[]) =>
      ids.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('organizations')
            .select(['id', 'name', 'kind', 'code'])
            .where('id', 'in', [...ids])
            .execute(),

    /**
     * The agency with this code, created (kind 'agency', slug `agency-<code>`) when there is none.
     * Safe when two imports race: the loser's insert does nothing and both read the winner's row.
     *
     * @example const { id } = await repo.findOrCreateAgency('1741000', '행정안전부', now);
     */
    findOrCreateAgency: async (code: string, name: string, createdAt: string): Promise<{ id: string; name: string; created: boolean }> => {
      const existing = await db.selectFrom('organizations').select(['id', 'name']).where('code', '=', code).executeTakeFirst();
      if (existing) return { ...existing, created: false };
      const slug = `agency-${code.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.slice(0, 64);
      const result = await db
        .insertInto('organizations')
        .values({ id: uuidv7(), slug, name: name.normalize('NFC'), name_en: null, kind: 'agency', code, created_at: createdAt })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      const row = await db.selectFrom('organizations').select(['id', 'name']).where('code', '=', code).executeTakeFirst();
      if (!row) throw new Error(`Could not create the agency ${code}: the slug "${slug}" belongs to another organisation`);
      return { ...row, created: Number(result.numInsertedOrUpdatedRows ?? 0n) > 0 };
    },

    /** `findOrCreateAgency` for many codes at once: three statements however many agencies a batch names. */
    findOrCreateAgencies: async (
      wanted: ReadonlyArray<{ code: string; name: string }>,
      createdAt: string,
    ): Promise<{ found: Map<string, { id: string; name: string }>; created: number }> => {
      const codes = wanted.map((w) => w.code);
      const lookUp = async () =>
        new Map(
          (await db.selectFrom('organizations').select(['id', 'name', 'code']).where('code', 'in', codes).execute()).map((r) => [
            r.code!,
            { id: r.id, name: r.name },
          ]),
        );
      const found = await lookUp();
      const missing = wanted.filter((w) => !found.has(w.code));
      if (missing.length === 0) return { found, created: 0 };
      const result = await db
        .insertInto('organizations')
        .values(
          missing.map((w) => ({
            id: uuidv7(),
            slug: `agency-${w.code.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.slice(0, 64),
            name: w.name.normalize('NFC'),
            name_en: null,
            kind: 'agency',
            code: w.code,
            created_at: createdAt,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      const after = await lookUp();
      const lost = wanted.filter((w) => !after.has(w.code)).map((w) => w.code);
      if (lost.length > 0) throw new Error(`Could not create the agencies ${lost.join(', ')}: their slugs belong to other organisations`);
      return { found: after, created: Number(result.numInsertedOrUpdatedRows ?? 0n) };
    },

    listAgencies: () => db.selectFrom('organizations').select(['id', 'name']).where('kind', '=', 'agency').orderBy('name').execute(),

    userNames: async (ids: readonly string[]): Promise<Map<string, string>> => {
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('users')
        .select(['id', 'display_name'])
        .where('id', 'in', [...new Set(ids)])
        .execute();
      return new Map(rows.map((r) => [r.id, r.display_name]));
    },

    // ── entries ──────────────────────────────────────────────────────────────────────────────────
    insertEntry: async (row: CensusEntryRow) => {
      await db.insertInto('census_entries').values(row).execute();
    },

    /**
     * Many entries in few statements, for bulk imports. A row whose (source, external_id) exists
     * already is skipped; returns how many were inserted. Run it inside `transaction` to make the
     * whole import one commit.
     */
    insertImportedEntries: async (rows: readonly CensusEntryRow[]): Promise<number> => {
      if (rows.length === 0) return 0;
      const columns = Object.keys(rows[0]!) as Array<keyof CensusEntryRow>;
      const rowsPerChunk = Math.floor(MAX_BIND_VARIABLES / columns.length);
      let inserted = 0;
      for (const chunk of chunks(rows, rowsPerChunk)) {
        // Kysely builds a node per value (30,000 for a full chunk); for bulk rows its SQL is compiled
        // once per chunk size, in the engine's own dialect, and reused with each chunk's values.
        const text = bulkInsertSql(db, columns, chunk.length);
        const parameters = new Array<unknown>(chunk.length * columns.length);
        let i = 0;
        for (const row of chunk) for (const column of columns) parameters[i++] = row[column];
        const result = await db.executeQuery(CompiledQuery.raw(text, parameters));
        inserted += Number(result.numAffectedRows ?? 0n);
      }
      return inserted;
    },

    /** The entries an earlier import made, by their external ids. */
    findEntriesByExternalIds: async (source: string, externalIds: readonly string[]) => {
      const found: Array<Pick<CensusEntryRow, 'id' | 'external_id' | 'org_id' | 'status' | 'version'>> = [];
      for (const chunk of chunks(externalIds, MAX_BIND_VARIABLES - 1)) {
        found.push(
          ...(await db
            .selectFrom('census_entries')
            .select(['id', 'external_id', 'org_id', 'status', 'version'])
            .where('source', '=', source)
            .where('external_id', 'in', chunk)
            .execute()),
        );
      }
      return found;
    },

    findEntry: (id: string): Promise<EntryWithOrg | undefined> =>
      db
        .selectFrom('census_entries as e')
        .innerJoin('organizations as o', 'o.id', 'e.org_id')
        .selectAll('e')
        .select('o.name as org_name')
        .where('e.id', '=', id)
        .executeTakeFirst(),

    /** Newest first; `beforeId` continues after the last id of the previous page. */
    listEntries: (filter: {
      visibility: EntryVisibility;
      orgId?: string | undefined;
      campaignId?: string | undefined;
      status?: EntryStatus | undefined;
      beforeId?: string | undefined;
      limit: number;
    }): Promise<EntrySummaryRow[]> => {
      const { visibility } = filter;
      const privateOrgs = privateOrgsOf(visibility);
      return db
        .selectFrom('census_entries as e')
        .innerJoin('organizations as o', 'o.id', 'e.org_id')
        .select(SUMMARY_COLUMNS)
        .select('o.name as org_name')
        .select((eb) =>
          eb
            .selectFrom('census_duplicate_flags as f')
            .innerJoin('census_entries as d', 'd.id', 'f.other_entry_id')
            .whereRef('f.entry_id', '=', 'e.id')
            .where('f.resolved_at', 'is', null)
            .$if(!visibility.all, (qb) =>
              qb.where((w) =>
                w.or([w('d.status', '=', 'accepted'), ...(privateOrgs.length === 0 ? [] : [w('d.org_id', 'in', privateOrgs)])]),
              ),
            )
            .select((s) => s.fn.countAll<number>().as('n'))
            .as('duplicate_count'),
        )
        .$if(!visibility.all, (qb) =>
          qb.where((w) => w.or([w('e.status', '=', 'accepted'), ...(privateOrgs.length === 0 ? [] : [w('e.org_id', 'in', privateOrgs)])])),
        )
        .$if(filter.orgId !== undefined, (qb) => qb.where('e.org_id', '=', filter.orgId!))
        .$if(filter.campaignId !== undefined, (qb) => qb.where('e.campaign_id', '=', filter.campaignId!))
        .$if(filter.status !== undefined, (qb) => qb.where('e.status', '=', filter.status!))
        .$if(filter.beforeId !== undefined, (qb) => qb.where('e.id', '<', filter.beforeId!))
        .orderBy('e.id', 'desc')
        .limit(filter.limit)
        .execute() as Promise<EntrySummaryRow[]>;
    },

    insertImport: async (row: CensusImportRow) => {
      await db.insertInto('census_imports').values(row).execute();
    },
    findImport: (id: string) => db.selectFrom('census_imports').selectAll().where('id', '=', id).executeTakeFirst(),
    updateImport: async (id: string, changes: Partial<Omit<CensusImportRow, 'id'>>) => {
      await db.updateTable('census_imports').set(changes).where('id', '=', id).execute();
    },

    /** Id and title of every titled entry of one organisation, oldest first: input for near-duplicate detection. */
    titlesOfOrganization: (orgId: string) =>
      db
        .selectFrom('census_entries as e')
        .innerJoin('organizations as o', 'o.id', 'e.org_id')
        .select(['e.id', 'e.title', 'o.name as org_name'])
        .where('e.org_id', '=', orgId)
        .where('e.title', 'is not', null)
        .orderBy('e.id')
        .execute() as Promise<Array<{ id: string; title: string; org_name: string }>>,

    /** Entries with their agency, oldest first, a page at a time (`afterId` continues), for exports. */
    exportPage: (filter: {
      visibility: EntryVisibility;
      orgId?: string | undefined;
      campaignId?: string | undefined;
      status?: EntryStatus | undefined;
      afterId?: string | undefined;
      limit: number;
    }) => {
      const privateOrgs = privateOrgsOf(filter.visibility);
      return db
        .selectFrom('census_entries as e')
        .innerJoin('organizations as o', 'o.id', 'e.org_id')
        .select(['e.id', 'e.status', 'e.version', 'e.updated_at', 'e.form', 'o.name as org_name', 'o.code as org_code'])
        .$if(!filter.visibility.all, (qb) =>
          qb.where((w) => w.or([w('e.status', '=', 'accepted'), ...(privateOrgs.length === 0 ? [] : [w('e.org_id', 'in', privateOrgs)])])),
        )
        .$if(filter.orgId !== undefined, (qb) => qb.where('e.org_id', '=', filter.orgId!))
        .$if(filter.campaignId !== undefined, (qb) => qb.where('e.campaign_id', '=', filter.campaignId!))
        .$if(filter.status !== undefined, (qb) => qb.where('e.status', '=', filter.status!))
        .$if(filter.afterId !== undefined, (qb) => qb.where('e.id', '>', filter.afterId!))
        .orderBy('e.id')
        .limit(filter.limit)
        .execute();
    },

    /** Compare-and-set: changes the entry only if it is still at `expectedVersion`; false when it was not. */
    updateEntryIfVersion: async (id: string, expectedVersion: number, changes: Partial<Omit<CensusEntryRow, 'id'>>): Promise<boolean> => {
      const result = await db
        .updateTable('census_entries')
        .set(changes)
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    insertEntryVersion: async (row: CensusEntryVersionRow) => {
      await db.insertInto('census_entry_versions').values(row).execute();
    },

    /** Superseded states, oldest first. */
    listEntryVersions: (entryId: string) =>
      db.selectFrom('census_entry_versions').selectAll().where('entry_id', '=', entryId).orderBy('version').execute(),

    // ── duplicates ───────────────────────────────────────────────────────────────────────────────
    /** Other entries of the organisation with the same normalised title. */
    sameTitleEntries: (orgId: string, titleKey: string, excludeId: string) =>
      db
        .selectFrom('census_entries')
        .select(['id'])
        .where('org_id', '=', orgId)
        .where('title_key', '=', titleKey)
        .where('id', '<>', excludeId)
        .execute(),

    /** Flags both directions of each pair; a pair flagged before and resolved since is open again. */
    flagDuplicatePairs: async (entryId: string, otherIds: readonly string[], at: string) => {
      if (otherIds.length === 0) return;
      const rows = otherIds.flatMap((other) => [
        { entry_id: entryId, other_entry_id: other, reason: 'same_title' as const, created_at: at, resolved_at: null },
        { entry_id: other, other_entry_id: entryId, reason: 'same_title' as const, created_at: at, resolved_at: null },
      ]);
      await db
        .insertInto('census_duplicate_flags')
        .values(rows)
        .onConflict((oc) => oc.columns(['entry_id', 'other_entry_id']).doUpdateSet({ resolved_at: null }))
        .execute();
    },

    /** Resolves the entry's open flags (both directions) except those with `keepIds`. */
    resolveDuplicateFlags: async (entryId: string, keepIds: readonly string[], at: string) => {
      const keep = [...keepIds];
      await db
        .updateTable('census_duplicate_flags')
        .set({ resolved_at: at })
        .where('resolved_at', 'is', null)
        .where((w) =>
          w.or([
            w.and([w('entry_id', '=', entryId), ...(keep.length > 0 ? [w('other_entry_id', 'not in', keep)] : [])]),
            w.and([w('other_entry_id', '=', entryId), ...(keep.length > 0 ? [w('entry_id', 'not in', keep)] : [])]),
          ]),
        )
        .execute();
    },

    /** The entry's open duplicates the viewer may see. */
    duplicatesOf: (entryId: string, visibility: EntryVisibility) =>
      db
        .selectFrom('census_duplicate_flags as f')
        .innerJoin('census_entries as d', 'd.id', 'f.other_entry_id')
        .select(['d.id', 'd.title'])
        .where('f.entry_id', '=', entryId)
        .where('f.resolved_at', 'is', null)
        .$if(!visibility.all, (qb) =>
          qb.where((w) =>
            w.or([
              w('d.status', '=', 'accepted'),
              ...(privateOrgsOf(visibility).length === 0 ? [] : [w('d.org_id', 'in', privateOrgsOf(visibility))]),
            ]),
          ),
        )
        .orderBy('d.id')
        .execute(),

    /**
     * Flags every pair of entries of the same organisation with the same title key that is not
     * flagged yet, in one statement: what a bulk import runs after inserting. Returns the number of
     * new flags (each pair counts twice, one per direction).
     */
    flagSameTitleDuplicates: async (at: string, orgIds?: readonly string[]): Promise<number> => {
      const result = await db
        .insertInto('census_duplicate_flags')
        .columns(['entry_id', 'other_entry_id', 'reason', 'created_at'])
        .expression((eb) =>
          eb
            .selectFrom('census_entries as a')
            .innerJoin('census_entries as b', (join) => join.onRef('b.org_id', '=', 'a.org_id').onRef('b.title_key', '=', 'a.title_key'))
            .select([
              'a.id',
              'b.id as other_id',
              sql<string>`cast(${'same_title'} as text)`.as('reason'),
              sql<string>`cast(${at} as text)`.as('at'),
            ])
            // Also what SQLite needs to parse INSERT … SELECT … ON CONFLICT: a WHERE clause.
            .where('a.title_key', 'is not', null)
            .whereRef('a.id', '<>', 'b.id')
            .$if(orgIds !== undefined, (qb) => qb.where('a.org_id', 'in', orgIds!.length > 0 ? [...orgIds!] : [''])),
        )
        .onConflict((oc) => oc.columns(['entry_id', 'other_entry_id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n);
    },

    // ── campaigns ────────────────────────────────────────────────────────────────────────────────
    insertCampaign: async (row: CensusCampaignRow, targetOrgIds: readonly string[]) => {
      await db.insertInto('census_campaigns').values(row).execute();
      await db
        .insertInto('census_campaign_targets')
        .values(targetOrgIds.map((org_id) => ({ campaign_id: row.id, org_id, last_reminded_at: null, reminder_count: 0 })))
        .execute();
    },
    findCampaign: (id: string) => db.selectFrom('census_campaigns').selectAll().where('id', '=', id).executeTakeFirst(),
    findCampaigns: (ids: readonly string[]) =>
      ids.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('census_campaigns')
            .selectAll()
            .where('id', 'in', [...ids])
            .orderBy('deadline')
            .execute(),
    /** Newest first; with `targetOrgIds`, only campaigns that target one of them. */
    listCampaigns: (filter: { targetOrgIds?: readonly string[] } = {}) =>
      db
        .selectFrom('census_campaigns as c')
        .selectAll('c')
        .$if(filter.targetOrgIds !== undefined, (qb) =>
          qb.where((w) =>
            w.exists(
              w
                .selectFrom('census_campaign_targets as t')
                .select('t.org_id')
                .whereRef('t.campaign_id', '=', 'c.id')
                .where('t.org_id', 'in', filter.targetOrgIds!.length > 0 ? [...filter.targetOrgIds!] : ['']),
            ),
          ),
        )
        .orderBy('c.created_at', 'desc')
        .orderBy('c.id', 'desc')
        .execute(),
    updateCampaign: async (id: string, changes: { status: CampaignStatus; closed_at: string | null }) => {
      await db.updateTable('census_campaigns').set(changes).where('id', '=', id).execute();
    },
    campaignTargets: (campaignIds: readonly string[]): Promise<TargetWithOrg[]> =>
      campaignIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('census_campaign_targets as t')
            .innerJoin('organizations as o', 'o.id', 't.org_id')
            .selectAll('t')
            .select('o.name as org_name')
            .where('t.campaign_id', 'in', [...campaignIds])
            .orderBy('o.name')
            .execute(),
    findTarget: (campaignId: string, orgId: string) =>
      db
        .selectFrom('census_campaign_targets')
        .selectAll()
        .where('campaign_id', '=', campaignId)
        .where('org_id', '=', orgId)
        .executeTakeFirst(),
    /** Per campaign, how many targets have at least one submitted or accepted entry in it. */
    respondedCounts: async (campaignIds: readonly string[]): Promise<Map<string, number>> => {
      if (campaignIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('census_entries as e')
        .innerJoin('census_campaign_targets as t', (join) =>
          join.onRef('t.campaign_id', '=', 'e.campaign_id').onRef('t.org_id', '=', 'e.org_id'),
        )
        .select(['t.campaign_id', (eb) => eb.fn.count<number>('t.org_id').distinct().as('n')])
        .where('t.campaign_id', 'in', [...campaignIds])
        .where('e.status', 'in', ['submitted', 'accepted'])
        .groupBy('t.campaign_id')
        .execute();
      return new Map(rows.map((r) => [r.campaign_id, Number(r.n)]));
    },

    /**
     * Marks the campaign's targets that have no submitted or accepted entry in it as reminded now;
     * with `notRemindedSince`, skips targets reminded at or after that time. Returns how many it marked.
     */
    markReminders: async (campaignId: string, at: string, notRemindedSince?: string): Promise<number> => {
      const result = await db
        .updateTable('census_campaign_targets')
        .set((eb) => ({ last_reminded_at: at, reminder_count: eb('reminder_count', '+', 1) }))
        .where('campaign_id', '=', campaignId)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('census_entries as e')
                .select('e.id')
                .whereRef('e.campaign_id', '=', 'census_campaign_targets.campaign_id')
                .whereRef('e.org_id', '=', 'census_campaign_targets.org_id')
                .where('e.status', 'in', ['submitted', 'accepted']),
            ),
          ),
        )
        .$if(notRemindedSince !== undefined, (qb) =>
          qb.where((w) => w.or([w('last_reminded_at', 'is', null), w('last_reminded_at', '<', notRemindedSince!)])),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    /** Open campaigns whose deadline (an ISO date) is on or before `date`. */
    openCampaignsDueBy: (date: string) =>
      db
        .selectFrom('census_campaigns')
        .selectAll()
        .where('status', '=', 'open')
        .where('deadline', '<=', date)
        .orderBy('deadline')
        .execute(),

    /** The open campaigns that target these organisations, one row per (campaign, organisation). */
    openAssignments: (orgIds: readonly string[]) =>
      orgIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('census_campaign_targets as t')
            .innerJoin('census_campaigns as c', 'c.id', 't.campaign_id')
            .innerJoin('organizations as o', 'o.id', 't.org_id')
            .select(['t.campaign_id', 't.org_id', 't.last_reminded_at', 'o.name as org_name'])
            .where('c.status', '=', 'open')
            .where('t.org_id', 'in', [...orgIds])
            .orderBy('c.deadline')
            .orderBy('o.name')
            .execute(),

    /** Entries per (campaign, organisation) and status, for the given campaigns and organisations. */
    statusCounts: async (campaignIds: readonly string[], orgIds: readonly string[]) => {
      if (campaignIds.length === 0 || orgIds.length === 0) return [];
      return db
        .selectFrom('census_entries as e')
        .select(['e.campaign_id', 'e.org_id', 'e.status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('e.campaign_id', 'in', [...campaignIds])
        .where('e.org_id', 'in', [...orgIds])
        .groupBy(['e.campaign_id', 'e.org_id', 'e.status'])
        .execute();
    },

    // ── dashboard ────────────────────────────────────────────────────────────────────────────────
    /**
     * Entries per status of each organisation: a campaign's targets (its entries only), or without
     * a campaign every agency (all its entries). Agencies without entries count zeros.
     */
    perAgencyCounts: async (campaignId: string | undefined): Promise<Array<StatusCounts & { org_id: string; org_name: string }>> => {
      const rows =
        campaignId === undefined
          ? await db
              .selectFrom('organizations as o')
              .leftJoin('census_entries as e', 'e.org_id', 'o.id')
              .select(['o.id as org_id', 'o.name as org_name'])
              .select([
                countAs('draft').as('draft'),
                countAs('submitted').as('submitted'),
                countAs('returned').as('returned'),
                countAs('accepted').as('accepted'),
              ])
              .where('o.kind', '=', 'agency')
              .groupBy(['o.id', 'o.name'])
              .orderBy('o.name')
              .execute()
          : await db
              .selectFrom('census_campaign_targets as t')
              .innerJoin('organizations as o', 'o.id', 't.org_id')
              .leftJoin('census_entries as e', (join) =>
                join.onRef('e.org_id', '=', 't.org_id').onRef('e.campaign_id', '=', 't.campaign_id'),
              )
              .select(['o.id as org_id', 'o.name as org_name'])
              .select([
                countAs('draft').as('draft'),
                countAs('submitted').as('submitted'),
                countAs('returned').as('returned'),
                countAs('accepted').as('accepted'),
              ])
              .where('t.campaign_id', '=', campaignId)
              .groupBy(['o.id', 'o.name'])
              .orderBy('o.name')
              .execute();
      return rows.map((r) => ({
        org_id: r.org_id,
        org_name: r.org_name,
        draft: Number(r.draft),
        submitted: Number(r.submitted),
        returned: Number(r.returned),
        accepted: Number(r.accepted),
      }));
    },

    /** Accepted entries (of the campaign, when given) counted by one projected column. */
    coverage: async (column: CoverageColumn, campaignId: string | undefined) => {
      const rows = await db
        .selectFrom('census_entries')
        .select([`${column} as key`, (eb) => eb.fn.countAll<number>().as('count')])
        .where('status', '=', 'accepted')
        .where(column, 'is not', null)
        .$if(campaignId !== undefined, (qb) => qb.where('campaign_id', '=', campaignId!))
        .groupBy(column)
        .orderBy('count', 'desc')
        .orderBy(column)
        .execute();
      return rows.map((r) => ({ key: r.key as string, count: Number(r.count) }));
    },

    totals: async (campaignId: string | undefined) => {
      const row = await db
        .selectFrom('census_entries as e')
        .select([(eb) => eb.fn.countAll<number>().as('entries'), countAs('accepted').as('accepted')])
        .$if(campaignId !== undefined, (qb) => qb.where('e.campaign_id', '=', campaignId!))
        .executeTakeFirstOrThrow();
      return { entries: Number(row.entries), accepted: Number(row.accepted) };
    },
  };
}

type CensusQueries = ReturnType<typeof censusQueries>;

export interface CensusRepository extends CensusQueries {
  /**
   * Runs `fn` with a repository bound to one transaction: everything it does commits together or
   * not at all. Inside a transaction, `transaction` just runs `fn` in the same one.
   *
   * @example await repo.transaction(async (tx) => { await tx.insertImportedEntries(rows); await tx.flagSameTitleDuplicates(now); });
   */
  transaction<T>(fn: (tx: CensusRepository) => Promise<T>): Promise<T>;
}

/** The census repository over a Kysely instance or a transaction of one. */
export function createCensusRepository(db: Kysely<CensusTables>): CensusRepository {
  const repo: CensusRepository = {
    ...censusQueries(db),
    transaction: (fn) => (db.isTransaction ? fn(repo) : db.transaction().execute((trx) => fn(createCensusRepository(trx)))),
  };
  return repo;
}
