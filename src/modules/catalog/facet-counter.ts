/**
 * Facet counts from combinations of facet values (a search adds up some 3,000 of them per query at
 * a million documents). Each facet value gets a number the first time it is seen, and each
 * combination object its values' numbers the first time it is counted, so that counting adds into
 * arrays instead of looking strings up in maps, and a format cell ('|CSV|JSON|') is split once.
 * On SQLite the repository hands over the same object for the same combination on every search,
 * so that work is done once per combination, not once per search.
 */
import type { CombinationCount, FacetCombination } from './catalog.repository.js';

/** The data map's facets, in the order the API lists them. */
export const FACETS = ['domain', 'agency', 'modality', 'readiness', 'provisionScope', 'format', 'personalInfo', 'year'] as const;
export type FacetName = (typeof FACETS)[number];

export type FacetCount = { value: string; label?: string; count: number };

/** The facets read from one column of a combination, by facet. */
const COLUMN_OF = {
  domain: 'domain',
  agency: 'org_id',
  modality: 'modality',
  readiness: 'readiness',
  provisionScope: 'provision_scope',
  personalInfo: 'personal_info',
  year: 'year',
} as const satisfies Record<Exclude<FacetName, 'format'>, keyof FacetCombination>;
/** Facets by value-number slot: the column facets, then the format (a combination may hold several). */
const SLOTS = [...(Object.keys(COLUMN_OF) as Array<keyof typeof COLUMN_OF>), 'format'] as const;
const COLUMNS = Object.values(COLUMN_OF);
const FORMAT = COLUMNS.length;

const byCount = (a: FacetCount, b: FacetCount) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);

/**
 * A counter that remembers value numbers between calls (one per service).
 *
 * @example
 * const count = createFacetCounter();
 * count([{ combination: { domain: 'transport', formats: '|CSV|', … }, count: 3 }]).domain // [{ value: 'transport', count: 3 }]
 */
export function createFacetCounter(): (rows: readonly CombinationCount[]) => Record<FacetName, FacetCount[]> {
  const numbers = SLOTS.map(() => new Map<string, number>());
  const values: string[][] = SLOTS.map(() => []);
  /** An agency's name by organisation id: the name in the last combination numbered. */
  const agencyNames = new Map<string, string>();
  /** Per combination: a value number per column facet (-1: none), then its formats' numbers. */
  const numbered = new WeakMap<FacetCombination, Int32Array>();

  const numberOf = (facet: number, value: string) => {
    let n = numbers[facet]!.get(value);
    if (n === undefined) {
      n = values[facet]!.length;
      numbers[facet]!.set(value, n);
      values[facet]!.push(value);
    }
    return n;
  };

  function numbersOf(combination: FacetCombination): Int32Array {
    let ids = numbered.get(combination);
    if (ids) return ids;
    const formats = [...new Set(combination.formats.split('|').filter((f) => f !== ''))];
    ids = new Int32Array(COLUMNS.length + formats.length);
    COLUMNS.forEach((column, i) => {
      const value = combination[column];
      ids![i] = value === null ? -1 : numberOf(i, String(value));
    });
    formats.forEach((format, j) => (ids![COLUMNS.length + j] = numberOf(FORMAT, format)));
    agencyNames.set(combination.org_id, combination.agency);
    numbered.set(combination, ids);
    return ids;
  }

  return (rows) => {
    const rowNumbers = rows.map((row) => numbersOf(row.combination));
    const counts = values.map((list) => new Float64Array(list.length));
    rows.forEach(({ count }, r) => {
      const ids = rowNumbers[r]!;
      for (let i = 0; i < COLUMNS.length; i++) if (ids[i]! >= 0) counts[i]![ids[i]!]! += count;
      for (let j = COLUMNS.length; j < ids.length; j++) counts[FORMAT]![ids[j]!]! += count;
    });
    const out = Object.fromEntries(FACETS.map((facet) => [facet, []])) as unknown as Record<FacetName, FacetCount[]>;
    SLOTS.forEach((facet, i) => {
      const list: FacetCount[] = [];
      const facetCounts = counts[i]!;
      for (let n = 0; n < facetCounts.length; n++) {
        if (facetCounts[n] === 0) continue;
        const value = values[i]![n]!;
        list.push(
          facet === 'agency'
            ? { value, label: agencyNames.get(value) ?? value, count: facetCounts[n]! }
            : { value, count: facetCounts[n]! },
        );
      }
      out[facet] = list.sort(byCount);
    });
    return out;
  };
}
