/**
 * Evaluation and selection through the platform (issue 7). A round (평가 차수) has a rubric whose
 * every change is a new version (weights set directly or by AHP with CR < 0.1), candidates
 * (accepted census entries with an estimated processing cost), expert panels (evaluators assigned
 * to entries, never of their own agency; blind scoring 1–5; Krippendorff's alpha per criterion;
 * disagreements to a consensus round), a demand survey of companies and researchers, automatic
 * indicators from the census and the refinery, and selections (HiGHS) stored with every input so
 * they can be re-run and give the same answer.
 *
 * Who: the operator manages; the operator and auditors read everything; evaluators see only the
 * entries they are assigned and only their own scores; consumers (company and research members)
 * see rounds that are not decided and state demand. Rules only; SQL through the repository, the
 * maths through the pure engines (ahp.ts, krippendorff.ts, selection/, indicators.ts, demand.ts).
 */
import { createHash } from 'node:crypto';
import { authorize, can, type Actor, type UserActor } from '../../core/auth/policy.js';
import type { Clock } from '../../core/clock.js';
import { AppError, conflict, forbidden, notFound, unauthenticated, type FieldProblem } from '../../core/errors.js';
import { uuidv7 } from '../../core/ids.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import { AhpMatrixError, CR_THRESHOLD, ahpWeights, mostInconsistentJudgements } from './ahp.js';
import { aggregateDemand } from './demand.js';
import type {
  AssignmentStatus,
  CriterionSource,
  EvaluationDemandRow,
  EvaluationRoundRow,
  EvaluationRubricRow,
  EvaluationScoreRow,
  EvaluationSelectionRow,
  RoundStatus,
  ScorePhase,
  Urgency,
  SelectionStatus,
} from './evaluation.tables.js';
import type { EvaluationRepository } from './evaluation.repository.js';
import {
  AUTO_CRITERIA,
  DEMAND_CRITERION,
  entryIndicators,
  estimateCost,
  expertToPercent,
  weightedTotal,
  type EntryFormFacts,
  type Indicators,
} from './indicators.js';
import { krippendorffAlpha, flagDisagreements, type Rating } from './krippendorff.js';
import {
  DEFAULT_BUDGET,
  DEFAULT_COUNT,
  SelectionInputError,
  selectCandidates,
  type Candidate,
  type CountRule,
  type SelectionOptions,
} from './selection/index.js';

// ------------------------------------------------------------------------------------------------
// Shapes served

export interface Criterion {
  key: string;
  labelKo: string;
  labelEn: string;
  source: CriterionSource;
}

export interface Consistency {
  lambdaMax: number;
  ci: number;
  cr: number;
}

export interface Rubric {
  version: number;
  criteria: Criterion[];
  method: 'direct' | 'ahp';
  weights: Record<string, number>;
  consistency: Consistency | null;
  matrix: number[][] | null;
  createdAt: string;
  createdBy: string | null;
}

export interface Round {
  id: string;
  title: string;
  campaignId: string | null;
  budget: number;
  targetCount: number;
  status: RoundStatus;
  rubricVersion: number | null;
  candidateCount: number;
  createdAt: string;
}

export interface CandidateView {
  entryId: string;
  title: string;
  agency: string;
  agencyId: string;
  domain: string;
  modality: string;
  estimatedCost: number;
  indicators: Indicators;
  demand: number;
  expert: Record<string, number | null>;
  score: number | null;
}

export interface AssignmentView {
  entryId: string;
  evaluatorId: string;
  evaluatorName: string;
  status: AssignmentStatus;
  declaredReason: string | null;
  assignedAt: string;
}

export interface MyAssignment {
  entryId: string;
  title: string;
  agency: string;
  domain: string;
  modality: string;
  description: string;
  status: AssignmentStatus;
  myScores: Record<string, number> | null;
  myComment: string | null;
  /** The phase of myScores. */
  myPhase: ScorePhase | null;
  needsConsensus: boolean;
}

export interface ScoreHistoryItem {
  id: string;
  entryId: string;
  evaluatorId: string;
  evaluatorName: string;
  phase: ScorePhase;
  scores: Record<string, number>;
  comment: string | null;
  createdAt: string;
}

export interface Reliability {
  criteria: Array<{ key: string; alpha: number | null; units: number; pairable: number }>;
  flagged: Array<{ entryId: string; title: string; criterionKey: string; scores: number[]; spread: number }>;
}

export interface DemandItem {
  entryId: string;
  title: string;
  statements: number;
  score: number;
}

export interface MyDemandStatement {
  id: string;
  orgId: string;
  entryId: string | null;
  need: string | null;
  matchedEntryIds: string[];
  intendedUse: string;
  urgency: Urgency;
  coInvestKrw: number;
  createdAt: string;
}

export interface SelectionConstraints {
  budget: number;
  count: CountRule;
  domainMin: Record<string, number>;
  domainMax: Record<string, number>;
  agencyMax: number | null;
  modalityMin: Record<string, number>;
  mustInclude: string[];
  mustExclude: string[];
}

/** Everything a selection needs to be computed again, as stored with it. */
export interface SelectionInputs {
  format: 1;
  roundId: string;
  rubric: { version: number; criteria: Criterion[]; weights: Record<string, number> };
  candidates: Array<{
    entryId: string;
    title: string;
    agency: string;
    agencyId: string;
    domain: string;
    modality: string;
    cost: number;
    /** Criterion values on 0–100; null when missing (counted as 0). */
    values: Record<string, number | null>;
  }>;
  constraints: SelectionConstraints;
  run: { timeLimit: number; sensitivityStep: number; exactUnselected: number };
}

export interface SelectionEntry {
  entryId: string;
  title: string;
  agency: string;
  domain: string;
  modality: string;
  cost: number;
  score: number;
  breakdown: Record<string, number | null>;
  selected: boolean;
  marginalValue: number | null;
  marginalKind: 'exact' | 'lp-estimate' | null;
  binding: string | null;
  reason: string;
}

export interface SelectionOutcome {
  status: SelectionStatus;
  objective: number | null;
  cost: number;
  selected: string[];
  greedy: { objective: number | null; selected: string[]; gapPercent: number | null; feasible: boolean };
  conflict: string[] | null;
  conflictGroups: string[] | null;
  entries: SelectionEntry[];
  sensitivity: Array<{ criterion: string; change: '+10%' | '-10%'; objective: number | null; entering: string[]; leaving: string[] }>;
}

export interface Selection extends SelectionOutcome {
  id: string;
  roundId: string;
  rubricVersion: number;
  constraints: SelectionConstraints;
  inputsHash: string;
  createdAt: string;
  createdBy: string | null;
}

export interface SelectionSummary {
  id: string;
  roundId: string;
  rubricVersion: number;
  status: SelectionStatus;
  objective: number | null;
  cost: number;
  selectedCount: number;
  inputsHash: string;
  createdAt: string;
  createdBy: string | null;
}

// ------------------------------------------------------------------------------------------------
// Inputs

export interface NewRound {
  title: string;
  campaignId?: string | null | undefined;
  budget?: number | undefined;
  targetCount?: number | undefined;
}

export interface RubricInput {
  criteria: Criterion[];
  weighting: { method: 'direct'; weights: Record<string, number> } | { method: 'ahp'; matrix: number[][] };
}

export interface CandidatesInput {
  entries?: Array<{ entryId: string; estimatedCost: number }> | undefined;
  allAccepted?: boolean | undefined;
  defaultCost?: number | undefined;
}

export interface DemandInput {
  entryId?: string | undefined;
  need?: string | undefined;
  intendedUse: string;
  urgency: Urgency;
  coInvestKrw?: number | undefined;
}

export interface SelectionRequest {
  count?: CountRule | undefined;
  budget?: number | undefined;
  domainMin?: Record<string, number> | undefined;
  domainMax?: Record<string, number> | undefined;
  agencyMax?: number | undefined;
  modalityMin?: Record<string, number> | undefined;
  mustInclude?: string[] | undefined;
  mustExclude?: string[] | undefined;
}

export interface EvaluationServiceDeps {
  repo: EvaluationRepository;
  clock: Clock;
  /** The data map's search, to match a free-text need to entries. */
  catalog: Pick<CatalogService, 'search'>;
}

/** Round statuses in order, and the moves allowed between them. */
export const ROUND_STATUSES = ['setup', 'scoring', 'consensus', 'decided'] as const satisfies readonly RoundStatus[];
const MOVES: Record<RoundStatus, RoundStatus[]> = {
  setup: ['scoring'],
  scoring: ['consensus', 'decided'],
  consensus: ['decided'],
  decided: [],
};
/** Flag an entry for consensus when its experts' scores on a criterion span at least this much (1–5 scale). */
export const CONSENSUS_SPREAD = 2;
/** Free-text needs are matched to at most this many candidates. */
export const NEED_MATCHES = 5;
/** Run settings stored with each selection. */
const RUN = { timeLimit: 60, sensitivityStep: 0.1, exactUnselected: 20 };

const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));
const CRITERION_KEY = /^[a-z0-9_]{1,64}$/;
const NO_VALUE = '(none)';

/** JSON with object keys sorted, so equal inputs hash alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** sha256 of the canonical JSON of a selection's inputs. @example inputsHash(inputs) // '9f2c…' */
export function inputsHash(inputs: SelectionInputs): string {
  return createHash('sha256').update(canonical(inputs)).digest('hex');
}

const validation = (message: string, problems: FieldProblem[]) => new AppError('validation', message, { problems });
const finite = (n: number) => (Number.isFinite(n) ? n : null);

function formFacts(form: string): EntryFormFacts & { description?: string } {
  try {
    return JSON.parse(form) as EntryFormFacts & { description?: string };
  } catch {
    return {};
  }
}

/**
 * Runs the selection engine on stored inputs: deterministic, so the same inputs give the same answer.
 *
 * @example const outcome = await computeSelection(inputs); outcome.status // 'optimal'
 */
export async function computeSelection(inputs: SelectionInputs): Promise<SelectionOutcome> {
  const weights = inputs.rubric.weights;
  const rows = inputs.candidates.map((c) => {
    const criteria = Object.fromEntries(Object.keys(weights).map((k) => [k, c.values[k] ?? 0]));
    return { input: c, score: weightedTotal(c.values, weights), criteria };
  });
  const candidates: Candidate[] = rows.map((r) => ({
    id: r.input.entryId,
    score: r.score,
    cost: r.input.cost,
    domain: r.input.domain,
    agency: r.input.agencyId,
    modality: r.input.modality,
    criteria: r.criteria,
  }));
  const c = inputs.constraints;
  const options: SelectionOptions = {
    budget: c.budget,
    count: c.count,
    domainMin: c.domainMin,
    domainMax: c.domainMax,
    ...(c.agencyMax !== null ? { agencyMax: c.agencyMax } : {}),
    modalityMin: c.modalityMin,
    mustInclude: c.mustInclude,
    mustExclude: c.mustExclude,
  };
  let result;
  try {
    result = await selectCandidates(candidates, options, {
      timeLimit: inputs.run.timeLimit,
      explain: { marginal: 'auto', exactUnselected: inputs.run.exactUnselected },
      weights,
      sensitivityStep: inputs.run.sensitivityStep,
    });
  } catch (error) {
    if (error instanceof SelectionInputError) {
      const field = /^(\w+)/.exec(error.message)?.[1] ?? 'constraints';
      throw validation(error.message, [{ field, message: error.message }]);
    }
    throw error;
  }
  const explanations = new Map((result.explanations ?? []).map((e) => [e.id, e]));
  const selected = new Set(result.selected);
  const status: SelectionOutcome['status'] =
    result.status === 'optimal' || result.status === 'infeasible' || result.status === 'time_limit' ? result.status : 'error';
  const entries: SelectionEntry[] = rows.map((r) => {
    const e = explanations.get(r.input.entryId);
    const isIn = selected.has(r.input.entryId);
    return {
      entryId: r.input.entryId,
      title: r.input.title,
      agency: r.input.agency,
      domain: r.input.domain,
      modality: r.input.modality,
      cost: r.input.cost,
      score: r.score,
      breakdown: Object.fromEntries(Object.keys(weights).map((k) => [k, r.input.values[k] ?? null])),
      selected: isIn,
      marginalValue: e && e.marginal !== null ? finite(e.marginal) : null,
      marginalKind: e ? e.marginalMethod : null,
      binding: e && e.binding.length ? e.binding.join(', ') : null,
      reason: e
        ? e.reason
        : status === 'infeasible'
          ? 'out: no selection meets the constraints'
          : isIn
            ? 'in'
            : 'out: the solver found no proven answer',
    };
  });
  entries.sort((a, b) => Number(b.selected) - Number(a.selected) || b.score - a.score || (a.entryId < b.entryId ? -1 : 1));
  return {
    status,
    objective: finite(result.objective),
    cost: result.cost,
    selected: result.selected,
    greedy: {
      objective: finite(result.greedy.objective),
      selected: [...result.greedy.selected].sort(),
      gapPercent: result.greedy.gapPercent,
      feasible: result.greedy.feasible,
    },
    conflict: result.conflict ? result.conflict.descriptions : null,
    conflictGroups: result.conflict ? result.conflict.groups : null,
    entries,
    sensitivity: (result.sensitivity ?? []).map((m) => ({
      criterion: m.criterion,
      change: m.change > 0 ? '+10%' : '-10%',
      objective: finite(m.objective),
      entering: m.entering,
      leaving: m.leaving,
    })),
  };
}

export function createEvaluationService(deps: EvaluationServiceDeps) {
  const { repo, clock, catalog } = deps;

  const userOf = (actor: Actor): UserActor => {
    if (actor.kind === 'anonymous') throw unauthenticated();
    if (actor.kind !== 'user') throw forbidden('Evaluation needs a signed-in person');
    return actor;
  };
  const actorId = (actor: Actor) => (actor.kind === 'user' ? actor.userId : null);

  async function requireRound(id: string): Promise<EvaluationRoundRow> {
    const row = await repo.getRound(id);
    if (!row) throw notFound('The evaluation round');
    return row;
  }

  /** The round, when the actor may see it: oversight always, evaluators where assigned, consumers while it is open. */
  async function visibleRound(actor: Actor, id: string): Promise<EvaluationRoundRow> {
    if (actor.kind === 'anonymous') throw unauthenticated();
    const row = await requireRound(id);
    if (can(actor, 'evaluation.read')) return row;
    if (actor.kind === 'user') {
      if (can(actor, 'evaluation.review') && (await repo.listAssignments(id, actor.userId)).length > 0) return row;
      if (can(actor, 'evaluation.demand_read') && row.status !== 'decided') return row;
    }
    throw notFound('The evaluation round');
  }

  /** Authorizes first (403 for those who may not), then finds the round (404). */
  async function roundFor(actor: Actor, id: string, action: 'evaluation.manage' | 'evaluation.read'): Promise<EvaluationRoundRow> {
    authorize(actor, action);
    return requireRound(id);
  }

  function notDecided(round: EvaluationRoundRow, what: string): void {
    if (round.status === 'decided') throw conflict(`The round is decided: ${what} can no longer change`);
  }

  async function toRounds(rows: EvaluationRoundRow[]): Promise<Round[]> {
    const counts = await repo.candidateCounts(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      campaignId: r.campaign_id,
      budget: Number(r.budget),
      targetCount: r.target_count,
      status: r.status,
      rubricVersion: r.rubric_version,
      candidateCount: counts.get(r.id) ?? 0,
      createdAt: r.created_at,
    }));
  }
  const toRound = async (row: EvaluationRoundRow) => (await toRounds([row]))[0]!;

  const toRubric = (row: EvaluationRubricRow): Rubric => ({
    version: row.version,
    criteria: JSON.parse(row.criteria) as Criterion[],
    method: row.method,
    weights: JSON.parse(row.weights) as Record<string, number>,
    consistency: json<Consistency>(row.consistency),
    matrix: json<number[][]>(row.matrix),
    createdAt: row.created_at,
    createdBy: row.created_by,
  });

  async function currentRubric(round: EvaluationRoundRow): Promise<Rubric | null> {
    if (round.rubric_version === null) return null;
    const row = await repo.getRubric(round.id, round.rubric_version);
    return row ? toRubric(row) : null;
  }

  const expertCriteria = (rubric: Rubric | null) => (rubric ? rubric.criteria.filter((c) => c.source === 'expert') : []);

  /** The latest submission of each evaluator on each entry, per phase. */
  function latestSubmissions(rows: readonly EvaluationScoreRow[]) {
    const out = new Map<string, { initial?: EvaluationScoreRow; consensus?: EvaluationScoreRow }>();
    for (const row of rows) {
      const key = `${row.entry_id}\u0000${row.evaluator_id}`;
      const slot = out.get(key) ?? {};
      slot[row.phase] = row; // rows come oldest first
      out.set(key, slot);
    }
    return out;
  }

  /**
   * The scores that count, per entry and evaluator (active assignments only): the consensus
   * submission where there is one, otherwise the initial one; or only initial ones when asked.
   */
  async function countedScores(roundId: string, phase: 'final' | 'initial' = 'final') {
    const assignments = (await repo.listAssignments(roundId)).filter((a) => a.status !== 'declined');
    const latest = latestSubmissions(await repo.listScores(roundId));
    const byEntry = new Map<string, Map<string, Record<string, number>>>();
    const evaluators = new Set<string>();
    for (const a of assignments) {
      const slot = latest.get(`${a.entry_id}\u0000${a.evaluator_id}`);
      const row = phase === 'initial' ? slot?.initial : (slot?.consensus ?? slot?.initial);
      if (!row) continue;
      evaluators.add(a.evaluator_id);
      const perEntry = byEntry.get(a.entry_id) ?? new Map<string, Record<string, number>>();
      perEntry.set(a.evaluator_id, JSON.parse(row.scores) as Record<string, number>);
      byEntry.set(a.entry_id, perEntry);
    }
    return { byEntry, evaluators: [...evaluators].sort() };
  }

  /** Units × raters matrices per criterion, and the entries whose ratings span ≥ CONSENSUS_SPREAD. */
  function disagreements(
    scores: Awaited<ReturnType<typeof countedScores>>,
    criteria: readonly Criterion[],
  ): {
    matrices: Map<string, { entryIds: string[]; matrix: Rating[][] }>;
    flagged: Array<{ entryId: string; criterionKey: string; scores: number[]; spread: number }>;
  } {
    const entryIds = [...scores.byEntry.keys()].sort();
    const matrices = new Map<string, { entryIds: string[]; matrix: Rating[][] }>();
    const flagged: Array<{ entryId: string; criterionKey: string; scores: number[]; spread: number }> = [];
    for (const c of criteria) {
      const matrix = entryIds.map((id) => scores.evaluators.map((ev) => scores.byEntry.get(id)?.get(ev)?.[c.key] ?? null));
      matrices.set(c.key, { entryIds, matrix });
      for (const unit of flagDisagreements(matrix, { maxSpread: CONSENSUS_SPREAD - 1 })) {
        flagged.push({ entryId: entryIds[unit.unit]!, criterionKey: c.key, scores: unit.ratings, spread: unit.spread });
      }
    }
    return { matrices, flagged };
  }

  /** Entries on the consensus agenda: those whose initial scores disagree. */
  async function consensusAgenda(round: EvaluationRoundRow, rubric: Rubric | null): Promise<Set<string>> {
    if (round.status !== 'consensus') return new Set();
    const { flagged } = disagreements(await countedScores(round.id, 'initial'), expertCriteria(rubric));
    return new Set(flagged.map((f) => f.entryId));
  }

  /** Every candidate with its indicators, demand, expert means and weighted score under the rubric. */
  async function scoreTable(round: EvaluationRoundRow, rubric: Rubric | null) {
    const rows = await repo.listCandidates(round.id);
    const ids = rows.map((r) => r.id);
    const quality = new Map<string, unknown>();
    for (const q of await repo.qualityReports(ids)) if (!quality.has(q.entry_id)) quality.set(q.entry_id, json<unknown>(q.body));
    const demand = aggregateDemand(ids, (await repo.listDemand(round.id)).map(toStatement));
    const scores = await countedScores(round.id);
    const experts = expertCriteria(rubric);
    return rows.map((row) => {
      const indicators = entryIndicators(formFacts(row.form), quality.get(row.id) ?? null);
      const expert: Record<string, number | null> = {};
      for (const c of experts) {
        const given = [...(scores.byEntry.get(row.id)?.values() ?? [])]
          .map((s) => s[c.key])
          .filter((v): v is number => typeof v === 'number');
        expert[c.key] = given.length ? expertToPercent(given.reduce((a, b) => a + b, 0) / given.length) : null;
      }
      const demandScore = demand.get(row.id)?.score ?? 0;
      const values: Record<string, number | null> = {};
      for (const c of rubric?.criteria ?? []) {
        values[c.key] =
          c.source === 'auto'
            ? (indicators[c.key as keyof Indicators] ?? null)
            : c.source === 'demand'
              ? demandScore
              : (expert[c.key] ?? null);
      }
      return {
        row,
        values,
        view: {
          entryId: row.id,
          title: row.title ?? '',
          agency: row.org_name,
          agencyId: row.org_id,
          domain: row.domain ?? NO_VALUE,
          modality: row.modality ?? NO_VALUE,
          estimatedCost: Number(row.estimated_cost),
          indicators,
          demand: demandScore,
          expert,
          score: rubric ? weightedTotal(values, rubric.weights) : null,
        } satisfies CandidateView,
      };
    });
  }

  const toStatement = (d: EvaluationDemandRow) => ({
    entryId: d.entry_id,
    matched: JSON.parse(d.matched) as string[],
    urgency: d.urgency,
    coInvestKrw: Number(d.co_invest_krw),
  });

  function checkRubric(input: RubricInput): {
    weights: Record<string, number>;
    matrix: number[][] | null;
    consistency: Consistency | null;
  } {
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    input.criteria.forEach((c, i) => {
      if (!CRITERION_KEY.test(c.key)) problems.push({ field: `criteria[${i}].key`, message: 'use a-z, 0-9 and _ only' });
      if (seen.has(c.key)) problems.push({ field: `criteria[${i}].key`, message: `"${c.key}" is named twice` });
      seen.add(c.key);
      const auto = (AUTO_CRITERIA as readonly string[]).includes(c.key);
      if (c.source === 'auto' && !auto)
        problems.push({
          field: `criteria[${i}].source`,
          message: `automatic criteria are ${AUTO_CRITERIA.join(', ')}; "${c.key}" is not one`,
        });
      if (c.source !== 'auto' && auto)
        problems.push({ field: `criteria[${i}].source`, message: `"${c.key}" is computed by the platform: its source is auto` });
      if ((c.source === 'demand') !== (c.key === DEMAND_CRITERION))
        problems.push({ field: `criteria[${i}].source`, message: `the demand criterion is "${DEMAND_CRITERION}" with source demand` });
    });
    if (input.criteria.length === 0) problems.push({ field: 'criteria', message: 'a rubric needs at least one criterion' });
    if (problems.length)
      throw validation(`The rubric is not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);

    const keys = input.criteria.map((c) => c.key);
    if (input.weighting.method === 'direct') {
      const given = input.weighting.weights;
      for (const key of keys)
        if (given[key] === undefined)
          problems.push({ field: `weighting.weights.${key}`, message: 'missing: give every criterion a weight' });
      for (const [key, w] of Object.entries(given)) {
        if (!keys.includes(key)) problems.push({ field: `weighting.weights.${key}`, message: 'not a criterion of the rubric' });
        else if (!Number.isFinite(w) || w < 0) problems.push({ field: `weighting.weights.${key}`, message: 'must be a number ≥ 0' });
      }
      const sum = keys.reduce((s, k) => s + (given[k] ?? 0), 0);
      if (problems.length === 0 && !(sum > 0)) problems.push({ field: 'weighting.weights', message: 'the weights must not all be 0' });
      if (problems.length)
        throw validation(`The weights are not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
      return { weights: Object.fromEntries(keys.map((k) => [k, given[k]! / sum])), matrix: null, consistency: null };
    }

    const matrix = input.weighting.matrix;
    if (matrix.length !== keys.length || matrix.some((row) => row.length !== keys.length))
      throw validation(`The comparison matrix must be ${keys.length} × ${keys.length}, in the order of the criteria`, [
        { field: 'weighting.matrix', message: `must be ${keys.length} × ${keys.length}` },
      ]);
    let result;
    try {
      result = ahpWeights(matrix);
    } catch (error) {
      if (error instanceof AhpMatrixError) {
        const field =
          error.row !== undefined && error.column !== undefined
            ? `weighting.matrix[${error.row - 1}][${error.column - 1}]`
            : error.row !== undefined
              ? `weighting.matrix[${error.row - 1}]`
              : 'weighting.matrix';
        throw validation(error.message, [{ field, message: error.message }]);
      }
      throw error;
    }
    const consistency = { lambdaMax: result.lambdaMax, ci: result.ci, cr: result.cr };
    if (result.cr >= CR_THRESHOLD) {
      const worst = mostInconsistentJudgements(matrix, 3);
      const fmt = (n: number) => (n >= 1 ? String(Number(n.toFixed(2))) : `1/${Number((1 / n).toFixed(2))}`);
      throw validation(
        `The judgements are not consistent enough: CR = ${result.cr.toFixed(3)} (must be < ${CR_THRESHOLD}). Revisit ${worst
          .map((w) => `${keys[w.i]} vs ${keys[w.j]}`)
          .join(', ')}`,
        worst.map((w) => ({
          field: `weighting.matrix[${w.i}][${w.j}]`,
          message: `${keys[w.i]} vs ${keys[w.j]}: ${fmt(w.value)} disagrees with the other judgements (CR = ${result.cr.toFixed(3)}); about ${fmt(w.consistentValue)} would be consistent, suggested ${fmt(w.suggestedValue)}`,
          messageKo: `${keys[w.i]} 대 ${keys[w.j]}: ${fmt(w.value)}은(는) 다른 판단과 일관되지 않습니다 (CR = ${result.cr.toFixed(3)}). 제안 값 ${fmt(w.suggestedValue)}`,
        })),
      );
    }
    return { weights: Object.fromEntries(keys.map((k, i) => [k, result.weights[i]!])), matrix, consistency };
  }

  async function buildInputs(round: EvaluationRoundRow, rubric: Rubric, request: SelectionRequest): Promise<SelectionInputs> {
    const table = await scoreTable(round, rubric);
    if (table.length === 0) throw conflict('The round has no candidates to select from');
    const ids = new Set(table.map((t) => t.view.entryId));
    const problems: FieldProblem[] = [];
    for (const list of ['mustInclude', 'mustExclude'] as const)
      (request[list] ?? []).forEach((id, i) => {
        if (!ids.has(id)) problems.push({ field: `${list}[${i}]`, message: `${id} is not a candidate of the round` });
      });
    if (problems.length) throw validation(`The constraints name entries that are not candidates`, problems);
    return {
      format: 1,
      roundId: round.id,
      rubric: { version: rubric.version, criteria: rubric.criteria, weights: rubric.weights },
      candidates: table.map(({ view, values }) => ({
        entryId: view.entryId,
        title: view.title,
        agency: view.agency,
        agencyId: view.agencyId,
        domain: view.domain,
        modality: view.modality,
        cost: view.estimatedCost,
        values,
      })),
      constraints: {
        budget: request.budget ?? Number(round.budget),
        count: request.count ?? { exact: round.target_count },
        domainMin: request.domainMin ?? {},
        domainMax: request.domainMax ?? {},
        agencyMax: request.agencyMax ?? null,
        modalityMin: request.modalityMin ?? {},
        mustInclude: request.mustInclude ?? [],
        mustExclude: request.mustExclude ?? [],
      },
      run: RUN,
    };
  }

  function toSelection(row: EvaluationSelectionRow): Selection {
    const inputs = JSON.parse(row.inputs) as SelectionInputs;
    return {
      id: row.id,
      roundId: row.round_id,
      rubricVersion: row.rubric_version,
      ...(JSON.parse(row.result) as SelectionOutcome),
      constraints: inputs.constraints,
      inputsHash: row.inputs_hash,
      createdAt: row.created_at,
      createdBy: row.created_by,
    };
  }

  async function readableSelection(actor: Actor, id: string): Promise<EvaluationSelectionRow> {
    authorize(actor, 'evaluation.read');
    const row = await repo.getSelection(id);
    if (!row) throw notFound('The selection');
    return row;
  }

  /** The candidates' entries, checked: each must be an accepted census entry. */
  async function acceptedEntries(entryIds: readonly string[], field: (i: number) => string) {
    const found = new Map((await repo.entriesByIds(entryIds)).map((e) => [e.id, e]));
    const problems: FieldProblem[] = [];
    entryIds.forEach((id, i) => {
      const e = found.get(id);
      if (!e) problems.push({ field: field(i), message: `no census entry ${id}` });
      else if (e.status !== 'accepted') problems.push({ field: field(i), message: `entry ${id} is ${e.status}, not accepted` });
    });
    if (problems.length) throw validation(`Candidates must be accepted census entries`, problems);
    return found;
  }

  /**
   * A free-text need matched to the round's candidates through the data map: the whole text first
   * (the search wants every word), then each word on its own; candidates found by the whole text
   * come first, then those matching more words, then by BM25; the best NEED_MATCHES.
   */
  async function matchNeed(actor: Actor, need: string, candidates: ReadonlySet<string>): Promise<string[]> {
    const rank = new Map<string, { whole: number; words: number; bm25: number }>();
    const add = async (q: string, whole: boolean) => {
      const found = await catalog.search(actor, { q, limit: 100 });
      for (const hit of found.results) {
        if (!candidates.has(hit.id)) continue;
        const r = rank.get(hit.id) ?? { whole: 0, words: 0, bm25: 0 };
        if (whole) r.whole = 1;
        else r.words += 1;
        r.bm25 += hit.score;
        rank.set(hit.id, r);
      }
    };
    await add(need, true);
    const words = [...new Set(need.split(/[\s,.;:!?·/()[\]"']+/u).filter((w) => w.length >= 2))].slice(0, 10);
    if (words.length > 1) for (const word of words) await add(word, false);
    return [...rank.entries()]
      .sort(([a, x], [b, y]) => y.whole - x.whole || y.words - x.words || y.bm25 - x.bm25 || (a < b ? -1 : 1))
      .slice(0, NEED_MATCHES)
      .map(([id]) => id);
  }

  /** Orgs the actor may state demand for. */
  const demandOrgs = (actor: UserActor) =>
    [...new Set(actor.memberships.map((m) => m.orgId))].filter((orgId) => can(actor, 'evaluation.demand_read', { orgId }));

  return {
    // --------------------------------------------------------------------------------------------
    // Rounds

    /** Opens a round (operator). @example await evaluation.createRound(operator, { title: '2026 선정' }) */
    async createRound(actor: Actor, input: NewRound): Promise<Round> {
      authorize(actor, 'evaluation.manage');
      if (input.campaignId && !(await repo.campaignExists(input.campaignId)))
        throw validation('No such census campaign', [{ field: 'campaignId', message: `no campaign ${input.campaignId}` }]);
      const now = clock.now();
      const row: EvaluationRoundRow = {
        id: uuidv7(now.getTime()),
        title: input.title,
        campaign_id: input.campaignId ?? null,
        budget: input.budget ?? DEFAULT_BUDGET,
        target_count: input.targetCount ?? DEFAULT_COUNT,
        status: 'setup',
        rubric_version: null,
        created_by: actorId(actor),
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      };
      await repo.insertRound(row);
      return toRound(row);
    },

    /** The rounds the actor may see, newest first. */
    async listRounds(actor: Actor): Promise<Round[]> {
      if (actor.kind === 'anonymous') throw unauthenticated();
      if (can(actor, 'evaluation.read')) return toRounds(await repo.listRounds());
      const user = userOf(actor);
      const ids = new Set<string>();
      if (can(user, 'evaluation.review')) for (const id of await repo.roundsAssignedTo(user.userId)) ids.add(id);
      const all = await repo.listRounds();
      const open = can(user, 'evaluation.demand_read') ? all.filter((r) => r.status !== 'decided') : [];
      return toRounds(all.filter((r) => ids.has(r.id) || open.includes(r)));
    },

    async getRound(actor: Actor, id: string): Promise<Round> {
      return toRound(await visibleRound(actor, id));
    },

    /** setup → scoring (needs a rubric and candidates) → consensus → decided (scoring → decided skips consensus). */
    async setStatus(actor: Actor, id: string, status: RoundStatus): Promise<Round> {
      const round = await roundFor(actor, id, 'evaluation.manage');
      if (status === round.status) return toRound(round);
      if (!MOVES[round.status].includes(status))
        throw conflict(`A round cannot go from ${round.status} to ${status} (next: ${MOVES[round.status].join(' or ') || 'none'})`);
      if (status === 'scoring') {
        if (round.rubric_version === null) throw conflict('Scoring needs a rubric first');
        if (((await repo.candidateCounts([id])).get(id) ?? 0) === 0) throw conflict('Scoring needs candidates first');
      }
      const updated = { ...round, status, updated_at: clock.now().toISOString() };
      await repo.updateRound(id, { status, updated_at: updated.updated_at });
      return toRound(updated);
    },

    // --------------------------------------------------------------------------------------------
    // Rubric

    /**
     * Saves a new rubric version. Direct weights are normalised to sum 1; AHP needs CR < 0.1, and
     * otherwise is a 422 whose problems name the worst judgements (`weighting.matrix[i][j]`).
     *
     * @example await evaluation.putRubric(operator, roundId, { criteria, weighting: { method: 'ahp', matrix } })
     */
    async putRubric(actor: Actor, roundId: string, input: RubricInput): Promise<Rubric> {
      const round = await roundFor(actor, roundId, 'evaluation.manage');
      notDecided(round, 'the rubric');
      const { weights, matrix, consistency } = checkRubric(input);
      const version = ((await repo.listRubrics(roundId))[0]?.version ?? 0) + 1;
      const now = clock.now().toISOString();
      const row: EvaluationRubricRow = {
        round_id: roundId,
        version,
        criteria: JSON.stringify(input.criteria.map((c) => ({ key: c.key, labelKo: c.labelKo, labelEn: c.labelEn, source: c.source }))),
        method: input.weighting.method,
        weights: JSON.stringify(weights),
        matrix: matrix ? JSON.stringify(matrix) : null,
        consistency: consistency ? JSON.stringify(consistency) : null,
        created_by: actorId(actor),
        created_at: now,
      };
      await repo.insertRubric(row);
      await repo.updateRound(roundId, { rubric_version: version, updated_at: now });
      return toRubric(row);
    },

    async getRubric(actor: Actor, roundId: string): Promise<{ current: Rubric | null; versions: Rubric[] }> {
      const round = await visibleRound(actor, roundId);
      const versions = (await repo.listRubrics(roundId)).map(toRubric);
      return { current: versions.find((v) => v.version === round.rubric_version) ?? null, versions };
    },

    // --------------------------------------------------------------------------------------------
    // Candidates

    /**
     * Adds entries (or every accepted entry of the round's campaign) as candidates; an entry already
     * there gets the given cost. Without a cost, `defaultCost` or the estimate from its volume.
     */
    async addCandidates(actor: Actor, roundId: string, input: CandidatesInput): Promise<{ added: number; updated: number }> {
      const round = await roundFor(actor, roundId, 'evaluation.manage');
      notDecided(round, 'the candidates');
      if (!input.allAccepted && !(input.entries?.length ?? 0))
        throw validation('Name entries or ask for allAccepted', [{ field: 'entries', message: 'give entries, or allAccepted: true' }]);
      const existing = new Set((await repo.listCandidates(roundId)).map((c) => c.id));
      const now = clock.now().toISOString();
      let added = 0;
      let updated = 0;
      const entries = input.entries ?? [];
      if (entries.length)
        await acceptedEntries(
          entries.map((e) => e.entryId),
          (i) => `entries[${i}].entryId`,
        );
      for (const e of entries) {
        if (existing.has(e.entryId)) {
          await repo.updateCandidateCost(roundId, e.entryId, e.estimatedCost);
          updated++;
        } else {
          await repo.insertCandidate({ round_id: roundId, entry_id: e.entryId, estimated_cost: e.estimatedCost, added_at: now });
          existing.add(e.entryId);
          added++;
        }
      }
      if (input.allAccepted) {
        for (const entry of await repo.acceptedEntries(round.campaign_id)) {
          if (existing.has(entry.id)) continue;
          const cost = input.defaultCost ?? estimateCost(formFacts(entry.form));
          await repo.insertCandidate({ round_id: roundId, entry_id: entry.id, estimated_cost: cost, added_at: now });
          existing.add(entry.id);
          added++;
        }
      }
      return { added, updated };
    },

    async setCandidateCost(
      actor: Actor,
      roundId: string,
      entryId: string,
      estimatedCost: number,
    ): Promise<{ entryId: string; estimatedCost: number }> {
      const round = await roundFor(actor, roundId, 'evaluation.manage');
      notDecided(round, 'the candidates');
      if (!(await repo.getCandidate(roundId, entryId))) throw notFound('The candidate');
      await repo.updateCandidateCost(roundId, entryId, estimatedCost);
      return { entryId, estimatedCost };
    },

    async removeCandidate(actor: Actor, roundId: string, entryId: string): Promise<void> {
      const round = await roundFor(actor, roundId, 'evaluation.manage');
      notDecided(round, 'the candidates');
      if (!(await repo.getCandidate(roundId, entryId))) throw notFound('The candidate');
      await repo.deleteCandidate(roundId, entryId);
    },

    /** Every candidate with its indicators, demand, expert means and weighted score (operator, auditor). */
    async listCandidates(actor: Actor, roundId: string): Promise<CandidateView[]> {
      const round = await roundFor(actor, roundId, 'evaluation.read');
      return (await scoreTable(round, await currentRubric(round))).map((t) => t.view);
    },

    // --------------------------------------------------------------------------------------------
    // Panels

    /**
     * Assigns evaluators to candidates; refuses (and reports) an evaluator of the entry's own agency
     * (`conflict_of_interest`), someone without the evaluator role, an entry that is not a candidate.
     */
    async assign(
      actor: Actor,
      roundId: string,
      items: Array<{ entryId: string; evaluatorId: string }>,
    ): Promise<{ assigned: number; refused: Array<{ entryId: string; evaluatorId: string; reason: string }> }> {
      const round = await roundFor(actor, roundId, 'evaluation.manage');
      notDecided(round, 'the panels');
      const candidates = new Map((await repo.listCandidates(roundId)).map((c) => [c.id, c]));
      const people = new Map<string, Awaited<ReturnType<typeof repo.userWithMemberships>>>();
      const refused: Array<{ entryId: string; evaluatorId: string; reason: string }> = [];
      let assigned = 0;
      const now = clock.now().toISOString();
      for (const item of items) {
        const refuse = (reason: string) => refused.push({ ...item, reason });
        const candidate = candidates.get(item.entryId);
        if (!candidate) {
          refuse('not_a_candidate');
          continue;
        }
        if (!people.has(item.evaluatorId)) people.set(item.evaluatorId, await repo.userWithMemberships(item.evaluatorId));
        const person = people.get(item.evaluatorId);
        if (!person) {
          refuse('unknown_user');
          continue;
        }
        if (!person.memberships.some((m) => m.role === 'evaluator')) {
          refuse('not_an_evaluator');
          continue;
        }
        if (person.memberships.some((m) => m.org_id === candidate.org_id)) {
          refuse('conflict_of_interest');
          continue;
        }
        const existing = await repo.getAssignment(roundId, item.entryId, item.evaluatorId);
        if (existing?.status === 'declined') {
          refuse('declined');
          continue;
        }
        if (existing) continue;
        await repo.insertAssignment({
          round_id: roundId,
          entry_id: item.entryId,
          evaluator_id: item.evaluatorId,
          status: 'assigned',
          declared_reason: null,
          assigned_at: now,
        });
        assigned++;
      }
      return { assigned, refused };
    },

    async listAssignments(actor: Actor, roundId: string): Promise<AssignmentView[]> {
      await roundFor(actor, roundId, 'evaluation.read');
      const rows = await repo.listAssignments(roundId);
      const names = await repo.userNames(rows.map((r) => r.evaluator_id));
      return rows.map((r) => ({
        entryId: r.entry_id,
        evaluatorId: r.evaluator_id,
        evaluatorName: names.get(r.evaluator_id) ?? '',
        status: r.status,
        declaredReason: r.declared_reason,
        assignedAt: r.assigned_at,
      }));
    },

    /** The evaluator's own assignments, blind: their own scores only, never anyone else's. */
    async myAssignments(actor: Actor, roundId: string): Promise<{ criteria: Criterion[]; items: MyAssignment[] }> {
      authorize(actor, 'evaluation.review');
      const user = userOf(actor);
      const round = await requireRound(roundId);
      const mine = await repo.listAssignments(roundId, user.userId);
      if (mine.length === 0) throw notFound('The evaluation round');
      const rubric = await currentRubric(round);
      const agenda = await consensusAgenda(round, rubric);
      const entries = new Map((await repo.entriesByIds(mine.map((a) => a.entry_id))).map((e) => [e.id, e]));
      const latest = latestSubmissions(await repo.listScores(roundId, user.userId));
      return {
        criteria: expertCriteria(rubric),
        items: mine.map((a) => {
          const e = entries.get(a.entry_id);
          const slot = latest.get(`${a.entry_id}\u0000${user.userId}`);
          const last = slot?.consensus ?? slot?.initial;
          return {
            entryId: a.entry_id,
            title: e?.title ?? '',
            agency: e?.org_name ?? '',
            domain: e?.domain ?? NO_VALUE,
            modality: e?.modality ?? NO_VALUE,
            description: e ? (formFacts(e.form).description ?? '') : '',
            status: a.status,
            myScores: last ? (JSON.parse(last.scores) as Record<string, number>) : null,
            myComment: last?.comment ?? null,
            myPhase: last?.phase ?? null,
            needsConsensus: a.status !== 'declined' && agenda.has(a.entry_id),
          };
        }),
      };
    },

    /** The evaluator declares a conflict of interest: the assignment is declined and its scores no longer count. */
    async declareConflict(actor: Actor, roundId: string, entryId: string, reason: string): Promise<AssignmentView> {
      authorize(actor, 'evaluation.score');
      const user = userOf(actor);
      const round = await requireRound(roundId);
      const a = await repo.getAssignment(roundId, entryId, user.userId);
      if (!a) throw notFound('The assignment');
      notDecided(round, 'the panels');
      await repo.updateAssignment(roundId, entryId, user.userId, { status: 'declined', declared_reason: reason });
      const names = await repo.userNames([user.userId]);
      return {
        entryId,
        evaluatorId: user.userId,
        evaluatorName: names.get(user.userId) ?? '',
        status: 'declined',
        declaredReason: reason,
        assignedAt: a.assigned_at,
      };
    },

    /**
     * Scores an assigned entry, 1–5 on every expert criterion of the current rubric. Kept append-only
     * with author and time; in a consensus round only flagged entries, as consensus scores.
     */
    async submitScores(
      actor: Actor,
      roundId: string,
      entryId: string,
      input: { scores: Record<string, number>; comment?: string | undefined },
    ): Promise<{ entryId: string; phase: ScorePhase; scores: Record<string, number>; comment: string | null; createdAt: string }> {
      authorize(actor, 'evaluation.score');
      const user = userOf(actor);
      const round = await requireRound(roundId);
      const a = await repo.getAssignment(roundId, entryId, user.userId);
      if (!a) throw notFound('The assignment');
      if (a.status === 'declined') throw conflict('You declared a conflict of interest for this entry: it is no longer yours to score');
      const rubric = await currentRubric(round);
      let phase: ScorePhase;
      if (round.status === 'scoring') phase = 'initial';
      else if (round.status === 'consensus') {
        if (!(await consensusAgenda(round, rubric)).has(entryId))
          throw conflict('In the consensus round only the entries flagged for disagreement are scored again');
        phase = 'consensus';
      } else throw conflict(`The round is in ${round.status}: scores are taken in scoring (and consensus)`);
      const keys = expertCriteria(rubric).map((c) => c.key);
      const problems: FieldProblem[] = [];
      for (const key of keys) if (input.scores[key] === undefined) problems.push({ field: `scores.${key}`, message: 'missing' });
      for (const key of Object.keys(input.scores))
        if (!keys.includes(key)) problems.push({ field: `scores.${key}`, message: 'not an expert criterion of the rubric' });
      if (problems.length)
        throw validation(`The scores are not valid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, problems);

      // Times strictly increase per evaluator and entry, so "the latest" is never a tie.
      const previous = (await repo.listScores(roundId, user.userId)).filter((s) => s.entry_id === entryId).at(-1);
      let at = clock.now();
      if (previous && at.getTime() <= Date.parse(previous.created_at)) at = new Date(Date.parse(previous.created_at) + 1);
      const scores = Object.fromEntries(keys.map((k) => [k, input.scores[k]!]));
      const row: EvaluationScoreRow = {
        id: uuidv7(at.getTime()),
        round_id: roundId,
        entry_id: entryId,
        evaluator_id: user.userId,
        phase,
        scores: JSON.stringify(scores),
        comment: input.comment?.trim() ? input.comment.trim() : null,
        created_at: at.toISOString(),
      };
      await repo.insertScore(row);
      if (a.status !== 'scored') await repo.updateAssignment(roundId, entryId, user.userId, { status: 'scored' });
      return { entryId, phase, scores, comment: row.comment, createdAt: row.created_at };
    },

    /** Every score submission, oldest first, with author and time (operator, auditor). */
    async scoreHistory(actor: Actor, roundId: string): Promise<ScoreHistoryItem[]> {
      await roundFor(actor, roundId, 'evaluation.read');
      const rows = await repo.listScores(roundId);
      const names = await repo.userNames(rows.map((r) => r.evaluator_id));
      return rows.map((r) => ({
        id: r.id,
        entryId: r.entry_id,
        evaluatorId: r.evaluator_id,
        evaluatorName: names.get(r.evaluator_id) ?? '',
        phase: r.phase,
        scores: JSON.parse(r.scores) as Record<string, number>,
        comment: r.comment,
        createdAt: r.created_at,
      }));
    },

    /** Krippendorff's alpha (interval) per expert criterion on the scores that count, and the disagreements. */
    async reliability(actor: Actor, roundId: string): Promise<Reliability> {
      const round = await roundFor(actor, roundId, 'evaluation.read');
      const criteria = expertCriteria(await currentRubric(round));
      const scores = await countedScores(roundId);
      const { matrices, flagged } = disagreements(scores, criteria);
      const titles = new Map((await repo.entriesByIds([...scores.byEntry.keys()])).map((e) => [e.id, e.title ?? '']));
      return {
        criteria: criteria.map((c) => {
          const m = matrices.get(c.key)!;
          const rated = m.matrix.filter((row) => row.some((r) => r !== null && r !== undefined));
          const result = krippendorffAlpha(m.matrix, 'interval');
          return { key: c.key, alpha: finite(result.alpha), units: rated.length, pairable: result.pairableUnits };
        }),
        flagged: flagged.map((f) => ({ ...f, title: titles.get(f.entryId) ?? '' })),
      };
    },

    // --------------------------------------------------------------------------------------------
    // Demand

    /**
     * A company or research organisation states demand for a candidate, or a free-text need that is
     * matched through the data map to the round's candidates (the best NEED_MATCHES).
     */
    async stateDemand(actor: Actor, roundId: string, input: DemandInput): Promise<{ id: string; matchedEntryIds: string[] }> {
      authorize(actor, 'evaluation.demand');
      const user = userOf(actor);
      const orgId = [...new Set(user.memberships.map((m) => m.orgId))].find((o) => can(user, 'evaluation.demand', { orgId: o }));
      if (!orgId) throw forbidden('Demand is stated for a company or research organisation');
      const round = await requireRound(roundId);
      notDecided(round, 'the demand survey');
      const hasEntry = input.entryId !== undefined;
      const need = input.need?.trim();
      if (hasEntry === Boolean(need))
        throw validation('Give either entryId or need', [
          { field: hasEntry ? 'need' : 'entryId', message: 'give either entryId or need, not both or neither' },
        ]);
      const candidates = new Set((await repo.listCandidates(roundId)).map((c) => c.id));
      let matched: string[] = [];
      if (hasEntry) {
        if (!candidates.has(input.entryId!))
          throw validation('The entry is not a candidate of the round', [
            { field: 'entryId', message: `${input.entryId} is not a candidate` },
          ]);
      } else {
        matched = await matchNeed(actor, need!, candidates);
      }
      const now = clock.now();
      const row: EvaluationDemandRow = {
        id: uuidv7(now.getTime()),
        round_id: roundId,
        org_id: orgId,
        user_id: user.userId,
        entry_id: hasEntry ? input.entryId! : null,
        need: need ?? null,
        matched: JSON.stringify(matched),
        intended_use: input.intendedUse,
        urgency: input.urgency,
        co_invest_krw: input.coInvestKrw ?? 0,
        created_at: now.toISOString(),
      };
      await repo.insertDemand(row);
      return { id: row.id, matchedEntryIds: hasEntry ? [input.entryId!] : matched };
    },

    /** Demand per candidate, 0–100 (operator, auditor). */
    async demand(actor: Actor, roundId: string): Promise<DemandItem[]> {
      await roundFor(actor, roundId, 'evaluation.read');
      const rows = await repo.listCandidates(roundId);
      const agg = aggregateDemand(
        rows.map((r) => r.id),
        (await repo.listDemand(roundId)).map(toStatement),
      );
      return rows
        .map((r) => ({ entryId: r.id, title: r.title ?? '', statements: agg.get(r.id)!.statements, score: agg.get(r.id)!.score }))
        .sort((a, b) => b.score - a.score || (a.entryId < b.entryId ? -1 : 1));
    },

    /** The statements of the actor's own organisations. */
    async myDemand(actor: Actor, roundId: string): Promise<MyDemandStatement[]> {
      authorize(actor, 'evaluation.demand_read');
      const user = userOf(actor);
      await visibleRound(actor, roundId);
      return (await repo.listDemand(roundId, demandOrgs(user))).map((d) => ({
        id: d.id,
        orgId: d.org_id,
        entryId: d.entry_id,
        need: d.need,
        matchedEntryIds: d.entry_id ? [d.entry_id] : (JSON.parse(d.matched) as string[]),
        intendedUse: d.intended_use,
        urgency: d.urgency,
        coInvestKrw: Number(d.co_invest_krw),
        createdAt: d.created_at,
      }));
    },

    // --------------------------------------------------------------------------------------------
    // Selections

    /**
     * Runs the selection on the candidates' current scores under the current rubric, stores it with
     * every input (infeasible is a result, not an error) and returns it.
     */
    async runSelection(actor: Actor, roundId: string, request: SelectionRequest): Promise<Selection> {
      const round = await roundFor(actor, roundId, 'evaluation.manage');
      const rubric = await currentRubric(round);
      if (!rubric) throw conflict('A selection needs a rubric first');
      const inputs = await buildInputs(round, rubric, request);
      const outcome = await computeSelection(inputs);
      const now = clock.now();
      const row: EvaluationSelectionRow = {
        id: uuidv7(now.getTime()),
        round_id: roundId,
        rubric_version: rubric.version,
        inputs: JSON.stringify(inputs),
        inputs_hash: inputsHash(inputs),
        result: JSON.stringify(outcome),
        status: outcome.status,
        objective: outcome.objective,
        cost: outcome.cost,
        created_by: actorId(actor),
        created_at: now.toISOString(),
      };
      await repo.insertSelection(row);
      return toSelection(row);
    },

    async listSelections(actor: Actor, roundId: string): Promise<SelectionSummary[]> {
      await roundFor(actor, roundId, 'evaluation.read');
      return (await repo.listSelections(roundId)).map((row) => ({
        id: row.id,
        roundId: row.round_id,
        rubricVersion: row.rubric_version,
        status: row.status,
        objective: row.objective,
        cost: Number(row.cost),
        selectedCount: (JSON.parse(row.result) as SelectionOutcome).selected.length,
        inputsHash: row.inputs_hash,
        createdAt: row.created_at,
        createdBy: row.created_by,
      }));
    },

    async getSelection(actor: Actor, id: string): Promise<Selection> {
      return toSelection(await readableSelection(actor, id));
    },

    /** The selection and its stored inputs, for the reports. */
    async selectionWithInputs(actor: Actor, id: string): Promise<{ selection: Selection; inputs: SelectionInputs }> {
      const row = await readableSelection(actor, id);
      return { selection: toSelection(row), inputs: JSON.parse(row.inputs) as SelectionInputs };
    },

    /**
     * Computes the selection again from its stored inputs (not today's scores) and says whether the
     * answer is the same. Nothing is stored: the recomputed selection keeps the stored one's id.
     */
    async rerun(actor: Actor, id: string): Promise<{ identical: boolean; selection: Selection }> {
      authorize(actor, 'evaluation.manage');
      const row = await readableSelection(actor, id);
      const inputs = JSON.parse(row.inputs) as SelectionInputs;
      const stored = JSON.parse(row.result) as SelectionOutcome;
      const outcome = await computeSelection(inputs);
      const same = (a: number | null, b: number | null) =>
        a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
      const identical =
        inputsHash(inputs) === row.inputs_hash &&
        outcome.status === stored.status &&
        same(outcome.objective, stored.objective) &&
        outcome.cost === stored.cost &&
        [...outcome.selected].sort().join('\n') === [...stored.selected].sort().join('\n');
      return { identical, selection: { ...toSelection(row), ...outcome } };
    },
  };
}

export type EvaluationService = ReturnType<typeof createEvaluationService>;
