// Evaluation and selection (issue 7) as the pages use it: rounds, their rubric (direct weights or
// AHP), candidates, evaluator panels and scores, reliability, the demand survey and the budgeted
// selection with its report. Types follow /api/v1/evaluation (docs/evaluation.md).
import { queryOptions } from '@tanstack/react-query';
import { api, type BodyOf, type ResponseOf, type Schema, type Session } from '../../api';

export type Round = Schema<'EvaluationRound'>;
export type RoundStatus = Round['status'];
export const ROUND_STATUSES: RoundStatus[] = ['setup', 'scoring', 'consensus', 'decided'];

export type Criterion = Schema<'EvaluationCriterion'>;
export type CriterionSource = Criterion['source'];

type RubricBody = BodyOf<'/api/v1/evaluation/rounds/{id}/rubric', 'put'>;
export type Weighting = RubricBody['weighting'];

/** `matrix`: the AHP judgements as saved (null for direct weights). */
export type Rubric = Schema<'EvaluationRubric'>;

export type Candidate = Schema<'EvaluationCandidate'>;

/** The criteria the server computes itself (source 'auto'), and the demand criterion. */
export const AUTO_CRITERIA = ['volume', 'readiness', 'provision_scope', 'personal_info_risk', 'quality'] as const satisfies ReadonlyArray<
  keyof Candidate['indicators']
>;
export type AutoCriterion = (typeof AUTO_CRITERIA)[number];
export const DEMAND_CRITERION = 'demand';

export type Assignment = Schema<'EvaluationAssignment'>;
export type AssignmentStatus = Assignment['status'];

export type MyAssignments = Schema<'EvaluationMyAssignments'>;
/** `myPhase`: which phase my latest scores belong to. */
export type MyAssignment = MyAssignments['items'][number];

export type Reliability = Schema<'EvaluationReliability'>;

export type DemandInput = BodyOf<'/api/v1/evaluation/rounds/{id}/demand', 'post'>;
export type Urgency = DemandInput['urgency'];
export const URGENCIES: Urgency[] = ['low', 'medium', 'high'];

export type DemandAggregate = ResponseOf<'/api/v1/evaluation/rounds/{id}/demand'>['items'][number];

/** One of my organisation's statements. */
export type DemandStatement = ResponseOf<'/api/v1/evaluation/rounds/{id}/demand/mine'>['items'][number];

export type SelectionConstraints = BodyOf<'/api/v1/evaluation/rounds/{id}/selections', 'post'>;

/**
 * A selection. `greedy` is the greedy ranking beside the optimum (`gapPercent` = (optimum − greedy) / optimum);
 * `conflict`, when infeasible, the constraints that cannot all hold (in plain English, and by machine name in
 * `conflictGroups`); `constraints`, those it ran under, defaults filled in.
 */
export type Selection = Schema<'EvaluationSelection'>;
export type SelectionStatus = Selection['status'];
/** `breakdown`: criterion values 0–100; null when missing (counted as 0). */
export type SelectionEntry = Selection['entries'][number];

export type SelectionSummary = Schema<'EvaluationSelectionSummary'>;

const BASE = '/api/v1/evaluation';
const enc = encodeURIComponent;
const round = (id: string) => `${BASE}/rounds/${enc(id)}`;

export const evaluationKeys = {
  all: ['evaluation'] as const,
  rounds: ['evaluation', 'rounds'] as const,
  round: (id: string) => ['evaluation', 'round', id] as const,
  rubric: (id: string) => ['evaluation', 'round', id, 'rubric'] as const,
  candidates: (id: string) => ['evaluation', 'round', id, 'candidates'] as const,
  assignments: (id: string) => ['evaluation', 'round', id, 'assignments'] as const,
  myAssignments: (id: string) => ['evaluation', 'round', id, 'my-assignments'] as const,
  reliability: (id: string) => ['evaluation', 'round', id, 'reliability'] as const,
  demand: (id: string) => ['evaluation', 'round', id, 'demand'] as const,
  myDemand: (id: string) => ['evaluation', 'round', id, 'demand', 'mine'] as const,
  selections: (id: string) => ['evaluation', 'round', id, 'selections'] as const,
  selection: (id: string) => ['evaluation', 'selection', id] as const,
  evaluators: ['evaluation', 'evaluators'] as const,
};

export const roundsQuery = queryOptions({
  queryKey: evaluationKeys.rounds,
  queryFn: ({ signal }) => api<ResponseOf<'/api/v1/evaluation/rounds'>>(`${BASE}/rounds`, { signal }).then((r) => r.items),
});

export const roundQuery = (id: string) =>
  queryOptions({ queryKey: evaluationKeys.round(id), queryFn: ({ signal }) => api<Round>(round(id), { signal }) });

export const rubricQuery = (id: string) =>
  queryOptions({
    queryKey: evaluationKeys.rubric(id),
    queryFn: ({ signal }) => api<ResponseOf<'/api/v1/evaluation/rounds/{id}/rubric'>>(`${round(id)}/rubric`, { signal }),
  });

export const candidatesQuery = (id: string) =>
  queryOptions({
    queryKey: evaluationKeys.candidates(id),
    queryFn: ({ signal }) =>
      api<ResponseOf<'/api/v1/evaluation/rounds/{id}/candidates'>>(`${round(id)}/candidates`, { signal }).then((r) => r.items),
  });

export const assignmentsQuery = (id: string) =>
  queryOptions({
    queryKey: evaluationKeys.assignments(id),
    queryFn: ({ signal }) =>
      api<ResponseOf<'/api/v1/evaluation/rounds/{id}/assignments'>>(`${round(id)}/assignments`, { signal }).then((r) => r.items),
  });

export const myAssignmentsQuery = (id: string) =>
  queryOptions({
    queryKey: evaluationKeys.myAssignments(id),
    queryFn: ({ signal }) => api<MyAssignments>(`${round(id)}/my-assignments`, { signal }),
  });

export const reliabilityQuery = (id: string) =>
  queryOptions({
    queryKey: evaluationKeys.reliability(id),
    queryFn: ({ signal }) => api<Reliability>(`${round(id)}/reliability`, { signal }),
  });

export const demandQuery = (id: string) =>
  queryOptions({
    queryKey: evaluationKeys.demand(id),
    queryFn: ({ signal }) =>
      api<ResponseOf<'/api/v1/evaluation/rounds/{id}/demand'>>(`${round(id)}/demand`, { signal }).then((r) => r.items),
  });

export const myDemandQuery = (id: string) =>
  queryOptions({
    queryKey: evaluationKeys.myDemand(id),
    queryFn: ({ signal }) =>
      api<ResponseOf<'/api/v1/evaluation/rounds/{id}/demand/mine'>>(`${round(id)}/demand/mine`, { signal }).then((r) => r.items),
  });

export const selectionsQuery = (id: string) =>
  queryOptions({
    queryKey: evaluationKeys.selections(id),
    queryFn: ({ signal }) =>
      api<ResponseOf<'/api/v1/evaluation/rounds/{id}/selections'>>(`${round(id)}/selections`, { signal }).then((r) => r.items),
  });

export const selectionQuery = (id: string) =>
  queryOptions({
    queryKey: evaluationKeys.selection(id),
    queryFn: ({ signal }) => api<Selection>(`${BASE}/selections/${enc(id)}`, { signal }),
  });

export interface EvaluatorChoice {
  userId: string;
  displayName: string;
  email: string;
  orgName: string;
}

/**
 * The people holding the evaluator role, from the organisations' member lists (operators may read
 * them); empty when they cannot be read, and the page falls back to typing an id.
 */
export const evaluatorsQuery = queryOptions({
  queryKey: evaluationKeys.evaluators,
  staleTime: 5 * 60_000,
  queryFn: async ({ signal }) => {
    const { items: orgs } = await api<ResponseOf<'/api/v1/orgs'>>('/api/v1/orgs', { signal });
    const lists = await Promise.all(
      orgs.map((org) =>
        api<ResponseOf<'/api/v1/orgs/{id}/members'>>(`/api/v1/orgs/${enc(org.id)}/members`, {
          signal,
        })
          .then((r) => r.items.filter((m) => m.role === 'evaluator').map((m) => ({ ...m, orgName: org.name })))
          .catch(() => []),
      ),
    );
    const seen = new Map<string, EvaluatorChoice>();
    for (const m of lists.flat()) {
      if (!seen.has(m.userId)) seen.set(m.userId, { userId: m.userId, displayName: m.displayName, email: m.email, orgName: m.orgName });
    }
    return [...seen.values()].sort((a, b) => a.displayName.localeCompare(b.displayName, 'ko'));
  },
});

export const createRound = (body: BodyOf<'/api/v1/evaluation/rounds', 'post'>) => api<Round>(`${BASE}/rounds`, { method: 'POST', body });

export const setRoundStatus = (id: string, status: RoundStatus) => api<Round>(`${round(id)}/status`, { method: 'POST', body: { status } });

export const saveRubric = (id: string, body: RubricBody) => api<Rubric>(`${round(id)}/rubric`, { method: 'PUT', body });

export const addCandidates = (id: string, body: BodyOf<'/api/v1/evaluation/rounds/{id}/candidates', 'post'>) =>
  api<ResponseOf<'/api/v1/evaluation/rounds/{id}/candidates', 'post'>>(`${round(id)}/candidates`, { method: 'POST', body });

export const updateCandidateCost = (id: string, entryId: string, estimatedCost: number) =>
  api<unknown>(`${round(id)}/candidates/${enc(entryId)}`, { method: 'PUT', body: { estimatedCost } });

export const removeCandidate = (id: string, entryId: string) =>
  api<unknown>(`${round(id)}/candidates/${enc(entryId)}`, { method: 'DELETE' });

export const assignEvaluators = (id: string, items: BodyOf<'/api/v1/evaluation/rounds/{id}/assignments', 'post'>['items']) =>
  api<ResponseOf<'/api/v1/evaluation/rounds/{id}/assignments', 'post'>>(`${round(id)}/assignments`, {
    method: 'POST',
    body: { items },
  });

export const declareConflict = (id: string, entryId: string, reason: string) =>
  api<unknown>(`${round(id)}/assignments/${enc(entryId)}/conflict`, { method: 'POST', body: { reason } });

export const submitScores = (id: string, entryId: string, body: BodyOf<'/api/v1/evaluation/rounds/{id}/scores/{entryId}', 'put'>) =>
  api<ResponseOf<'/api/v1/evaluation/rounds/{id}/scores/{entryId}', 'put'>>(`${round(id)}/scores/${enc(entryId)}`, { method: 'PUT', body });

export const stateDemand = (id: string, body: DemandInput) =>
  api<ResponseOf<'/api/v1/evaluation/rounds/{id}/demand', 'post'>>(`${round(id)}/demand`, { method: 'POST', body });

export const runSelection = (id: string, body: SelectionConstraints) => api<Selection>(`${round(id)}/selections`, { method: 'POST', body });

export const rerunSelection = (selectionId: string) =>
  api<ResponseOf<'/api/v1/evaluation/selections/{id}/rerun', 'post'>>(`${BASE}/selections/${enc(selectionId)}/rerun`, { method: 'POST' });

export const reportUrl = (selectionId: string, kind: 'csv' | 'xlsx') => `${BASE}/selections/${enc(selectionId)}/report.${kind}`;

/** What the signed-in person may do here, from their memberships (the server decides in the end). */
export interface EvaluationRoles {
  operator: boolean;
  auditor: boolean;
  evaluator: boolean;
  /** A member of a company or research organisation: may state demand. */
  consumer: boolean;
}

export function evaluationRoles(session: Session | null | undefined): EvaluationRoles {
  const memberships = session?.memberships ?? [];
  return {
    operator: memberships.some((m) => m.role === 'operator' && m.orgKind === 'operator'),
    auditor: memberships.some((m) => m.role === 'auditor'),
    evaluator: memberships.some((m) => m.role === 'evaluator'),
    consumer: memberships.some((m) => m.orgKind === 'company' || m.orgKind === 'research'),
  };
}

/**
 * Saaty's 1–9 scale and reciprocals, as the AHP matrix offers them.
 * @example SAATY_VALUES.includes(1 / 3) // true
 */
export const SAATY_VALUES: number[] = [9, 8, 7, 6, 5, 4, 3, 2, 1, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6, 1 / 7, 1 / 8, 1 / 9];

/** 3 → "3", 1/3 → "1/3", 0.5 → "1/2", other values with two decimals. */
export function saatyLabel(value: number): string {
  if (!Number.isFinite(value) || value <= 0) return '—';
  if (Math.abs(value - Math.round(value)) < 1e-9) return String(Math.round(value));
  const inverse = 1 / value;
  if (Math.abs(inverse - Math.round(inverse)) < 1e-6) return `1/${Math.round(inverse)}`;
  return value.toFixed(2);
}

/** The nearest value on the scale (for a matrix restored from a saved rubric or a suggestion). */
export function nearestSaaty(value: number): number {
  let best = 1;
  for (const v of SAATY_VALUES) if (Math.abs(Math.log(v) - Math.log(value)) < Math.abs(Math.log(best) - Math.log(value))) best = v;
  return best;
}

/** `weighting.matrix[1][3]` → [1, 3]. */
export function matrixCell(field: string): [number, number] | null {
  const m = /matrix\[(\d+)\]\[(\d+)\]/.exec(field) ?? /matrix\.(\d+)\.(\d+)/.exec(field);
  return m ? [Number(m[1]), Number(m[2])] : null;
}
