/**
 * How the selection moves when the rubric weights move: each weight up and down by a step (10 %
 * by default), the others rescaled so the weights keep their sum, scores recomputed from the
 * per-criterion scores, and the MILP solved again.
 */
import { buildModel, type Candidate, type ResolvedOptions } from './model.js';
import { solveModel, type SolveStatus } from './solve.js';

export interface WeightMove {
  criterion: string;
  /** +0.1 or −0.1: the relative change of that criterion's weight before rescaling. */
  change: number;
  weights: Record<string, number>;
  status: SolveStatus;
  objective: number;
  entering: string[];
  leaving: string[];
}

/**
 * The weighted score Σ w_c · s_c of one candidate (missing criteria count as 0).
 *
 * @example weightedScore({ 수요: 80, 품질: 60 }, { 수요: 0.6, 품질: 0.4 }) // 72
 */
export function weightedScore(criteria: Readonly<Record<string, number>>, weights: Readonly<Record<string, number>>): number {
  return Object.entries(weights).reduce((s, [c, w]) => s + w * (criteria[c] ?? 0), 0);
}

/**
 * Re-solves with each weight moved ±step (renormalised) and reports entries entering and leaving.
 *
 * @example
 * const moves = await weightSensitivity(candidates, options, { 수요: 0.5, 품질: 0.5 }, ['a', 'b']);
 * moves.filter((m) => m.entering.length > 0) // the moves that change the selection
 */
export async function weightSensitivity(
  candidates: readonly Candidate[],
  options: ResolvedOptions,
  weights: Readonly<Record<string, number>>,
  baseline: readonly string[],
  { step = 0.1, timeLimit = 60 }: { step?: number; timeLimit?: number } = {},
): Promise<WeightMove[]> {
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  const base = new Set(baseline);
  const moves: WeightMove[] = [];
  for (const criterion of Object.keys(weights)) {
    for (const change of [step, -step]) {
      const raw = Object.fromEntries(Object.entries(weights).map(([c, w]) => [c, c === criterion ? w * (1 + change) : w]));
      const rawTotal = Object.values(raw).reduce((a, b) => a + b, 0);
      const moved = Object.fromEntries(Object.entries(raw).map(([c, w]) => [c, (w * total) / rawTotal]));
      const scores = new Map(candidates.map((c) => [c.id, weightedScore(c.criteria ?? {}, moved)]));
      const model = buildModel(candidates, options, undefined, scores);
      const outcome = await solveModel(model, options.budget, { timeLimit });
      const now = new Set(model.candidates.filter((_, i) => outcome.x[i]).map((c) => c.id));
      moves.push({
        criterion,
        change,
        weights: moved,
        status: outcome.status,
        objective: outcome.objective,
        entering: [...now].filter((id) => !base.has(id)).sort(),
        leaving: [...base].filter((id) => !now.has(id)).sort(),
      });
    }
  }
  return moves;
}
