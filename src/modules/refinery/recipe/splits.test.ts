import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../duckdb.js';
import { activeSplits, assignSplits, splitCuts, splitSelectSql, type SplitRow } from './splits.js';

const ratiosArbitrary = fc
  .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }))
  .filter(([a, b, c]) => a + b + c > 0)
  .map(([a, b, c]) => {
    const total = a + b + c;
    return { train: a / total, validation: b / total, test: c / total };
  });

const rowsArbitrary = fc.array(
  fc.record({
    key: fc.option(fc.string({ maxLength: 6 }), { nil: null }),
    stratum: fc.option(fc.constantFrom('a', 'b', 'c', 'null'), { nil: null }),
  }),
  { maxLength: 200 },
);

describe('splitCuts', () => {
  it('cuts at rounded cumulative shares and always ends at n', () => {
    expect(splitCuts(10, { train: 0.8, validation: 0.1, test: 0.1 })).toEqual([8, 9, 10]);
    expect(splitCuts(3, { train: 0.5, test: 0.5 })).toEqual([2, 3]);
    expect(splitCuts(0, { train: 0.7, validation: 0.3 })).toEqual([0, 0]);
  });
});

describe('assignSplits', () => {
  it('is deterministic, puts every row in exactly one split, and keeps each stratum within one row of its share', () => {
    fc.assert(
      fc.property(rowsArbitrary, ratiosArbitrary, fc.integer(), (rows, ratios, seed) => {
        const config = { ratios, seed };
        const first = assignSplits(rows, config);
        expect(assignSplits(rows, config)).toEqual(first);
        expect(first).toHaveLength(rows.length);
        const names = activeSplits(config);
        for (const split of first) expect(names).toContain(split);
        for (const stratum of new Set(rows.map((r) => r.stratum))) {
          const members = first.filter((_, i) => rows[i]!.stratum === stratum);
          for (const name of names) {
            const count = members.filter((s) => s === name).length;
            expect(Math.abs(count - members.length * (ratios[name] ?? 0))).toBeLessThanOrEqual(1);
          }
        }
      }),
    );
  });

  it('moves rows only when the seed changes, and keeps rows with one key together when the key decides', () => {
    const rows: SplitRow[] = Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, stratum: null }));
    const config = { ratios: { train: 0.5, test: 0.5 }, seed: 1 };
    expect(assignSplits(rows, { ...config, seed: 2 })).not.toEqual(assignSplits(rows, config));
    // A row's split depends on its key, not its position (within one stratum of the same size).
    const reversed = [...rows].reverse();
    expect(assignSplits(reversed, config)).toEqual([...assignSplits(rows, config)].reverse());
  });
});

describe('splitSelectSql', () => {
  it('gives in DuckDB the same split as assignSplits', async () => {
    const db = await openDuckDb({ allowedDirectories: [], threads: 1 });
    try {
      await fc.assert(
        fc.asyncProperty(
          rowsArbitrary,
          ratiosArbitrary,
          fc.oneof(fc.integer(), fc.string({ maxLength: 4 })),
          async (rows, ratios, seed) => {
            await db.run('create or replace temp table t (r bigint, k varchar, label varchar)');
            for (const [i, row] of rows.entries()) await db.run('insert into t values ($1, $2, $3)', [i + 1, row.key, row.stratum]);
            const sql = splitSelectSql('t', 'r', 'split', { ratios, seed, key: 'k', stratify: 'label' });
            const got = (await db.all<{ split: string }>(`select split from (${sql}) order by r`)).map((r) => r.split);
            expect(got).toEqual(assignSplits(rows, { ratios, seed }));
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      db.close();
    }
  });
});
