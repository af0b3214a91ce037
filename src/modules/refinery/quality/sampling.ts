/**
 * How many records to inspect for semantic accuracy, and what the inspection says.
 *
 * - {@link singleSamplingPlan}: ISO 2859-1 (KS Q ISO 2859-1) single sampling, normal inspection:
 *   lot size → sample-size code letter (Table 1), code letter + AQL → (n, Ac, Re) (Table 2-A),
 *   following the arrows to the first plan below or above.
 * - {@link sampleSizeForAccuracy}: the sample that shows "accuracy ≥ target with this confidence"
 *   when at most c failures are found (binomial, so conservative for a finite lot).
 * - {@link wilsonInterval}, {@link clopperPearsonInterval}: the accuracy estimate and its
 *   confidence interval from pass/fail counts.
 */

export type InspectionLevel = 'I' | 'II' | 'III';
export type CodeLetter = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H' | 'J' | 'K' | 'L' | 'M' | 'N' | 'P' | 'Q' | 'R';

const LETTERS: readonly CodeLetter[] = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'Q', 'R'];
/** Table 2-A: sample size for each code letter. */
const SAMPLE_SIZES: Readonly<Record<CodeLetter, number>> = {
  A: 2,
  B: 3,
  C: 5,
  D: 8,
  E: 13,
  F: 20,
  G: 32,
  H: 50,
  J: 80,
  K: 125,
  L: 200,
  M: 315,
  N: 500,
  P: 800,
  Q: 1250,
  R: 2000,
};

/** Table 1: upper lot-size bound of each row, and the code letter of each general inspection level. */
const LOT_ROWS: ReadonlyArray<{ upTo: number; I: CodeLetter; II: CodeLetter; III: CodeLetter }> = [
  { upTo: 8, I: 'A', II: 'A', III: 'B' },
  { upTo: 15, I: 'A', II: 'B', III: 'C' },
  { upTo: 25, I: 'B', II: 'C', III: 'D' },
  { upTo: 50, I: 'C', II: 'D', III: 'E' },
  { upTo: 90, I: 'C', II: 'E', III: 'F' },
  { upTo: 150, I: 'D', II: 'F', III: 'G' },
  { upTo: 280, I: 'E', II: 'G', III: 'H' },
  { upTo: 500, I: 'F', II: 'H', III: 'J' },
  { upTo: 1200, I: 'G', II: 'J', III: 'K' },
  { upTo: 3200, I: 'H', II: 'K', III: 'L' },
  { upTo: 10_000, I: 'J', II: 'L', III: 'M' },
  { upTo: 35_000, I: 'K', II: 'M', III: 'N' },
  { upTo: 150_000, I: 'L', II: 'N', III: 'P' },
  { upTo: 500_000, I: 'M', II: 'P', III: 'Q' },
  { upTo: Infinity, I: 'N', II: 'Q', III: 'R' },
];

/**
 * The preferred AQLs (percent nonconforming) of Table 2-A up to 6.5, in order. Each step is about
 * ×1.6, as each code letter's sample size is, which is why the table is diagonal: one letter down
 * and one AQL left gives the same acceptance number.
 */
export const AQLS = [0.01, 0.015, 0.025, 0.04, 0.065, 0.1, 0.15, 0.25, 0.4, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5] as const;

/**
 * Table 2-A along a diagonal, indexed by (code letter index + AQL index) − 14: the cell where that
 * sum is 14 holds Ac 0 / Re 1 (A at 6.5, J at 0.15, Q at 0.010); sum 15 is an up arrow, 16 a down
 * arrow, then 1/2, 2/3, 3/4, 5/6, 7/8, 10/11, 14/15, 21/22; below 14 the cells are down arrows,
 * above 24 up arrows.
 */
const DIAGONAL: ReadonlyArray<'up' | 'down' | readonly [number, number]> = [
  [0, 1],
  'up',
  'down',
  [1, 2],
  [2, 3],
  [3, 4],
  [5, 6],
  [7, 8],
  [10, 11],
  [14, 15],
  [21, 22],
];

/**
 * The sample-size code letter for a lot (ISO 2859-1 Table 1, general inspection levels I–III).
 *
 * @example codeLetter(1000) // 'J'
 */
export function codeLetter(lotSize: number, level: InspectionLevel = 'II'): CodeLetter {
  if (!Number.isInteger(lotSize) || lotSize < 2) throw new Error(`The lot size must be a whole number of at least 2, got ${lotSize}`);
  return LOT_ROWS.find((row) => lotSize <= row.upTo)![level];
}

export interface SamplingPlan {
  lotSize: number;
  aql: number;
  level: InspectionLevel;
  /** The code letter Table 1 gives for the lot. */
  codeLetter: CodeLetter;
  /** The letter of the plan used: the same, or where an arrow of Table 2-A pointed. */
  planLetter: CodeLetter;
  arrow: 'none' | 'down' | 'up';
  /** Records to inspect (the whole lot when the plan's sample would be as large as the lot). */
  sampleSize: number;
  /** Accept the lot with at most this many nonconforming records in the sample. */
  acceptance: number;
  /** Reject the lot with this many or more. */
  rejection: number;
  /** The plan's sample was at least the lot size, so every record is inspected (ISO 2859-1 §10.1). */
  fullInspection: boolean;
}

/**
 * ISO 2859-1 single sampling plan, normal inspection, for a lot of `lotSize` records and an AQL in
 * percent nonconforming (one of {@link AQLS}).
 *
 * @example singleSamplingPlan({ lotSize: 1000, aql: 1.0 }) // { codeLetter: 'J', sampleSize: 80, acceptance: 2, rejection: 3, … }
 */
export function singleSamplingPlan(options: { lotSize: number; aql: number; level?: InspectionLevel }): SamplingPlan {
  const level = options.level ?? 'II';
  const letter = codeLetter(options.lotSize, level);
  const aqlIndex = AQLS.findIndex((a) => Math.abs(a - options.aql) < 1e-9);
  if (aqlIndex < 0) throw new Error(`AQL ${options.aql} is not in the table: use one of ${AQLS.join(', ')}`);
  let letterIndex = LETTERS.indexOf(letter);
  let arrow: SamplingPlan['arrow'] = 'none';
  let cell = cellAt(letterIndex + aqlIndex);
  // An arrow sends us to the first plan below (down) or above (up) it in the same AQL column.
  if (cell === 'down' || cell === 'up') {
    arrow = cell;
    const step = cell === 'down' ? 1 : -1;
    while (cell === 'down' || cell === 'up') {
      letterIndex += step;
      cell = cellAt(letterIndex + aqlIndex);
    }
  }
  const [acceptance, rejection] = cell;
  const planLetter = LETTERS[letterIndex]!;
  const planSize = SAMPLE_SIZES[planLetter];
  const fullInspection = planSize >= options.lotSize;
  return {
    lotSize: options.lotSize,
    aql: options.aql,
    level,
    codeLetter: letter,
    planLetter,
    arrow,
    sampleSize: fullInspection ? options.lotSize : planSize,
    acceptance,
    rejection,
    fullInspection,
  };
}

function cellAt(diagonal: number): 'up' | 'down' | readonly [number, number] {
  const offset = diagonal - 14;
  if (offset < 0) return 'down';
  return DIAGONAL[offset] ?? 'up';
}

/**
 * Whether a lot passes its plan given the nonconforming records found in the sample.
 *
 * @example lotAccepted(singleSamplingPlan({ lotSize: 1000, aql: 1.0 }), 2) // true
 */
export function lotAccepted(plan: SamplingPlan, nonconforming: number): boolean {
  return nonconforming <= plan.acceptance;
}

/**
 * The smallest sample such that finding at most `acceptanceNumber` failures shows, with
 * `confidence`, that the accuracy is at least `targetAccuracy`: the smallest n with
 * P(X ≤ c | n, p = 1 − target) ≤ 1 − confidence (binomial; for a finite lot this is conservative).
 * Capped at the lot size when one is given. For c = 0 this is ⌈ln(1 − confidence) ÷ ln(target)⌉.
 *
 * @example sampleSizeForAccuracy({ targetAccuracy: 0.95, confidence: 0.95 }) // 59
 */
export function sampleSizeForAccuracy(options: {
  targetAccuracy: number;
  confidence: number;
  acceptanceNumber?: number;
  lotSize?: number;
}): number {
  const { targetAccuracy, confidence } = options;
  const c = options.acceptanceNumber ?? 0;
  if (!(targetAccuracy > 0 && targetAccuracy < 1)) throw new Error('targetAccuracy must lie strictly between 0 and 1');
  if (!(confidence > 0 && confidence < 1)) throw new Error('confidence must lie strictly between 0 and 1');
  if (!Number.isInteger(c) || c < 0) throw new Error('acceptanceNumber must be a whole number ≥ 0');
  const p = 1 - targetAccuracy;
  const cap = options.lotSize ?? Infinity;
  // P(X ≤ c) falls as n grows: search upward from the c = 0 closed form, which is a lower bound.
  let n = Math.max(c + 1, Math.ceil(Math.log(1 - confidence) / Math.log(targetAccuracy)));
  while (binomialCdf(c, n, p) > 1 - confidence) {
    if (n >= cap) return cap;
    n++;
  }
  return Math.min(n, cap);
}

/** ln Γ(x) by Lanczos (g = 7, 9 terms), accurate to about 15 digits for x > 0. */
function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < g + 2; i++) sum += c[i]! / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * P(X ≤ k) for X ~ Binomial(n, p), summed in log space so large n neither underflows nor overflows.
 *
 * @example binomialCdf(0, 10, 0.5) // 0.0009765625
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  const logChooseN = logGamma(n + 1);
  const terms: number[] = [];
  let max = -Infinity;
  for (let i = 0; i <= k; i++) {
    const t = logChooseN - logGamma(i + 1) - logGamma(n - i + 1) + i * logP + (n - i) * logQ;
    terms.push(t);
    if (t > max) max = t;
  }
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - max);
  return Math.min(1, Math.exp(max + Math.log(sum)));
}

/**
 * The standard normal quantile Φ⁻¹(p) (Acklam's rational approximation, relative error < 1.2e-9).
 *
 * @example normalQuantile(0.975) // 1.959963985
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error('p must lie strictly between 0 and 1');
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

export interface Interval {
  lower: number;
  upper: number;
}

function checkCounts(successes: number, trials: number, confidence: number): void {
  if (!Number.isInteger(trials) || trials < 1) throw new Error('trials must be a whole number ≥ 1');
  if (!Number.isInteger(successes) || successes < 0 || successes > trials)
    throw new Error('successes must be a whole number from 0 to trials');
  if (!(confidence > 0 && confidence < 1)) throw new Error('confidence must lie strictly between 0 and 1');
}

/**
 * Wilson score interval for a proportion: (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) ÷ (1 + z²/n).
 * Good coverage even near 0 and 1, unlike p̂ ± z·√(p̂(1−p̂)/n).
 *
 * @example wilsonInterval(10, 10) // { lower: 0.7225, upper: 1 }
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): Interval {
  checkCounts(successes, trials, confidence);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const n = trials;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/**
 * Exact Clopper–Pearson interval: the p for which seeing `successes` or a more extreme count has
 * probability (1 − confidence)/2 on each side, found by bisection on the binomial tail. Never
 * narrower than it should be; 0 successes give [0, 1 − (α/2)^(1/n)].
 *
 * @example clopperPearsonInterval(10, 10) // { lower: 0.6915, upper: 1 }
 */
export function clopperPearsonInterval(successes: number, trials: number, confidence = 0.95): Interval {
  checkCounts(successes, trials, confidence);
  const tail = (1 - confidence) / 2;
  const x = successes;
  const n = trials;
  // Lower: P(X ≥ x | p) = α/2, increasing in p. Upper: P(X ≤ x | p) = α/2, decreasing in p.
  const lower = x === 0 ? 0 : bisect((p) => 1 - binomialCdf(x - 1, n, p) - tail, true);
  const upper = x === n ? 1 : bisect((p) => binomialCdf(x, n, p) - tail, false);
  return { lower, upper };
}

/** The root in (0, 1) of a monotone function. */
function bisect(f: (p: number) => number, increasing: boolean): number {
  let low = 0;
  let high = 1;
  for (let i = 0; i < 100 && high - low > 1e-15; i++) {
    const mid = (low + high) / 2;
    if (f(mid) < 0 === increasing) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

export interface AccuracyEstimate {
  inspected: number;
  passed: number;
  failed: number;
  /** passed ÷ inspected. */
  accuracy: number;
  confidence: number;
  method: 'wilson' | 'clopper-pearson';
  lower: number;
  upper: number;
}

/**
 * Semantic accuracy from an inspection: the share of inspected records judged correct, with a
 * confidence interval (exact Clopper–Pearson by default; Wilson when asked).
 *
 * @example accuracyEstimate({ passed: 78, failed: 2 }) // { accuracy: 0.975, lower: 0.9126, upper: 0.997, … }
 */
export function accuracyEstimate(options: {
  passed: number;
  failed: number;
  confidence?: number;
  method?: 'wilson' | 'clopper-pearson';
}): AccuracyEstimate {
  const confidence = options.confidence ?? 0.95;
  const method = options.method ?? 'clopper-pearson';
  const inspected = options.passed + options.failed;
  const interval =
    method === 'wilson'
      ? wilsonInterval(options.passed, inspected, confidence)
      : clopperPearsonInterval(options.passed, inspected, confidence);
  return {
    inspected,
    passed: options.passed,
    failed: options.failed,
    accuracy: options.passed / inspected,
    confidence,
    method,
    ...interval,
  };
}
