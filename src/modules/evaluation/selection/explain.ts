/**
 * Why each entry is in or out: its score, cost and score per million won, its marginal value (the
 * change of the optimum if it were forced the other way), and the constraint that holds it there.
 */
import type { Candidate, ResolvedOptions, SelectionModel } from './model.js';
import { reducedCosts, solveModel } from './solve.js';

export type MarginalMethod = 'exact' | 'lp-estimate';

export interface EntryExplanation {
  id: string;
  selected: boolean;
  score: number;
  cost: number;
  /** Score per million KRW of cost (Infinity for a free entry). */
  scorePerMillion: number;
  /**
   * Objective change if forced out (selected) or in (not selected); ≤ 0 at an optimum. null when
   * forcing it makes the constraints impossible (it is indispensable, or can never fit).
   */
  marginal: number | null;
  /** exact: one re-solve; lp-estimate: the LP relaxation's reduced cost. */
  marginalMethod: MarginalMethod;
  /** The constraints that hold it where it is: `mustInclude`, `budget`, `domainMax:교통`, … */
  binding: string[];
  /** In a sentence. */
  reason: string;
}

export interface ExplainOptions {
  /** exact for every selected entry and the best `exactUnselected` left out; auto: exact up to 1,000 candidates. */
  marginal?: 'exact' | 'estimate' | 'auto';
  /** Unselected entries (best score first) whose marginal is computed exactly. Default 20. */
  exactUnselected?: number;
}

/**
 * Explanations for every candidate of a solved model.
 *
 * @example const why = await explainSelection(model, options, x, objective); why.find((e) => e.id === 'A-17')?.reason
 */
export async function explainSelection(
  model: SelectionModel,
  options: ResolvedOptions,
  x: Uint8Array,
  objective: number,
  explain: ExplainOptions = {},
): Promise<EntryExplanation[]> {
  const { candidates } = model;
  const mode = explain.marginal ?? 'auto';
  const exact = mode === 'exact' || (mode === 'auto' && candidates.length <= 1000);
  const exactSet = new Set<number>();
  if (exact) {
    candidates.forEach((_, i) => x[i] && exactSet.add(i));
    candidates
      .map((c, i) => ({ c, i }))
      .filter(({ i }) => !x[i])
      .sort((a, b) => b.c.score - a.c.score || (a.c.id < b.c.id ? -1 : 1))
      .slice(0, explain.exactUnselected ?? 20)
      .forEach(({ i }) => exactSet.add(i));
  }
  const estimates = exactSet.size < candidates.length ? await reducedCosts(model) : new Float64Array(0);

  // Tallies of the optimal selection, to see which constraint adding or removing one entry hits.
  const tally = (key: (c: Candidate) => string) => {
    const m = new Map<string, number>();
    candidates.forEach((c, i) => x[i] && m.set(key(c), (m.get(key(c)) ?? 0) + 1));
    return m;
  };
  const perDomain = tally((c) => c.domain);
  const perAgency = tally((c) => c.agency);
  const perModality = tally((c) => c.modality);
  const count = x.reduce((s, v) => s + v, 0);
  const spent = candidates.reduce((s, c, i) => s + (x[i] ? c.cost : 0), 0);
  const limit = 'exact' in options.count ? options.count.exact : options.count.max;
  const included = new Set(options.mustInclude);
  const excluded = new Set(options.mustExclude);

  const result: EntryExplanation[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    const selected = x[i] === 1;
    const binding: string[] = [];
    if (selected) {
      if (included.has(c.id)) binding.push('mustInclude');
      if (options.domainMin[c.domain] !== undefined && perDomain.get(c.domain) === options.domainMin[c.domain])
        binding.push(`domainMin:${c.domain}`);
      if (options.modalityMin[c.modality] !== undefined && perModality.get(c.modality) === options.modalityMin[c.modality]) {
        binding.push(`modalityMin:${c.modality}`);
      }
    } else if (excluded.has(c.id)) {
      binding.push('mustExclude');
    } else {
      if (spent + c.cost > options.budget) binding.push('budget');
      if (count >= limit) binding.push('count');
      if (options.domainMax[c.domain] !== undefined && (perDomain.get(c.domain) ?? 0) >= options.domainMax[c.domain]!)
        binding.push(`domainMax:${c.domain}`);
      if (options.agencyMax !== undefined && (perAgency.get(c.agency) ?? 0) >= options.agencyMax) binding.push('agencyMax');
    }

    let marginal: number | null;
    let marginalMethod: MarginalMethod;
    if (exactSet.has(i) && !binding.includes('mustInclude') && !binding.includes('mustExclude')) {
      const lower = [...model.lower];
      const upper = [...model.upper];
      if (selected) upper[i] = 0;
      else lower[i] = 1;
      const forced = await solveModel({ ...model, lower, upper, contradictory: lower[i]! > upper[i]! }, options.budget, { timeLimit: 10 });
      marginal = forced.status === 'optimal' ? forced.objective - objective : forced.status === 'infeasible' ? null : Number.NaN;
      marginalMethod = 'exact';
    } else if (binding.includes('mustInclude') || binding.includes('mustExclude')) {
      marginal = null;
      marginalMethod = 'exact';
    } else {
      const rc = estimates[i] ?? 0;
      // The reduced cost is the LP's price of moving the entry by one unit against its bound.
      marginal = selected ? -Math.max(0, rc) : Math.min(0, rc);
      marginalMethod = 'lp-estimate';
    }
    result.push({
      id: c.id,
      selected,
      score: c.score,
      cost: c.cost,
      scorePerMillion: c.cost > 0 ? c.score / (c.cost / 1e6) : Infinity,
      marginal,
      marginalMethod,
      binding,
      reason: reasonFor(selected, binding, marginal),
    });
  }
  return result;
}

function reasonFor(selected: boolean, binding: readonly string[], marginal: number | null): string {
  const loss = marginal === null ? '' : Number.isNaN(marginal) ? '' : ` (the optimum would change by ${marginal.toFixed(3)})`;
  if (selected) {
    if (binding.includes('mustInclude')) return 'in: must be included';
    if (marginal === null) return 'in: no selection without it meets the constraints';
    if (binding.length) return `in: needed for ${binding.join(', ')}${loss}`;
    return `in on merit: leaving it out lowers the optimum${loss}`;
  }
  if (binding.includes('mustExclude')) return 'out: must be excluded';
  if (marginal === null) return 'out: no selection with it meets the constraints';
  if (binding.length) return `out: adding it would break ${binding.join(', ')}, and every swap that makes room scores lower${loss}`;
  return `out on merit${loss}`;
}
