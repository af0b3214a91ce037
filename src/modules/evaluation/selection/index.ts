/**
 * Budgeted selection of the priority datasets: the optimum under every constraint (HiGHS, proven),
 * the greedy ranking beside it with its gap, why each entry is in or out, how the choice moves with
 * the weights, and, when nothing fits, which constraints clash.
 */
import { explainSelection, type EntryExplanation, type ExplainOptions } from './explain.js';
import { greedySelection, type GreedyResult } from './greedy.js';
import { diagnoseInfeasibility, type Conflict } from './infeasibility.js';
import { buildModel, resolveOptions, type Candidate, type SelectionOptions } from './model.js';
import { weightSensitivity, type WeightMove } from './sensitivity.js';
import { solveModel, type SolveStatus } from './solve.js';

export * from './model.js';
export { loadHighs, solveModel, reducedCosts, type SolveOutcome, type SolveStatus } from './solve.js';
export { greedySelection, type GreedyResult, type GreedyOrder } from './greedy.js';
export { explainSelection, type EntryExplanation, type ExplainOptions, type MarginalMethod } from './explain.js';
export { weightSensitivity, weightedScore, type WeightMove } from './sensitivity.js';
export { diagnoseInfeasibility, describeGroup, formatKrw, type Conflict } from './infeasibility.js';

export interface GreedyComparison extends GreedyResult {
  /** (optimum − greedy) / |optimum|, in percent; null when either has no feasible answer. */
  gapPercent: number | null;
}

export interface SelectionResult {
  status: SolveStatus;
  /** Σ score of the selection (NaN when there is none). */
  objective: number;
  /** Selected ids, in id order. */
  selected: string[];
  /** Σ cost in KRW. */
  cost: number;
  candidates: number;
  /** HiGHS's word, and the solve time (the main solve only). */
  solver: { status: string; seconds: number };
  greedy: GreedyComparison;
  greedyRatio: GreedyComparison;
  conflict?: Conflict;
  explanations?: EntryExplanation[];
  sensitivity?: WeightMove[];
}

export interface SelectRunOptions {
  timeLimit?: number;
  /** Explain each entry (extra solves: see ExplainOptions). */
  explain?: boolean | ExplainOptions;
  /** Find the conflicting constraints when infeasible (default true). */
  diagnose?: boolean;
  /** Criterion weights: re-solve with each moved ±10 % (candidates must carry `criteria`). */
  weights?: Record<string, number>;
  sensitivityStep?: number;
}

/**
 * Selects the entries that maximise the total score within the budget and constraints.
 *
 * @example
 * const r = await selectCandidates(candidates, { budget: 6e9, count: { exact: 100 }, agencyMax: 3 });
 * r.status // 'optimal'; r.selected // ['A-0001', …]; r.greedy.gapPercent // 1.8
 */
export async function selectCandidates(
  candidates: readonly Candidate[],
  input: SelectionOptions = {},
  run: SelectRunOptions = {},
): Promise<SelectionResult> {
  const options = resolveOptions(candidates, input);
  const model = buildModel(candidates, options);
  const greedyScore = greedySelection(candidates, options, 'score');
  const greedyRatio = greedySelection(candidates, options, 'ratio');
  const start = [greedyScore, greedyRatio].filter((g) => g.feasible).sort((a, b) => b.objective - a.objective)[0];
  const startSet = start ? new Set(start.selected) : undefined;
  const outcome = await solveModel(model, options.budget, {
    timeLimit: run.timeLimit ?? 60,
    ...(startSet ? { start: model.candidates.map((c) => (startSet.has(c.id) ? 1 : 0)) } : {}),
  });
  const hasSolution = outcome.x.length === model.candidates.length && (outcome.status === 'optimal' || outcome.status === 'time_limit');
  const chosen = hasSolution ? model.candidates.filter((_, i) => outcome.x[i]) : [];
  const objective = hasSolution ? outcome.objective : Number.NaN;
  const compare = (g: GreedyResult): GreedyComparison => ({
    ...g,
    gapPercent: hasSolution && g.feasible && objective !== 0 ? ((objective - g.objective) / Math.abs(objective)) * 100 : null,
  });
  const result: SelectionResult = {
    status: outcome.status,
    objective,
    selected: chosen.map((c) => c.id),
    cost: chosen.reduce((s, c) => s + c.cost, 0),
    candidates: candidates.length,
    solver: { status: outcome.highsStatus, seconds: outcome.seconds },
    greedy: compare(greedyScore),
    greedyRatio: compare(greedyRatio),
  };
  if (outcome.status === 'infeasible' && run.diagnose !== false) {
    const conflict = await diagnoseInfeasibility(candidates, options);
    if (conflict) result.conflict = conflict;
  }
  if (hasSolution && run.explain) {
    result.explanations = await explainSelection(model, options, outcome.x, objective, run.explain === true ? {} : run.explain);
  }
  if (hasSolution && run.weights) {
    result.sensitivity = await weightSensitivity(candidates, options, run.weights, result.selected, {
      ...(run.sensitivityStep !== undefined ? { step: run.sensitivityStep } : {}),
      ...(run.timeLimit !== undefined ? { timeLimit: run.timeLimit } : {}),
    });
  }
  return result;
}
