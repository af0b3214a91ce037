/** The facet counter against counting each document's values one by one. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CombinationCount, FacetCombination } from './catalog.repository.js';
import { createFacetCounter, FACETS, type FacetCount, type FacetName } from './facet-counter.js';

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
const combination: fc.Arbitrary<FacetCombination> = fc
  .record({
    org: pick(['org-a', 'org-b', 'org-c']),
    domain: pick(['transport', 'health', null]),
    modality: pick(['tabular', 'text', null]),
    readiness: pick(['ready', 'raw', null]),
    provision_scope: pick(['open', 'conditional', null]),
    personal_info: pick(['none', 'pseudonymised', null]),
    year: pick([2019, 2020, null]),
    formats: fc.subarray(['CSV', 'JSON', 'XLSX']).map((list) => (list.length === 0 ? '' : `|${list.join('|')}|`)),
  })
  .map(({ org, ...rest }) => ({ ...rest, org_id: org, agency: `${org} 기관` }));

/** Counting the naive way: every value of every document. */
function expected(rows: readonly CombinationCount[]): Record<FacetName, FacetCount[]> {
  const tally = Object.fromEntries(FACETS.map((f) => [f, new Map<string, number>()])) as Record<FacetName, Map<string, number>>;
  const add = (facet: FacetName, value: string | number | null, n: number) => {
    if (value !== null) tally[facet].set(String(value), (tally[facet].get(String(value)) ?? 0) + n);
  };
  for (const { combination: c, count } of rows) {
    add('domain', c.domain, count);
    add('agency', c.org_id, count);
    add('modality', c.modality, count);
    add('readiness', c.readiness, count);
    add('provisionScope', c.provision_scope, count);
    add('personalInfo', c.personal_info, count);
    add('year', c.year, count);
    for (const format of c.formats.split('|')) if (format !== '') add('format', format, count);
  }
  return Object.fromEntries(
    FACETS.map((facet) => [
      facet,
      [...tally[facet]]
        .map(([value, count]) => (facet === 'agency' ? { value, label: `${value} 기관`, count } : { value, count }))
        .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)),
    ]),
  ) as Record<FacetName, FacetCount[]>;
}

describe('createFacetCounter', () => {
  it('counts what counting every value gives, the same combination objects counted again and again', () => {
    fc.assert(
      fc.property(
        fc.array(combination, { minLength: 1, maxLength: 30 }),
        fc.array(fc.array(fc.tuple(fc.nat(40), fc.integer({ min: 1, max: 50 })), { maxLength: 40 }), { minLength: 1, maxLength: 4 }),
        (combinations, searches) => {
          const count = createFacetCounter();
          for (const search of searches) {
            const rows = search.map(([i, n]) => ({ combination: combinations[i % combinations.length]!, count: n }));
            expect(count(rows)).toEqual(expected(rows));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('lists every facet, in the API order, empty when nothing matched', () => {
    const counts = createFacetCounter()([]);
    expect(Object.keys(counts)).toEqual([...FACETS]);
    expect(Object.values(counts).every((list) => list.length === 0)).toBe(true);
  });

  it('names an agency by the combination numbered last (a renamed agency shows its new name)', () => {
    const count = createFacetCounter();
    const base = { domain: null, modality: null, readiness: null, provision_scope: null, personal_info: null, year: null, formats: '' };
    count([{ combination: { ...base, org_id: 'o1', agency: '옛 이름' }, count: 1 }]);
    const renamed = count([{ combination: { ...base, org_id: 'o1', agency: '새 이름' }, count: 2 }]);
    expect(renamed.agency).toEqual([{ value: 'o1', label: '새 이름', count: 2 }]);
  });
});
