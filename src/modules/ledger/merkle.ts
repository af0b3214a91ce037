/**
 * The usage ledger's Merkle log: RFC 9162 (Certificate Transparency v2) tree hashing, inclusion and
 * consistency proofs, and their verification. Pure functions over hashes; storage comes in through
 * the small {@link SubtreeHashes} interface so the same code proves from memory, SQLite or PostgreSQL.
 *
 * Sizes and indices are plain numbers: every one must be a safe integer (< 2^53), which is far beyond
 * any log we will hold. Bit operations are written as arithmetic (`% 2`, `Math.floor(x / 2)`) because
 * JavaScript's bitwise operators truncate to 32 bits and a log may outgrow 2^31 events.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** A SHA-256 hash (32 bytes): a leaf hash, an interior node hash or a root. */
export type Hash = Uint8Array;

/** Length in bytes of every hash in the log. */
export const HASH_SIZE = 32;

// RFC 9162 §2.1.1: distinct prefixes for leaves and interior nodes, so no leaf can be passed off as a
// node (second-preimage attack on the tree).
const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/**
 * The root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1, MTH({})).
 * @example toHex(EMPTY_ROOT) // 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/**
 * The hash of one log entry: SHA-256(0x00 || bytes).
 * @example toHex(leafHash(new Uint8Array())) // '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'
 */
export function leafHash(bytes: Uint8Array): Hash {
  return createHash('sha256').update(LEAF_PREFIX).update(bytes).digest();
}

/**
 * The hash of an interior node: SHA-256(0x01 || left || right).
 * @example nodeHash(leafHash(a), leafHash(b)) // the root of the two-entry log [a, b]
 */
export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/**
 * Lower-case hex of a hash (or any bytes).
 * @example toHex(Uint8Array.of(0, 255)) // '00ff'
 */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Bytes from hex; throws on odd length or a non-hex character (Buffer.from would silently stop there).
 * @example fromHex('00ff') // Uint8Array [0, 255]
 */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error(`not a hex string: ${hex.slice(0, 80)}`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/**
 * Whether two hashes are equal (same length and bytes). Constant time, though nothing here is secret.
 * @example hashesEqual(leafHash(x), leafHash(x)) // true
 */
export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

function assertSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative safe integer, got ${n}`);
}

/** The largest power of two strictly below n (n ≥ 2): RFC 9162's split point k. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/** The number of trailing zero bits of n > 0. */
function trailingZeros(n: number): number {
  let z = 0;
  while (n % 2 === 0) {
    n /= 2;
    z++;
  }
  return z;
}

// ---------------------------------------------------------------------------------------------
// The definitions, as written in RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1. Recursive over the leaf
// hashes: O(n) work, for tests, small logs and offline checks. Big logs use the store-based functions
// further down, which the property tests compare against these.
// ---------------------------------------------------------------------------------------------

/** MTH(D[start:end]) over leaf hashes. */
function mth(leaves: readonly Hash[], start: number, end: number): Hash {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leaves[start]!;
  const k = splitPoint(n);
  return nodeHash(mth(leaves, start, start + k), mth(leaves, start + k, end));
}

/**
 * The Merkle Tree Hash of a list of leaf hashes (RFC 9162 §2.1.1): the log's root at that size.
 * @example rootOf([leafHash(a), leafHash(b), leafHash(c)]) // nodeHash(nodeHash(ha, hb), hc)
 */
export function rootOf(leafHashes: readonly Hash[]): Hash {
  return mth(leafHashes, 0, leafHashes.length);
}

/**
 * The inclusion proof PATH(m, D[n]) by the recursive definition of RFC 9162 §2.1.3.1, over all n leaf
 * hashes. The reference the store-based {@link inclusionProof} is tested against.
 * @example referenceInclusionProof([h0, h1, h2], 2) // [nodeHash(h0, h1)]
 */
export function referenceInclusionProof(leafHashes: readonly Hash[], leafIndex: number): Hash[] {
  assertSize('leafIndex', leafIndex);
  if (leafIndex >= leafHashes.length) throw new RangeError(`leaf ${leafIndex} is not in a tree of size ${leafHashes.length}`);
  const path = (m: number, start: number, end: number): Hash[] => {
    const n = end - start;
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k
      ? [...path(m, start, start + k), mth(leafHashes, start + k, end)]
      : [...path(m - k, start + k, end), mth(leafHashes, start, start + k)];
  };
  return path(leafIndex, 0, leafHashes.length);
}

/**
 * The consistency proof PROOF(m, D[n]) by the recursive definition of RFC 9162 §2.1.4.1 (SUBPROOF),
 * over all n leaf hashes; empty when m is 0 or n. The reference for {@link consistencyProof}.
 * @example referenceConsistencyProof([h0, h1, h2], 2) // [h2]
 */
export function referenceConsistencyProof(leafHashes: readonly Hash[], size1: number): Hash[] {
  assertSize('size1', size1);
  if (size1 > leafHashes.length) throw new RangeError(`size ${size1} is beyond a tree of size ${leafHashes.length}`);
  const subproof = (m: number, start: number, end: number, b: boolean): Hash[] => {
    const n = end - start;
    if (m === n) return b ? [] : [mth(leafHashes, start, end)];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, start, start + k, b), mth(leafHashes, start + k, end)]
      : [...subproof(m - k, start + k, end, false), mth(leafHashes, start, start + k)];
  };
  if (size1 === 0) return [];
  return subproof(size1, 0, leafHashes.length, true);
}

// ---------------------------------------------------------------------------------------------
// Stored complete subtrees. Node (level, index) is the hash of the 2^level leaves starting at
// index·2^level; level 0 holds the leaf hashes. Such a node never changes once its last leaf is
// appended, so it is written once and read forever. Every node of an RFC 9162 tree is either one of
// these or lies on the right edge, and a right-edge node is the right fold of the complete subtrees
// its range splits into (one per set bit of its size). So any proof needs O(log n) reads.
// ---------------------------------------------------------------------------------------------

/** One stored complete subtree: the hash of leaves [index·2^level, (index+1)·2^level). */
export interface SubtreeNode {
  level: number;
  index: number;
  hash: Hash;
}

/**
 * Read access to the stored complete-subtree hashes. May answer synchronously (memory) or with a
 * promise (a database); `undefined` means the node is not stored.
 */
export interface SubtreeHashes {
  get(level: number, index: number): Hash | undefined | Promise<Hash | undefined>;
}

/**
 * An in-memory {@link SubtreeHashes}: for tests, the CLI's offline checks and small logs.
 * @example const store = new MemorySubtreeStore(); store.put((await appendLeaves(0, hashes, store)).nodes);
 */
export class MemorySubtreeStore implements SubtreeHashes {
  /** levels[level][index]: dense arrays, since complete subtrees fill each level from the left. */
  private readonly levels: Hash[][] = [];
  /** How many get() calls were answered: lets tests show proofs read O(log n) nodes. */
  reads = 0;

  /**
   * The stored hash of node (level, index), or undefined.
   * @example store.get(0, 5) // the leaf hash of entry 5
   */
  get(level: number, index: number): Hash | undefined {
    this.reads++;
    return this.levels[level]?.[index];
  }

  /**
   * Stores nodes (as returned by {@link appendLeaves}).
   * @example store.put([{ level: 0, index: 0, hash: leafHash(bytes) }])
   */
  put(nodes: Iterable<SubtreeNode>): void {
    for (const { level, index, hash } of nodes) (this.levels[level] ??= [])[index] = hash;
  }

  /**
   * Every stored node, level by level: for tests and for writing a log out.
   * @example [...store.nodes()].length // 2n − popcount(n) for a log of n entries
   */
  *nodes(): IterableIterator<SubtreeNode> {
    for (let level = 0; level < this.levels.length; level++) {
      const row = this.levels[level] ?? [];
      for (let index = 0; index < row.length; index++) {
        const hash = row[index];
        if (hash) yield { level, index, hash };
      }
    }
  }
}

/**
 * How many complete subtrees (leaves included) a log of n entries stores: Σ floor(n / 2^l) = 2n − popcount(n).
 * @example storedNodeCount(8) // 15
 */
export function storedNodeCount(treeSize: number): number {
  assertSize('treeSize', treeSize);
  let count = 0;
  for (let n = treeSize; n > 0; n = Math.floor(n / 2)) count += n;
  return count;
}

/**
 * The complete subtrees that leaves [start, end) split into, left to right, largest first: one per set
 * bit of end − start. Only ranges that are nodes of an RFC 9162 tree (aligned: start a multiple of the
 * largest chunk) split this way, which is all a proof ever asks for.
 */
function completeSubtreesOf(start: number, end: number): Array<{ level: number; index: number }> {
  const parts: Array<{ level: number; index: number }> = [];
  let offset = start;
  let remaining = end - start;
  for (let level = Math.floor(Math.log2(Math.max(remaining, 1))) + 1; level >= 0 && remaining > 0; level--) {
    const width = 2 ** level;
    if (width > remaining) continue;
    if (offset % width !== 0) throw new Error(`range [${start}, ${end}) is not a node of the tree`);
    parts.push({ level, index: offset / width });
    offset += width;
    remaining -= width;
  }
  return parts;
}

async function readNode(store: SubtreeHashes, level: number, index: number): Promise<Hash> {
  const hash = await store.get(level, index);
  if (!hash) throw new Error(`the store has no node at level ${level} index ${index}`);
  return hash;
}

/**
 * MTH of leaves [start, end) from stored complete subtrees: the right fold of the subtrees the range
 * splits into, which is exactly RFC 9162's recursive split (the left part is always the largest power
 * of two). popcount(end − start) reads.
 * @example await rangeHash(store, 4, 7) // nodeHash(node(1, 2), node(0, 6))
 */
export async function rangeHash(store: SubtreeHashes, start: number, end: number): Promise<Hash> {
  const parts = completeSubtreesOf(start, end);
  if (parts.length === 0) return EMPTY_ROOT;
  const hashes = await Promise.all(parts.map((p) => readNode(store, p.level, p.index)));
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

/** A leaf range [start, end) whose MTH is one element of a proof. */
export interface ProofRange {
  start: number;
  end: number;
}

/**
 * The siblings on the way from node (level, index) up to the root of a tree of `treeSize` leaves, as
 * leaf ranges. Walks the perfect binary tree over 2^⌈log2 n⌉ leaves: a sibling starting at or past the
 * end does not exist in the RFC 9162 tree (its parent collapses into the left child there), and one
 * crossing the end is the right-edge node [start, n).
 */
function siblingsUp(level: number, index: number, treeSize: number): ProofRange[] {
  const ranges: ProofRange[] = [];
  for (let l = level, i = index; 2 ** l < treeSize; l++, i = Math.floor(i / 2)) {
    const width = 2 ** l;
    const sibling = i % 2 === 0 ? i + 1 : i - 1;
    const start = sibling * width;
    if (start >= treeSize) continue;
    ranges.push({ start, end: Math.min(start + width, treeSize) });
  }
  return ranges;
}

/**
 * Which leaf ranges make up the inclusion proof of leaf `leafIndex` in a tree of `treeSize`, leaf to
 * root. Pure arithmetic; a storage adapter may use it to fetch the nodes of a proof in one query.
 * @example inclusionProofRanges(2, 5) // [{start: 3, end: 4}, {start: 0, end: 2}, {start: 4, end: 5}]
 */
export function inclusionProofRanges(leafIndex: number, treeSize: number): ProofRange[] {
  assertSize('leafIndex', leafIndex);
  assertSize('treeSize', treeSize);
  if (leafIndex >= treeSize) throw new RangeError(`leaf ${leafIndex} is not in a tree of size ${treeSize}`);
  return siblingsUp(0, leafIndex, treeSize);
}

/**
 * Which leaf ranges make up the consistency proof from `size1` to `size2`. The proof is the inclusion
 * path, inside the tree of size2, of the last complete subtree of the size1 tree (the node of 2^z
 * leaves ending at size1, z = trailing zeros of size1), preceded by that node itself unless it is the
 * whole size1 tree (size1 a power of two), whose root the verifier already has.
 * @example consistencyProofRanges(6, 8) // [{start: 4, end: 6}, {start: 6, end: 8}, {start: 0, end: 4}]
 */
export function consistencyProofRanges(size1: number, size2: number): ProofRange[] {
  assertSize('size1', size1);
  assertSize('size2', size2);
  if (size1 > size2) throw new RangeError(`size ${size1} is beyond a tree of size ${size2}`);
  if (size1 === 0 || size1 === size2) return [];
  const level = trailingZeros(size1);
  const width = 2 ** level;
  const index = (size1 - width) / width;
  const head = index === 0 ? [] : [{ start: size1 - width, end: size1 }];
  return [...head, ...siblingsUp(level, index, size2)];
}

/**
 * The inclusion proof of leaf `leafIndex` in the tree of size `treeSize`, read from stored complete
 * subtrees: at most ⌈log2 n⌉ + popcount(n) reads, never a pass over the leaves.
 * @example const proof = await inclusionProof(store, 41, 1000); verifyInclusion(41, 1000, leafHash(e41), proof, root1000)
 */
export async function inclusionProof(store: SubtreeHashes, leafIndex: number, treeSize: number): Promise<Hash[]> {
  return Promise.all(inclusionProofRanges(leafIndex, treeSize).map((r) => rangeHash(store, r.start, r.end)));
}

/**
 * The consistency proof between the tree of size `size1` and the later tree of size `size2`, read from
 * stored complete subtrees in O(log n) reads. Empty when size1 is 0 or equal to size2.
 * @example const proof = await consistencyProof(store, 1000, 1500); verifyConsistency(1000, 1500, root1000, root1500, proof)
 */
export async function consistencyProof(store: SubtreeHashes, size1: number, size2: number): Promise<Hash[]> {
  return Promise.all(consistencyProofRanges(size1, size2).map((r) => rangeHash(store, r.start, r.end)));
}

/**
 * The root of the tree of size `treeSize` (≤ the stored size) from stored complete subtrees:
 * popcount(treeSize) reads. How a tree head at an earlier size is recomputed.
 * @example toHex(await rootAt(store, 8)) // '5dc9da79…' for the RFC 9162 test vector log
 */
export async function rootAt(store: SubtreeHashes, treeSize: number): Promise<Hash> {
  assertSize('treeSize', treeSize);
  return rangeHash(store, 0, treeSize);
}

// ---------------------------------------------------------------------------------------------
// Appending. The frontier (a "compact range") is the list of complete subtrees the current size splits
// into, largest first: O(log n) hashes that are all one needs to append and to compute the root.
// ---------------------------------------------------------------------------------------------

/**
 * The right edge of a growing tree: the complete subtrees its size splits into. Appending a leaf pushes
 * it and merges equal-sized neighbours, which is when (and the only time) each complete subtree is hashed.
 * @example const f = new MerkleFrontier(); f.push(leafHash(a)); f.push(leafHash(b)); f.root() // nodeHash(ha, hb)
 */
export class MerkleFrontier {
  private readonly stack: SubtreeNode[];
  private count: number;

  /**
   * A frontier of the given complete subtrees (largest first) for a tree of `size` leaves; empty by default.
   * @example new MerkleFrontier() // the empty tree
   */
  constructor(size = 0, subtrees: SubtreeNode[] = []) {
    assertSize('size', size);
    const expected = completeSubtreesOf(0, size);
    if (expected.length !== subtrees.length || expected.some((e, i) => e.level !== subtrees[i]!.level || e.index !== subtrees[i]!.index))
      throw new Error(`the frontier of a tree of size ${size} is not the subtrees given`);
    this.count = size;
    this.stack = subtrees.map((s) => ({ ...s }));
  }

  /**
   * The frontier of the stored tree of size `size`: popcount(size) reads.
   * @example const frontier = await MerkleFrontier.load(store, 1000)
   */
  static async load(store: SubtreeHashes, size: number): Promise<MerkleFrontier> {
    assertSize('size', size);
    const parts = completeSubtreesOf(0, size);
    const hashes = await Promise.all(parts.map((p) => readNode(store, p.level, p.index)));
    return new MerkleFrontier(
      size,
      parts.map((p, i) => ({ ...p, hash: hashes[i]! })),
    );
  }

  /**
   * How many leaves the tree holds.
   * @example new MerkleFrontier().size // 0
   */
  get size(): number {
    return this.count;
  }

  /**
   * Appends one leaf hash; returns the nodes that became complete, the leaf first, each parent after its
   * children (the order to persist them in).
   * @example frontier.push(leafHash(bytes)) // [{level: 0, index: n, hash}, …merged parents]
   */
  push(hash: Hash): SubtreeNode[] {
    const created: SubtreeNode[] = [{ level: 0, index: this.count, hash }];
    this.stack.push(created[0]!);
    this.count++;
    for (;;) {
      const right = this.stack[this.stack.length - 1]!;
      const left = this.stack[this.stack.length - 2];
      if (!left || left.level !== right.level) break;
      this.stack.length -= 2;
      const parent = { level: left.level + 1, index: left.index / 2, hash: nodeHash(left.hash, right.hash) };
      this.stack.push(parent);
      created.push(parent);
    }
    return created;
  }

  /**
   * The root of the tree so far (RFC 9162 MTH): the right fold of the frontier.
   * @example new MerkleFrontier().root() // EMPTY_ROOT
   */
  root(): Hash {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let acc = this.stack[this.stack.length - 1]!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) acc = nodeHash(this.stack[i]!.hash, acc);
    return acc;
  }

  /**
   * A copy of the frontier's subtrees, largest first.
   * @example new MerkleFrontier().subtrees() // []
   */
  subtrees(): SubtreeNode[] {
    return this.stack.map((s) => ({ ...s }));
  }
}

/** What {@link appendLeaves} produced: the nodes to persist, and the new size and root. */
export interface AppendResult {
  nodes: SubtreeNode[];
  size: number;
  root: Hash;
}

/**
 * Appends leaf hashes to a stored tree of `existingSize` leaves. Reads only the existing frontier
 * (popcount(existingSize) nodes); returns every node that became complete (leaves included), each
 * hashed exactly once, for the caller to persist in the same transaction as the events.
 * @example const { nodes, root } = await appendLeaves(0, events.map(leafHash), store); store.put(nodes)
 */
export async function appendLeaves(existingSize: number, newLeafHashes: Iterable<Hash>, store: SubtreeHashes): Promise<AppendResult> {
  const frontier = await MerkleFrontier.load(store, existingSize);
  const nodes: SubtreeNode[] = [];
  for (const hash of newLeafHashes) nodes.push(...frontier.push(hash));
  return { nodes, size: frontier.size, root: frontier.root() };
}

// ---------------------------------------------------------------------------------------------
// Verification: the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2, step by step.
// ---------------------------------------------------------------------------------------------

function allHashes(...hashes: Uint8Array[]): boolean {
  return hashes.every((h) => h.byteLength === HASH_SIZE);
}

/**
 * Whether `proof` proves that `leaf` (a leaf hash) is entry `leafIndex` of the tree of `treeSize`
 * whose root is `root` (RFC 9162 §2.1.3.2). Never throws: any malformed input is a failed proof.
 * @example verifyInclusion(41, 1000, leafHash(event41), await inclusionProof(store, 41, 1000), root1000) // true
 */
export function verifyInclusion(leafIndex: number, treeSize: number, leaf: Hash, proof: readonly Hash[], root: Hash): boolean {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0) return false;
  if (!allHashes(leaf, root, ...proof)) return false;
  // 1. leaf_index must be below tree_size.
  if (leafIndex >= treeSize) return false;
  // 2–3.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  // 4.
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 5.
  return sn === 0 && hashesEqual(r, root);
}

/**
 * Whether `proof` proves that the tree of `size1` with root `root1` is a prefix of the tree of `size2`
 * with root `root2` (RFC 9162 §2.1.4.2 for 0 < size1 < size2). Equal sizes need an empty proof and equal
 * roots; size1 = 0 needs an empty proof and root1 = the empty-tree hash (the empty tree is a prefix of
 * every tree). Never throws.
 * @example verifyConsistency(1000, 1500, root1000, root1500, await consistencyProof(store, 1000, 1500)) // true
 */
export function verifyConsistency(size1: number, size2: number, root1: Hash, root2: Hash, proof: readonly Hash[]): boolean {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size1 > size2) return false;
  if (!allHashes(root1, root2, ...proof)) return false;
  if (size1 === size2) return proof.length === 0 && hashesEqual(root1, root2);
  if (size1 === 0) return proof.length === 0 && hashesEqual(root1, EMPTY_ROOT);
  // 1. An empty path proves nothing.
  if (proof.length === 0) return false;
  // 2. When size1 is a power of two its root is a node of the size2 tree the proof leaves out.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  // 3.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // 4.
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // 6.
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 7.
  return hashesEqual(fr, root1) && hashesEqual(sr, root2) && sn === 0;
}
