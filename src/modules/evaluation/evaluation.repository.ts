/** SQL for evaluation rounds (migration 0013), and read-only queries of the census, identity and refinery tables. No rules here. */
import type { Kysely } from 'kysely';
import type {
  EvaluationAssignmentRow,
  EvaluationCandidateRow,
  EvaluationDemandRow,
  EvaluationRoundRow,
  EvaluationRubricRow,
  EvaluationScoreRow,
  EvaluationSelectionRow,
  EvaluationTables,
} from './evaluation.tables.js';

/** A census entry with what evaluation reads of it. */
export interface EntryFacts {
  id: string;
  org_id: string;
  org_name: string;
  campaign_id: string | null;
  status: string;
  title: string | null;
  domain: string | null;
  modality: string | null;
  readiness: string | null;
  provision_scope: string | null;
  personal_info: string | null;
  /** JSON text of the census form. */
  form: string;
}

export interface CandidateWithEntry extends EntryFacts {
  estimated_cost: number;
  added_at: string;
}

const CHUNK = 500;
function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export function createEvaluationRepository(db: Kysely<EvaluationTables>) {
  const entryColumns = [
    'e.id',
    'e.org_id',
    'o.name as org_name',
    'e.campaign_id',
    'e.status',
    'e.title',
    'e.domain',
    'e.modality',
    'e.readiness',
    'e.provision_scope',
    'e.personal_info',
    'e.form',
  ] as const;

  return {
    // Rounds
    insertRound: async (row: EvaluationRoundRow): Promise<void> => {
      await db.insertInto('evaluation_rounds').values(row).execute();
    },
    getRound: async (id: string): Promise<EvaluationRoundRow | undefined> =>
      db.selectFrom('evaluation_rounds').selectAll().where('id', '=', id).executeTakeFirst(),
    listRounds: async (ids?: readonly string[]): Promise<EvaluationRoundRow[]> => {
      if (ids && ids.length === 0) return [];
      let query = db.selectFrom('evaluation_rounds').selectAll();
      if (ids) query = query.where('id', 'in', [...ids]);
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    },
    updateRound: async (id: string, fields: Partial<Omit<EvaluationRoundRow, 'id'>>): Promise<void> => {
      await db.updateTable('evaluation_rounds').set(fields).where('id', '=', id).execute();
    },
    campaignExists: async (id: string): Promise<boolean> =>
      (await db.selectFrom('census_campaigns').select('id').where('id', '=', id).executeTakeFirst()) !== undefined,

    // Rubrics
    insertRubric: async (row: EvaluationRubricRow): Promise<void> => {
      await db.insertInto('evaluation_rubrics').values(row).execute();
    },
    listRubrics: async (roundId: string): Promise<EvaluationRubricRow[]> =>
      db.selectFrom('evaluation_rubrics').selectAll().where('round_id', '=', roundId).orderBy('version', 'desc').execute(),
    getRubric: async (roundId: string, version: number): Promise<EvaluationRubricRow | undefined> =>
      db.selectFrom('evaluation_rubrics').selectAll().where('round_id', '=', roundId).where('version', '=', version).executeTakeFirst(),

    // Candidates and the census entries behind them
    entriesByIds: async (ids: readonly string[]): Promise<EntryFacts[]> => {
      const out: EntryFacts[] = [];
      for (const part of chunks([...new Set(ids)])) {
        out.push(
          ...(await db
            .selectFrom('census_entries as e')
            .innerJoin('organizations as o', 'o.id', 'e.org_id')
            .select(entryColumns)
            .where('e.id', 'in', part)
            .execute()),
        );
      }
      return out;
    },
    acceptedEntries: async (campaignId: string | null): Promise<EntryFacts[]> => {
      let query = db
        .selectFrom('census_entries as e')
        .innerJoin('organizations as o', 'o.id', 'e.org_id')
        .select(entryColumns)
        .where('e.status', '=', 'accepted');
      if (campaignId !== null) query = query.where('e.campaign_id', '=', campaignId);
      return query.orderBy('e.id').execute();
    },
    listCandidates: async (roundId: string): Promise<CandidateWithEntry[]> =>
      db
        .selectFrom('evaluation_candidates as c')
        .innerJoin('census_entries as e', 'e.id', 'c.entry_id')
        .innerJoin('organizations as o', 'o.id', 'e.org_id')
        .select([...entryColumns, 'c.estimated_cost', 'c.added_at'])
        .where('c.round_id', '=', roundId)
        .orderBy('e.id')
        .execute(),
    getCandidate: async (roundId: string, entryId: string): Promise<EvaluationCandidateRow | undefined> =>
      db.selectFrom('evaluation_candidates').selectAll().where('round_id', '=', roundId).where('entry_id', '=', entryId).executeTakeFirst(),
    insertCandidate: async (row: EvaluationCandidateRow): Promise<void> => {
      await db.insertInto('evaluation_candidates').values(row).execute();
    },
    updateCandidateCost: async (roundId: string, entryId: string, cost: number): Promise<void> => {
      await db
        .updateTable('evaluation_candidates')
        .set({ estimated_cost: cost })
        .where('round_id', '=', roundId)
        .where('entry_id', '=', entryId)
        .execute();
    },
    deleteCandidate: async (roundId: string, entryId: string): Promise<void> => {
      await db.deleteFrom('evaluation_candidates').where('round_id', '=', roundId).where('entry_id', '=', entryId).execute();
    },
    candidateCounts: async (roundIds: readonly string[]): Promise<Map<string, number>> => {
      if (roundIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('evaluation_candidates')
        .select(['round_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('round_id', 'in', [...roundIds])
        .groupBy('round_id')
        .execute();
      return new Map(rows.map((r) => [r.round_id, Number(r.n)]));
    },

    // Refinery quality (read only): the quality reports of the versions of datasets linked to the entries, newest first.
    qualityReports: async (entryIds: readonly string[]): Promise<Array<{ entry_id: string; body: string; created_at: string }>> => {
      const out: Array<{ entry_id: string; body: string; created_at: string }> = [];
      for (const part of chunks([...new Set(entryIds)])) {
        const rows = await db
          .selectFrom('refinery_datasets as d')
          .innerJoin('dataset_versions as v', 'v.dataset_id', 'd.id')
          .innerJoin('version_reports as r', 'r.version_id', 'v.id')
          .select(['d.census_entry_id as entry_id', 'r.body', 'r.created_at'])
          .where('d.census_entry_id', 'in', part)
          .where('r.kind', '=', 'quality')
          .orderBy('r.created_at', 'desc')
          .orderBy('v.created_at', 'desc')
          .execute();
        for (const r of rows) if (r.entry_id !== null) out.push({ entry_id: r.entry_id, body: r.body, created_at: r.created_at });
      }
      return out;
    },

    // People (read only)
    userWithMemberships: async (
      userId: string,
    ): Promise<{ id: string; display_name: string; memberships: Array<{ org_id: string; role: string }> } | undefined> => {
      const user = await db.selectFrom('users').select(['id', 'display_name']).where('id', '=', userId).executeTakeFirst();
      if (!user) return undefined;
      const memberships = await db.selectFrom('memberships').select(['org_id', 'role']).where('user_id', '=', userId).execute();
      return { ...user, memberships };
    },
    userNames: async (ids: readonly string[]): Promise<Map<string, string>> => {
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('users')
        .select(['id', 'display_name'])
        .where('id', 'in', [...new Set(ids)])
        .execute();
      return new Map(rows.map((r) => [r.id, r.display_name]));
    },

    // Panels
    listAssignments: async (roundId: string, evaluatorId?: string): Promise<EvaluationAssignmentRow[]> => {
      let query = db.selectFrom('evaluation_assignments').selectAll().where('round_id', '=', roundId);
      if (evaluatorId !== undefined) query = query.where('evaluator_id', '=', evaluatorId);
      return query.orderBy('entry_id').orderBy('evaluator_id').execute();
    },
    roundsAssignedTo: async (evaluatorId: string): Promise<string[]> =>
      (await db.selectFrom('evaluation_assignments').select('round_id').distinct().where('evaluator_id', '=', evaluatorId).execute()).map(
        (r) => r.round_id,
      ),
    getAssignment: async (roundId: string, entryId: string, evaluatorId: string): Promise<EvaluationAssignmentRow | undefined> =>
      db
        .selectFrom('evaluation_assignments')
        .selectAll()
        .where('round_id', '=', roundId)
        .where('entry_id', '=', entryId)
        .where('evaluator_id', '=', evaluatorId)
        .executeTakeFirst(),
    insertAssignment: async (row: EvaluationAssignmentRow): Promise<void> => {
      await db.insertInto('evaluation_assignments').values(row).execute();
    },
    updateAssignment: async (
      roundId: string,
      entryId: string,
      evaluatorId: string,
      fields: Partial<Pick<EvaluationAssignmentRow, 'status' | 'declared_reason'>>,
    ): Promise<void> => {
      await db
        .updateTable('evaluation_assignments')
        .set(fields)
        .where('round_id', '=', roundId)
        .where('entry_id', '=', entryId)
        .where('evaluator_id', '=', evaluatorId)
        .execute();
    },
    insertScore: async (row: EvaluationScoreRow): Promise<void> => {
      await db.insertInto('evaluation_scores').values(row).execute();
    },
    /** Every submission of the round (or of one evaluator), oldest first. */
    listScores: async (roundId: string, evaluatorId?: string): Promise<EvaluationScoreRow[]> => {
      let query = db.selectFrom('evaluation_scores').selectAll().where('round_id', '=', roundId);
      if (evaluatorId !== undefined) query = query.where('evaluator_id', '=', evaluatorId);
      return query.orderBy('created_at').orderBy('id').execute();
    },

    // Demand
    insertDemand: async (row: EvaluationDemandRow): Promise<void> => {
      await db.insertInto('evaluation_demand').values(row).execute();
    },
    listDemand: async (roundId: string, orgIds?: readonly string[]): Promise<EvaluationDemandRow[]> => {
      if (orgIds && orgIds.length === 0) return [];
      let query = db.selectFrom('evaluation_demand').selectAll().where('round_id', '=', roundId);
      if (orgIds) query = query.where('org_id', 'in', [...orgIds]);
      return query.orderBy('created_at').orderBy('id').execute();
    },

    // Selections
    insertSelection: async (row: EvaluationSelectionRow): Promise<void> => {
      await db.insertInto('evaluation_selections').values(row).execute();
    },
    getSelection: async (id: string): Promise<EvaluationSelectionRow | undefined> =>
      db.selectFrom('evaluation_selections').selectAll().where('id', '=', id).executeTakeFirst(),
    listSelections: async (roundId: string): Promise<EvaluationSelectionRow[]> =>
      db
        .selectFrom('evaluation_selections')
        .selectAll()
        .where('round_id', '=', roundId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute(),
  };
}

export type EvaluationRepository = ReturnType<typeof createEvaluationRepository>;
