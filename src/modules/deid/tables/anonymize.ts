/**
 * Reaching a target k with the least information lost: an optimal full-domain generalisation over
 * the lattice of hierarchy levels (one level per quasi-identifier, applied to every record), with
 * record suppression up to a budget, in the manner of Incognito and Flash.
 *
 * Information loss is the Normalised Certainty Penalty (NCP, Xu et al. 2006), made generic over
 * hierarchies by counting the distinct original values a generalised value stands for:
 *
 *   NCP(cell)  = (|leaves(g)| − 1) / (|leaves(A)| − 1)     g the generalised value, A its column,
 *                                                          leaves = distinct original values in the table
 *                                                          (0 when the column has one value)
 *   loss(node) = ( Σ over released records Σ over QIs NCP(cell)  +  suppressed records × |QI| )
 *                / ( N × |QI| )                            ∈ [0, 1]; a suppressed cell costs 1
 *
 * The discernibility metric (Bayardo & Agrawal 2005), DM = Σ |E|² over released classes + suppressed × N,
 * is reported beside it.
 *
 * Search: a node is feasible when its classes smaller than k hold at most `maxSuppression` × N
 * records (they are suppressed). Feasibility is monotone: every generalisation of a feasible node
 * is feasible and every specialisation of an infeasible one is infeasible, because a coarser node
 * only merges classes. Nodes are visited in order of their generalisation-only loss G(node)
 * (the loss if nothing were suppressed, a sum over columns computed without touching records),
 * which is a lower bound of the true loss since a suppressed cell costs 1 ≥ its NCP; the search
 * stops as soon as that bound reaches the best loss found, and skips any node below a known
 * infeasible one. What remains is exact: the returned node has the least loss of all feasible nodes.
 * Each node is evaluated by rolling up the counts of the finest value combinations (computed once,
 * in one streaming pass or one GROUP BY), never by re-reading records.
 */
import { KEY_SEPARATOR, equivalenceClasses, measureRisk, type EquivalenceClass, type RiskReport, type SensitiveScale } from './measures.js';
import type { Hierarchy } from './hierarchies.js';

export interface QuasiIdentifier {
  column: string;
  hierarchy: Hierarchy;
}

export interface AnonymizeOptions {
  /** The k to reach. */
  k: number;
  /** Share of records that may be suppressed (default 0.05). */
  maxSuppression?: number;
  /** Prosecutor risk threshold for the reports (default 0.2). */
  threshold?: number;
  /** Scale of the sensitive attribute for t-closeness (default: guessed). */
  scale?: SensitiveScale;
  /** Refuse lattices larger than this (default 200 000 nodes). */
  maxNodes?: number;
}

export interface ChosenLevel {
  column: string;
  kind: string;
  level: number;
  levelName: string;
  /** How many levels the hierarchy has (the top is levels − 1). */
  levels: number;
}

export interface InformationLoss {
  /** Normalised certainty penalty of the released table, suppressed cells counted as 1 (0–1). */
  ncp: number;
  /** NCP of each quasi-identifier over all records (suppressed ones counted as 1). */
  perColumn: Record<string, number>;
  /** Discernibility metric: Σ|E|² over released classes + suppressed × N. */
  discernibility: number;
  suppressedShare: number;
}

export interface SearchStats {
  /** Nodes in the lattice. */
  nodes: number;
  /** Nodes whose classes were rolled up from the counts. */
  evaluated: number;
  /** Skipped: below a node known to be infeasible. */
  prunedByMonotonicity: number;
  /**
   * Skipped: one quasi-identifier alone, at the node's level, already leaves more than the budget
   * in classes smaller than k (Incognito's subset property: classes over all quasi-identifiers
   * split those over one, so they cannot do better).
   */
  prunedBySubset: number;
  /** Skipped: their loss bound was no better than the best found. */
  prunedByBound: number;
  /** Feasible nodes seen. */
  feasible: number;
}

export interface Anonymization {
  k: number;
  levels: ChosenLevel[];
  suppressedRecords: number;
  suppressedClasses: number;
  loss: InformationLoss;
  before: RiskReport;
  after: RiskReport;
  search: SearchStats;
  /** The quasi-identifier values of a record at the chosen levels. */
  generalize(values: readonly string[]): string[];
  /** Whether a record with these generalised values is suppressed (its class is smaller than k). */
  isSuppressed(generalized: readonly string[]): boolean;
}

/** No node of the lattice reaches k within the suppression budget (too few records). */
export class TargetUnreachableError extends Error {
  constructor(
    readonly k: number,
    readonly records: number,
    readonly maxSuppression: number,
  ) {
    super(`k=${k} cannot be reached on ${records} records even with every quasi-identifier suppressed`);
    this.name = 'TargetUnreachableError';
  }
}

/** One column's values, interned, with every level's generalisation and NCP precomputed. */
interface ColumnLevels {
  /** Original value → id. */
  ids: Map<string, number>;
  /** [level][value id] → generalised id at that level. */
  generalized: Int32Array[];
  /** [level][generalised id] → the generalised text. */
  texts: string[][];
  /** [level][value id] → NCP of that value's cell at that level. */
  ncp: Float64Array[];
  /** [level] → Σ over records of NCP at that level. */
  loss: number[];
  /** [level] → records whose value alone, at that level, is shared by fewer than k records. */
  rareRecords: number[];
}

function prepareColumn(column: string, hierarchy: Hierarchy, values: Map<string, number>, k: number): ColumnLevels {
  const ids = new Map<string, number>();
  const originals: string[] = [];
  const weights: number[] = [];
  for (const [value, count] of values) {
    ids.set(value, originals.length);
    originals.push(value);
    weights.push(count);
  }
  const leaves = originals.length;
  const generalized: Int32Array[] = [];
  const texts: string[][] = [];
  const ncp: Float64Array[] = [];
  const loss: number[] = [];
  const rareRecords: number[] = [];
  for (let level = 0; level < hierarchy.levels.length; level++) {
    const interned = new Map<string, number>();
    const levelTexts: string[] = [];
    const mapped = new Int32Array(leaves);
    const groupSize: number[] = [];
    const groupWeight: number[] = [];
    for (let i = 0; i < leaves; i++) {
      const text = hierarchy.generalize(originals[i]!, level);
      let id = interned.get(text);
      if (id === undefined) {
        id = levelTexts.length;
        interned.set(text, id);
        levelTexts.push(text);
        groupSize.push(0);
        groupWeight.push(0);
      }
      mapped[i] = id;
      groupSize[id]!++;
      groupWeight[id]! += weights[i]!;
    }
    if (level > 0) {
      // Functional check: values together at the level below must stay together here.
      const parentOf = new Map<number, number>();
      for (let i = 0; i < leaves; i++) {
        const below = generalized[level - 1]![i]!;
        const seen = parentOf.get(below);
        if (seen === undefined) parentOf.set(below, mapped[i]!);
        else if (seen !== mapped[i]) {
          throw new Error(
            `the ${hierarchy.kind} hierarchy of ${column} is not functional: "${texts[level - 1]![below]}" splits at level ${level}`,
          );
        }
      }
    }
    const cellNcp = new Float64Array(leaves);
    let levelLoss = 0;
    for (let i = 0; i < leaves; i++) {
      cellNcp[i] = leaves > 1 ? (groupSize[mapped[i]!]! - 1) / (leaves - 1) : 0;
      levelLoss += cellNcp[i]! * weights[i]!;
    }
    let rare = 0;
    for (const w of groupWeight) if (w < k) rare += w;
    rareRecords.push(rare);
    generalized.push(mapped);
    texts.push(levelTexts);
    ncp.push(cellNcp);
    loss.push(levelLoss);
  }
  return { ids, generalized, texts, ncp, loss, rareRecords };
}

/** Every level vector of the lattice, bottom (all exact) first. */
function latticeNodes(heights: readonly number[], max: number): number[][] {
  const total = heights.reduce((p, h) => p * h, 1);
  if (total > max)
    throw new Error(`the generalisation lattice has ${total} nodes, more than ${max}: use fewer quasi-identifiers or levels`);
  const nodes: number[][] = [];
  const current = heights.map(() => 0);
  for (let n = 0; n < total; n++) {
    nodes.push([...current]);
    for (let a = current.length - 1; a >= 0; a--) {
      if (++current[a]! < heights[a]!) break;
      current[a] = 0;
    }
  }
  return nodes;
}

/** a ≤ b in every coordinate: b generalises a. */
function generalizes(b: readonly number[], a: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (b[i]! < a[i]!) return false;
  return true;
}

interface Rolled {
  suppressed: number;
  suppressedClasses: number;
  /** Σ over suppressed records of their NCP (to swap for the cost of 1 per cell). */
  suppressedNcp: number;
  /** Σ over suppressed records of each column's NCP. */
  suppressedNcpPerColumn: number[];
}

/**
 * Class sizes by class key (a whole number below 2⁵³): an open-addressing hash table on typed
 * arrays. A JavaScript Map of a million double keys per lattice node spends most of its time
 * hashing and boxing; this one allocates four arrays per node and nothing per record.
 */
class SizeTable {
  private readonly keys: Float64Array;
  private readonly sizes: Float64Array;
  private readonly used: Uint8Array;
  private readonly mask: number;
  /** Slots in use, in order of first use. */
  private readonly slots: Int32Array;
  private count = 0;

  constructor(entries: number) {
    let capacity = 16;
    while (capacity < entries * 2) capacity *= 2;
    this.keys = new Float64Array(capacity);
    this.sizes = new Float64Array(capacity);
    this.used = new Uint8Array(capacity);
    this.slots = new Int32Array(Math.max(1, entries));
    this.mask = capacity - 1;
  }

  /** Adds `size` records to the class `key`; returns its slot. */
  add(key: number, size: number): number {
    const high = Math.floor(key / 4294967296);
    const low = key - high * 4294967296;
    // MurmurHash3's finaliser: every input bit reaches the low bits the mask keeps.
    let h = low ^ Math.imul(high, 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    let slot = (h ^ (h >>> 16)) & this.mask;
    while (this.used[slot] && this.keys[slot] !== key) slot = (slot + 1) & this.mask;
    if (!this.used[slot]) {
      this.used[slot] = 1;
      this.keys[slot] = key;
      this.slots[this.count++] = slot;
    }
    this.sizes[slot]! += size;
    return slot;
  }

  sizeAt(slot: number): number {
    return this.sizes[slot]!;
  }

  /** Classes smaller than k. */
  countBelow(k: number): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) if (this.sizes[this.slots[i]!]! < k) n++;
    return n;
  }
}

/**
 * Finds the least-loss full-domain generalisation reaching k, from the counts of the finest value
 * combinations (the equivalence classes of the untouched table, e.g. from `ClassCounter`).
 *
 * @example
 * const counts = equivalenceClasses(rows, [ageIndex, sexIndex], diseaseIndex);
 * const result = anonymizeCounts(counts, [
 *   { column: '나이', hierarchy: ageHierarchy() },
 *   { column: '성별', hierarchy: categoricalHierarchy() },
 * ], { k: 5 });
 * result.levels; // [{ column: '나이', levelName: '10-year', … }, { column: '성별', levelName: 'exact', … }]
 * result.loss.ncp; result.after.k; // ≥ 5
 */
export function anonymizeCounts(
  counts: readonly EquivalenceClass[],
  quasi: readonly QuasiIdentifier[],
  options: AnonymizeOptions,
): Anonymization {
  const k = options.k;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a whole number ≥ 1, not ${k}`);
  const maxSuppression = options.maxSuppression ?? 0.05;
  if (!(maxSuppression >= 0 && maxSuppression <= 1)) throw new RangeError('maxSuppression is a share between 0 and 1');
  const combos = counts.filter((c) => c.size > 0);
  const records = combos.reduce((s, c) => s + c.size, 0);
  const width = quasi.length;
  const reportOptions = { targetK: k, threshold: options.threshold ?? 0.2, ...(options.scale ? { scale: options.scale } : {}) };
  const before = measureRisk(combos, reportOptions);

  // Per column: the original values with their record counts, then every level precomputed.
  const columns: ColumnLevels[] = quasi.map((q, a) => {
    const values = new Map<string, number>();
    for (const c of combos) values.set(c.key[a]!, (values.get(c.key[a]!) ?? 0) + c.size);
    return prepareColumn(q.column, q.hierarchy, values, k);
  });
  // The value ids of combination c are comboIds[c × width + a]: one flat array, read in order.
  const comboIds = new Int32Array(combos.length * width);
  combos.forEach((c, i) => c.key.forEach((v, a) => (comboIds[i * width + a] = columns[a]!.ids.get(v)!)));
  const budget = Math.floor(maxSuppression * records + 1e-9);
  const cells = Math.max(1, records * width);

  const roll = (node: readonly number[]): Rolled => {
    // A class is named by a mixed-radix number over the columns' generalised ids: no strings, no
    // garbage, which matters when a million distinct combinations are rolled up for every node.
    const radices = node.map((level, a) => columns[a]!.texts[level]!.length);
    const space = radices.reduce((p, r) => p * r, 1);
    const mapped = node.map((level, a) => columns[a]!.generalized[level]!);
    const slotOf = new Int32Array(combos.length);
    let sizes: SizeTable;
    if (space <= Number.MAX_SAFE_INTEGER) {
      sizes = new SizeTable(combos.length);
      for (let c = 0; c < combos.length; c++) {
        let key = 0;
        for (let a = 0; a < width; a++) key = key * radices[a]! + mapped[a]![comboIds[c * width + a]!]!;
        slotOf[c] = sizes.add(key, combos[c]!.size);
      }
    } else {
      // Too many combinations for one number: number the text keys first.
      const interned = new Map<string, number>();
      sizes = new SizeTable(combos.length);
      for (let c = 0; c < combos.length; c++) {
        let text = '';
        for (let a = 0; a < width; a++) text += `${mapped[a]![comboIds[c * width + a]!]!},`;
        let key = interned.get(text);
        if (key === undefined) {
          key = interned.size;
          interned.set(text, key);
        }
        slotOf[c] = sizes.add(key, combos[c]!.size);
      }
    }
    let suppressed = 0;
    let suppressedNcp = 0;
    const suppressedNcpPerColumn = new Array<number>(width).fill(0);
    for (let c = 0; c < combos.length; c++) {
      if (sizes.sizeAt(slotOf[c]!) >= k) continue;
      const size = combos[c]!.size;
      suppressed += size;
      for (let a = 0; a < width; a++) {
        const cell = columns[a]!.ncp[node[a]!]![comboIds[c * width + a]!]! * size;
        suppressedNcp += cell;
        suppressedNcpPerColumn[a]! += cell;
      }
    }
    const suppressedClasses = sizes.countBelow(k);
    return { suppressed, suppressedClasses, suppressedNcp, suppressedNcpPerColumn };
  };

  const generalisationLoss = (node: readonly number[]) => node.reduce((s, level, a) => s + columns[a]!.loss[level]!, 0);
  const nodes = latticeNodes(
    quasi.map((q) => q.hierarchy.levels.length),
    options.maxNodes ?? 200_000,
  ).map((levels) => ({ levels, bound: generalisationLoss(levels), height: levels.reduce((s, l) => s + l, 0) }));
  nodes.sort((x, y) => x.bound - y.bound || x.height - y.height);

  const stats: SearchStats = {
    nodes: nodes.length,
    evaluated: 0,
    prunedByMonotonicity: 0,
    prunedBySubset: 0,
    prunedByBound: 0,
    feasible: 0,
  };
  // Only the most general infeasible nodes matter for pruning: keep that frontier small.
  let infeasible: number[][] = [];
  let best: { levels: number[]; loss: number; rolled: Rolled } | undefined;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (best && node.bound >= best.loss - 1e-12) {
      stats.prunedByBound += nodes.length - i;
      break;
    }
    if (node.levels.some((level, a) => columns[a]!.rareRecords[level]! > budget)) {
      stats.prunedBySubset++;
      continue;
    }
    if (infeasible.some((m) => generalizes(m, node.levels))) {
      stats.prunedByMonotonicity++;
      continue;
    }
    stats.evaluated++;
    const rolled = roll(node.levels);
    if (rolled.suppressed > budget) {
      infeasible = infeasible.filter((m) => !generalizes(node.levels, m));
      infeasible.push(node.levels);
      continue;
    }
    stats.feasible++;
    const loss = node.bound - rolled.suppressedNcp + rolled.suppressed * width;
    if (!best || loss < best.loss - 1e-12) best = { levels: node.levels, loss, rolled };
  }
  if (!best) throw new TargetUnreachableError(k, records, maxSuppression);

  const chosen = best;
  const textsAt = (a: number) => columns[a]!.texts[chosen.levels[a]!]!;
  const generalize = (values: readonly string[]): string[] =>
    values.map((v, a) => {
      const id = columns[a]!.ids.get(v);
      return id === undefined
        ? quasi[a]!.hierarchy.generalize(v, chosen.levels[a]!)
        : textsAt(a)[columns[a]!.generalized[chosen.levels[a]!]![id]!]!;
    });
  const keep = new Map<string, EquivalenceClass & { key: string[]; sensitive?: Map<string, number> }>();
  for (const c of combos) {
    const key = generalize(c.key);
    const id = key.join(KEY_SEPARATOR);
    let found = keep.get(id);
    if (!found) {
      found = c.sensitive ? { key, size: 0, sensitive: new Map() } : { key, size: 0 };
      keep.set(id, found);
    }
    found.size += c.size;
    if (c.sensitive) for (const [v, n] of c.sensitive) found.sensitive!.set(v, (found.sensitive!.get(v) ?? 0) + n);
  }
  const released = [...keep.values()].filter((c) => c.size >= k);
  const suppressedIds = new Set([...keep.entries()].filter(([, c]) => c.size < k).map(([id]) => id));
  const discernibility = released.reduce((s, c) => s + c.size * c.size, 0) + chosen.rolled.suppressed * records;

  const perColumn: Record<string, number> = {};
  quasi.forEach((q, a) => {
    const columnLoss = columns[a]!.loss[chosen.levels[a]!]! - chosen.rolled.suppressedNcpPerColumn[a]! + chosen.rolled.suppressed;
    perColumn[q.column] = records ? columnLoss / records : 0;
  });

  return {
    k,
    levels: quasi.map((q, a) => ({
      column: q.column,
      kind: q.hierarchy.kind,
      level: chosen.levels[a]!,
      levelName: q.hierarchy.levels[chosen.levels[a]!]!,
      levels: q.hierarchy.levels.length,
    })),
    suppressedRecords: chosen.rolled.suppressed,
    suppressedClasses: chosen.rolled.suppressedClasses,
    loss: {
      ncp: records ? chosen.loss / cells : 0,
      perColumn,
      discernibility,
      suppressedShare: records ? chosen.rolled.suppressed / records : 0,
    },
    before,
    after: measureRisk(released, reportOptions),
    search: stats,
    generalize,
    isSuppressed: (generalized) => suppressedIds.has(generalized.join(KEY_SEPARATOR)),
  };
}

/** A table in memory: a header and rows of cells. */
export interface Table {
  header: readonly string[];
  rows: readonly (readonly string[])[];
}

/**
 * Generalises a table held in memory to reach k: finds the levels (see `anonymizeCounts`), then
 * rewrites the quasi-identifier cells and drops the suppressed records.
 *
 * @example
 * const { table, result } = anonymizeTable({ header: ['나이', '성별', '병명'], rows }, [
 *   { column: '나이', hierarchy: ageHierarchy() },
 *   { column: '성별', hierarchy: categoricalHierarchy() },
 * ], { k: 3, sensitive: '병명' });
 * table.rows.length; result.after.k; result.loss.ncp;
 */
export function anonymizeTable(
  input: Table,
  quasi: readonly QuasiIdentifier[],
  options: AnonymizeOptions & { sensitive?: string },
): { table: Table; result: Anonymization } {
  const indexOf = (column: string) => {
    const i = input.header.indexOf(column);
    if (i < 0) throw new Error(`no column ${column}`);
    return i;
  };
  const quasiIdx = quasi.map((q) => indexOf(q.column));
  const sensitiveIdx = options.sensitive === undefined ? undefined : indexOf(options.sensitive);
  const counts = equivalenceClasses(input.rows, quasiIdx, sensitiveIdx);
  const result = anonymizeCounts(counts, quasi, options);
  const rows: string[][] = [];
  for (const row of input.rows) {
    const generalized = result.generalize(quasiIdx.map((i) => row[i] ?? ''));
    if (result.isSuppressed(generalized)) continue;
    const out = [...row];
    quasiIdx.forEach((i, a) => (out[i] = generalized[a]!));
    rows.push(out);
  }
  return { table: { header: input.header, rows }, result };
}
