/**
 * Why no selection meets the constraints: a deletion filter over constraint groups (Chinneck &
 * Dravnieks 1991) drops each group in turn and keeps it out only if the rest is still
 * infeasible. What remains is an irreducible conflict: drop any one of its groups and a selection
 * exists.
 */
import { buildModel, constraintGroups, groupKey, type Candidate, type ConstraintGroup, type ResolvedOptions } from './model.js';
import { solveModel } from './solve.js';

export interface Conflict {
  /** Machine names of the groups in conflict, e.g. `mustInclude`, `budget`, `domainMin:교통`. */
  groups: string[];
  /** Each group in plain English, with the figures that matter. */
  descriptions: string[];
  /** One sentence for people. */
  message: string;
}

/**
 * KRW for people: `7.2 bn KRW`, `350 m KRW`, `9,000 KRW`.
 *
 * @example formatKrw(7_200_000_000) // '7.2 bn KRW'
 */
export function formatKrw(amount: number): string {
  const trim = (n: number) => String(Number(n.toFixed(2)));
  if (Math.abs(amount) >= 1e9) return `${trim(amount / 1e9)} bn KRW`;
  if (Math.abs(amount) >= 1e6) return `${trim(amount / 1e6)} m KRW`;
  return `${Math.round(amount).toLocaleString('en-US')} KRW`;
}

const entries = (n: number) => `${n} ${n === 1 ? 'entry' : 'entries'}`;

/**
 * A constraint group in plain English, with the figures that show the clash.
 *
 * @example describeGroup({ kind: 'budget' }, candidates, options) // 'budget (6 bn KRW)'
 */
export function describeGroup(group: ConstraintGroup, candidates: readonly Candidate[], options: ResolvedOptions): string {
  switch (group.kind) {
    case 'budget':
      return `budget (${formatKrw(options.budget)})`;
    case 'count': {
      const n = 'exact' in options.count ? options.count.exact : options.count.max;
      const what = 'exact' in options.count ? `exactly ${entries(n)}` : `at most ${entries(n)}`;
      return `count (${what}${'exact' in options.count && n > candidates.length ? `, but there are only ${candidates.length} candidates` : ''})`;
    }
    case 'domainMin': {
      const have = candidates.filter((c) => c.domain === group.domain).length;
      return `domainMin of ${group.domain} (at least ${entries(options.domainMin[group.domain]!)}; ${have} candidates)`;
    }
    case 'domainMax':
      return `domainMax of ${group.domain} (at most ${entries(options.domainMax[group.domain]!)})`;
    case 'agencyMax':
      return `agencyMax (at most ${entries(options.agencyMax!)} per agency)`;
    case 'modalityMin': {
      const have = candidates.filter((c) => c.modality === group.modality).length;
      return `modalityMin of ${group.modality} (at least ${entries(options.modalityMin[group.modality]!)}; ${have} candidates)`;
    }
    case 'mustInclude': {
      const ids = new Set(options.mustInclude);
      const cost = candidates.filter((c) => ids.has(c.id)).reduce((s, c) => s + c.cost, 0);
      return `mustInclude (${entries(ids.size)} costing ${formatKrw(cost)})`;
    }
    case 'mustExclude':
      return `mustExclude (${entries(options.mustExclude.length)})`;
  }
}

function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Whether some selection meets the enabled groups (a feasibility solve: no objective).
 */
async function feasible(candidates: readonly Candidate[], options: ResolvedOptions, enabled: ReadonlySet<string>): Promise<boolean> {
  const model = buildModel(candidates, options, enabled);
  const outcome = await solveModel(model, options.budget, { feasibilityOnly: true, timeLimit: 30 });
  // A solve that ran out of time proved nothing: count the group as not needed for the conflict.
  return outcome.status !== 'infeasible';
}

/**
 * The groups of constraints in conflict, by name and in plain English (null when feasible).
 *
 * @example (await diagnoseInfeasibility(candidates, options))?.message // 'mustInclude (3 entries costing 7.2 bn KRW) and budget (6 bn KRW) cannot all hold'
 */
export async function diagnoseInfeasibility(candidates: readonly Candidate[], options: ResolvedOptions): Promise<Conflict | null> {
  const groups = constraintGroups(options);
  const keep = new Set(groups.map(groupKey));
  if (await feasible(candidates, options, keep)) return null;
  for (const group of groups) {
    const key = groupKey(group);
    keep.delete(key);
    if (await feasible(candidates, options, keep)) keep.add(key);
  }
  const conflict = groups.filter((g) => keep.has(groupKey(g)));
  const descriptions = conflict.map((g) => describeGroup(g, candidates, options));
  const message =
    conflict.length === 1 ? `${descriptions[0]} cannot be met` : `${joinAnd(descriptions)} cannot all hold: drop or relax any one of them`;
  return { groups: conflict.map(groupKey), descriptions, message };
}
