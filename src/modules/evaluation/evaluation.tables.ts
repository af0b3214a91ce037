/** The evaluation tables as the repository sees them (migration 0013), and the columns of other modules it reads. */
import type { CensusCampaignRow, CensusEntryRow } from '../census/census.tables.js';
import type { MembershipRow, OrganizationRow, UserRow } from '../identity/identity.tables.js';
import type { DatasetVersionRow, RefineryDatasetRow, VersionReportRow } from '../refinery/refinery.repository.js';

/** How a selection ended: HiGHS's verdict on the model, or an error. */
export const SELECTION_STATUSES = ['optimal', 'infeasible', 'time_limit', 'error'] as const;
export type SelectionStatus = (typeof SELECTION_STATUSES)[number];
export type RoundStatus = 'setup' | 'scoring' | 'consensus' | 'decided';
export type CriterionSource = 'expert' | 'auto' | 'demand';
export type AssignmentStatus = 'assigned' | 'scored' | 'declined';
export type ScorePhase = 'initial' | 'consensus';
export type Urgency = 'low' | 'medium' | 'high';

export interface EvaluationRoundRow {
  id: string;
  title: string;
  campaign_id: string | null;
  budget: number;
  target_count: number;
  status: RoundStatus;
  rubric_version: number | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface EvaluationRubricRow {
  round_id: string;
  version: number;
  /** JSON: Criterion[]. */
  criteria: string;
  method: 'direct' | 'ahp';
  /** JSON: { key: weight }, summing to 1. */
  weights: string;
  /** JSON: number[][] (ahp) or null. */
  matrix: string | null;
  /** JSON: { lambdaMax, ci, cr } (ahp) or null. */
  consistency: string | null;
  created_by: string | null;
  created_at: string;
}

export interface EvaluationCandidateRow {
  round_id: string;
  entry_id: string;
  estimated_cost: number;
  added_at: string;
}

export interface EvaluationAssignmentRow {
  round_id: string;
  entry_id: string;
  evaluator_id: string;
  status: AssignmentStatus;
  declared_reason: string | null;
  assigned_at: string;
}

export interface EvaluationScoreRow {
  id: string;
  round_id: string;
  entry_id: string;
  evaluator_id: string;
  phase: ScorePhase;
  /** JSON: { criterionKey: 1..5 }. */
  scores: string;
  comment: string | null;
  created_at: string;
}

export interface EvaluationDemandRow {
  id: string;
  round_id: string;
  org_id: string;
  user_id: string | null;
  entry_id: string | null;
  need: string | null;
  /** JSON: string[] of entry ids. */
  matched: string;
  intended_use: string;
  urgency: Urgency;
  co_invest_krw: number;
  created_at: string;
}

export interface EvaluationSelectionRow {
  id: string;
  round_id: string;
  rubric_version: number;
  /** JSON: SelectionInputs. */
  inputs: string;
  inputs_hash: string;
  /** JSON: the stored result. */
  result: string;
  status: SelectionStatus;
  objective: number | null;
  cost: number;
  created_by: string | null;
  created_at: string;
}

export interface EvaluationTables {
  evaluation_rounds: EvaluationRoundRow;
  evaluation_rubrics: EvaluationRubricRow;
  evaluation_candidates: EvaluationCandidateRow;
  evaluation_assignments: EvaluationAssignmentRow;
  evaluation_scores: EvaluationScoreRow;
  evaluation_demand: EvaluationDemandRow;
  evaluation_selections: EvaluationSelectionRow;
  // Read only, from other modules:
  census_entries: CensusEntryRow;
  census_campaigns: CensusCampaignRow;
  organizations: OrganizationRow;
  users: UserRow;
  memberships: MembershipRow;
  refinery_datasets: RefineryDatasetRow;
  dataset_versions: DatasetVersionRow;
  version_reports: VersionReportRow;
}
