import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NearDuplicateIndex,
  candidateProbability,
  chooseBands,
  createMinHasher,
  estimatedJaccard,
  jaccard,
  nearDuplicates,
  normalizeText,
  shingleHashes,
} from './minhash.js';

const WORDS = [
  '영화',
  '배우',
  '연기',
  '정말',
  '최고',
  '지루한',
  '스토리',
  '감독',
  '음악',
  '다시',
  '보고',
  '싶다',
  '재밌다',
  '별로',
  '눈물',
  '장면',
];
const sentence = fc.array(fc.constantFrom(...WORDS), { minLength: 4, maxLength: 14 }).map((w) => w.join(' '));

/** Exact Jaccard of two texts by plain string sets, independent of the hashing under test. */
function stringJaccard(a: string, b: string, k = 3): number {
  const grams = (t: string) => {
    const n = normalizeText(t);
    const set = new Set<string>();
    if (n.length > 0 && n.length < k) set.add(n);
    for (let i = 0; i + k <= n.length; i++) set.add(n.slice(i, i + k));
    return set;
  };
  const x = grams(a);
  const y = grams(b);
  let common = 0;
  for (const g of x) if (y.has(g)) common++;
  return x.size + y.size === 0 ? 1 : common / (x.size + y.size - common);
}

describe('normalizeText and shingles', () => {
  it('treats spacing, case and Unicode composition alike', () => {
    const composed = '한글 Text';
    const decomposed = composed.normalize('NFD');
    expect(normalizeText(`  ${decomposed}\n\t`)).toBe('한글 text');
    expect(jaccard(shingleHashes('재밌는   영화 OK'), shingleHashes('재밌는 영화 ok'))).toBe(1);
  });

  it('counts distinct shingles, and a short text as one shingle', () => {
    expect(shingleHashes('가나다라', 3)).toHaveLength(2);
    expect(shingleHashes('가나가나가나', 3)).toHaveLength(2); // 가나가, 나가나 repeat
    expect(shingleHashes('가', 3)).toHaveLength(1);
    expect(shingleHashes('   ', 3)).toHaveLength(0);
  });

  it('gives the same Jaccard as plain string sets (property)', () => {
    fc.assert(
      fc.property(sentence, sentence, (a, b) => {
        expect(jaccard(shingleHashes(a), shingleHashes(b))).toBeCloseTo(stringJaccard(a, b), 10);
      }),
      { numRuns: 200 },
    );
  });

  it('Jaccard is symmetric, within [0, 1] and 1 on itself (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), (a, b) => {
        const x = shingleHashes(a);
        const y = shingleHashes(b);
        const j = jaccard(x, y);
        expect(j).toBe(jaccard(y, x));
        expect(j).toBeGreaterThanOrEqual(0);
        expect(j).toBeLessThanOrEqual(1);
        expect(jaccard(x, x)).toBe(1);
      }),
    );
  });
});

describe('MinHash signatures', () => {
  it('estimate the Jaccard similarity without bias (property over many pairs)', () => {
    const hasher = createMinHasher({ permutations: 128, seed: 7 });
    const errors: number[] = [];
    fc.assert(
      fc.property(sentence, sentence, (a, b) => {
        const exact = jaccard(hasher.shingles(a), hasher.shingles(b));
        const estimate = estimatedJaccard(hasher.signature(a), hasher.signature(b));
        // 128 permutations: σ ≤ 0.045, so 0.25 is more than five σ.
        expect(Math.abs(estimate - exact)).toBeLessThan(0.25);
        errors.push(estimate - exact);
      }),
      { numRuns: 300 },
    );
    const meanError = errors.reduce((s, e) => s + e, 0) / errors.length;
    const meanAbsolute = errors.reduce((s, e) => s + Math.abs(e), 0) / errors.length;
    expect(Math.abs(meanError)).toBeLessThan(0.01);
    expect(meanAbsolute).toBeLessThan(0.04);
  });

  it('are deterministic for a seed and differ between seeds', () => {
    const text = '배우들의 연기가 정말 좋았던 영화';
    expect(createMinHasher({ seed: 3 }).signature(text)).toEqual(createMinHasher({ seed: 3 }).signature(text));
    expect(createMinHasher({ seed: 3 }).signature(text)).not.toEqual(createMinHasher({ seed: 4 }).signature(text));
  });
});

describe('LSH plan', () => {
  it('follows the S-curve 1 − (1 − s^r)^b', () => {
    expect(candidateProbability(0.8, 18, 7)).toBeCloseTo(1 - Math.pow(1 - Math.pow(0.8, 7), 18), 12);
    expect(candidateProbability(0, 18, 7)).toBe(0);
    expect(candidateProbability(1, 18, 7)).toBe(1);
  });

  it('chooses a plan that finds pairs at the threshold with the asked probability and wastes the least below it', () => {
    const plan = chooseBands(128, 0.8, 0.95);
    expect(plan.bands * plan.rows).toBeLessThanOrEqual(128);
    expect(plan.probabilityAtThreshold).toBeGreaterThanOrEqual(0.95);
    for (let rows = 1; rows <= 128; rows++) {
      const bands = Math.floor(128 / rows);
      if (candidateProbability(0.8, bands, rows) >= 0.95) {
        const other = chooseBands(128, 0.8, candidateProbability(0.8, bands, rows));
        expect(other.falsePositiveArea).toBeGreaterThanOrEqual(plan.falsePositiveArea - 1e-12);
      }
    }
  });
});

describe('nearDuplicates', () => {
  it('finds edited copies, groups them and leaves different texts alone', () => {
    const texts = [
      '배우들의 연기가 정말 좋았던 영화 다시 보고 싶다',
      '스토리가 지루해서 중간에 잠들었다 별로였음',
      '배우들의 연기가 정말 좋았던 영화 다시 보고싶다',
      '음악과 영상미가 아름다운 작품 강력 추천합니다',
      '배우들의  연기가 정말 좋았던 영화 다시 보고 싶다!',
    ];
    const result = nearDuplicates(texts);
    expect(result.clusters).toEqual([[0, 2, 4]]);
    for (const [i, j, similarity] of result.pairs) {
      expect(i).toBeLessThan(j);
      expect(similarity).toBeCloseTo(stringJaccard(texts[i]!, texts[j]!), 10);
      expect(similarity).toBeGreaterThanOrEqual(0.8);
    }
  });

  it('reports exactly the pairs brute force finds above the threshold, minus a few LSH misses (property)', () => {
    fc.assert(
      fc.property(fc.array(sentence, { minLength: 5, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 20 }), (base, edits) => {
        // Plant copies with one word dropped, so some pairs lie near the threshold.
        const texts = [...base];
        for (const e of edits) {
          const words = base[e % base.length]!.split(' ');
          words.splice(e % words.length, 1);
          texts.push(words.join(' '));
        }
        const truth = new Set<string>();
        for (let i = 0; i < texts.length; i++)
          for (let j = i + 1; j < texts.length; j++) {
            if (normalizeText(texts[i]!) === '' || normalizeText(texts[j]!) === '') continue;
            if (stringJaccard(texts[i]!, texts[j]!) >= 0.8) truth.add(`${i},${j}`);
          }
        const found = nearDuplicates(texts, { seed: 11 });
        for (const [i, j] of found.pairs) {
          expect(i).toBeLessThan(j);
          const key = `${i},${j}`;
          expect(truth.has(key) || normalizeText(texts[i]!) === normalizeText(texts[j]!)).toBe(true);
        }
        // Identical texts pair with the first copy only; count a truth pair found when its two ends share a cluster.
        const clusterOf = new Map<number, number>();
        found.clusters.forEach((c, n) => c.forEach((d) => clusterOf.set(d, n)));
        let hit = 0;
        for (const key of truth) {
          const [i, j] = key.split(',').map(Number) as [number, number];
          if (clusterOf.get(i) !== undefined && clusterOf.get(i) === clusterOf.get(j)) hit++;
        }
        if (truth.size >= 5) expect(hit / truth.size).toBeGreaterThanOrEqual(0.8);
      }),
      { numRuns: 60 },
    );
  });

  it('streams: the index gives the same pairs document by document', () => {
    const texts = ['오늘 본 영화 중에 최고', '오늘 본 영화 중에 최고다', '완전 별로', '완전 별로', ''];
    const index = new NearDuplicateIndex();
    expect(index.add(texts[0]!)).toEqual([]);
    expect(index.add(texts[1]!).map(([d]) => d)).toEqual([0]);
    expect(index.add(texts[2]!)).toEqual([]);
    expect(index.add(texts[3]!)).toEqual([[2, 1]]);
    expect(index.add(texts[4]!)).toEqual([]);
    expect(index.result().pairs).toEqual(nearDuplicates(texts).pairs);
    expect(index.size).toBe(5);
  });

  it('pairs many identical copies with the first one without comparing them all', () => {
    const result = nearDuplicates(Array.from({ length: 1000 }, () => '최고의 영화'));
    expect(result.clusters).toEqual([Array.from({ length: 1000 }, (_, i) => i)]);
    expect(result.pairs.every(([first]) => first === 0)).toBe(true);
    // Each copy meets only the first one in its buckets: 999 checks, not 999·1000/2.
    expect(result.candidates).toBe(999);
  });

  it('refuses impossible plans', () => {
    expect(() => nearDuplicates([], { bands: 20, rows: 7 })).toThrow(/exceed/);
    expect(() => nearDuplicates([], { bands: 20 })).toThrow(/both/);
    expect(() => nearDuplicates([], { threshold: 0 })).toThrow(/threshold/);
  });
});
