/**
 * Krippendorff's alpha: inter-rater reliability for any number of raters, missing ratings and
 * nominal, ordinal, interval or ratio data, by the coincidence-matrix method of Krippendorff (2011),
 * "Computing Krippendorff's Alpha-Reliability". alpha = 1 − D_o / D_e: 1 is perfect agreement,
 * 0 agreement at chance level.
 */

export type AlphaMetric = 'nominal' | 'ordinal' | 'interval' | 'ratio';

/** A rating, or null / undefined when that rater did not rate that unit. */
export type Rating = number | null | undefined;

export interface AlphaResult {
  /** NaN when the pairable ratings show no variation at all (alpha is undefined then). */
  alpha: number;
  metric: AlphaMetric;
  /** Observed and expected disagreement. */
  observed: number;
  expected: number;
  /** Units with two or more ratings (only those count). */
  pairableUnits: number;
  /** Ratings in those units: n of the coincidence matrix. */
  pairableValues: number;
  /** The distinct values, ascending, that the coincidence matrix is over. */
  values: number[];
  /** o_ck in the order of `values`. */
  coincidences: number[][];
}

function present(r: Rating): r is number {
  return r !== null && r !== undefined && !Number.isNaN(r);
}

/**
 * Krippendorff's alpha of a units × raters matrix (rows are units, columns raters).
 *
 * @example
 * krippendorffAlpha([[1, 1], [2, 2], [3, 3]], 'interval').alpha // 1
 */
export function krippendorffAlpha(ratings: readonly (readonly Rating[])[], metric: AlphaMetric = 'nominal'): AlphaResult {
  const units = ratings.map((row) => row.filter(present)).filter((row) => row.length >= 2);
  const values = [...new Set(units.flat())].sort((a, b) => a - b);
  if (metric === 'ratio' && values.some((v) => v < 0)) throw new RangeError('The ratio metric needs ratings ≥ 0');
  const index = new Map(values.map((v, i) => [v, i]));
  const v = values.length;
  const o = Array.from({ length: v }, () => new Array<number>(v).fill(0));
  for (const unit of units) {
    const m = unit.length;
    // Each ordered pair of ratings by different raters in the unit adds 1/(m_u − 1).
    const counts = new Map<number, number>();
    for (const r of unit) counts.set(index.get(r)!, (counts.get(index.get(r)!) ?? 0) + 1);
    for (const [c, nc] of counts) {
      for (const [k, nk] of counts) o[c]![k]! += (c === k ? nc * (nc - 1) : nc * nk) / (m - 1);
    }
  }
  const nc = o.map((row) => row.reduce((a, b) => a + b, 0));
  const n = nc.reduce((a, b) => a + b, 0);
  const delta = distance(metric, values, nc);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < v; c++) {
    for (let k = 0; k < v; k++) {
      const d = delta(c, k);
      observed += o[c]![k]! * d;
      expected += nc[c]! * nc[k]! * d;
    }
  }
  observed /= n;
  expected /= n * (n - 1);
  const alpha = expected === 0 ? Number.NaN : 1 - observed / expected;
  return { alpha, metric, observed, expected, pairableUnits: units.length, pairableValues: n, values, coincidences: o };
}

/** δ²(c, k) over value indices, per Krippendorff (2011) §C. */
function distance(metric: AlphaMetric, values: readonly number[], nc: readonly number[]): (c: number, k: number) => number {
  switch (metric) {
    case 'nominal':
      return (c, k) => (c === k ? 0 : 1);
    case 'interval':
      return (c, k) => (values[c]! - values[k]!) ** 2;
    case 'ratio':
      return (c, k) => {
        const sum = values[c]! + values[k]!;
        return sum === 0 ? 0 : ((values[c]! - values[k]!) / sum) ** 2;
      };
    case 'ordinal': {
      // The ranks between c and k, counting the two ends half: ordinal distance depends on how
      // many ratings lie between, not on the numbers' spacing.
      const cumulative = [0];
      for (const count of nc) cumulative.push(cumulative[cumulative.length - 1]! + count);
      return (c, k) => {
        const lo = Math.min(c, k);
        const hi = Math.max(c, k);
        return (cumulative[hi + 1]! - cumulative[lo]! - (nc[c]! + nc[k]!) / 2) ** 2;
      };
    }
  }
}

/**
 * Alpha for each criterion of a rubric, each given as its own units × raters matrix.
 *
 * @example alphaPerCriterion({ 수요: [[3, 3], [5, 4]], 품질: [[1, 2], [4, 4]] }, 'interval')
 */
export function alphaPerCriterion(
  criteria: Readonly<Record<string, readonly (readonly Rating[])[]>>,
  metric: AlphaMetric = 'interval',
): Record<string, AlphaResult> {
  return Object.fromEntries(Object.entries(criteria).map(([name, matrix]) => [name, krippendorffAlpha(matrix, metric)]));
}

export interface DisagreementOptions {
  /** Flag a unit when the highest and lowest rating differ by more than this (numeric scales). Default 1. */
  maxSpread?: number;
  /** For nominal data: flag when more than one distinct rating is given. Default: the numeric spread rule. */
  nominal?: boolean;
}

export interface FlaggedUnit {
  /** Row of the matrix (0-based). */
  unit: number;
  ratings: number[];
  spread: number;
  reason: string;
}

/**
 * Units whose raters disagree beyond a threshold: the candidates for a consensus round.
 *
 * @example flagDisagreements([[4, 4, 5], [1, 5, 3]], { maxSpread: 1 }) // [{ unit: 1, spread: 4, … }]
 */
export function flagDisagreements(ratings: readonly (readonly Rating[])[], options: DisagreementOptions = {}): FlaggedUnit[] {
  const maxSpread = options.maxSpread ?? 1;
  const flagged: FlaggedUnit[] = [];
  ratings.forEach((row, unit) => {
    const given = row.filter(present);
    if (given.length < 2) return;
    const spread = Math.max(...given) - Math.min(...given);
    if (options.nominal) {
      const distinct = new Set(given).size;
      if (distinct > 1) flagged.push({ unit, ratings: given, spread, reason: `${distinct} different ratings` });
    } else if (spread > maxSpread) {
      flagged.push({ unit, ratings: given, spread, reason: `ratings span ${spread}, more than ${maxSpread}` });
    }
  });
  return flagged;
}
