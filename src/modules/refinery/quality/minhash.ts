/**
 * Near-duplicate text detection: MinHash signatures over character n-gram shingles, LSH banding
 * to find candidate pairs without comparing every pair, exact shingle Jaccard to confirm them, and
 * union-find to turn confirmed pairs into clusters.
 *
 * Everything runs on 32-bit integers in typed arrays: one base hash per shingle (computed from the
 * string's code units, no substring is allocated), then `permutations` cheap universal hashes
 * `a·h + b mod 2³²` of that base hash (Math.imul). The base hash goes through murmur3's finaliser
 * first, so its high bits depend on every input bit; the minimum of `a·h + b mod 2³²` is decided by
 * the high bits, which then depend on all of h — good enough for min-wise hashing, as the tests
 * measure (estimates within a few points of the exact Jaccard).
 *
 * Default shingle size 3. Short Korean texts (reviews, titles, captions: 10–60 syllables) need a
 * small k: one edited character changes k shingles, so for a 30-syllable text one typo gives
 * Jaccard (m−k)/(m+k) = 0.83 with k = 3 but 0.72 with k = 5, and a planted copy with one small
 * edit would no longer count as a near-duplicate at 0.8. A Hangul syllable carries about 11 bits
 * (≈ 2,000 syllables in common use, 11,172 possible) against about 4 bits for an English letter, so
 * three syllables are as distinctive as an 8-letter English shingle — within the 5–9 characters
 * commonly used for English. For English-only corpora pass `shingleSize: 5`.
 */
import { UnionFind } from './union-find.js';
import { mulberry32 } from '../../../core/random.js';

export const DEFAULT_PERMUTATIONS = 128;
export const DEFAULT_SHINGLE_SIZE = 3;
export const DEFAULT_THRESHOLD = 0.8;
/** The chance a pair exactly at the threshold must have of becoming a candidate (see {@link chooseBands}). */
export const DEFAULT_RECALL_AT_THRESHOLD = 0.95;

export interface MinHashOptions {
  /** Hash functions per signature (default 128): more gives better estimates and slower hashing. */
  permutations?: number;
  /** Characters per shingle, after normalisation (default 3, see the module comment). */
  shingleSize?: number;
  /** Seeds the hash functions: two hashers with the same options and seed give the same signatures. */
  seed?: number;
}

export interface MinHasher {
  readonly permutations: number;
  readonly shingleSize: number;
  /** The text's shingles as sorted, distinct 32-bit hashes. */
  shingles(text: string): Uint32Array;
  /** The MinHash signature of a text, or of shingles already computed by `shingles`. */
  signature(input: string | Uint32Array): Uint32Array;
}

/**
 * NFC, lower case, every run of white space as one space, no space at either end: "영화 가" and
 * "영화  가\n" are the same text, and composed and decomposed Hangul compare equal.
 *
 * @example normalizeText(' 재밌는  영화\tOK ') // '재밌는 영화 ok'
 */
export function normalizeText(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** murmur3's 32-bit finaliser: spreads every input bit over every output bit. */
function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

let scratch = new Uint32Array(4096);

/**
 * The shingles of a text (normalised first) as sorted, distinct 32-bit hashes. A text shorter than
 * the shingle size is one shingle; an empty text has none.
 *
 * @example shingleHashes('재밌는 영화', 3).length // 5 distinct 3-character shingles
 */
export function shingleHashes(text: string, shingleSize = DEFAULT_SHINGLE_SIZE, seed = 0): Uint32Array {
  const normal = normalizeText(text);
  const length = normal.length;
  if (length === 0) return new Uint32Array(0);
  const count = Math.max(1, length - shingleSize + 1);
  if (scratch.length < count) scratch = new Uint32Array(count * 2);
  const width = Math.min(shingleSize, length);
  const start = fmix32(seed ^ 0x9e3779b9);
  for (let i = 0; i < count; i++) {
    // FNV-1a over the shingle's code units, then the finaliser (FNV alone has weak high bits).
    let h = start;
    for (let j = 0; j < width; j++) h = Math.imul(h ^ normal.charCodeAt(i + j), 0x01000193);
    scratch[i] = fmix32(h);
  }
  const sorted = scratch.subarray(0, count).sort();
  let distinct = 1;
  for (let i = 1; i < count; i++) if (sorted[i] !== sorted[distinct - 1]) sorted[distinct++] = sorted[i]!;
  return sorted.slice(0, distinct);
}

/**
 * Exact Jaccard similarity |A ∩ B| ÷ |A ∪ B| of two sorted, distinct hash arrays (as
 * `shingleHashes` returns). Two empty sets are identical (1).
 *
 * @example jaccard(shingleHashes('오늘 본 영화 최고'), shingleHashes('오늘 본 영화 최고!'))
 */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return common / (a.length + b.length - common);
}

/**
 * Share of signature positions where two signatures agree: an unbiased estimate of the Jaccard
 * similarity of the shingle sets, standard error √(J(1−J)/permutations).
 *
 * @example estimatedJaccard(hasher.signature('가나다라마'), hasher.signature('가나다라바'))
 */
export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) throw new Error('Signatures of different lengths cannot be compared');
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return a.length === 0 ? 0 : same / a.length;
}

/**
 * A MinHash signer with fixed hash functions.
 *
 * @example
 * const hasher = createMinHasher({ permutations: 128, shingleSize: 3, seed: 1 });
 * estimatedJaccard(hasher.signature('정말 재밌는 영화'), hasher.signature('정말 재밌는 영화다'));
 */
export function createMinHasher(options: MinHashOptions = {}): MinHasher {
  const permutations = options.permutations ?? DEFAULT_PERMUTATIONS;
  const shingleSize = options.shingleSize ?? DEFAULT_SHINGLE_SIZE;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(permutations) || permutations < 1) throw new Error('permutations must be a positive whole number');
  if (!Number.isInteger(shingleSize) || shingleSize < 1) throw new Error('shingleSize must be a positive whole number');
  const random = mulberry32(seed);
  const multipliers = new Uint32Array(permutations);
  const offsets = new Uint32Array(permutations);
  for (let i = 0; i < permutations; i++) {
    multipliers[i] = (random() | 1) >>> 0; // odd, so h ↦ a·h + b is a permutation of 32-bit values
    offsets[i] = random();
  }
  const shingles = (text: string) => shingleHashes(text, shingleSize, seed);
  return {
    permutations,
    shingleSize,
    shingles,
    signature(input) {
      const set = typeof input === 'string' ? shingles(input) : input;
      const signature = new Uint32Array(permutations);
      const count = set.length;
      // Permutation outside, shingles inside: a, b and the running minimum stay in registers.
      for (let i = 0; i < permutations; i++) {
        const a = multipliers[i]!;
        const b = offsets[i]!;
        let min = 0xffffffff;
        for (let s = 0; s < count; s++) {
          const v = (Math.imul(a, set[s]!) + b) >>> 0;
          if (v < min) min = v;
        }
        signature[i] = min;
      }
      return signature;
    },
  };
}

/**
 * The chance that a pair with Jaccard similarity `s` shares at least one band, the LSH S-curve:
 *
 *   P(s) = 1 − (1 − s^r)^b      (b bands of r rows each)
 *
 * A band matches when all r of its signature positions agree (probability s^r); the pair becomes a
 * candidate when any of the b bands matches. The curve's steepest point is near (1/b)^(1/r).
 *
 * @example candidateProbability(0.8, 18, 7) // ≈ 0.986
 */
export function candidateProbability(similarity: number, bands: number, rows: number): number {
  return 1 - Math.pow(1 - Math.pow(similarity, rows), bands);
}

export interface BandPlan {
  bands: number;
  rows: number;
  /** P(threshold) from the S-curve. */
  probabilityAtThreshold: number;
  /** ∫₀^threshold P(s) ds: how much of the dissimilar range still turns into candidates (verification work). */
  falsePositiveArea: number;
}

/**
 * Picks bands × rows (≤ permutations) for a Jaccard threshold: among the plans whose S-curve gives
 * a pair exactly at the threshold at least `minRecall` chance of becoming a candidate, the one with
 * the smallest false-positive area ∫₀^t P(s) ds (fewest wasted verifications). Pairs above the
 * threshold are found with even higher probability. With 128 permutations, t = 0.8, minRecall
 * 0.95: 18 bands × 7 rows, P(0.8) ≈ 0.986, P(0.5) ≈ 0.13.
 *
 * @example chooseBands(128, 0.8) // { bands: 18, rows: 7, … }
 */
export function chooseBands(permutations: number, threshold: number, minRecall = DEFAULT_RECALL_AT_THRESHOLD): BandPlan {
  let best: BandPlan | undefined;
  for (let rows = 1; rows <= permutations; rows++) {
    const bands = Math.floor(permutations / rows);
    const probabilityAtThreshold = candidateProbability(threshold, bands, rows);
    if (probabilityAtThreshold < minRecall) continue;
    const falsePositiveArea = integrate((s) => candidateProbability(s, bands, rows), 0, threshold);
    if (!best || falsePositiveArea < best.falsePositiveArea) best = { bands, rows, probabilityAtThreshold, falsePositiveArea };
  }
  // One row per band always satisfies the recall (it is the most permissive plan), so best exists.
  return best ?? { bands: permutations, rows: 1, probabilityAtThreshold: 1, falsePositiveArea: threshold };
}

function integrate(f: (x: number) => number, from: number, to: number, steps = 200): number {
  const width = (to - from) / steps;
  let sum = 0;
  for (let i = 0; i < steps; i++) sum += f(from + (i + 0.5) * width);
  return sum * width;
}

export interface NearDuplicateOptions extends MinHashOptions {
  /** Pairs whose exact shingle Jaccard is at least this are near-duplicates (default 0.8). */
  threshold?: number;
  /** Override the LSH plan (both or neither); default from {@link chooseBands}. */
  bands?: number;
  rows?: number;
}

/** [earlier document, later document, exact shingle Jaccard]. */
export type NearDuplicatePair = [number, number, number];

export interface NearDuplicateResult {
  pairs: NearDuplicatePair[];
  /** Groups of two or more documents linked by pairs, members ascending. */
  clusters: number[][];
  documents: number;
  /** Candidate pairs LSH proposed and exact Jaccard checked (a measure of the work done). */
  candidates: number;
  plan: { bands: number; rows: number; permutations: number; shingleSize: number; threshold: number };
}

/** Typed-array buffer that doubles when full. */
class GrowingUint32 {
  data: Uint32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Uint32Array(capacity);
  }
  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    let capacity = this.data.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const next = new Uint32Array(capacity);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}

class GrowingInt32 {
  data: Int32Array;
  constructor(capacity: number) {
    this.data = new Int32Array(capacity);
  }
  ensure(size: number): void {
    if (size <= this.data.length) return;
    let capacity = this.data.length * 2;
    while (capacity < size) capacity *= 2;
    const next = new Int32Array(capacity);
    next.set(this.data);
    this.data = next;
  }
}

/**
 * A streaming near-duplicate index: add documents one at a time; each is compared only with the
 * earlier documents it shares an LSH band with, and matches are confirmed by exact shingle Jaccard.
 *
 * Memory per document: its distinct shingle hashes (4 bytes each) and one hash-table slot and chain
 * link per band (about 20 bytes each). A document whose shingle set equals an earlier one's is
 * paired with that first occurrence only and not indexed again, so thousands of copies of "최고"
 * cost one bucket entry, not a quadratic number of comparisons.
 *
 * @example
 * const index = new NearDuplicateIndex({ threshold: 0.8 });
 * index.add('배우들 연기가 정말 좋았던 영화');
 * index.add('배우들 연기가 정말 좋았던 영화!'); // → [[0, 0.9…]]
 * index.result().clusters // [[0, 1]]
 */
export class NearDuplicateIndex {
  readonly threshold: number;
  readonly bands: number;
  readonly rows: number;
  private readonly hasher: MinHasher;
  private documents = 0;
  private candidateCount = 0;
  private readonly pairs: NearDuplicatePair[] = [];
  private readonly sets = new UnionFind();
  /** Shingle hashes of every indexed document, back to back; `setStart[d]..setStart[d+1]`. */
  private readonly shingleStore = new GrowingUint32(1 << 16);
  private readonly setStart = new GrowingInt32(1 << 12);
  private readonly setEnd = new GrowingInt32(1 << 12);
  /** Open-addressing table from band key to the latest document (+1; 0 is empty) in its chain. */
  private tableKeys = new Uint32Array(1 << 16);
  private tableHeads = new Int32Array(1 << 16);
  private tableUsed = 0;
  /** chainNext[d·bands + j]: the previous document (+1) in the chain of document d's band j. */
  private readonly chainNext = new GrowingInt32(1 << 14);
  /** seenBy[d] = the document that last visited candidate d, so a candidate is checked once. */
  private readonly seenBy = new GrowingInt32(1 << 12);

  constructor(options: NearDuplicateOptions = {}) {
    this.threshold = options.threshold ?? DEFAULT_THRESHOLD;
    if (!(this.threshold > 0 && this.threshold <= 1)) throw new Error('threshold must be in (0, 1]');
    this.hasher = createMinHasher(options);
    if ((options.bands === undefined) !== (options.rows === undefined)) throw new Error('Give both bands and rows, or neither');
    const plan =
      options.bands !== undefined && options.rows !== undefined
        ? { bands: options.bands, rows: options.rows }
        : chooseBands(this.hasher.permutations, this.threshold);
    if (plan.bands * plan.rows > this.hasher.permutations) throw new Error('bands × rows cannot exceed permutations');
    this.bands = plan.bands;
    this.rows = plan.rows;
  }

  get size(): number {
    return this.documents;
  }

  /**
   * Adds the next document (its number is the count added before it) and returns the earlier
   * documents it is a near-duplicate of, with their exact Jaccard.
   */
  add(text: string): Array<[number, number]> {
    const doc = this.documents++;
    this.sets.ensure(this.documents);
    this.setStart.ensure(this.documents);
    this.setEnd.ensure(this.documents);
    this.seenBy.ensure(this.documents);
    this.seenBy.data[doc] = -1;
    const shingles = this.hasher.shingles(text);
    const store = this.shingleStore;
    store.reserve(shingles.length);
    store.data.set(shingles, store.length);
    this.setStart.data[doc] = store.length;
    this.setEnd.data[doc] = store.length + shingles.length;
    store.length += shingles.length;
    if (shingles.length === 0) return []; // an empty text is nobody's near-duplicate

    const signature = this.hasher.signature(shingles);
    const matches: Array<[number, number]> = [];
    const keys = new Uint32Array(this.bands);
    let identicalTo = -1;
    for (let band = 0; band < this.bands; band++) {
      const key = bandKey(signature, band, this.rows);
      keys[band] = key;
      for (let other = this.lookup(key) - 1; other >= 0; other = this.chainNext.data[other * this.bands + band]! - 1) {
        if (this.seenBy.data[other] === doc) continue;
        this.seenBy.data[other] = doc;
        this.candidateCount++;
        const similarity = jaccard(shingles, store.data.subarray(this.setStart.data[other]!, this.setEnd.data[other]!));
        if (similarity >= this.threshold) {
          matches.push([other, similarity]);
          this.pairs.push([other, doc, similarity]);
          this.sets.union(other, doc);
          if (similarity === 1 && identicalTo < 0) identicalTo = other;
        }
      }
    }
    if (identicalTo >= 0) {
      // Same shingles as an indexed document: same bands too, so indexing it again adds nothing.
      store.length -= shingles.length;
      this.setStart.data[doc] = this.setStart.data[identicalTo]!;
      this.setEnd.data[doc] = this.setEnd.data[identicalTo]!;
      return matches;
    }
    this.chainNext.ensure((doc + 1) * this.bands);
    for (let band = 0; band < this.bands; band++) this.insert(keys[band]!, doc, band);
    return matches;
  }

  /** Pairs and clusters so far. */
  result(): NearDuplicateResult {
    return {
      pairs: this.pairs,
      clusters: this.sets.groups(2),
      documents: this.documents,
      candidates: this.candidateCount,
      plan: {
        bands: this.bands,
        rows: this.rows,
        permutations: this.hasher.permutations,
        shingleSize: this.hasher.shingleSize,
        threshold: this.threshold,
      },
    };
  }

  private slotOf(key: number): number {
    const mask = this.tableKeys.length - 1;
    let slot = key & mask;
    while (this.tableHeads[slot] !== 0 && this.tableKeys[slot] !== key) slot = (slot + 1) & mask;
    return slot;
  }

  /** The latest document (+1) whose band had this key, or 0. */
  private lookup(key: number): number {
    return this.tableHeads[this.slotOf(key)]!;
  }

  private insert(key: number, doc: number, band: number): void {
    if ((this.tableUsed + 1) * 10 > this.tableKeys.length * 7) this.growTable();
    const slot = this.slotOf(key);
    if (this.tableHeads[slot] === 0) {
      this.tableKeys[slot] = key;
      this.tableUsed++;
    }
    // Distinct band contents can share a 32-bit key; they then share a chain and only cost a check.
    this.chainNext.data[doc * this.bands + band] = this.tableHeads[slot]!;
    this.tableHeads[slot] = doc + 1;
  }

  private growTable(): void {
    const oldKeys = this.tableKeys;
    const oldHeads = this.tableHeads;
    this.tableKeys = new Uint32Array(oldKeys.length * 2);
    this.tableHeads = new Int32Array(oldKeys.length * 2);
    for (let i = 0; i < oldKeys.length; i++) {
      if (oldHeads[i] === 0) continue;
      const slot = this.slotOf(oldKeys[i]!);
      this.tableKeys[slot] = oldKeys[i]!;
      this.tableHeads[slot] = oldHeads[i]!;
    }
  }
}

/** One 32-bit key for band `band`'s rows of a signature; the band number is mixed in so bands never share keys by design. */
function bandKey(signature: Uint32Array, band: number, rows: number): number {
  let h = fmix32(band + 0x27d4eb2f);
  const from = band * rows;
  for (let i = from; i < from + rows; i++) {
    h = Math.imul(h ^ signature[i]!, 0x9e3779b1);
    h = (h << 13) | (h >>> 19);
  }
  return fmix32(h);
}

/**
 * Near-duplicate pairs and clusters of a sequence of texts (document i is the i-th text), through a
 * {@link NearDuplicateIndex}: streams, so a generator of a million texts needs no array of them.
 *
 * @example
 * nearDuplicates(['정말 재밌는 영화였어요', '정말 재밌는 영화였어요!!', '지루했다']).clusters // [[0, 1]]
 */
export function nearDuplicates(texts: Iterable<string>, options: NearDuplicateOptions = {}): NearDuplicateResult {
  const index = new NearDuplicateIndex(options);
  for (const text of texts) index.add(text);
  return index.result();
}
