/**
 * Equivalence-class counts of a large CSV computed by DuckDB: one GROUP BY over the finest
 * quasi-identifier values (and the sensitive value), read in parallel at DuckDB's speed. The
 * generalisation search then rolls these counts up in memory for every lattice node, so the file
 * is scanned once whatever the number of nodes. DuckDB reads UTF-8 only: other encodings go
 * through the streaming reader (`openCsvRecords` with `ClassCounter`), which gives the same classes.
 */
import { open } from 'node:fs/promises';
import path from 'node:path';
import { openDuckDb, sqlIdentifier, sqlString } from '../../refinery/duckdb.js';
import { detectEncoding, SNIFF_BYTES } from '../../shared/encoding.js';
import type { EquivalenceClass } from './measures.js';
import { KEY_SEPARATOR } from './measures.js';

/**
 * Whether DuckDB can read the file as it is (UTF-8 with or without a byte-order mark).
 *
 * @example await isUtf8File('사망사고.csv') // false for a CP949 file
 */
export async function isUtf8File(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    const encoding = detectEncoding(buffer.subarray(0, bytesRead));
    return encoding === 'utf-8' || encoding === 'utf-8-bom';
  } finally {
    await handle.close();
  }
}

/**
 * Counts the equivalence classes of a UTF-8 CSV file over `quasi` (column names), with the counts
 * of `sensitive`'s values in each, through one DuckDB GROUP BY. Empty cells count as ''.
 *
 * @example
 * const classes = await countClassesWithDuckDb('/data/visits.csv', ['연령', '성별'], '진단명');
 * measureRisk(classes, { targetK: 5 }).k;
 */
export async function countClassesWithDuckDb(
  file: string,
  quasi: readonly string[],
  sensitive?: string,
  options: { threads?: number; memoryLimit?: string } = {},
): Promise<EquivalenceClass[]> {
  if (!(await isUtf8File(file))) throw new Error(`${file} is not UTF-8: DuckDB cannot read it as it is`);
  const db = await openDuckDb({ allowedDirectories: [path.dirname(path.resolve(file))], ...options });
  try {
    const columns = [...quasi, ...(sensitive !== undefined ? [sensitive] : [])];
    const selected = columns.map((c, i) => `coalesce(${sqlIdentifier(c)}, '') as c${i}`).join(', ');
    const relation = `read_csv(${sqlString(path.resolve(file))}, all_varchar = true, header = true, quote = '"', escape = '"', null_padding = true)`;
    const rows = await db.all<Record<string, string | number>>(`select ${selected}, count(*) as n from ${relation} group by all`);
    const classes = new Map<string, { key: string[]; size: number; sensitive?: Map<string, number> }>();
    for (const row of rows) {
      const key = quasi.map((_, i) => String(row[`c${i}`]));
      const id = key.join(KEY_SEPARATOR);
      let found = classes.get(id);
      if (!found) {
        found = sensitive === undefined ? { key, size: 0 } : { key, size: 0, sensitive: new Map() };
        classes.set(id, found);
      }
      const n = Number(row.n);
      found.size += n;
      if (sensitive !== undefined) {
        const value = String(row[`c${quasi.length}`]);
        found.sensitive!.set(value, (found.sensitive!.get(value) ?? 0) + n);
      }
    }
    return [...classes.values()];
  } finally {
    db.close();
  }
}
