import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildModel,
  greedySelection,
  modelToLp,
  resolveOptions,
  selectCandidates,
  SelectionInputError,
  type Candidate,
  type ResolvedOptions,
  type SelectionOptions,
} from './index.js';

const c = (
  id: string,
  score: number,
  cost: number,
  domain = 'd1',
  agency = 'a1',
  modality = 'text',
  criteria?: Record<string, number>,
): Candidate => ({
  id,
  score,
  cost,
  domain,
  agency,
  modality,
  ...(criteria ? { criteria } : {}),
});

/** Whether a chosen subset meets every constraint (straight from the definitions). */
function meets(chosen: readonly Candidate[], r: ResolvedOptions): boolean {
  const n = 'exact' in r.count ? r.count.exact : r.count.max;
  if ('exact' in r.count ? chosen.length !== n : chosen.length > n) return false;
  if (chosen.reduce((s, x) => s + x.cost, 0) > r.budget) return false;
  const count = (pred: (x: Candidate) => boolean) => chosen.filter(pred).length;
  if (Object.entries(r.domainMin).some(([d, m]) => count((x) => x.domain === d) < m)) return false;
  if (Object.entries(r.domainMax).some(([d, m]) => count((x) => x.domain === d) > m)) return false;
  if (r.agencyMax !== undefined && [...new Set(chosen.map((x) => x.agency))].some((a) => count((x) => x.agency === a) > r.agencyMax!))
    return false;
  if (Object.entries(r.modalityMin).some(([m, k]) => count((x) => x.modality === m) < k)) return false;
  if (r.mustInclude.some((id) => !chosen.some((x) => x.id === id))) return false;
  return !r.mustExclude.some((id) => chosen.some((x) => x.id === id));
}

/** Every subset, checked against every constraint: the reference the solver must match. */
function bruteForce(candidates: readonly Candidate[], o: SelectionOptions): { feasible: boolean; best: number } {
  const r = resolveOptions(candidates, o);
  let best = -Infinity;
  for (let mask = 0; mask < 1 << candidates.length; mask++) {
    const chosen = candidates.filter((_, i) => mask & (1 << i));
    if (meets(chosen, r))
      best = Math.max(
        best,
        chosen.reduce((s, x) => s + x.score, 0),
      );
  }
  return { feasible: best > -Infinity, best };
}

const DOMAINS = ['d1', 'd2', 'd3'];
const AGENCIES = ['a1', 'a2', 'a3', 'a4'];
const MODALITIES = ['text', 'image', 'audio'];

const instance = fc
  .array(
    fc.record({
      score: fc.integer({ min: -20, max: 100 }),
      cost: fc.integer({ min: 1, max: 40 }).map((m) => m * 50_000_000),
      domain: fc.constantFrom(...DOMAINS),
      agency: fc.constantFrom(...AGENCIES),
      modality: fc.constantFrom(...MODALITIES),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .chain((rows) => {
    const candidates = rows.map((r, i) => ({ id: `c${String(i).padStart(2, '0')}`, ...r }));
    const ids = candidates.map((x) => x.id);
    const small = fc.integer({ min: 0, max: 3 });
    const options = fc.record(
      {
        budget: fc.integer({ min: 0, max: 30 }).map((b) => b * 100_000_000),
        count: fc.oneof(
          fc.integer({ min: 0, max: 8 }).map((n) => ({ exact: n })),
          fc.integer({ min: 0, max: 12 }).map((n) => ({ max: n })),
        ),
        domainMin: fc.dictionary(fc.constantFrom(...DOMAINS), small, { maxKeys: 2 }),
        domainMax: fc.dictionary(fc.constantFrom(...DOMAINS), small, { maxKeys: 2 }),
        agencyMax: fc.integer({ min: 1, max: 4 }),
        modalityMin: fc.dictionary(fc.constantFrom(...MODALITIES), small, { maxKeys: 2 }),
        mustInclude: fc.subarray(ids, { maxLength: Math.min(2, ids.length) }),
        mustExclude: fc.subarray(ids, { maxLength: Math.min(2, ids.length) }),
      },
      { requiredKeys: ['budget', 'count'] },
    );
    return fc.tuple(fc.constant(candidates), options);
  });

describe('selection: optimal by HiGHS', () => {
  it('equals brute-force enumeration on small random instances, and is infeasible exactly when enumeration finds nothing', async () => {
    await fc.assert(
      fc.asyncProperty(instance, async ([candidates, generated]) => {
        // Shrinking can drop candidates that a generated must-list still names.
        const known = (ids: string[] | undefined) => (ids ?? []).filter((id) => candidates.some((x) => x.id === id));
        const options = { ...generated, mustInclude: known(generated.mustInclude), mustExclude: known(generated.mustExclude) };
        const expected = bruteForce(candidates, options);
        const result = await selectCandidates(candidates, options, { diagnose: false });
        if (!expected.feasible) {
          expect(result.status).toBe('infeasible');
          return;
        }
        expect(result.status).toBe('optimal');
        expect(result.objective).toBeCloseTo(expected.best, 6);
        // The reported selection is itself feasible and scores what it says.
        const chosen = candidates.filter((x) => result.selected.includes(x.id));
        expect(chosen.reduce((s, x) => s + x.score, 0)).toBeCloseTo(result.objective, 6);
        expect(meets(chosen, resolveOptions(candidates, options))).toBe(true);
        expect(result.cost).toBeLessThanOrEqual(options.budget!);
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('diagnoses an irreducible conflict: the conflict alone is infeasible, and dropping any one of its groups is not', async () => {
    /** The options with only the named groups kept (by brute force's reading of them). */
    const only = (o: SelectionOptions, n: number, keep: ReadonlySet<string>): SelectionOptions => ({
      budget: keep.has('budget') ? o.budget! : Number.MAX_SAFE_INTEGER,
      count: keep.has('count') ? o.count! : { max: n },
      domainMin: Object.fromEntries(Object.entries(o.domainMin ?? {}).filter(([d]) => keep.has(`domainMin:${d}`))),
      domainMax: Object.fromEntries(Object.entries(o.domainMax ?? {}).filter(([d]) => keep.has(`domainMax:${d}`))),
      ...(keep.has('agencyMax') && o.agencyMax !== undefined ? { agencyMax: o.agencyMax } : {}),
      modalityMin: Object.fromEntries(Object.entries(o.modalityMin ?? {}).filter(([m]) => keep.has(`modalityMin:${m}`))),
      mustInclude: keep.has('mustInclude') ? (o.mustInclude ?? []) : [],
      mustExclude: keep.has('mustExclude') ? (o.mustExclude ?? []) : [],
    });
    await fc.assert(
      fc.asyncProperty(instance, async ([candidates, generated]) => {
        const known = (ids: string[] | undefined) => (ids ?? []).filter((id) => candidates.some((x) => x.id === id));
        const options = { ...generated, mustInclude: known(generated.mustInclude), mustExclude: known(generated.mustExclude) };
        if (bruteForce(candidates, options).feasible) return;
        const result = await selectCandidates(candidates, options);
        expect(result.status).toBe('infeasible');
        const conflict = new Set(result.conflict!.groups);
        expect(conflict.size).toBeGreaterThan(0);
        expect(bruteForce(candidates, only(options, candidates.length, conflict)).feasible).toBe(false);
        for (const group of conflict) {
          const fewer = new Set([...conflict].filter((g) => g !== group));
          expect(bruteForce(candidates, only(options, candidates.length, fewer)).feasible).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it('names the conflicting constraints of an infeasible instance', async () => {
    const candidates = [c('A', 90, 3e9), c('B', 80, 2.5e9), c('C', 70, 1.7e9), c('D', 10, 1e8, 'd2')];
    const result = await selectCandidates(candidates, { budget: 6e9, count: { max: 4 }, mustInclude: ['A', 'B', 'C'] });
    expect(result.status).toBe('infeasible');
    expect(result.conflict!.groups).toEqual(['budget', 'mustInclude']);
    expect(result.conflict!.message).toBe(
      'budget (6 bn KRW) and mustInclude (3 entries costing 7.2 bn KRW) cannot all hold: drop or relax any one of them',
    );
  });

  it('says so clearly when there are fewer candidates than the exact count', async () => {
    const candidates = [c('A', 1, 1e8), c('B', 2, 1e8)];
    const result = await selectCandidates(candidates, {});
    expect(result.status).toBe('infeasible');
    expect(result.conflict!.groups).toEqual(['count']);
    expect(result.conflict!.message).toBe('count (exactly 100 entries, but there are only 2 candidates) cannot be met');
  });

  it('finds a minimal conflict among many constraints (domain minimum vs its candidates and the agency cap)', async () => {
    const candidates = [
      c('A', 5, 1e8, 'ocean', 'kiost'),
      c('B', 5, 1e8, 'ocean', 'kiost'),
      c('C', 5, 1e8, 'ocean', 'kiost'),
      c('D', 9, 1e8, 'roads', 'moltm'),
      c('E', 9, 1e8, 'roads', 'ex'),
    ];
    const result = await selectCandidates(candidates, {
      count: { max: 5 },
      domainMin: { ocean: 2 },
      agencyMax: 1,
      domainMax: { roads: 2 },
    });
    expect(result.status).toBe('infeasible');
    expect(result.conflict!.groups).toEqual(['domainMin:ocean', 'agencyMax']);
    expect(result.conflict!.descriptions).toEqual([
      'domainMin of ocean (at least 2 entries; 3 candidates)',
      'agencyMax (at most 1 entry per agency)',
    ]);
  });

  it('reports a contradictory mustInclude/mustExclude without a solve', async () => {
    const result = await selectCandidates([c('A', 1, 1), c('B', 1, 1)], { count: { max: 2 }, mustInclude: ['A'], mustExclude: ['A'] });
    expect(result.status).toBe('infeasible');
    expect(result.conflict!.groups).toEqual(['mustInclude', 'mustExclude']);
  });

  it('spends the budget to the last won when that is optimal', async () => {
    const candidates = [c('A', 10, 3_000_000_001), c('B', 10, 2_999_999_999), c('C', 1, 1)];
    const result = await selectCandidates(candidates, { budget: 6_000_000_000, count: { max: 3 } });
    expect(result.selected).toEqual(['A', 'B']);
    expect(result.cost).toBe(6_000_000_000);
    const over = await selectCandidates([c('A', 10, 3_000_000_001), c('B', 10, 3_000_000_000)], {
      budget: 6_000_000_000,
      count: { max: 2 },
    });
    expect(over.selected).toHaveLength(1);
  });

  it('gives the same selection whatever the input order', async () => {
    const candidates = Array.from({ length: 30 }, (_, i) => c(`E${i}`, (i * 7) % 10, 1e8 * (1 + (i % 3)), `d${i % 4}`, `a${i % 5}`));
    const options: SelectionOptions = { budget: 1.5e9, count: { exact: 8 }, agencyMax: 2 };
    const a = await selectCandidates(candidates, options);
    const b = await selectCandidates([...candidates].reverse(), options);
    expect(a.status).toBe('optimal');
    expect(b.selected).toEqual(a.selected);
  });

  it('rejects bad input with a clear message', () => {
    expect(() => resolveOptions([c('A', 1, 1), c('A', 2, 2)], {})).toThrow(
      new SelectionInputError('Candidate id "A" appears more than once'),
    );
    expect(() => resolveOptions([c('A', 1, -1)], {})).toThrow(/cost -1 is not a number ≥ 0/);
    expect(() => resolveOptions([c('A', 1, 1)], { mustInclude: ['Z'] })).toThrow(/mustInclude names "Z", which no candidate has/);
    expect(() => resolveOptions([c('A', 1, 1)], { count: { exact: 1.5 } })).toThrow(/count 1.5/);
    expect(() => resolveOptions([c('A', 1, 1)], { domainMin: { x: -1 } })).toThrow(/domainMin of "x"/);
  });

  it('writes the model in CPLEX LP format', () => {
    const candidates = [c('B', 2, 2e9), c('A', 1, 1e9)];
    const lp = modelToLp(buildModel(candidates, resolveOptions(candidates, { count: { max: 1 } })));
    expect(lp).toContain('Maximize\n obj: + 1 x0 + 2 x1');
    expect(lp).toContain('r0_hi: + 1000 x0 + 2000 x1 <= 6000.0000005');
    expect(lp).toContain('r1_hi: + 1 x0 + 1 x1 <= 1');
  });
});

describe('selection: greedy beside the optimum', () => {
  it('takes by score, and by score per won, and reports its gap', async () => {
    // Greedy by score takes the big one and leaves no room; the optimum takes the three small ones.
    const candidates = [c('big', 10, 5e9), c('s1', 4, 1.5e9), c('s2', 4, 1.5e9), c('s3', 4, 1.5e9)];
    const result = await selectCandidates(candidates, { budget: 6e9, count: { max: 4 } });
    expect(result.objective).toBe(12);
    expect(result.greedy).toMatchObject({ order: 'score', objective: 10, selected: ['big'], feasible: true });
    expect(result.greedy.gapPercent).toBeCloseTo((100 * 2) / 12, 10);
    expect(result.greedyRatio.objective).toBe(12);
    expect(result.greedyRatio.gapPercent).toBe(0);
  });

  it('fills domain and modality minimums first and says when it falls short', () => {
    const candidates = [c('A', 9, 1, 'x'), c('B', 8, 1, 'x'), c('C', 1, 1, 'y', 'a1', 'image')];
    const options = resolveOptions(candidates, { count: { exact: 2 }, domainMin: { y: 1 } });
    expect(greedySelection(candidates, options).selected).toEqual(['C', 'A']);
    const short = greedySelection(candidates, resolveOptions(candidates, { count: { exact: 3 }, domainMax: { x: 1 } }));
    expect(short.feasible).toBe(false);
    expect(short.shortfall).toEqual(['count: 2 of exactly 3']);
  });
});

describe('selection: explanations', () => {
  it('says why each entry is in or out, with exact marginal values and the binding constraint', async () => {
    const candidates = [
      c('A', 10, 2e9, 'roads', 'moltm'),
      c('B', 9, 2e9, 'roads', 'moltm'),
      c('C', 8, 2e9, 'ocean', 'kiost'),
      c('D', 3, 1e9, 'ocean', 'kiost'),
      c('E', 7, 5e9, 'health', 'kdca'),
      c('F', 9.5, 1e9, 'roads', 'ex'),
    ];
    const result = await selectCandidates(
      candidates,
      { budget: 6e9, count: { max: 3 }, domainMin: { ocean: 1 }, domainMax: { roads: 2 }, mustExclude: ['F'] },
      { explain: true },
    );
    expect(result.selected).toEqual(['A', 'B', 'C']);
    const why = new Map(result.explanations!.map((e) => [e.id, e]));
    expect(why.get('C')).toMatchObject({ selected: true, binding: ['domainMin:ocean'], marginal: -5, marginalMethod: 'exact' });
    expect(why.get('A')).toMatchObject({ selected: true, binding: [], marginal: -7, scorePerMillion: 10 / 2000 });
    expect(why.get('A')!.reason).toMatch(/^in on merit/);
    expect(why.get('F')).toMatchObject({ selected: false, binding: ['mustExclude'], marginal: null, reason: 'out: must be excluded' });
    expect(why.get('E')!.binding).toEqual(['budget', 'count']);
    // Forced in, E (5 bn) leaves room for D alone, which the ocean minimum needs: 7 + 3 = 10, not 27.
    expect(why.get('E')!.marginal).toBe(-17);
    expect(why.get('D')!.binding).toEqual(['budget', 'count']);
    expect(why.get('D')!.marginal).toBe(-5); // D, A, B: 22 instead of 27
  });

  it('uses LP reduced costs as an estimate when asked, and says so', async () => {
    const candidates = Array.from({ length: 12 }, (_, i) => c(`E${i}`, 12 - i, 1e8));
    const result = await selectCandidates(candidates, { count: { max: 5 } }, { explain: { marginal: 'estimate' } });
    const why = result.explanations!;
    expect(why.every((e) => e.marginalMethod === 'lp-estimate')).toBe(true);
    expect(why.find((e) => e.id === 'E0')!.marginal).toBeCloseTo(-5, 6); // 12 out, the sixth (7) in
    // Exactly −7 (1 in, the fifth, 8, out); the LP's count price lies anywhere in [7, 8], so the
    // estimate is between −7 and −6: an estimate, as it says.
    const e11 = why.find((e) => e.id === 'E11')!.marginal!;
    expect(e11).toBeGreaterThanOrEqual(-7 - 1e-9);
    expect(e11).toBeLessThanOrEqual(-6 + 1e-9);
  });
});

describe('selection: sensitivity to the weights', () => {
  it('re-solves with each weight ±10 % and reports who enters and leaves', async () => {
    const weights = { demand: 0.5, quality: 0.5 };
    const rows: Array<[string, number, number]> = [
      ['P', 100, 0],
      ['Q', 0, 96],
      ['R', 52, 52],
      ['S', 49, 49],
    ];
    const candidates = rows.map(([id, d, q]) => c(id, 0.5 * d + 0.5 * q, 1e8, 'x', id, 'text', { demand: d, quality: q }));
    const result = await selectCandidates(candidates, { count: { exact: 2 } }, { weights });
    expect(result.selected).toEqual(['P', 'R']); // P 50, Q 48, R 52, S 49
    const moves = result.sensitivity!;
    expect(moves).toHaveLength(4);
    const up = moves.find((m) => m.criterion === 'quality' && m.change > 0)!;
    expect(up.weights.demand! + up.weights.quality!).toBeCloseTo(1, 12);
    expect(up.entering).toEqual(['Q']);
    expect(up.leaving).toEqual(['P']);
    const demandUp = moves.find((m) => m.criterion === 'demand' && m.change > 0)!;
    expect(demandUp.entering).toEqual([]);
    expect(demandUp.objective).toBeCloseTo((0.55 * 100) / 1.05 + 52, 10);
  });
});
