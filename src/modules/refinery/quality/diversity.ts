/**
 * Statistical diversity of a training set: how evenly its labels are spread (label balance) and
 * how well it covers the declared population (region, age band, sex…). Pure functions over counts.
 */

/** Counts per category: `{ 긍정: 520, 부정: 480 }`. */
export type CategoryCounts = Readonly<Record<string, number>>;

function checkCounts(counts: readonly number[]): void {
  for (const c of counts) if (!(Number.isFinite(c) && c >= 0)) throw new Error(`Counts must be finite and not negative, got ${c}`);
}

/**
 * Shannon entropy normalised to 0..1: H = −Σ pᵢ·ln pᵢ ÷ ln k over k categories (zero counts
 * included, so a declared category nobody has lowers the score). 1 when every category has the same
 * count, 0 when one category has everything (or there is one category); null when there is no count.
 *
 * @example normalizedEntropy([50, 50]) // 1
 * @example normalizedEntropy([100, 0]) // 0
 */
export function normalizedEntropy(counts: readonly number[]): number | null {
  checkCounts(counts);
  const total = counts.reduce((s, c) => s + c, 0);
  if (total === 0) return null;
  if (counts.length < 2) return 0;
  let entropy = 0;
  for (const c of counts) if (c > 0) entropy -= (c / total) * Math.log(c / total);
  // Rounding can leave a uniform distribution a hair above 1.
  return Math.min(1, Math.max(0, entropy / Math.log(counts.length)));
}

/**
 * Largest count ÷ smallest count (1 = balanced). Infinity when a category has no example at all;
 * null when there are no categories or no counts.
 *
 * @example imbalanceRatio([900, 100]) // 9
 */
export function imbalanceRatio(counts: readonly number[]): number | null {
  checkCounts(counts);
  if (counts.length === 0 || counts.every((c) => c === 0)) return null;
  const max = Math.max(...counts);
  const min = Math.min(...counts);
  return min === 0 ? Infinity : max / min;
}

export interface LabelBalance {
  classes: number;
  total: number;
  /** Normalised Shannon entropy (1 = perfectly balanced). */
  entropy: number | null;
  imbalanceRatio: number | null;
  majority: { label: string; count: number } | null;
  minority: { label: string; count: number } | null;
}

/**
 * Label balance of a classification set from its label counts; pass `expectedLabels` to count
 * labels that never occur (as 0) instead of silently ignoring them.
 *
 * @example labelBalance({ 긍정: 700, 부정: 300 }).entropy // ≈ 0.881
 */
export function labelBalance(counts: CategoryCounts, expectedLabels: readonly string[] = []): LabelBalance {
  const all: Record<string, number> = {};
  for (const label of expectedLabels) all[label] = 0;
  for (const [label, count] of Object.entries(counts)) all[label] = count;
  const entries = Object.entries(all);
  const values = entries.map(([, c]) => c);
  const total = values.reduce((s, c) => s + c, 0);
  const byCount = [...entries].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const first = byCount[0];
  const last = byCount[byCount.length - 1];
  return {
    classes: entries.length,
    total,
    entropy: normalizedEntropy(values),
    imbalanceRatio: imbalanceRatio(values),
    majority: first && total > 0 ? { label: first[0], count: first[1] } : null,
    minority: last && total > 0 ? { label: last[0], count: last[1] } : null,
  };
}

export interface AttributeSpread {
  attribute: string;
  /** Normalised entropy over the expected values when declared (missing ones count as 0), else over those seen. */
  entropy: number | null;
  /** Share of expected values that occur at least once; null when none were declared. */
  coverage: number | null;
  /** Expected values that never occur. */
  missing: string[];
  /** Values that occur but were not declared (often a coding error: '서울' beside '서울특별시'). */
  unexpected: string[];
  counts: Record<string, number>;
}

/**
 * Spread over declared attributes: for each attribute, its value counts, normalised entropy and
 * coverage of the expected values (with the missing ones listed).
 *
 * @example
 * attributeSpread({ 성별: { 남: 40, 여: 60 } }, { 성별: ['남', '여'] })
 * // [{ attribute: '성별', entropy: 0.971, coverage: 1, missing: [], unexpected: [], … }]
 */
export function attributeSpread(
  counts: Readonly<Record<string, CategoryCounts>>,
  expected: Readonly<Record<string, readonly string[]>> = {},
): AttributeSpread[] {
  const attributes = [...new Set([...Object.keys(expected), ...Object.keys(counts)])];
  return attributes.map((attribute) => {
    const seen = counts[attribute] ?? {};
    const declared = expected[attribute];
    const present = (value: string) => (seen[value] ?? 0) > 0;
    if (!declared || declared.length === 0) {
      return {
        attribute,
        entropy: normalizedEntropy(Object.values(seen)),
        coverage: null,
        missing: [],
        unexpected: [],
        counts: { ...seen },
      };
    }
    const declaredSet = new Set(declared);
    return {
      attribute,
      entropy: normalizedEntropy(declared.map((v) => seen[v] ?? 0)),
      coverage: declared.filter(present).length / declaredSet.size,
      missing: declared.filter((v) => !present(v)),
      unexpected: Object.keys(seen).filter((v) => !declaredSet.has(v) && present(v)),
      counts: { ...seen },
    };
  });
}

/**
 * Counts per attribute from records (null, undefined and '' are not counted: they are missing, not
 * a category).
 *
 * @example countAttributes([{ 지역: '서울' }, { 지역: '부산' }], ['지역']) // { 지역: { 서울: 1, 부산: 1 } }
 */
export function countAttributes(
  records: Iterable<Readonly<Record<string, unknown>>>,
  attributes: readonly string[],
): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const attribute of attributes) counts[attribute] = {};
  for (const record of records) {
    for (const attribute of attributes) {
      const value = record[attribute];
      if (value === null || value === undefined || value === '') continue;
      const key = String(value);
      const bucket = counts[attribute]!;
      bucket[key] = (bucket[key] ?? 0) + 1;
    }
  }
  return counts;
}
