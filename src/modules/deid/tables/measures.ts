/**
 * Re-identification risk measures over equivalence classes: the groups of records that share the
 * same values of every quasi-identifier. All are pure functions of the classes, so they work the
 * same on a table held in memory and on counts computed while streaming a large file.
 *
 * - k-anonymity: the size of the smallest class (Sweeney 2002).
 * - distinct l-diversity: the fewest distinct sensitive values in a class (Machanavajjhala et al. 2007).
 * - entropy l-diversity: min over classes of exp(H), H the Shannon entropy (natural log) of the
 *   class's sensitive values; a class with l equally frequent values scores exactly l.
 * - t-closeness: the largest Earth Mover's Distance between a class's sensitive distribution and
 *   the whole table's (Li et al. 2007): equal ground distance for categories (EMD = ½ Σ|pᵢ − qᵢ|),
 *   ordered distance for numbers (EMD = Σᵢ |Σⱼ≤ᵢ (pⱼ − qⱼ)| / (m − 1) over the m sorted distinct values).
 * - prosecutor risk: a record in a class of size f is re-identified with probability 1/f by an
 *   attacker who knows the person is in the table (El Emam); highest, average, and records above a
 *   threshold (0.2 by default, i.e. classes smaller than 5).
 */

/** Records sharing one combination of quasi-identifier values. */
export interface EquivalenceClass {
  /** The quasi-identifier values, in the order of the quasi-identifier columns. */
  key: readonly string[];
  /** How many records. */
  size: number;
  /** Counts of the sensitive attribute's values in the class, when one is measured. */
  sensitive?: ReadonlyMap<string, number>;
}

/** Separates values in a class key; a control character that no CSV field value is expected to hold. */
export const KEY_SEPARATOR = '\u001f';

/**
 * Counts equivalence classes row by row, so a file can be streamed through it: memory grows with the
 * number of distinct quasi-identifier combinations, not with the rows.
 *
 * @example
 * const counter = new ClassCounter([0, 1], 2);
 * for await (const row of records) counter.add(row);
 * measureRisk(counter.classes());
 */
export class ClassCounter {
  private readonly found = new Map<string, { key: string[]; size: number; sensitive?: Map<string, number> }>();
  /** Rows added so far. */
  rows = 0;

  constructor(
    private readonly quasi: readonly number[],
    private readonly sensitive?: number,
  ) {}

  /** Counts one row (cells by column index). */
  add(row: readonly string[]): void {
    this.rows++;
    const key = this.quasi.map((i) => row[i] ?? '');
    const id = key.join(KEY_SEPARATOR);
    let found = this.found.get(id);
    if (!found) {
      found = this.sensitive === undefined ? { key, size: 0 } : { key, size: 0, sensitive: new Map() };
      this.found.set(id, found);
    }
    found.size++;
    if (this.sensitive !== undefined) {
      const value = row[this.sensitive] ?? '';
      found.sensitive!.set(value, (found.sensitive!.get(value) ?? 0) + 1);
    }
  }

  /** The classes counted so far. */
  classes(): EquivalenceClass[] {
    return [...this.found.values()];
  }
}

/**
 * Groups rows into equivalence classes over the quasi-identifier columns (by index).
 *
 * @example
 * equivalenceClasses([['30', '남', '감기'], ['30', '남', '당뇨']], [0, 1], 2)
 * // [{ key: ['30', '남'], size: 2, sensitive: Map { '감기' => 1, '당뇨' => 1 } }]
 */
export function equivalenceClasses(rows: Iterable<readonly string[]>, quasi: readonly number[], sensitive?: number): EquivalenceClass[] {
  const counter = new ClassCounter(quasi, sensitive);
  for (const row of rows) counter.add(row);
  return counter.classes();
}

/**
 * k of k-anonymity: the size of the smallest class (0 for no records).
 *
 * @example kAnonymity([{ key: ['a'], size: 3 }, { key: ['b'], size: 5 }]) // 3
 */
export function kAnonymity(classes: readonly EquivalenceClass[]): number {
  let k = Infinity;
  for (const c of classes) if (c.size > 0 && c.size < k) k = c.size;
  return k === Infinity ? 0 : k;
}

function requireSensitive(c: EquivalenceClass): ReadonlyMap<string, number> {
  if (!c.sensitive) throw new Error('these classes carry no sensitive attribute counts');
  return c.sensitive;
}

/**
 * Distinct l-diversity: the fewest distinct sensitive values found in any class.
 *
 * @example distinctLDiversity([{ key: ['a'], size: 2, sensitive: new Map([['x', 1], ['y', 1]]) }]) // 2
 */
export function distinctLDiversity(classes: readonly EquivalenceClass[]): number {
  let l = Infinity;
  for (const c of classes) {
    const distinct = [...requireSensitive(c).values()].filter((n) => n > 0).length;
    if (c.size > 0 && distinct < l) l = distinct;
  }
  return l === Infinity ? 0 : l;
}

/** Shannon entropy (natural logarithm) of a distribution given by counts. */
function entropy(counts: Iterable<number>): number {
  let total = 0;
  const positive: number[] = [];
  for (const n of counts) {
    if (n <= 0) continue;
    positive.push(n);
    total += n;
  }
  let h = 0;
  for (const n of positive) h -= (n / total) * Math.log(n / total);
  return h;
}

/**
 * Entropy l-diversity: min over classes of exp(entropy of the class's sensitive values).
 *
 * @example entropyLDiversity([{ key: ['a'], size: 4, sensitive: new Map([['x', 2], ['y', 2]]) }]) // 2
 */
export function entropyLDiversity(classes: readonly EquivalenceClass[]): number {
  let l = Infinity;
  for (const c of classes) {
    if (c.size === 0) continue;
    const value = Math.exp(entropy(requireSensitive(c).values()));
    if (value < l) l = value;
  }
  return l === Infinity ? 0 : l;
}

/** How the distance between sensitive values is measured for t-closeness. */
export type SensitiveScale = 'categorical' | 'ordered';

/**
 * The scale a sensitive attribute is measured on: ordered when every non-empty value is a number.
 *
 * @example sensitiveScale(['1', '2.5', '']) // 'ordered'
 */
export function sensitiveScale(values: Iterable<string>): SensitiveScale {
  let numbers = 0;
  for (const v of values) {
    if (v.trim() === '') continue;
    if (!Number.isFinite(Number(v))) return 'categorical';
    numbers++;
  }
  return numbers > 0 ? 'ordered' : 'categorical';
}

/**
 * Earth Mover's Distance between two distributions given as counts over the same domain.
 * `domain` fixes the order for the ordered distance (ascending values) and must hold every value.
 *
 * @example earthMoversDistance(new Map([['a', 1]]), new Map([['b', 1]]), ['a', 'b'], 'categorical') // 1
 * @example earthMoversDistance(new Map([['1', 1]]), new Map([['3', 1]]), ['1', '2', '3'], 'ordered') // 1
 */
export function earthMoversDistance(
  p: ReadonlyMap<string, number>,
  q: ReadonlyMap<string, number>,
  domain: readonly string[],
  scale: SensitiveScale,
): number {
  const totalP = sum(p.values());
  const totalQ = sum(q.values());
  if (totalP === 0 || totalQ === 0) return 0;
  if (scale === 'categorical') {
    let d = 0;
    for (const v of domain) d += Math.abs((p.get(v) ?? 0) / totalP - (q.get(v) ?? 0) / totalQ);
    return d / 2;
  }
  if (domain.length < 2) return 0;
  let carried = 0;
  let d = 0;
  for (const v of domain) {
    carried += (p.get(v) ?? 0) / totalP - (q.get(v) ?? 0) / totalQ;
    d += Math.abs(carried);
  }
  return d / (domain.length - 1);
}

function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** The sorted domain of a sensitive attribute: numerically for an ordered scale, else by code point. */
function sensitiveDomain(values: Iterable<string>, scale: SensitiveScale): string[] {
  const domain = [...new Set(values)];
  return scale === 'ordered' ? domain.sort((a, b) => toNumber(a) - toNumber(b)) : domain.sort();
}

// Empty values on an ordered scale sort first: they are one more point on the line, not an error.
function toNumber(v: string): number {
  return v.trim() === '' ? -Infinity : Number(v);
}

/**
 * t of t-closeness: the largest EMD between a class's sensitive distribution and the table's.
 *
 * @example
 * tCloseness([
 *   { key: ['a'], size: 1, sensitive: new Map([['x', 1]]) },
 *   { key: ['b'], size: 1, sensitive: new Map([['y', 1]]) },
 * ], 'categorical') // 0.5
 */
export function tCloseness(classes: readonly EquivalenceClass[], scale?: SensitiveScale): number {
  const overall = new Map<string, number>();
  for (const c of classes) for (const [v, n] of requireSensitive(c)) overall.set(v, (overall.get(v) ?? 0) + n);
  const chosen = scale ?? sensitiveScale(overall.keys());
  const domain = sensitiveDomain(overall.keys(), chosen);
  let t = 0;
  for (const c of classes) t = Math.max(t, earthMoversDistance(requireSensitive(c), overall, domain, chosen));
  return t;
}

export interface ProsecutorRisk {
  /** 1 / the smallest class size (0 for no records). */
  highest: number;
  /** Mean of 1/|class| over records = classes / records. */
  average: number;
  /** Records whose risk is above `threshold`. */
  recordsAtRisk: number;
  /** The same as a share of all records. */
  shareAtRisk: number;
  threshold: number;
}

/**
 * Prosecutor re-identification risk: each record's risk is 1/|its class|.
 *
 * @example prosecutorRisk([{ key: ['a'], size: 1 }, { key: ['b'], size: 4 }], 0.2)
 * // { highest: 1, average: 0.4, recordsAtRisk: 5, shareAtRisk: 1, threshold: 0.2 }
 */
export function prosecutorRisk(classes: readonly EquivalenceClass[], threshold = 0.2): ProsecutorRisk {
  let records = 0;
  let nonEmpty = 0;
  let atRisk = 0;
  let highest = 0;
  for (const c of classes) {
    if (c.size === 0) continue;
    records += c.size;
    nonEmpty++;
    const risk = 1 / c.size;
    if (risk > highest) highest = risk;
    if (risk > threshold) atRisk += c.size;
  }
  return {
    highest,
    average: records === 0 ? 0 : nonEmpty / records,
    recordsAtRisk: atRisk,
    shareAtRisk: records === 0 ? 0 : atRisk / records,
    threshold,
  };
}

export interface RiskReport {
  records: number;
  classes: number;
  k: number;
  prosecutor: ProsecutorRisk;
  /** Present when the classes carry a sensitive attribute. */
  lDiversity?: { distinct: number; entropy: number };
  tCloseness?: { t: number; scale: SensitiveScale };
  /** Classes smaller than `targetK`, smallest first (at most `maxSmallClasses`). */
  smallClasses: Array<{ key: readonly string[]; size: number }>;
  /** How many classes are smaller than `targetK` in all. */
  smallClassCount: number;
  /** Records in those classes. */
  smallClassRecords: number;
}

export interface RiskOptions {
  /** The k the table should reach; classes smaller are listed (default 5). */
  targetK?: number;
  /** Prosecutor risk threshold (default 0.2). */
  threshold?: number;
  /** How many small classes to list (default 20). */
  maxSmallClasses?: number;
  /** Scale of the sensitive attribute for t-closeness (default: guessed from its values). */
  scale?: SensitiveScale;
}

/**
 * Every measure at once: k, l (distinct and entropy), t, prosecutor risk, and the classes below a target k.
 *
 * @example
 * const report = measureRisk(equivalenceClasses(rows, [0, 1], 2), { targetK: 5 });
 * report.k; report.prosecutor.highest; report.smallClasses;
 */
export function measureRisk(classes: readonly EquivalenceClass[], options: RiskOptions = {}): RiskReport {
  const targetK = options.targetK ?? 5;
  const live = classes.filter((c) => c.size > 0);
  // Only the first few small classes are listed: select them without sorting a million.
  const listed = options.maxSmallClasses ?? 20;
  const smallest: EquivalenceClass[] = [];
  let smallCount = 0;
  let smallRecords = 0;
  const before = (a: EquivalenceClass, b: EquivalenceClass) => a.size - b.size || compareKeys(a.key, b.key);
  for (const c of live) {
    if (c.size >= targetK) continue;
    smallCount++;
    smallRecords += c.size;
    if (smallest.length === listed && (listed === 0 || before(c, smallest[listed - 1]!) >= 0)) continue;
    let at = smallest.length;
    while (at > 0 && before(c, smallest[at - 1]!) < 0) at--;
    smallest.splice(at, 0, c);
    if (smallest.length > listed) smallest.pop();
  }
  const report: RiskReport = {
    records: sum(live.map((c) => c.size)),
    classes: live.length,
    k: kAnonymity(live),
    prosecutor: prosecutorRisk(live, options.threshold ?? 0.2),
    smallClasses: smallest.map((c) => ({ key: c.key, size: c.size })),
    smallClassCount: smallCount,
    smallClassRecords: smallRecords,
  };
  if (live.length > 0 && live.every((c) => c.sensitive)) {
    report.lDiversity = { distinct: distinctLDiversity(live), entropy: entropyLDiversity(live) };
    const overall = new Set<string>();
    for (const c of live) for (const v of c.sensitive!.keys()) overall.add(v);
    const scale = options.scale ?? sensitiveScale(overall);
    report.tCloseness = { t: tCloseness(live, scale), scale };
  }
  return report;
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return a.length - b.length;
}
