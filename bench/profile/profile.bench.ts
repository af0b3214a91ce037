/**
 * bench/profile: `profilePath` on a generated 10,000,000-row CSV (~1 GB: ids, Korean text, dates,
 * amounts, phone numbers, with defects sprinkled in), beside DuckDB's own `SUMMARIZE` over the same
 * file and a pure-JS streaming parse (papaparse), in the same run.
 *
 *   npx tsx bench/profile/profile.bench.ts          # full size; writes `## profile` in bench/RESULTS.md
 *   BENCH_PROFILE_ROWS=200000 npx tsx …              # a smaller file, to check the bench (RESULTS.md untouched)
 *   BENCH_PROFILE_ROUNDS=3 …                          # rounds (medians; default 3)
 *
 * Each measurement runs in its own process, so peak RSS (process.resourceUsage().maxRSS) is that
 * measurement's alone. The file is generated once into the OS temp folder and reused. Targets:
 * profile ≤ 1.5× SUMMARIZE, profile peak memory ≤ 2 GB.
 */
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { openDuckDb, sqlString } from '../../src/modules/refinery/duckdb.js';
import { profilePath } from '../../src/modules/refinery/profile/index.js';
import { writeResultsSection } from '../results.js';
import { seededRandom } from '../../src/core/random.js';

const FULL_ROWS = 10_000_000;
const ROWS = Number(process.env.BENCH_PROFILE_ROWS ?? FULL_ROWS);
const ROUNDS = Number(process.env.BENCH_PROFILE_ROUNDS ?? 3);
const DIR = path.join(os.tmpdir(), 'datadam-bench-profile');
const MB = 1024 * 1024;

type Kind = 'profile' | 'summarize' | 'papaparse';
interface Measurement {
  kind: Kind;
  seconds: number;
  peakRss: number;
  rows: number;
}

const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

const CITIES = [
  '서울특별시',
  '부산광역시',
  '대구광역시',
  '인천광역시',
  '광주광역시',
  '대전광역시',
  '울산광역시',
  '세종특별자치시',
  '경기도',
  '강원특별자치도',
];
const WORDS = ['데이터', '인공지능', '학습용', '공공', '개방', '품질', '정제', '표준', '활용', '구축'];

async function generate(file: string, rows: number): Promise<void> {
  const partial = `${file}.partial`;
  const out = createWriteStream(partial, { highWaterMark: 4 * MB });
  const next = seededRandom(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  out.write('id,관리번호,기관명,지역,설명,등록일,금액,전화번호,점수,상태\n');
  let batch = '';
  for (let i = 1; i <= rows; i++) {
    const r = next();
    const date = `20${10 + Math.floor(next() * 14)}-${String(1 + Math.floor(next() * 12)).padStart(2, '0')}-${String(1 + Math.floor(next() * 28)).padStart(2, '0')}`;
    const manage = r < 0.01 ? `${(1 + next() * 8).toFixed(5)}E+17` : String(200000000000000000 + i * 7919);
    const registered = r > 0.99 ? date.replaceAll('-', '.') : date; // 1% dotted dates
    const amount = Math.floor(next() * 10_000_000);
    const amountText = r > 0.5 && r < 0.505 ? `" ${amount.toLocaleString('en-US')} "` : String(amount);
    const description = `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} 사업 ${i % 1000}`;
    const phone = `0${2 + Math.floor(next() * 60)}-${100 + Math.floor(next() * 9000)}-${String(Math.floor(next() * 10000)).padStart(4, '0')}`;
    const score = r < 0.02 ? '' : (next() * 100).toFixed(2);
    batch += `${i},${manage},기관${i % 5000},${pick(CITIES)},${description},${registered},${amountText},${phone},${score},${r < 0.9 ? '운영' : '폐지'}\n`;
    if (batch.length > MB) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'finish');
  renameSync(partial, file);
}

// ── child processes: one measurement each ────────────────────────────────────────────────────────

async function measure(kind: Kind, file: string): Promise<Measurement> {
  const start = process.hrtime.bigint();
  let rows = 0;
  if (kind === 'profile') {
    const report = await profilePath(file, { workDir: DIR });
    if (report.files[0]?.error) throw new Error(report.files[0].error);
    rows = report.files[0]?.rows ?? 0;
  } else if (kind === 'summarize') {
    const db = await openDuckDb({ allowedDirectories: [DIR], memoryLimit: '1GB', tempDirectory: DIR });
    try {
      const summary = await db.all<{ count: number }>(`summarize select * from read_csv(${sqlString(file)})`);
      rows = Number(summary[0]?.count ?? 0);
    } finally {
      db.close();
    }
  } else {
    await new Promise<void>((resolve, reject) => {
      Papa.parse(createReadStream(file, { highWaterMark: MB }), {
        header: false,
        step: () => void rows++,
        complete: () => resolve(),
        error: (error: Error) => reject(error),
      });
    });
    rows -= 1; // the header
  }
  return { kind, seconds: since(start), peakRss: process.resourceUsage().maxRSS * 1024, rows };
}

function runChild(kind: Kind, file: string): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', kind, file],
      { maxBuffer: 16 * MB },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${kind} failed: ${error.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as Measurement);
        } catch {
          reject(new Error(`${kind} printed no result:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    const result = await measure(process.argv[3] as Kind, process.argv[4]!);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, `profile-${ROWS}.csv`);
  if (!existsSync(file)) {
    console.error(`generating ${ROWS.toLocaleString('en-US')} rows into ${file}…`);
    await generate(file, ROWS);
  }
  const bytes = statSync(file).size;
  console.error(`${file}: ${(bytes / MB).toFixed(0)} MB`);
  // A first SUMMARIZE warms the page cache so neither DuckDB run pays for the disk alone.
  await runChild('summarize', file);
  // Rounds in a rotating order, so drift in the machine's load falls on all three alike; medians.
  const kinds = ['summarize', 'profile', 'papaparse'] as const;
  const runs: Record<Kind, Measurement[]> = { summarize: [], profile: [], papaparse: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(round + k) % kinds.length]!;
      const run = await runChild(kind, file);
      runs[kind].push(run);
      console.error(
        `round ${round + 1} ${kind}: ${run.seconds.toFixed(2)} s, peak RSS ${(run.peakRss / MB).toFixed(0)} MB, ${run.rows} rows`,
      );
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const results = Object.fromEntries(
    kinds.map((kind) => [
      kind,
      { ...runs[kind][0]!, seconds: median(runs[kind].map((r) => r.seconds)), peakRss: Math.max(...runs[kind].map((r) => r.peakRss)) },
    ]),
  ) as Record<Kind, Measurement>;
  const ratios = runs.profile.map((r, i) => r.seconds / runs.summarize[i]!.seconds);
  const ratio = results.profile.seconds / results.summarize.seconds;
  const lines = [
    '## profile',
    '',
    `\`bench/profile/profile.bench.ts\` on ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}: a generated CSV of ${ROWS.toLocaleString('en-US')} rows, ${(bytes / MB).toFixed(0)} MB (10 columns: ids, Excel-mangled ids, Korean text, dates with 1% dotted, amounts with stray spaces, phones, scores with 2% empty). Each run in its own process, ${ROUNDS} rounds in a rotating order: median seconds, the largest peak RSS (process.resourceUsage()).`,
    '',
    '| run | seconds | peak RSS (MB) | vs SUMMARIZE |',
    '| --- | ---: | ---: | ---: |',
    ...(['summarize', 'profile', 'papaparse'] as const).map(
      (k) =>
        `| ${k === 'summarize' ? 'DuckDB `SUMMARIZE SELECT * FROM read_csv(…)`' : k === 'profile' ? '`profilePath` (100k-row inspection, one pass over the file)' : 'papaparse streaming parse (no profiling)'} | ${results[k].seconds.toFixed(2)} | ${(results[k].peakRss / MB).toFixed(0)} | ${(results[k].seconds / results.summarize.seconds).toFixed(2)}× |`,
    ),
    '',
    `Targets: profile ≤ 1.5× SUMMARIZE (${ratio <= 1.5 ? 'met' : 'missed'}: ${ratio.toFixed(2)}×; round by round ${ratios.map((r) => r.toFixed(2)).join(', ')}), peak memory ≤ 2 GB (${results.profile.peakRss <= 2 * 1024 * MB ? 'met' : 'missed'}: ${(results.profile.peakRss / MB).toFixed(0)} MB).`,
    '',
  ];
  console.log(lines.join('\n'));
  if (ROWS === FULL_ROWS) writeResultsSection('profile', lines.join('\n'));
  else console.error('(a reduced run: bench/RESULTS.md left as it was)');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
