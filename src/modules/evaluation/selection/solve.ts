/**
 * Solving the selection MILP with HiGHS (WASM, loaded once). A status of "optimal" is only ever
 * reported when HiGHS proved optimality with no relative gap allowed, and the solution was checked
 * against every constraint again in exact KRW.
 */
import highsModule, { type Highs } from 'highs';
import { satisfies, type SelectionModel } from './model.js';

// highs ships one declaration file for its CommonJS and ESM builds, so TypeScript sees the ESM
// default export as the CommonJS module object; at run time it is the loader itself.
type Loader = () => Promise<Highs>;
const highsLoader: Loader =
  typeof highsModule === 'function' ? (highsModule as unknown as Loader) : (highsModule as unknown as { default: Loader }).default;

let loading: Promise<Highs> | undefined;

/**
 * The HiGHS runtime, instantiated on first use and shared afterwards.
 *
 * @example const highs = await loadHighs();
 */
export function loadHighs(): Promise<Highs> {
  loading ??= highsLoader();
  return loading;
}

export type SolveStatus = 'optimal' | 'infeasible' | 'time_limit' | 'error';

export interface SolveOutcome {
  status: SolveStatus;
  /** 0/1 per model column; empty when no solution was found. */
  x: Uint8Array;
  objective: number;
  /** HiGHS's own word for how it ended. */
  highsStatus: string;
  seconds: number;
}

export interface SolveOptions {
  /** Seconds before HiGHS stops with its best solution so far (status time_limit). Default 60. */
  timeLimit?: number;
  /** Only feasibility matters (diagnosis): drop the objective so HiGHS stops at the first solution. */
  feasibilityOnly?: boolean;
  /** A known feasible 0/1 choice to start from (e.g. the greedy one). */
  start?: ArrayLike<number>;
}

const STATUS_NAMES: Record<number, string> = {
  0: 'Not Set',
  1: 'Load error',
  2: 'Model error',
  3: 'Presolve error',
  4: 'Solve error',
  5: 'Postsolve error',
  6: 'Empty',
  7: 'Optimal',
  8: 'Infeasible',
  9: 'Primal infeasible or unbounded',
  10: 'Unbounded',
  11: 'Bound on objective reached',
  12: 'Target for objective reached',
  13: 'Time limit reached',
  14: 'Iteration limit reached',
  15: 'Unknown',
};

/**
 * Solves a selection model to proven optimality (or proves it infeasible).
 *
 * @example const { status, x } = await solveModel(buildModel(candidates, options), options.budget);
 */
export async function solveModel(model: SelectionModel, budget: number, options: SolveOptions = {}): Promise<SolveOutcome> {
  const started = performance.now();
  const n = model.candidates.length;
  const done = (status: SolveStatus, highsStatus: string, x = new Uint8Array(0), objective = Number.NaN): SolveOutcome => ({
    status,
    x,
    objective,
    highsStatus,
    seconds: (performance.now() - started) / 1000,
  });
  if (model.contradictory) return done('infeasible', 'Infeasible (an entry is both included and excluded)');
  // Rows over no candidate are decided without a solver: HiGHS rejects an empty model anyway.
  for (const row of model.rows)
    if (row.columns.length === 0 && (row.lower > 1e-9 || row.upper < -1e-9)) return done('infeasible', 'Infeasible');
  if (n === 0) return done('optimal', 'Empty', new Uint8Array(0), 0);

  const highs = await loadHighs();
  // Column-wise storage: each candidate's entries across the rows, in row order.
  const perColumn: Array<Array<[number, number]>> = Array.from({ length: n }, () => []);
  model.rows.forEach((row, r) => row.columns.forEach((col, k) => perColumn[col]!.push([r, row.coefficients[k]!])));
  const starts = new Int32Array(n + 1);
  const nonzeros = perColumn.reduce((s, c) => s + c.length, 0);
  const indices = new Int32Array(nonzeros);
  const values = new Float64Array(nonzeros);
  let at = 0;
  perColumn.forEach((entries, col) => {
    starts[col] = at;
    for (const [r, v] of entries) {
      indices[at] = r;
      values[at++] = v;
    }
  });
  starts[n] = at;
  const rowsUsed = model.rows.length;
  const instance = highs.createModel({
    numCols: n,
    numRows: rowsUsed,
    sense: highs.constants.objectiveSense.maximize,
    colCost: options.feasibilityOnly ? new Float64Array(n) : Float64Array.from(model.objective),
    colLower: Float64Array.from(model.lower),
    colUpper: Float64Array.from(model.upper),
    rowLower: Float64Array.from(model.rows, (r) => (r.lower === -Infinity ? -highs.infinity : r.lower)),
    rowUpper: Float64Array.from(model.rows, (r) => (r.upper === Infinity ? highs.infinity : r.upper)),
    matrix: { format: 'csc', numRows: rowsUsed, numCols: n, starts, indices, values },
    integrality: new Int32Array(n).fill(highs.constants.variableType.integer),
  });
  try {
    instance.options.set({
      output_flag: false,
      mip_rel_gap: 0,
      mip_abs_gap: 1e-9,
      // The budget row is in millions of won: the default 1e-6 would let a selection overspend by
      // a won and still count as feasible.
      mip_feasibility_tolerance: 1e-9,
      primal_feasibility_tolerance: 1e-9,
      time_limit: options.timeLimit ?? 60,
      random_seed: 0,
    });
    if (options.start && !options.feasibilityOnly) instance.setSolution({ colValue: Float64Array.from(options.start) });
    instance.run();
    const code = instance.getModelStatus() as number;
    const name = STATUS_NAMES[code] ?? `status ${code}`;
    const codes = highs.constants.modelStatus;
    if (code === codes.infeasible) return done('infeasible', name);
    if (code !== codes.optimal && code !== codes.timeLimit) return done('error', name);
    const solution = instance.getSolution().colValue;
    const x = Uint8Array.from(solution, (v) => (v > 0.5 ? 1 : 0));
    if (!satisfies(model, x, budget)) return done('error', `${name}, but the rounded solution breaks a constraint`);
    const objective = model.objective.reduce((s, c, i) => s + c * x[i]!, 0);
    return done(code === codes.optimal ? 'optimal' : 'time_limit', name, x, objective);
  } finally {
    instance.dispose();
  }
}

/**
 * The LP relaxation's reduced costs (score minus the constraints' shadow prices): an estimate of
 * how the optimum moves if an entry is forced in or out, for when exact re-solves are too many.
 *
 * @example const rc = await reducedCosts(model); rc[i] // ≤ 0 for entries the LP leaves out
 */
export async function reducedCosts(model: SelectionModel): Promise<Float64Array> {
  const n = model.candidates.length;
  if (n === 0 || model.contradictory) return new Float64Array(n);
  const highs = await loadHighs();
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of model.rows) {
    indices.push(...row.columns);
    values.push(...row.coefficients);
    starts.push(indices.length);
  }
  const instance = highs.createModel({
    numCols: n,
    numRows: model.rows.length,
    sense: highs.constants.objectiveSense.maximize,
    colCost: Float64Array.from(model.objective),
    colLower: Float64Array.from(model.lower),
    colUpper: Float64Array.from(model.upper),
    rowLower: Float64Array.from(model.rows, (r) => (r.lower === -Infinity ? -highs.infinity : r.lower)),
    rowUpper: Float64Array.from(model.rows, (r) => (r.upper === Infinity ? highs.infinity : r.upper)),
    matrix: { format: 'csr', numRows: model.rows.length, numCols: n, starts, indices, values },
  });
  try {
    instance.options.set({ output_flag: false });
    instance.run();
    if ((instance.getModelStatus() as number) !== highs.constants.modelStatus.optimal) return new Float64Array(n);
    return Float64Array.from(instance.getSolution().colDual);
  } finally {
    instance.dispose();
  }
}
