/**
 * The census import engine on the real data.go.kr catalog (61,359 rows): read, decode, map and
 * validate with the `data-go-kr` mapping, no database. Prints rows per second (median of three runs),
 * peak RSS, and checks that a CP949 copy of the catalog imports to the same entries.
 *
 *   npx tsx bench/census/engine.bench.ts [CATALOG.csv] [--cp949 COPY.csv]
 *
 * Without --cp949 the copy is made here by encoding each row with the inverse of the engine's CP949
 * table (rows with a character CP949 lacks are left out, as saving from Excel would refuse them). For
 * an independent copy, make one with Python:
 *
 *   python3 -c "import sys; src, dst = sys.argv[1:]; out = open(dst, 'w', encoding='cp949', newline='')
 *   [out.write(l) for l in open(src, encoding='utf-8', newline='') if l.encode('cp949', 'ignore').decode('cp949') == l]" CATALOG.csv COPY.csv
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir, cpus, totalmem } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DuplicateIndex } from '../../src/modules/census/import/duplicates.js';
import { Cp949Decoder } from '../../src/modules/shared/encoding.js';
import { DATA_GO_KR_MAPPING } from '../../src/modules/census/import/mapping.js';
import type { ReadMeta } from '../../src/modules/census/import/types.js';
import { importRows, type MappedRow } from '../../src/modules/census/import/validate.js';

const DEFAULT_CATALOG = '../shared/data/datago-catalog/data-go-kr-catalog-20220630.csv';
const args = process.argv.slice(2);
const cp949Flag = args.indexOf('--cp949');
const givenCp949 = cp949Flag >= 0 ? args[cp949Flag + 1] : undefined;
const catalog = args.find((a, i) => !a.startsWith('--') && !(cp949Flag >= 0 && i === cp949Flag + 1)) ?? DEFAULT_CATALOG;
const MB = 1024 * 1024;

interface Run {
  rows: number;
  valid: number;
  seconds: number;
  encoding: string | undefined;
}

async function run(file: string, each?: (row: MappedRow) => void): Promise<Run> {
  const meta: ReadMeta = {};
  const started = performance.now();
  let rows = 0;
  let valid = 0;
  for await (const row of importRows(createReadStream(file), { mapping: DATA_GO_KR_MAPPING, fileName: file, meta })) {
    rows++;
    if (row.form) valid++;
    each?.(row);
  }
  return { rows, valid, seconds: (performance.now() - started) / 1000, encoding: meta.encoding };
}

/** A digest of an imported row without its row number (which shifts when rows are left out). */
function digest(row: MappedRow): string {
  const { row: _row, ...rest } = row;
  return createHash('sha256').update(JSON.stringify(rest)).digest('base64');
}

/** CP949 copy of a UTF-8 file, leaving out lines with characters CP949 lacks. */
async function makeCp949Copy(source: string, target: string): Promise<{ kept: number; dropped: number }> {
  const table = new Map<string, number>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x41; trail <= 0xfe; trail++) {
      const char = new Cp949Decoder().decode(Uint8Array.from([lead, trail]));
      if (char.length === 1 && char !== '\uFFFD' && !table.has(char)) table.set(char, (lead << 8) | trail);
    }
  }
  const out = createWriteStream(target);
  let kept = 0;
  let dropped = 0;
  for await (const line of createInterface({ input: createReadStream(source, 'utf-8'), crlfDelay: Infinity })) {
    const bytes: number[] = [];
    let ok = true;
    for (const char of `${line}\n`) {
      const code = char.charCodeAt(0);
      if (code < 0x80) bytes.push(code);
      else if (table.has(char)) bytes.push(table.get(char)! >> 8, table.get(char)! & 0xff);
      else {
        ok = false;
        break;
      }
    }
    if (!ok) {
      dropped++;
      continue;
    }
    kept++;
    if (!out.write(Buffer.from(bytes))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { kept, dropped };
}

async function main() {
  console.log(`census import engine on ${catalog}`);
  console.log(`${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}`);
  const baseRss = process.memoryUsage().rss;

  const runs: Run[] = [];
  for (let i = 0; i < 3; i++) runs.push(await run(catalog));
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  const median = sorted[1]!;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.log(
    `rows ${median.rows}, valid ${median.valid}, encoding ${median.encoding}; ` +
      `${Math.round(median.rows / median.seconds).toLocaleString('en')} rows/s (median of 3: ${runs.map((r) => r.seconds.toFixed(2)).join(' s, ')} s); ` +
      `peak RSS ${(peakRss / MB).toFixed(0)} MB (${(baseRss / MB).toFixed(0)} MB before reading)`,
  );

  // Likely duplicates over the whole catalog.
  const index = new DuplicateIndex();
  const started = performance.now();
  let flagged = 0;
  await run(catalog, (row) => {
    if (row.form && index.add(row.agency?.code ?? '', row.externalId ?? `row ${row.row}`, row.form.title, row.agency?.name).length > 0)
      flagged++;
  });
  console.log(
    `with the duplicate index: ${((performance.now() - started) / 1000).toFixed(2)} s, ${flagged} rows flagged as likely duplicates`,
  );

  // The same rows in CP949 import to the same entries.
  const byId = new Map<string, string>();
  await run(catalog, (row) => byId.set(row.externalId ?? '', digest(row)));
  const dir = mkdtempSync(path.join(tmpdir(), 'datadam-bench-'));
  try {
    let copy = givenCp949;
    if (copy === undefined) {
      copy = path.join(dir, 'catalog.cp949.csv');
      const { kept, dropped } = await makeCp949Copy(catalog, copy);
      console.log(`CP949 copy: ${kept - 1} rows (${dropped} left out: characters CP949 lacks)`);
    }
    let same = 0;
    const different: string[] = [];
    const result = await run(copy, (row) => {
      if (byId.get(row.externalId ?? '') === digest(row)) same++;
      else different.push(row.externalId ?? `row ${row.row}`);
    });
    console.log(
      `CP949 (${result.encoding}): ${result.rows} rows, ${same} identical to the UTF-8 import, ${different.length} different` +
        (different.length ? ` (${different.slice(0, 5).join(', ')}…)` : '') +
        `; ${Math.round(result.rows / result.seconds).toLocaleString('en')} rows/s`,
    );
    if (different.length > 0 || result.valid !== result.rows) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
