import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../test/support/cli.js';
import { anonymizeCounts, anonymizeTable, TargetUnreachableError, type QuasiIdentifier } from './anonymize.js';
import { openCsvRecords } from './csv-file.js';
import {
  addressHierarchy,
  ageHierarchy,
  categoricalHierarchy,
  dateHierarchy,
  numericRangeHierarchy,
  type Hierarchy,
} from './hierarchies.js';
import { buildLegalDongIndex, type LegalDongIndex } from './legal-dong.js';
import { equivalenceClasses } from './measures.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/datago-tabular');

async function readAll(file: string): Promise<{ header: string[]; rows: string[][] }> {
  const { header, records } = await openCsvRecords(file);
  const rows: string[][] = [];
  for await (const r of records) rows.push(r);
  return { header, rows };
}

// ---- An independent reference, written from the definitions and sharing no code with the library ----

/** Sizes of the groups of identical tuples of the given columns. */
function groupSizes(rows: readonly (readonly string[])[], columns: readonly number[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const row of rows) {
    const key = JSON.stringify(columns.map((c) => row[c]));
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
  }
  return sizes;
}

/** k of a table: the smallest group of identical quasi-identifier tuples. */
function independentK(rows: readonly (readonly string[])[], columns: readonly number[]): number {
  return Math.min(...groupSizes(rows, columns).values());
}

/**
 * Exhaustive search: tries every combination of levels, generalises each row, suppresses groups
 * smaller than k, and computes NCP from its definition. Returns the least loss (or undefined).
 */
function bruteForceLeastLoss(values: readonly (readonly string[])[], hierarchies: readonly Hierarchy[], k: number, maxSuppression: number) {
  const n = values.length;
  const width = hierarchies.length;
  const leaves = hierarchies.map((_, a) => new Set(values.map((v) => v[a])).size);
  let best: { loss: number; levels: number[] } | undefined;
  const visit = (levels: number[]) => {
    const generalized = values.map((v) => v.map((x, a) => hierarchies[a]!.generalize(x, levels[a]!)));
    const sizes = groupSizes(generalized, [...Array(width).keys()]);
    const suppressed = generalized.filter((g) => sizes.get(JSON.stringify(g))! < k).length;
    if (suppressed > Math.floor(maxSuppression * n + 1e-9)) return;
    let total = suppressed * width;
    for (let a = 0; a < width; a++) {
      const members = new Map<string, Set<string>>();
      values.forEach((v, r) => {
        const g = generalized[r]![a]!;
        if (!members.has(g)) members.set(g, new Set());
        members.get(g)!.add(v[a]!);
      });
      generalized.forEach((g) => {
        if (sizes.get(JSON.stringify(g))! < k) return;
        total += leaves[a]! > 1 ? (members.get(g[a]!)!.size - 1) / (leaves[a]! - 1) : 0;
      });
    }
    const loss = total / (n * width);
    if (!best || loss < best.loss - 1e-12) best = { loss, levels };
  };
  const walk = (prefix: number[]) => {
    if (prefix.length === width) return visit(prefix);
    for (let l = 0; l < hierarchies[prefix.length]!.levels.length; l++) walk([...prefix, l]);
  };
  walk([]);
  return best;
}

/** Checks a released table against its source: k reached, suppression within budget, full-domain levels applied. */
function checkRelease(
  source: { header: readonly string[]; rows: readonly (readonly string[])[] },
  released: readonly (readonly string[])[],
  quasi: readonly QuasiIdentifier[],
  levels: readonly number[],
  k: number,
  maxSuppression: number,
) {
  const at = quasi.map((q) => source.header.indexOf(q.column));
  expect(independentK(released, at)).toBeGreaterThanOrEqual(k);
  expect(source.rows.length - released.length).toBeLessThanOrEqual(Math.floor(maxSuppression * source.rows.length));
  // Every released value is its column's hierarchy at the chosen level, applied to some source value.
  quasi.forEach((q, a) => {
    const allowed = new Set(source.rows.map((r) => q.hierarchy.generalize(r[at[a]!]!, levels[a]!)));
    for (const r of released) expect(allowed.has(r[at[a]!]!)).toBe(true);
  });
}

describe('anonymizeCounts on small tables', () => {
  const people = {
    header: ['나이', '성별', '병명'],
    rows: [
      ['34', '남', '감기'],
      ['36', '남', '당뇨'],
      ['31', '남', '감기'],
      ['52', '여', '고혈압'],
      ['57', '여', '감기'],
      ['58', '여', '당뇨'],
      ['90', '남', '암'],
    ],
  };
  const quasi = [
    { column: '나이', hierarchy: ageHierarchy() },
    { column: '성별', hierarchy: categoricalHierarchy() },
  ];

  it('generalises ages to bands, suppresses the outlier and reports loss, before and after', () => {
    const { table, result } = anonymizeTable(people, quasi, { k: 3, maxSuppression: 0.15, sensitive: '병명' });
    expect(result.levels.map((l) => l.levelName)).toEqual(['10-year', 'exact']);
    expect(table.rows.map((r) => r.slice(0, 2))).toEqual([
      ['30-39', '남'],
      ['30-39', '남'],
      ['30-39', '남'],
      ['50-59', '여'],
      ['50-59', '여'],
      ['50-59', '여'],
    ]);
    expect(result.suppressedRecords).toBe(1);
    expect(result.before.k).toBe(1);
    expect(result.after).toMatchObject({ k: 3, records: 6, classes: 2, lDiversity: { distinct: 2 } });
    // Each age cell stands for 3 of the 7 distinct ages: NCP (3−1)/(7−1) = 1/3; sex exact: 0; the suppressed row: 2 cells × 1.
    expect(result.loss.ncp).toBeCloseTo((6 * (1 / 3) + 2) / (7 * 2), 12);
    expect(result.loss.discernibility).toBe(9 + 9 + 7);
  });

  it('with no suppression allowed, climbs until the outlier joins a class', () => {
    const { table, result } = anonymizeTable(people, quasi, { k: 3, maxSuppression: 0 });
    expect(result.suppressedRecords).toBe(0);
    expect(independentK(table.rows, [0, 1])).toBeGreaterThanOrEqual(3);
  });

  it('throws TargetUnreachableError when there are fewer records than k', () => {
    expect(() => anonymizeTable(people, quasi, { k: 8, maxSuppression: 0 })).toThrow(TargetUnreachableError);
  });

  it('finds the least loss of all feasible nodes, like an exhaustive search (property)', () => {
    const hierarchies = [ageHierarchy(), categoricalHierarchy(), dateHierarchy()];
    const row = fc.tuple(
      fc.integer({ min: 18, max: 70 }).map(String),
      fc.constantFrom('남', '여'),
      fc.date({ min: new Date('2015-01-01'), max: new Date('2024-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    );
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(0, 0.05, 0.2),
        (rows, k, maxSuppression) => {
          const q = hierarchies.map((hierarchy, a) => ({ column: String(a), hierarchy }));
          const reference = bruteForceLeastLoss(rows, hierarchies, k, maxSuppression);
          if (!reference) {
            expect(() => anonymizeCounts(equivalenceClasses(rows, [0, 1, 2]), q, { k, maxSuppression })).toThrow(TargetUnreachableError);
            return;
          }
          const { table, result } = anonymizeTable({ header: ['0', '1', '2'], rows }, q, { k, maxSuppression });
          expect(result.loss.ncp).toBeCloseTo(reference.loss, 9);
          checkRelease(
            { header: ['0', '1', '2'], rows },
            table.rows,
            q,
            result.levels.map((l) => l.level),
            k,
            maxSuppression,
          );
          expect(result.after.k).toBe(table.rows.length ? independentK(table.rows, [0, 1, 2]) : 0);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('anonymizeTable on real Korean tables', () => {
  let index: LegalDongIndex;
  beforeAll(async () => {
    const legal = await readAll(path.join(FIXTURES, '국토교통부_전국 법정동/국토교통부_전국 법정동.csv'));
    index = buildLegalDongIndex([legal.header, ...legal.rows]);
  });

  it('산후조리업: address (법정동), licence date and capacity reach k=5 and k=10 at the least NCP', async () => {
    const source = await readAll(path.join(FIXTURES, '행정안전부_산후조리업/fulldata_01_01_04_P_산후조리업.csv'));
    const quasi: QuasiIdentifier[] = [
      { column: '소재지전체주소', hierarchy: addressHierarchy(index) },
      { column: '인허가일자', hierarchy: dateHierarchy() },
      { column: '임산부정원수', hierarchy: numericRangeHierarchy([5, 10, 50]) },
    ];
    const at = quasi.map((q) => source.header.indexOf(q.column));
    for (const k of [5, 10]) {
      const { table, result } = anonymizeTable(source, quasi, { k, maxSuppression: 0.05, sensitive: '영업상태명' });
      expect(result.before.k).toBe(independentK(source.rows, at));
      expect(result.before.k).toBeLessThan(k);
      checkRelease(
        source,
        table.rows,
        quasi,
        result.levels.map((l) => l.level),
        k,
        0.05,
      );
      const reference = bruteForceLeastLoss(
        source.rows.map((r) => at.map((i) => r[i]!)),
        quasi.map((q) => q.hierarchy),
        k,
        0.05,
      )!;
      expect(result.loss.ncp).toBeCloseTo(reference.loss, 9);
      expect(result.search.evaluated).toBeLessThan(result.search.nodes);
      console.log(
        `산후조리업 k=${k}: ${result.levels.map((l) => `${l.column}→${l.levelName}`).join(', ')}; NCP ${result.loss.ncp.toFixed(4)}, suppressed ${result.suppressedRecords}/${source.rows.length}, ` +
          `prosecutor max ${result.before.prosecutor.highest.toFixed(3)}→${result.after.prosecutor.highest.toFixed(3)}, avg ${result.before.prosecutor.average.toFixed(3)}→${result.after.prosecutor.average.toFixed(3)}; ` +
          `evaluated ${result.search.evaluated}/${result.search.nodes} nodes`,
      );
    }
  });

  it('도로교통공단 사망 교통사고 (CP949): place (시도 시군구), time, parties reach k=5', async () => {
    const raw = await readAll(path.join(FIXTURES, '도로교통공단_사망 교통사고 정보/도로교통공단_사망 교통사고 정보_20201231.csv'));
    // The file splits the place into 시도 (short names: 서울, 경기) and 시군구; the hierarchy reads them as one address.
    const [sido, sigungu] = [raw.header.indexOf('발생지시도'), raw.header.indexOf('발생지시군구')];
    const source = { header: [...raw.header, '발생지'], rows: raw.rows.map((r) => [...r, `${r[sido]} ${r[sigungu]}`]) };
    const quasi: QuasiIdentifier[] = [
      { column: '발생지', hierarchy: addressHierarchy(index) },
      { column: '발생년월일시', hierarchy: dateHierarchy() },
      { column: '가해자_당사자종별', hierarchy: categoricalHierarchy() },
      { column: '피해자_당사자종별', hierarchy: categoricalHierarchy() },
    ];
    const place = addressHierarchy(index);
    const resolved = source.rows.filter((r) => place.generalize(r.at(-1)!, 2).includes(' ')).length;
    expect(resolved / source.rows.length).toBeGreaterThan(0.95);
    const { table, result } = anonymizeTable(source, quasi, { k: 5, sensitive: '사고유형_대분류' });
    checkRelease(
      source,
      table.rows,
      quasi,
      result.levels.map((l) => l.level),
      5,
      0.05,
    );
    const at = quasi.map((q) => source.header.indexOf(q.column));
    const reference = bruteForceLeastLoss(
      source.rows.map((r) => at.map((i) => r[i]!)),
      quasi.map((q) => q.hierarchy),
      5,
      0.05,
    )!;
    expect(result.loss.ncp).toBeCloseTo(reference.loss, 9);
    expect(result.after.k).toBe(independentK(table.rows, at));
    console.log(
      `사망 교통사고 k=5: ${result.levels.map((l) => `${l.column}→${l.levelName}`).join(', ')}; NCP ${result.loss.ncp.toFixed(4)}, suppressed ${result.suppressedRecords}/${source.rows.length}, ` +
        `l ${result.after.lDiversity?.distinct}, t ${result.after.tCloseness?.t.toFixed(3)}; evaluated ${result.search.evaluated}/${result.search.nodes} nodes`,
    );
  });
});
