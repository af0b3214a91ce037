/**
 * Deterministic, stratified train/validation/test splits. Within each stratum (one value of the
 * label column) the rows are ordered by SHA-256(seed, key) and cut at the rounded cumulative
 * proportions, so every split holds its share of every label to within one row, the same recipe
 * always gives the same split, and adding a split ratio never reshuffles rows randomly. The same
 * rule exists twice: as a plain function (`assignSplits`, for tests and small lists) and as SQL
 * (`splitSelectSql`, for files of any size); a test keeps them in agreement.
 */
import { createHash } from 'node:crypto';
import { sqlIdentifier, sqlString } from '../duckdb.js';
import type { SplitConfig, SplitName } from './recipe.js';

/** The splits in the order they are cut. */
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'validation', 'test'];

/** The splits a config uses (a ratio above 0), in cutting order. */
export function activeSplits(config: Pick<SplitConfig, 'ratios'>): SplitName[] {
  return SPLIT_NAMES.filter((name) => (config.ratios[name] ?? 0) > 0);
}

/**
 * Cumulative cut points for a stratum of `n` rows: rows ranked 1…cut[0] go to the first split, and
 * so on; the last is always `n`. Each split's count is within 1 of `n × ratio`, because each cut is
 * within ½ of the exact cumulative share.
 *
 * @example splitCuts(10, { train: 0.8, validation: 0.1, test: 0.1 }) // [8, 9, 10]
 */
export function splitCuts(n: number, ratios: SplitConfig['ratios']): number[] {
  const names = activeSplits({ ratios });
  let cumulative = 0;
  return names.map((name, index) => {
    cumulative += ratios[name] ?? 0;
    return index === names.length - 1 ? n : Math.round(n * cumulative);
  });
}

/**
 * The hash that orders rows within a stratum: SHA-256 of the seed, a unit separator, and the key.
 *
 * @example splitHash(42, 'A-1').length // 64
 */
export function splitHash(seed: string | number, key: string | null): string {
  return createHash('sha256')
    .update(`${String(seed)}\u001f${key ?? '\u0000'}`)
    .digest('hex');
}

export interface SplitRow {
  /** The key value as text (the row number when the split has no key column). */
  key: string | null;
  /** The label value as text, or null (null is a stratum of its own). */
  stratum: string | null;
}

/**
 * The split of each row, in the order given (rows are numbered 1… in that order, which breaks ties
 * between equal keys).
 *
 * @example assignSplits([{ key: 'a', stratum: null }, { key: 'b', stratum: null }], { ratios: { train: 0.5, test: 0.5 }, seed: 1 })
 */
export function assignSplits(rows: readonly SplitRow[], config: Pick<SplitConfig, 'ratios' | 'seed'>): SplitName[] {
  const names = activeSplits(config);
  if (names.length === 0) throw new Error('A split needs at least one ratio above 0');
  const strata = new Map<string, number[]>();
  rows.forEach((row, index) => {
    // JSON keeps null apart from the text "null".
    const stratumKey = JSON.stringify(row.stratum);
    let members = strata.get(stratumKey);
    if (!members) strata.set(stratumKey, (members = []));
    members.push(index);
  });
  const out = new Array<SplitName>(rows.length);
  for (const members of strata.values()) {
    const ranked = members
      .map((index) => ({ index, hash: splitHash(config.seed, rows[index]!.key) }))
      .sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : a.index - b.index));
    const cuts = splitCuts(ranked.length, config.ratios);
    ranked.forEach(({ index }, rank) => {
      const split = cuts.findIndex((cut) => rank + 1 <= cut);
      out[index] = names[split]!;
    });
  }
  return out;
}

/**
 * A SELECT over `source` (which must have a BIGINT row-number column `rowColumn`, numbered from 1)
 * adding a `splitColumn` with the split name of each row, by the same rule as `assignSplits`.
 * Column names reach SQL only through sqlIdentifier, the seed only through sqlString.
 *
 * @example splitSelectSql('refined', '__row', '__split', { ratios: { train: 0.8, test: 0.2 }, seed: 7, stratify: 'label' })
 */
export function splitSelectSql(
  source: string,
  rowColumn: string,
  splitColumn: string,
  config: Pick<SplitConfig, 'ratios' | 'seed' | 'key' | 'stratify'>,
): string {
  const names = activeSplits(config);
  if (names.length === 0) throw new Error('A split needs at least one ratio above 0');
  const row = sqlIdentifier(rowColumn);
  const key = config.key === undefined ? `cast(${row} as varchar)` : `cast(${sqlIdentifier(config.key)} as varchar)`;
  const hash = `sha256(${sqlString(`${String(config.seed)}\u001f`)} || coalesce(${key}, chr(0)))`;
  const partition = config.stratify === undefined ? '' : `partition by ${sqlIdentifier(config.stratify)}`;
  const rank = `row_number() over (${partition} order by ${hash}, ${row})`;
  const size = `count(*) over (${partition})`;
  // Same arithmetic as splitCuts: round(n × cumulative share) in doubles, half away from zero
  // (Math.round and DuckDB's round agree for positive numbers).
  let cumulative = 0;
  const branches = names.slice(0, -1).map((name) => {
    cumulative += config.ratios[name] ?? 0;
    return `when ${rank} <= round(${size} * cast(${String(cumulative)} as double)) then ${sqlString(name)}`;
  });
  const last = sqlString(names[names.length - 1]!);
  const choice = branches.length ? `case ${branches.join(' ')} else ${last} end` : last;
  return `select *, ${choice} as ${sqlIdentifier(splitColumn)} from ${source}`;
}
