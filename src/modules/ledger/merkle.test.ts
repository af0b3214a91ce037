import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendLeaves,
  consistencyProof,
  consistencyProofRanges,
  EMPTY_ROOT,
  fromHex,
  type Hash,
  inclusionProof,
  inclusionProofRanges,
  leafHash,
  MemorySubtreeStore,
  MerkleFrontier,
  nodeHash,
  referenceConsistencyProof,
  referenceInclusionProof,
  rootAt,
  rootOf,
  storedNodeCount,
  type SubtreeHashes,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
import {
  VECTOR_CONSISTENCY,
  VECTOR_EMPTY_TREE_HASH,
  VECTOR_HASHES,
  VECTOR_INCLUSION,
  VECTOR_LEAVES,
  VECTOR_ROOTS,
  VECTOR_SOME_HASH,
} from './merkle.vectors.js';

const hex = (hashes: readonly Uint8Array[]): string[] => hashes.map(toHex);
const vectorLeafHashes = VECTOR_LEAVES.map((l) => leafHash(fromHex(l)));

/** A store holding the log of `leafHashes`, built by appendLeaves in one batch. */
async function storeOf(leafHashes: readonly Hash[]): Promise<MemorySubtreeStore> {
  const store = new MemorySubtreeStore();
  store.put((await appendLeaves(0, leafHashes, store)).nodes);
  return store;
}

/** Deterministic distinct leaf hashes 0..n-1. */
function syntheticLeaves(n: number): Hash[] {
  return Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`event ${i}`)));
}

/** The corruptions transparency-dev/merkle's verify_test.go tries on a good inclusion proof. */
function corruptInclusions(index: number, size: number, leaf: Hash, proof: Hash[], root: Hash): Array<[string, () => boolean]> {
  const some = fromHex(VECTOR_SOME_HASH);
  const empty = fromHex(VECTOR_EMPTY_TREE_HASH);
  const probes: Array<[string, () => boolean]> = [
    ['index - 1', () => verifyInclusion(index - 1, size, leaf, proof, root)],
    ['index + 1', () => verifyInclusion(index + 1, size, leaf, proof, root)],
    ['index ^ 2', () => verifyInclusion(index ^ 2, size, leaf, proof, root)],
    ['size * 2', () => verifyInclusion(index, size * 2, leaf, proof, root)],
    ['size / 2', () => verifyInclusion(index, Math.floor(size / 2), leaf, proof, root)],
    ['wrong leaf', () => verifyInclusion(index, size, Buffer.from('WrongLeaf'), proof, root)],
    ['empty root', () => verifyInclusion(index, size, leaf, proof, empty)],
    ['random root', () => verifyInclusion(index, size, leaf, proof, some)],
    ['trailing garbage', () => verifyInclusion(index, size, leaf, [...proof, new Uint8Array()], root)],
    ['trailing root', () => verifyInclusion(index, size, leaf, [...proof, root], root)],
    ['preceding garbage', () => verifyInclusion(index, size, leaf, [new Uint8Array(), ...proof], root)],
    ['preceding root', () => verifyInclusion(index, size, leaf, [root, ...proof], root)],
  ];
  proof.forEach((_, i) => {
    const wrong = proof.map((p) => Uint8Array.from(p));
    wrong[i]![0]! ^= 8;
    probes.push([`modified proof[${i}]`, () => verifyInclusion(index, size, leaf, wrong, root)]);
  });
  if (proof.length > 0) probes.push(['removed component', () => verifyInclusion(index, size, leaf, proof.slice(0, -1), root)]);
  if (proof.length > 1)
    probes.push(['inserted component', () => verifyInclusion(index, size, leaf, [proof[0]!, some, ...proof.slice(1)], root)]);
  return probes;
}

/** The corruptions verify_test.go tries on a good consistency proof. */
function corruptConsistencies(size1: number, size2: number, root1: Hash, root2: Hash, proof: Hash[]): Array<[string, () => boolean]> {
  const wrongRoot = Buffer.from('WrongRoot');
  const probes: Array<[string, () => boolean]> = [
    ['size1 - 1', () => verifyConsistency(size1 - 1, size2, root1, root2, proof)],
    ['size1 + 1', () => verifyConsistency(size1 + 1, size2, root1, root2, proof)],
    ['size1 ^ 2', () => verifyConsistency(size1 ^ 2, size2, root1, root2, proof)],
    ['size2 * 2', () => verifyConsistency(size1, size2 * 2, root1, root2, proof)],
    ['size2 / 2', () => verifyConsistency(size1, Math.floor(size2 / 2), root1, root2, proof)],
    ['wrong root1', () => verifyConsistency(size1, size2, wrongRoot, root2, proof)],
    ['wrong root2', () => verifyConsistency(size1, size2, root1, wrongRoot, proof)],
    ['swapped roots', () => verifyConsistency(size1, size2, root2, root1, proof)],
    ['empty proof', () => verifyConsistency(size1, size2, root1, root2, [])],
    ['trailing garbage', () => verifyConsistency(size1, size2, root1, root2, [...proof, new Uint8Array()])],
    ['trailing root1', () => verifyConsistency(size1, size2, root1, root2, [...proof, root1])],
    ['trailing root2', () => verifyConsistency(size1, size2, root1, root2, [...proof, root2])],
    ['preceding garbage', () => verifyConsistency(size1, size2, root1, root2, [new Uint8Array(), ...proof])],
    ['preceding root1', () => verifyConsistency(size1, size2, root1, root2, [root1, ...proof])],
    ['preceding root2', () => verifyConsistency(size1, size2, root1, root2, [root2, ...proof])],
    ['preceding proof[0]', () => verifyConsistency(size1, size2, root1, root2, [proof[0]!, ...proof])],
    ['truncated proof', () => verifyConsistency(size1, size2, root1, root2, proof.slice(0, -1))],
  ];
  proof.forEach((_, i) => {
    const wrong = proof.map((p) => Uint8Array.from(p));
    wrong[i]![0]! ^= 16;
    probes.push([`modified proof[${i}]`, () => verifyConsistency(size1, size2, root1, root2, wrong)]);
  });
  return probes;
}

describe('RFC 9162 hashing (CT reference vectors)', () => {
  it('hashes leaves and nodes with the 0x00 / 0x01 prefixes', () => {
    expect(toHex(EMPTY_ROOT)).toBe(VECTOR_EMPTY_TREE_HASH);
    expect(toHex(leafHash(new Uint8Array()))).toBe(VECTOR_HASHES.emptyLeaf);
    expect(toHex(leafHash(Buffer.from('L123456')))).toBe(VECTOR_HASHES.leafL123456);
    expect(toHex(nodeHash(Buffer.from('N123'), Buffer.from('N456')))).toBe(VECTOR_HASHES.nodeN123N456);
    // A node is never the leaf hash of its children's concatenation (second-preimage resistance).
    const [a, b] = [leafHash(Buffer.from('Hello')), leafHash(Buffer.from('World'))];
    expect(toHex(nodeHash(a, b))).not.toBe(toHex(leafHash(Buffer.concat([a, b]))));
    expect(toHex(nodeHash(a, b))).not.toBe(toHex(nodeHash(b, a)));
  });

  it('gives the reference roots at sizes 0..8, by definition, from the store and from the frontier', async () => {
    expect(toHex(rootOf([]))).toBe(VECTOR_EMPTY_TREE_HASH);
    const store = await storeOf(vectorLeafHashes);
    const frontier = new MerkleFrontier();
    for (let size = 1; size <= 8; size++) {
      frontier.push(vectorLeafHashes[size - 1]!);
      expect(toHex(rootOf(vectorLeafHashes.slice(0, size)))).toBe(VECTOR_ROOTS[size - 1]);
      expect(toHex(await rootAt(store, size))).toBe(VECTOR_ROOTS[size - 1]);
      expect(toHex(frontier.root())).toBe(VECTOR_ROOTS[size - 1]);
    }
  });

  it('produces and verifies the reference inclusion proofs, and rejects every corruption of them', async () => {
    const store = await storeOf(vectorLeafHashes);
    for (const v of VECTOR_INCLUSION.filter((x) => x.leaf > 0)) {
      const index = v.leaf - 1;
      const leaves = vectorLeafHashes.slice(0, v.size);
      expect(hex(referenceInclusionProof(leaves, index))).toEqual(v.proof);
      expect(hex(await inclusionProof(store, index, v.size))).toEqual(v.proof);
      const root = fromHex(VECTOR_ROOTS[v.size - 1]!);
      const proof = v.proof.map(fromHex);
      expect(verifyInclusion(index, v.size, vectorLeafHashes[index]!, proof, root)).toBe(true);
      const accepted = corruptInclusions(index, v.size, vectorLeafHashes[index]!, proof, root).filter(([, probe]) => probe());
      expect(accepted.map(([name]) => name)).toEqual([]);
    }
  });

  it('rejects inclusion in empty or too small trees', () => {
    const some = fromHex(VECTOR_SOME_HASH);
    for (const [index, size] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [2, 1],
    ] as const) {
      expect(verifyInclusion(index, size, some, [], new Uint8Array())).toBe(false);
      expect(verifyInclusion(index, size, new Uint8Array(), [], EMPTY_ROOT)).toBe(false);
      expect(verifyInclusion(index, size, some, [], EMPTY_ROOT)).toBe(false);
    }
    const h = leafHash(Buffer.from('data'));
    expect(verifyInclusion(0, 1, h, [], h)).toBe(true);
    expect(verifyInclusion(0, 1, h, [], new Uint8Array())).toBe(false);
    expect(verifyInclusion(-1, 1, h, [], h)).toBe(false);
  });

  it('produces and verifies the reference consistency proofs, and rejects every corruption of them', async () => {
    const store = await storeOf(vectorLeafHashes);
    for (const v of VECTOR_CONSISTENCY) {
      expect(hex(referenceConsistencyProof(vectorLeafHashes.slice(0, v.size2), v.size1))).toEqual(v.proof);
      expect(hex(await consistencyProof(store, v.size1, v.size2))).toEqual(v.proof);
      const [root1, root2] = [fromHex(VECTOR_ROOTS[v.size1 - 1]!), fromHex(VECTOR_ROOTS[v.size2 - 1]!)];
      const proof = v.proof.map(fromHex);
      expect(verifyConsistency(v.size1, v.size2, root1, root2, proof)).toBe(true);
      if (proof.length === 0) continue;
      const accepted = corruptConsistencies(v.size1, v.size2, root1, root2, proof).filter(([, probe]) => probe());
      expect(accepted.map(([name]) => name)).toEqual([]);
    }
  });

  it('handles the edge sizes of consistency as the reference tests do', () => {
    const [r1, r2] = [fromHex(VECTOR_ROOTS[0]!), fromHex(VECTOR_ROOTS[1]!)];
    expect(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])).toBe(true);
    expect(verifyConsistency(0, 1, EMPTY_ROOT, r1, [])).toBe(true);
    expect(verifyConsistency(1, 1, r1, r1, [])).toBe(true);
    expect(verifyConsistency(1, 1, r1, r2, [])).toBe(false); // same size, different roots
    expect(verifyConsistency(1, 0, r1, EMPTY_ROOT, [])).toBe(false); // time travel to the past
    expect(verifyConsistency(2, 1, r2, r1, [])).toBe(false);
    expect(verifyConsistency(1, 2, r1, r2, [])).toBe(false); // empty proof
    expect(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])).toBe(false); // roots match, proof not empty
    expect(verifyConsistency(0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])).toBe(false);
    expect(verifyConsistency(1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])).toBe(false);
    expect(verifyConsistency(0, 1, r2, r1, [])).toBe(false); // a size-0 tree has the empty root
  });
});

describe('proofs from stored subtrees', () => {
  it('match the recursive definitions and verify, for every index and every earlier size up to 70', async () => {
    const all = syntheticLeaves(70);
    const store = await storeOf(all);
    for (let n = 1; n <= all.length; n++) {
      const leaves = all.slice(0, n);
      const root = rootOf(leaves);
      for (let m = 0; m < n; m++) {
        const proof = await inclusionProof(store, m, n);
        expect(hex(proof)).toEqual(hex(referenceInclusionProof(leaves, m)));
        expect(verifyInclusion(m, n, leaves[m]!, proof, root)).toBe(true);
      }
      for (let m = 0; m <= n; m++) {
        const proof = await consistencyProof(store, m, n);
        expect(hex(proof)).toEqual(hex(referenceConsistencyProof(leaves, m)));
        expect(verifyConsistency(m, n, rootOf(leaves.slice(0, m)), root, proof)).toBe(true);
      }
    }
  });

  it('match the recursive definitions for random sizes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1200 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1), fc.nat(n))),
        async ([n, index, size1]) => {
          const leaves = syntheticLeaves(n);
          const store = await storeOf(leaves);
          const root = rootOf(leaves);
          const inclusion = await inclusionProof(store, index, n);
          expect(hex(inclusion)).toEqual(hex(referenceInclusionProof(leaves, index)));
          expect(verifyInclusion(index, n, leaves[index]!, inclusion, root)).toBe(true);
          const consistency = await consistencyProof(store, size1, n);
          expect(hex(consistency)).toEqual(hex(referenceConsistencyProof(leaves, size1)));
          expect(verifyConsistency(size1, n, rootOf(leaves.slice(0, size1)), root, consistency)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('give the same root and the same nodes whatever the batches appended (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 300 }), fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 30 }), async (n, cuts) => {
        const leaves = syntheticLeaves(n);
        const oneByOne = new MemorySubtreeStore();
        for (let i = 0; i < n; i++) oneByOne.put((await appendLeaves(i, [leaves[i]!], oneByOne)).nodes);
        const batched = new MemorySubtreeStore();
        let at = 0;
        let written = 0;
        for (const cut of [...cuts, n]) {
          const end = Math.min(n, at + cut);
          const result = await appendLeaves(at, leaves.slice(at, end), batched);
          batched.put(result.nodes);
          written += result.nodes.length;
          expect(result.size).toBe(end);
          expect(toHex(result.root)).toBe(toHex(rootOf(leaves.slice(0, end))));
          at = end;
          if (at === n) break;
        }
        const dump = (s: MemorySubtreeStore): string[] => [...s.nodes()].map((x) => `${x.level}/${x.index}/${toHex(x.hash)}`);
        expect(dump(batched)).toEqual(dump(oneByOne));
        // Each complete subtree is hashed and written exactly once.
        expect(written).toBe(storedNodeCount(n));
        expect(dump(batched).length).toBe(storedNodeCount(n));
      }),
      { numRuns: 60 },
    );
  });

  it('refuses out-of-range requests and reports a node the store lacks', async () => {
    const store = await storeOf(syntheticLeaves(5));
    await expect(inclusionProof(store, 5, 5)).rejects.toThrow(/not in a tree/);
    await expect(consistencyProof(store, 6, 5)).rejects.toThrow(/beyond/);
    await expect(inclusionProof(store, 0, 9)).rejects.toThrow(/no node at level/);
    expect(() => inclusionProofRanges(0, 1.5)).toThrow(RangeError);
  });
});

describe('proof cost at 10,000,000 events', () => {
  /** A store that makes up a deterministic hash for any node on read and counts the reads. */
  class SyntheticStore implements SubtreeHashes {
    reads = 0;
    get(level: number, index: number): Hash {
      this.reads++;
      return createHash('sha256').update(`${level}/${index}`).digest();
    }
  }
  const n = 10_000_000;
  const bound = 2 * Math.log2(n) + 2;

  it('reads at most 2·log2(n) + 2 nodes per proof', async () => {
    fc.assert(
      fc.property(fc.nat(n - 1), fc.nat(n), (index, size1) => {
        const inclusion = inclusionProofRanges(index, n);
        const consistency = consistencyProofRanges(size1, n);
        expect(inclusion.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
        expect(consistency.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)) + 1);
      }),
      { numRuns: 500 },
    );
    const store = new SyntheticStore();
    const rng = fc.sample(fc.tuple(fc.nat(n - 1), fc.nat(n)), { numRuns: 200, seed: 9162 });
    let most = 0;
    for (const [index, size1] of rng) {
      store.reads = 0;
      const proof = await inclusionProof(store, index, n);
      expect(proof.length).toBeGreaterThan(0);
      most = Math.max(most, store.reads);
      expect(store.reads).toBeLessThanOrEqual(bound);
      store.reads = 0;
      await consistencyProof(store, size1, n);
      most = Math.max(most, store.reads);
      expect(store.reads).toBeLessThanOrEqual(bound);
    }
    // The worst case: the last leaf of a tree whose size has many set bits.
    store.reads = 0;
    await inclusionProof(store, n - 1, n);
    expect(store.reads).toBeLessThanOrEqual(bound);
    expect(most).toBeGreaterThan(0);
  });

  it('appends to a 10,000,000-event log reading only its frontier', async () => {
    const store = new SyntheticStore();
    const result = await appendLeaves(n, syntheticLeaves(3), store);
    expect(store.reads).toBe(8); // popcount(10,000,000)
    expect(result.size).toBe(n + 3);
    expect(result.nodes.map((x) => `${x.level}/${x.index}`)).toEqual(['0/10000000', '0/10000001', '1/5000000', '0/10000002']);
  });
});
