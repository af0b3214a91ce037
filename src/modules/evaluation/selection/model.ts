/**
 * The budgeted selection as a 0-1 programme: candidates, the constraints a programme puts on them,
 * and the rows of the MILP, each tagged with the constraint group it comes from so that a group
 * can be dropped (infeasibility diagnosis) or named (explanations).
 *
 *   maximise   Σ score_i x_i
 *   subject to Σ cost_i x_i ≤ budget                       (budget)
 *              Σ x_i = N   or   Σ x_i ≤ N                  (count)
 *              Σ_{i ∈ d} x_i ≥ min_d,  ≤ max_d             (domainMin / domainMax, per domain d)
 *              Σ_{i ∈ a} x_i ≤ agencyMax                   (agencyMax, for every agency a)
 *              Σ_{i ∈ m} x_i ≥ min_m                       (modalityMin, per modality m)
 *              x_i = 1 (mustInclude),  x_i = 0 (mustExclude),  x_i ∈ {0, 1}
 */

/** One entry that may be selected. */
export interface Candidate {
  id: string;
  /** The weighted rubric score (what the selection maximises). */
  score: number;
  /** Estimated processing cost in KRW. */
  cost: number;
  domain: string;
  agency: string;
  modality: string;
  /** Per-criterion scores, for sensitivity to the weights (score = Σ w_c · criteria[c]). */
  criteria?: Record<string, number>;
}

export type CountRule = { exact: number } | { max: number };

export interface SelectionOptions {
  /** KRW; default 6,000,000,000. */
  budget?: number;
  /** Default exactly 100. */
  count?: CountRule;
  domainMin?: Record<string, number>;
  domainMax?: Record<string, number>;
  /** At most this many entries from any one agency. */
  agencyMax?: number;
  /** Modality coverage: at least n entries of each listed modality. */
  modalityMin?: Record<string, number>;
  mustInclude?: string[];
  mustExclude?: string[];
}

export const DEFAULT_BUDGET = 6_000_000_000;
export const DEFAULT_COUNT = 100;

export interface ResolvedOptions {
  budget: number;
  count: CountRule;
  domainMin: Record<string, number>;
  domainMax: Record<string, number>;
  agencyMax: number | undefined;
  modalityMin: Record<string, number>;
  mustInclude: string[];
  mustExclude: string[];
}

/** A named set of constraints that stands or falls together in a diagnosis. */
export type ConstraintGroup =
  | { kind: 'budget' }
  | { kind: 'count' }
  | { kind: 'domainMin'; domain: string }
  | { kind: 'domainMax'; domain: string }
  | { kind: 'agencyMax' }
  | { kind: 'modalityMin'; modality: string }
  | { kind: 'mustInclude' }
  | { kind: 'mustExclude' };

/** Stable machine name of a group: `budget`, `domainMin:교통`, … */
export function groupKey(group: ConstraintGroup): string {
  switch (group.kind) {
    case 'domainMin':
    case 'domainMax':
      return `${group.kind}:${group.domain}`;
    case 'modalityMin':
      return `${group.kind}:${group.modality}`;
    default:
      return group.kind;
  }
}

/** Input that no solver should see: duplicate ids, costs that are not numbers, unknown ids. */
export class SelectionInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectionInputError';
  }
}

const isCount = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;

/**
 * Fills in the defaults and checks the options against the candidates.
 *
 * @example resolveOptions([{ id: 'a', score: 1, cost: 1, domain: 'd', agency: 'g', modality: 'text' }], {}).budget // 6e9
 */
export function resolveOptions(candidates: readonly Candidate[], options: SelectionOptions): ResolvedOptions {
  const ids = new Set<string>();
  for (const c of candidates) {
    if (ids.has(c.id)) throw new SelectionInputError(`Candidate id "${c.id}" appears more than once`);
    ids.add(c.id);
    if (!Number.isFinite(c.score)) throw new SelectionInputError(`Candidate "${c.id}": score ${c.score} is not a number`);
    if (!Number.isFinite(c.cost) || c.cost < 0) throw new SelectionInputError(`Candidate "${c.id}": cost ${c.cost} is not a number ≥ 0`);
  }
  const budget = options.budget ?? DEFAULT_BUDGET;
  if (!Number.isFinite(budget) || budget < 0) throw new SelectionInputError(`budget ${budget} is not a number ≥ 0`);
  const count = options.count ?? { exact: DEFAULT_COUNT };
  const n = 'exact' in count ? count.exact : count.max;
  if (!isCount(n)) throw new SelectionInputError(`count ${n} is not a whole number ≥ 0`);
  for (const [name, table] of Object.entries({
    domainMin: options.domainMin,
    domainMax: options.domainMax,
    modalityMin: options.modalityMin,
  })) {
    for (const [key, value] of Object.entries(table ?? {})) {
      if (!isCount(value)) throw new SelectionInputError(`${name} of "${key}": ${String(value)} is not a whole number ≥ 0`);
    }
  }
  if (options.agencyMax !== undefined && !isCount(options.agencyMax)) {
    throw new SelectionInputError(`agencyMax ${options.agencyMax} is not a whole number ≥ 0`);
  }
  for (const list of ['mustInclude', 'mustExclude'] as const) {
    const unknown = (options[list] ?? []).filter((id) => !ids.has(id));
    if (unknown.length) throw new SelectionInputError(`${list} names ${unknown.map((u) => `"${u}"`).join(', ')}, which no candidate has`);
  }
  return {
    budget,
    count,
    domainMin: { ...options.domainMin },
    domainMax: { ...options.domainMax },
    agencyMax: options.agencyMax,
    modalityMin: { ...options.modalityMin },
    mustInclude: [...new Set(options.mustInclude ?? [])],
    mustExclude: [...new Set(options.mustExclude ?? [])],
  };
}

/** Every constraint group the options impose, in a fixed order. */
export function constraintGroups(options: ResolvedOptions): ConstraintGroup[] {
  const groups: ConstraintGroup[] = [{ kind: 'budget' }, { kind: 'count' }];
  for (const domain of Object.keys(options.domainMin).sort()) groups.push({ kind: 'domainMin', domain });
  for (const domain of Object.keys(options.domainMax).sort()) groups.push({ kind: 'domainMax', domain });
  if (options.agencyMax !== undefined) groups.push({ kind: 'agencyMax' });
  for (const modality of Object.keys(options.modalityMin).sort()) groups.push({ kind: 'modalityMin', modality });
  if (options.mustInclude.length) groups.push({ kind: 'mustInclude' });
  if (options.mustExclude.length) groups.push({ kind: 'mustExclude' });
  return groups;
}

export interface ModelRow {
  name: string;
  group: string;
  lower: number;
  upper: number;
  /** Column indices and coefficients. */
  columns: number[];
  coefficients: number[];
}

/** The MILP over candidates in a fixed order (by id), ready for any solver. */
export interface SelectionModel {
  /** Candidates in column order (sorted by id, so input order never changes the answer). */
  candidates: Candidate[];
  objective: number[];
  lower: number[];
  upper: number[];
  rows: ModelRow[];
  /** Costs are divided by this in the budget row, so coefficients stay near 1–1000. */
  costScale: number;
  /** Set when a column is fixed both in and out: no solver needed to know it is infeasible. */
  contradictory: boolean;
}

/** Costs in KRW are scaled to millions when large, keeping the budget row well conditioned. */
function costScaleFor(candidates: readonly Candidate[], budget: number): number {
  const largest = Math.max(budget, ...candidates.map((c) => c.cost));
  return largest >= 1e7 ? 1e6 : 1;
}

/**
 * Builds the MILP rows for the enabled constraint groups (all of them by default).
 *
 * @example buildModel(candidates, resolveOptions(candidates, { budget: 5e9 })).rows.map((r) => r.group)
 */
export function buildModel(
  input: readonly Candidate[],
  options: ResolvedOptions,
  enabled: ReadonlySet<string> = new Set(constraintGroups(options).map(groupKey)),
  objectiveScores?: ReadonlyMap<string, number>,
): SelectionModel {
  const candidates = [...input].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const costScale = costScaleFor(candidates, options.budget);
  const rows: ModelRow[] = [];
  const all = candidates.map((_, i) => i);
  const ones = (cols: number[]) => cols.map(() => 1);
  const on = (key: string) => enabled.has(key);

  if (on('budget')) {
    const integral = Number.isInteger(options.budget) && candidates.every((c) => Number.isInteger(c.cost));
    // With whole-won costs, any total up to budget + 0.5 is within budget; the half won of slack
    // keeps the solver's feasibility tolerance from cutting off a selection that spends it exactly.
    rows.push({
      name: 'budget',
      group: 'budget',
      lower: -Infinity,
      upper: (options.budget + (integral ? 0.5 : 0)) / costScale,
      columns: all,
      coefficients: candidates.map((c) => c.cost / costScale),
    });
  }
  if (on('count')) {
    const n = 'exact' in options.count ? options.count.exact : options.count.max;
    rows.push({
      name: 'count',
      group: 'count',
      lower: 'exact' in options.count ? n : -Infinity,
      upper: n,
      columns: all,
      coefficients: ones(all),
    });
  }
  const byKey = (key: (c: Candidate) => string) => {
    const map = new Map<string, number[]>();
    candidates.forEach((c, i) => {
      const k = key(c);
      const list = map.get(k);
      if (list) list.push(i);
      else map.set(k, [i]);
    });
    return map;
  };
  const domains = byKey((c) => c.domain);
  for (const [domain, min] of Object.entries(options.domainMin)) {
    if (!on(`domainMin:${domain}`)) continue;
    const cols = domains.get(domain) ?? [];
    rows.push({
      name: `domainMin:${domain}`,
      group: `domainMin:${domain}`,
      lower: min,
      upper: Infinity,
      columns: cols,
      coefficients: ones(cols),
    });
  }
  for (const [domain, max] of Object.entries(options.domainMax)) {
    if (!on(`domainMax:${domain}`)) continue;
    const cols = domains.get(domain) ?? [];
    rows.push({
      name: `domainMax:${domain}`,
      group: `domainMax:${domain}`,
      lower: -Infinity,
      upper: max,
      columns: cols,
      coefficients: ones(cols),
    });
  }
  if (options.agencyMax !== undefined && on('agencyMax')) {
    for (const [agency, cols] of [...byKey((c) => c.agency)].sort(([a], [b]) => (a < b ? -1 : 1))) {
      // A row that cannot bind only slows the solver down.
      if (cols.length <= options.agencyMax) continue;
      rows.push({
        name: `agencyMax:${agency}`,
        group: 'agencyMax',
        lower: -Infinity,
        upper: options.agencyMax,
        columns: cols,
        coefficients: ones(cols),
      });
    }
  }
  const modalities = byKey((c) => c.modality);
  for (const [modality, min] of Object.entries(options.modalityMin)) {
    if (!on(`modalityMin:${modality}`)) continue;
    const cols = modalities.get(modality) ?? [];
    rows.push({
      name: `modalityMin:${modality}`,
      group: `modalityMin:${modality}`,
      lower: min,
      upper: Infinity,
      columns: cols,
      coefficients: ones(cols),
    });
  }

  const lower = candidates.map(() => 0);
  const upper = candidates.map(() => 1);
  const index = new Map(candidates.map((c, i) => [c.id, i]));
  if (on('mustInclude')) for (const id of options.mustInclude) lower[index.get(id)!] = 1;
  if (on('mustExclude')) for (const id of options.mustExclude) upper[index.get(id)!] = 0;
  const contradictory = lower.some((l, i) => l > upper[i]!);
  const objective = candidates.map((c) => objectiveScores?.get(c.id) ?? c.score);
  return { candidates, objective, lower, upper, rows, costScale, contradictory };
}

/**
 * The model in CPLEX LP format (columns x0…xN in id order), for reading or for another solver.
 *
 * @example modelToLp(buildModel(candidates, resolveOptions(candidates, {}))).startsWith('Maximize') // true
 */
export function modelToLp(model: SelectionModel): string {
  const term = (coef: number, col: number) => `${coef < 0 ? '-' : '+'} ${Math.abs(coef)} x${col}`;
  const lines = [
    '\\ ' + model.candidates.map((c, i) => `x${i}=${c.id}`).join(' '),
    'Maximize',
    ` obj: ${model.objective.map(term).join(' ')}`,
    'Subject To',
  ];
  model.rows.forEach((row, r) => {
    const lhs = row.columns.map((col, k) => term(row.coefficients[k]!, col)).join(' ') || '0 x0';
    if (row.lower === row.upper) lines.push(` r${r}: ${lhs} = ${row.upper}`);
    else {
      if (row.lower > -Infinity) lines.push(` r${r}_lo: ${lhs} >= ${row.lower}`);
      if (row.upper < Infinity) lines.push(` r${r}_hi: ${lhs} <= ${row.upper}`);
    }
  });
  lines.push('Bounds', ...model.lower.map((l, i) => ` ${l} <= x${i} <= ${model.upper[i]}`));
  lines.push('Binary', ` ${model.candidates.map((_, i) => `x${i}`).join(' ')}`, 'End');
  return lines.join('\n');
}

/** Whether a 0/1 choice (in model column order) meets every row and bound exactly (costs in KRW). */
export function satisfies(model: SelectionModel, x: ArrayLike<number>, budget: number): boolean {
  for (let i = 0; i < model.candidates.length; i++) if (x[i]! < model.lower[i]! || x[i]! > model.upper[i]!) return false;
  for (const row of model.rows) {
    if (row.group === 'budget') {
      let cost = 0;
      for (const col of row.columns) if (x[col]) cost += model.candidates[col]!.cost;
      if (cost > budget * (1 + 1e-12)) return false;
      continue;
    }
    let sum = 0;
    for (let k = 0; k < row.columns.length; k++) sum += row.coefficients[k]! * x[row.columns[k]!]!;
    if (sum < row.lower - 1e-9 || sum > row.upper + 1e-9) return false;
  }
  return true;
}
