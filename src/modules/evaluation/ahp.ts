/**
 * The analytic hierarchy process (Saaty 1980): criterion weights from a reciprocal matrix of
 * pairwise judgements, with the consistency ratio that tells whether the judgements hang
 * together (CR < 0.1), and the judgements that most break consistency when they do not.
 */

/**
 * Saaty's random consistency index RI for n = 1…10 (Saaty 1980, The Analytic Hierarchy Process,
 * table 1.7): the mean CI of random reciprocal matrices of that size.
 */
export const RANDOM_INDEX: readonly number[] = [0, 0, 0.58, 0.9, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49];

/** The consistency ratio under which judgements are accepted (Saaty's 10 % rule). */
export const CR_THRESHOLD = 0.1;

export type AhpMethod = 'eigenvector' | 'geometric-mean';

export interface AhpOptions {
  /** Principal eigenvector (Saaty's method, the default) or row geometric means (Crawford & Williams 1985). */
  method?: AhpMethod;
  /** Relative tolerance for a_ji = 1/a_ij; judgements typed as 0.33 for 1/3 pass at the default 0.01. */
  reciprocalTolerance?: number;
}

export interface AhpResult {
  /** Priorities, summing to 1, in the matrix's order. */
  weights: number[];
  /** The principal eigenvalue estimate: mean of (A·w)_i / w_i. */
  lambdaMax: number;
  /** Consistency index (λmax − n)/(n − 1); 0 for n ≤ 2. */
  ci: number;
  /** The random index used for this n. */
  ri: number;
  /** Consistency ratio CI/RI; 0 for n ≤ 2. */
  cr: number;
  /** Whether cr < 0.1. */
  consistent: boolean;
  method: AhpMethod;
  /** Power iterations used (0 for the geometric mean). */
  iterations: number;
}

/** A pairwise comparison matrix that is not a positive reciprocal matrix, naming the cell at fault. */
export class AhpMatrixError extends Error {
  readonly row: number | undefined;
  readonly column: number | undefined;
  constructor(message: string, row?: number, column?: number) {
    super(message);
    this.name = 'AhpMatrixError';
    this.row = row;
    this.column = column;
  }
}

/**
 * Checks that a matrix is square, positive and finite, has 1 on the diagonal and a_ji = 1/a_ij
 * within a relative tolerance; throws an AhpMatrixError naming the first cell at fault (1-based).
 *
 * @example validateReciprocalMatrix([[1, 3], [1 / 3, 1]]); // passes
 */
export function validateReciprocalMatrix(matrix: readonly (readonly number[])[], tolerance = 0.01): void {
  const n = matrix.length;
  if (n === 0) throw new AhpMatrixError('The comparison matrix is empty');
  if (n > RANDOM_INDEX.length) {
    throw new AhpMatrixError(`The comparison matrix has ${n} rows; Saaty's random index table (and so CR) stops at ${RANDOM_INDEX.length}`);
  }
  matrix.forEach((row, i) => {
    if (row.length !== n) throw new AhpMatrixError(`Row ${i + 1} has ${row.length} values; the matrix has ${n} rows`, i + 1);
    row.forEach((value, j) => {
      if (!Number.isFinite(value) || value <= 0) {
        throw new AhpMatrixError(`Row ${i + 1}, column ${j + 1}: ${value} is not a positive number`, i + 1, j + 1);
      }
    });
  });
  for (let i = 0; i < n; i++) {
    if (Math.abs(matrix[i]![i]! - 1) > tolerance) {
      throw new AhpMatrixError(`Row ${i + 1}, column ${i + 1}: the diagonal must be 1, not ${matrix[i]![i]}`, i + 1, i + 1);
    }
    for (let j = i + 1; j < n; j++) {
      const product = matrix[i]![j]! * matrix[j]![i]!;
      if (Math.abs(product - 1) > tolerance) {
        throw new AhpMatrixError(
          `Row ${i + 1}, column ${j + 1}: ${matrix[i]![j]} and its mirror ${matrix[j]![i]} (row ${j + 1}, column ${i + 1}) are not reciprocal`,
          i + 1,
          j + 1,
        );
      }
    }
  }
}

/**
 * Fills a reciprocal matrix from its upper triangle: `upper[k]` lists a_ij for j > i, row by row.
 *
 * @example reciprocalMatrix(3, [3, 5, 2]) // [[1,3,5],[1/3,1,2],[1/5,1/2,1]]
 */
export function reciprocalMatrix(n: number, upper: readonly number[]): number[][] {
  if (upper.length !== (n * (n - 1)) / 2)
    throw new AhpMatrixError(`${n} criteria need ${(n * (n - 1)) / 2} judgements, not ${upper.length}`);
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(1));
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      m[i]![j] = upper[k]!;
      m[j]![i] = 1 / upper[k]!;
      k++;
    }
  }
  return m;
}

function multiply(matrix: readonly (readonly number[])[], vector: readonly number[]): number[] {
  return matrix.map((row) => row.reduce((sum, a, j) => sum + a * vector[j]!, 0));
}

function normalise(vector: readonly number[]): number[] {
  const sum = vector.reduce((a, b) => a + b, 0);
  return vector.map((v) => v / sum);
}

/**
 * Weights, λmax, CI and CR of a pairwise comparison matrix.
 *
 * @example
 * const r = ahpWeights([[1, 3], [1 / 3, 1]]);
 * r.weights // [0.75, 0.25]; r.cr // 0
 */
export function ahpWeights(matrix: readonly (readonly number[])[], options: AhpOptions = {}): AhpResult {
  validateReciprocalMatrix(matrix, options.reciprocalTolerance);
  const n = matrix.length;
  const method = options.method ?? 'eigenvector';
  let weights: number[];
  let iterations = 0;
  if (method === 'geometric-mean') {
    weights = normalise(matrix.map((row) => Math.exp(row.reduce((s, a) => s + Math.log(a), 0) / n)));
  } else {
    // Power iteration converges for a positive matrix (Perron–Frobenius); starting from the
    // geometric means makes it a handful of steps for matrices near consistency.
    weights = normalise(matrix.map((row) => Math.exp(row.reduce((s, a) => s + Math.log(a), 0) / n)));
    for (iterations = 1; iterations <= 10_000; iterations++) {
      const next = normalise(multiply(matrix, weights));
      const change = next.reduce((m, v, i) => Math.max(m, Math.abs(v - weights[i]!)), 0);
      weights = next;
      if (change < 1e-13) break;
    }
  }
  const aw = multiply(matrix, weights);
  const lambdaMax = aw.reduce((s, v, i) => s + v / weights[i]!, 0) / n;
  const ri = RANDOM_INDEX[n - 1]!;
  // For n ≤ 2 every reciprocal matrix is consistent; rounding must not make CI a tiny negative.
  const ci = n <= 2 ? 0 : Math.max(0, (lambdaMax - n) / (n - 1));
  const cr = n <= 2 ? 0 : ci / ri;
  return { weights, lambdaMax, ci, ri, cr, consistent: cr < CR_THRESHOLD, method, iterations };
}

export interface InconsistentJudgement {
  /** 0-based row and column (i < j). */
  i: number;
  j: number;
  /** The judgement a_ij as given. */
  value: number;
  /** w_i / w_j: the value that agrees with the derived weights. */
  consistentValue: number;
  /** The nearest value on Saaty's 1–9 scale (or its reciprocal) to consistentValue. */
  suggestedValue: number;
  /** e_ij = a_ij · w_j / w_i (1 when the judgement agrees with the weights). */
  error: number;
  /** |ln e_ij|: how far off, symmetric in over- and under-statement. */
  deviation: number;
}

const SAATY_SCALE = [1, 2, 3, 4, 5, 6, 7, 8, 9];

function nearestSaaty(value: number): number {
  const candidates = [...SAATY_SCALE, ...SAATY_SCALE.slice(1).map((v) => 1 / v)];
  return candidates.reduce((best, c) => (Math.abs(Math.log(c / value)) < Math.abs(Math.log(best / value)) ? c : best), 1);
}

/**
 * The k judgements furthest from what the weights imply, ranked by |ln(a_ij · w_j / w_i)|, with
 * the value that would be consistent: what to revisit when CR ≥ 0.1.
 *
 * @example mostInconsistentJudgements([[1, 9, 1/9], [1/9, 1, 9], [9, 1/9, 1]], 1)[0] // { i: 0, j: 1, … }
 */
export function mostInconsistentJudgements(
  matrix: readonly (readonly number[])[],
  k = 3,
  options: AhpOptions = {},
): InconsistentJudgement[] {
  const { weights } = ahpWeights(matrix, options);
  const all: InconsistentJudgement[] = [];
  for (let i = 0; i < matrix.length; i++) {
    for (let j = i + 1; j < matrix.length; j++) {
      const value = matrix[i]![j]!;
      const consistentValue = weights[i]! / weights[j]!;
      const error = (value * weights[j]!) / weights[i]!;
      all.push({
        i,
        j,
        value,
        consistentValue,
        suggestedValue: nearestSaaty(consistentValue),
        error,
        deviation: Math.abs(Math.log(error)),
      });
    }
  }
  return all.sort((a, b) => b.deviation - a.deviation || a.i - b.i || a.j - b.j).slice(0, Math.max(0, k));
}
