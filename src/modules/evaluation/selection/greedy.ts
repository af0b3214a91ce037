/**
 * The greedy ranking a committee would draw up by hand: take entries in order of score (or of
 * score per won) while the constraints allow. Shown beside the optimum so its gap is visible.
 */
import type { Candidate, ResolvedOptions } from './model.js';

export type GreedyOrder = 'score' | 'ratio';

export interface GreedyResult {
  order: GreedyOrder;
  /** Whether the greedy pick meets every constraint (the minimums and an exact count included). */
  feasible: boolean;
  objective: number;
  selected: string[];
  cost: number;
  /** Why it is not feasible, when it is not. */
  shortfall: string[];
}

/**
 * Greedy selection: must-includes first, then the best-ranked entries of each domain and modality
 * that is below its minimum, then the best-ranked of the rest, skipping any entry that would break
 * the budget, the count, a domain maximum or the agency cap.
 *
 * @example greedySelection(candidates, resolveOptions(candidates, { count: { max: 10 } }), 'ratio').objective
 */
export function greedySelection(candidates: readonly Candidate[], options: ResolvedOptions, order: GreedyOrder = 'score'): GreedyResult {
  const key = (c: Candidate) => (order === 'score' ? c.score : c.cost > 0 ? c.score / c.cost : c.score >= 0 ? Infinity : -Infinity);
  const ranked = [...candidates].sort((a, b) => key(b) - key(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const excluded = new Set(options.mustExclude);
  const limit = 'exact' in options.count ? options.count.exact : options.count.max;
  const chosen = new Set<string>();
  const perDomain = new Map<string, number>();
  const perAgency = new Map<string, number>();
  const perModality = new Map<string, number>();
  let cost = 0;
  let objective = 0;
  const take = (c: Candidate, force = false): boolean => {
    if (chosen.has(c.id) || excluded.has(c.id)) return false;
    if (!force) {
      if (chosen.size >= limit || cost + c.cost > options.budget) return false;
      const dMax = options.domainMax[c.domain];
      if (dMax !== undefined && (perDomain.get(c.domain) ?? 0) >= dMax) return false;
      if (options.agencyMax !== undefined && (perAgency.get(c.agency) ?? 0) >= options.agencyMax) return false;
    }
    chosen.add(c.id);
    cost += c.cost;
    objective += c.score;
    perDomain.set(c.domain, (perDomain.get(c.domain) ?? 0) + 1);
    perAgency.set(c.agency, (perAgency.get(c.agency) ?? 0) + 1);
    perModality.set(c.modality, (perModality.get(c.modality) ?? 0) + 1);
    return true;
  };
  const byId = new Map(candidates.map((c) => [c.id, c]));
  for (const id of options.mustInclude) if (byId.has(id)) take(byId.get(id)!, true);
  for (const [domain, min] of Object.entries(options.domainMin)) {
    for (const c of ranked) if (c.domain === domain && (perDomain.get(domain) ?? 0) < min) take(c);
  }
  for (const [modality, min] of Object.entries(options.modalityMin)) {
    for (const c of ranked) if (c.modality === modality && (perModality.get(modality) ?? 0) < min) take(c);
  }
  // With a count cap and no exact count, an entry with a negative score only lowers the objective.
  for (const c of ranked) if ('exact' in options.count || c.score > 0) take(c);

  const shortfall: string[] = [];
  if ('exact' in options.count && chosen.size !== limit) shortfall.push(`count: ${chosen.size} of exactly ${limit}`);
  if (chosen.size > limit) shortfall.push(`count: ${chosen.size}, more than ${limit}`);
  if (cost > options.budget) shortfall.push(`budget: ${cost} KRW spent of ${options.budget}`);
  for (const [domain, min] of Object.entries(options.domainMin)) {
    if ((perDomain.get(domain) ?? 0) < min) shortfall.push(`domainMin of ${domain}: ${perDomain.get(domain) ?? 0} of ${min}`);
  }
  for (const [domain, max] of Object.entries(options.domainMax)) {
    if ((perDomain.get(domain) ?? 0) > max) shortfall.push(`domainMax of ${domain}: ${perDomain.get(domain)}, more than ${max}`);
  }
  if (options.agencyMax !== undefined) {
    for (const [agency, n] of perAgency) if (n > options.agencyMax) shortfall.push(`agencyMax: ${agency} has ${n}`);
  }
  for (const [modality, min] of Object.entries(options.modalityMin)) {
    if ((perModality.get(modality) ?? 0) < min) shortfall.push(`modalityMin of ${modality}: ${perModality.get(modality) ?? 0} of ${min}`);
  }
  return { order, feasible: shortfall.length === 0, objective, selected: [...chosen], cost, shortfall };
}
