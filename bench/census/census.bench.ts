/**
 * bench/census: the data.go.kr catalog (61,359 rows) through the real import path, rows per second,
 * beside a raw batched INSERT of the same rows into the same engine in the same run; the import's
 * peak memory on the catalog and on a file four times its size; the near-duplicate pass.
 *
 *   npx tsx bench/census/census.bench.ts [CATALOG.csv]   # starts its own durable PostgreSQL
 *   DATADAM_BENCH_PG=postgres://… npx tsx …               # or uses a server already running (admin URL)
 *   BENCH_CENSUS_ROUNDS=5 …                               # rounds (default 3)
 *
 * Each measurement runs in its own process (node --max-semi-space-size=64, as bin/datadam.js runs
 * the CLI) on a fresh, migrated database, so no run inherits another's heap, JIT state or page cache:
 *
 * - import: `openPlatform`, then `platform.censusFiles.importEntries` on a file stream with the
 *   `data-go-kr` mapping and status 'accepted', timed from the call to its return (reading, decoding,
 *   mapping, validating, creating the 992 agencies, the existence checks, the inserts, the same-title
 *   duplicate statement and the commit).
 * - raw: the same rows, built beforehand as `census_entries` rows by `importedEntryRow` (so the
 *   columns and values are the import's), with their agencies already there; timed are only the
 *   multi-row INSERTs with the plain driver (better-sqlite3: one prepared statement reused for every
 *   full chunk; pg: one named prepared statement likewise) inside one transaction, and its commit.
 * - memory: peak RSS (process.resourceUsage().maxRSS) of an import process at the end of the import,
 *   on the catalog and on a 4× file made from it with unique keys and titles.
 * - duplicates: `flagSimilarTitles(report.orgIds)` after the import, timed separately.
 *
 * Durability is the application's: SQLite in WAL with synchronous=FULL (as openDatabase sets it),
 * PostgreSQL with its defaults (fsync and synchronous_commit on). Rounds interleave raw and import
 * runs (alternating which goes first) so drift in the machine's load falls on both; figures are medians.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import { parse } from 'csv-parse';
import pg from 'pg';
import type { Actor } from '../../src/core/auth/policy.js';
import { loadConfig, type DbConfig } from '../../src/core/config.js';
import { DEFAULT_DOMAINS } from '../../src/modules/census/census.form.js';
import type { ImportProgress } from '../../src/modules/census/census-files.service.js';
import { createCensusRepository } from '../../src/modules/census/census.repository.js';
import { importedEntryRow } from '../../src/modules/census/census.service.js';
import type { CensusEntryRow } from '../../src/modules/census/census.tables.js';
import { DATA_GO_KR_MAPPING } from '../../src/modules/census/import/mapping.js';
import { importRows } from '../../src/modules/census/import/validate.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrator.js';
import type { openPlatform } from '../../src/server/platform.js';
import { startPostgresHost, type PostgresHost } from '../postgres-host.js';
import { RESULTS_FILE, writeResultsSection } from '../results.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');
const DEFAULT_CATALOG = path.resolve(REPO_ROOT, '../shared/data/datago-catalog/data-go-kr-catalog-20220630.csv');
const ROUNDS = Number(process.env.BENCH_CENSUS_ROUNDS ?? 3);
const NODE_FLAGS = ['--max-semi-space-size=64'];
const SYSTEM: Actor = { kind: 'system', name: 'bench' };
const MB = 1024 * 1024;
/** Bind parameters per statement: SQLite's SQLITE_MAX_VARIABLE_NUMBER here, PostgreSQL's protocol limit. */
const MAX_PARAMETERS = { sqlite: 32_766, postgres: 65_535 } as const;

type Engine = 'sqlite' | 'postgres';

type Task =
  | {
      kind: 'import';
      file: string;
      db: DbConfig;
      dataDir: string;
      /** Time flagSimilarTitles after the import. */
      similar: boolean;
      /** Sample RSS every 5,000 rows (for the 4× file: does memory climb as rows pass?). */
      sampleRss: boolean;
    }
  | { kind: 'raw'; file: string; db: DbConfig };

interface Measurement {
  kind: Task['kind'];
  rows: number;
  seconds: number;
  /** Peak RSS of the process when the timed part ended, in bytes. */
  peakRss: number;
  /** RSS just before the timed part (after the modules loaded and the database opened), in bytes. */
  rssBefore: number;
  similarSeconds?: number;
  similarFlagged?: number;
  /** Median of the RSS samples in the first and in the last quarter of the rows, in bytes. */
  rssFirstQuarter?: number;
  rssLastQuarter?: number;
  rowsPerStatement?: number;
}

/** Seconds since `start`, from the monotonic clock. */
const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

// ── child processes: one measurement each ────────────────────────────────────────────────────────

async function runImport(task: Extract<Task, { kind: 'import' }>): Promise<Measurement> {
  const config = loadConfig(
    { ...process.env, LOG_LEVEL: 'warn' },
    { dataDir: task.dataDir, db: task.db.kind === 'postgres' ? task.db.url : task.db.file },
  );
  // The compiled build, as the `datadam` command runs it: from the sources, the import's worker
  // thread would first have to compile its TypeScript through tsx.
  const compiled = (await import(pathToFileURL(path.join(REPO_ROOT, 'dist/server/platform.js')).href)) as {
    openPlatform: typeof openPlatform;
  };
  const platform = await compiled.openPlatform(config);
  try {
    const rssBefore = process.memoryUsage().rss;
    const samples: number[] = [];
    const start = process.hrtime.bigint();
    const report = await platform.censusFiles.importEntries(SYSTEM, {
      ...(task.sampleRss
        ? { onProgress: (p: ImportProgress) => void (p.rows % 5000 === 0 && samples.push(process.memoryUsage.rss())) }
        : {}),
      source: createReadStream(task.file, { highWaterMark: MB }),
      fileName: path.basename(task.file),
      mapping: DATA_GO_KR_MAPPING,
      validRowsOnly: false,
      status: 'accepted',
    });
    const seconds = since(start);
    const peakRss = process.resourceUsage().maxRSS * 1024;
    if (!report.committed || report.rejected > 0 || report.imported !== report.rows) {
      throw new Error(`the import did not land whole: ${JSON.stringify({ ...report, errors: report.errors.slice(0, 3) })}`);
    }
    const measurement: Measurement = { kind: 'import', rows: report.imported, seconds, peakRss, rssBefore };
    if (samples.length >= 4) {
      const quarter = Math.floor(samples.length / 4);
      measurement.rssFirstQuarter = median(samples.slice(0, quarter));
      measurement.rssLastQuarter = median(samples.slice(-quarter));
    }
    if (task.similar) {
      const started = process.hrtime.bigint();
      const { flagged } = await platform.censusFiles.flagSimilarTitles(report.orgIds);
      measurement.similarSeconds = since(started);
      measurement.similarFlagged = flagged;
    }
    return measurement;
  } finally {
    await platform.close();
  }
}

/** The catalog's rows as the import would write them, with their agencies created (not timed). */
async function buildRows(file: string, db: DbConfig): Promise<CensusEntryRow[]> {
  const database = openDatabase(db);
  try {
    await migrateToLatest(database);
    const repo = createCensusRepository(database.db);
    const mapping = DATA_GO_KR_MAPPING.domains ? DATA_GO_KR_MAPPING : { ...DATA_GO_KR_MAPPING, domains: DEFAULT_DOMAINS };
    const at = new Date().toISOString();
    const rows: CensusEntryRow[] = [];
    await repo.transaction(async (tx) => {
      const agencies = new Map<string, { id: string; name: string }>();
      for await (const mapped of importRows(createReadStream(file, { highWaterMark: MB }), { mapping, fileName: path.basename(file) })) {
        const code = mapped.agency?.code;
        const name = mapped.agency?.name;
        if (!mapped.form || code === undefined || name === undefined) throw new Error(`row ${mapped.row} is not importable`);
        let org = agencies.get(code);
        if (!org) agencies.set(code, (org = await tx.findOrCreateAgency(code, name, at)));
        rows.push(
          importedEntryRow({
            orgId: org.id,
            agencyName: org.name,
            form: mapped.form,
            source: mapping.source,
            externalId: mapped.externalId ?? null,
            campaignId: null,
            status: 'accepted',
            by: null,
            at,
          }),
        );
      }
    });
    return rows;
  } finally {
    await database.close();
  }
}

function insertSql(columns: readonly string[], count: number, placeholder: (i: number) => string): string {
  const values: string[] = [];
  let n = 0;
  for (let r = 0; r < count; r++) values.push(`(${columns.map(() => placeholder(++n)).join(', ')})`);
  return `insert into census_entries (${columns.map((c) => `"${c}"`).join(', ')}) values ${values.join(', ')}`;
}

function parametersOf(rows: readonly CensusEntryRow[], columns: ReadonlyArray<keyof CensusEntryRow>): unknown[] {
  const parameters = new Array<unknown>(rows.length * columns.length);
  let i = 0;
  for (const row of rows) for (const column of columns) parameters[i++] = row[column];
  return parameters;
}

async function runRaw(task: Extract<Task, { kind: 'raw' }>): Promise<Measurement> {
  const rows = await buildRows(task.file, task.db);
  const columns = Object.keys(rows[0]!) as Array<keyof CensusEntryRow>;
  const engine: Engine = task.db.kind;
  const perStatement = Math.floor(MAX_PARAMETERS[engine] / columns.length);
  let seconds: number;
  let rssBefore: number;
  if (task.db.kind === 'sqlite') {
    const connection = new SqliteDatabase(task.db.file);
    try {
      // The pragmas openDatabase sets.
      connection.pragma('journal_mode = WAL');
      connection.pragma('foreign_keys = ON');
      connection.pragma('busy_timeout = 10000');
      connection.pragma('synchronous = FULL');
      rssBefore = process.memoryUsage().rss;
      const start = process.hrtime.bigint();
      const full = connection.prepare(insertSql(columns, perStatement, () => '?'));
      connection.exec('begin');
      for (let i = 0; i < rows.length; i += perStatement) {
        const chunk = rows.slice(i, i + perStatement);
        const statement = chunk.length === perStatement ? full : connection.prepare(insertSql(columns, chunk.length, () => '?'));
        statement.run(parametersOf(chunk, columns));
      }
      connection.exec('commit');
      seconds = since(start);
      const count = connection.prepare('select count(*) as n from census_entries').get() as { n: number };
      if (count.n !== rows.length) throw new Error(`raw SQLite insert: ${count.n} rows, expected ${rows.length}`);
    } finally {
      connection.close();
    }
  } else {
    const client = new pg.Client({ connectionString: task.db.url });
    await client.connect();
    try {
      rssBefore = process.memoryUsage().rss;
      const start = process.hrtime.bigint();
      const fullText = insertSql(columns, perStatement, (n) => `$${n}`);
      await client.query('begin');
      for (let i = 0; i < rows.length; i += perStatement) {
        const chunk = rows.slice(i, i + perStatement);
        const values = parametersOf(chunk, columns);
        if (chunk.length === perStatement) await client.query({ name: 'raw_full_chunk', text: fullText, values });
        else
          await client.query(
            insertSql(columns, chunk.length, (n) => `$${n}`),
            values,
          );
      }
      await client.query('commit');
      seconds = since(start);
      const count = await client.query<{ n: string }>('select count(*) as n from census_entries');
      if (Number(count.rows[0]?.n) !== rows.length)
        throw new Error(`raw PostgreSQL insert: ${count.rows[0]?.n} rows, expected ${rows.length}`);
    } finally {
      await client.end();
    }
  }
  return {
    kind: 'raw',
    rows: rows.length,
    seconds,
    peakRss: process.resourceUsage().maxRSS * 1024,
    rssBefore,
    rowsPerStatement: perStatement,
  };
}

// ── the parent: files, databases, rounds, results ────────────────────────────────────────────────

function runChild(task: Task): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [...NODE_FLAGS, '--import', 'tsx', fileURLToPath(import.meta.url), '--child', JSON.stringify(task)],
      { cwd: REPO_ROOT, maxBuffer: 16 * MB, env: { ...process.env, LOG_LEVEL: 'warn' } },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${task.kind} child failed: ${error.message}\n${stderr}`));
        const last = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve(JSON.parse(last) as Measurement);
        } catch {
          reject(new Error(`${task.kind} child printed no result:\n${stdout}\n${stderr}`));
        }
      },
    );
    child.stdin?.end();
  });
}

const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The catalog `times` over, each copy after the first with its own 목록키 and title; streamed, never whole in memory. */
async function writeMultiple(source: string, target: string, times: number): Promise<void> {
  const out = createWriteStream(target);
  let buffer = '';
  const write = async (line: string) => {
    buffer += line;
    if (buffer.length > MB) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  };
  for (let copy = 0; copy < times; copy++) {
    let header: string[] | undefined;
    for await (const cells of createReadStream(source).pipe(parse({ bom: true })) as AsyncIterable<string[]>) {
      if (!header) {
        header = cells;
        if (copy === 0) await write(`${cells.map(csvCell).join(',')}\n`);
        continue;
      }
      if (copy > 0) {
        cells[header.indexOf('목록키')] += `-${copy}`;
        cells[header.indexOf('목록명')] += ` (사본 ${copy})`;
      }
      await write(`${cells.map(csvCell).join(',')}\n`);
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

let databaseCounter = 0;

/** Runs `fn` on a fresh database of `engine`, removed afterwards. */
async function withFreshDatabase<T>(engine: Engine, host: PostgresHost, fn: (db: DbConfig, dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'datadam-bench-census-'));
  try {
    if (engine === 'sqlite') return await fn({ kind: 'sqlite', file: path.join(dataDir, 'datadam.db') }, dataDir);
    const name = `bench_census_${process.pid}_${databaseCounter++}`;
    const admin = new pg.Client({ connectionString: host.adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    try {
      const url = new URL(host.adminUrl);
      url.pathname = `/${name}`;
      return await fn({ kind: 'postgres', url: url.toString() }, dataDir);
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
      await admin.end();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => `${Math.round(bytes / MB)} MB`;
const range = (bytes: readonly number[]) => `${Math.round(Math.min(...bytes) / MB)}–${mb(Math.max(...bytes))}`;

interface EngineFigures {
  engine: string;
  settings: string;
  rows: number;
  importSeconds: number[];
  rawSeconds: number[];
  similarSeconds: number[];
  similarFlagged: number;
  rowsPerStatement: number;
}

interface MemoryFigures {
  rows1: number;
  rows4: number;
  peak1: number[];
  peak4: number[];
  before1: number[];
  before4: number[];
  firstQuarter4: number[];
  lastQuarter4: number[];
}

function section(catalog: string, figures: EngineFigures[], memory: MemoryFigures): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const sqlite = figures.find((f) => f.engine === 'SQLite');
  const sqliteRatio = sqlite ? median(sqlite.rawSeconds) / median(sqlite.importSeconds) : NaN;
  const lines = [
    '## census',
    '',
    `Run ${new Date().toISOString()} by \`npx tsx bench/census/census.bench.ts\`: ${os.availableParallelism()} cores (${cpu}), ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}. ` +
      `${path.basename(catalog)}: ${fmt(figures[0]?.rows ?? 0)} rows. ${ROUNDS} rounds; medians (each measurement its own process, ` +
      `node ${NODE_FLAGS.join(' ')}, fresh migrated database).`,
    '',
    '| engine | import rows/s | raw INSERT rows/s | import ÷ raw | (range over rounds) | near-duplicate pass |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const f of figures) {
    const ratios = f.importSeconds.map((s, i) => f.rawSeconds[i]! / s);
    lines.push(
      `| ${f.engine} | ${fmt(f.rows / median(f.importSeconds))} | ${fmt(f.rows / median(f.rawSeconds))} | ` +
        `${Math.round((median(f.rawSeconds) / median(f.importSeconds)) * 100)} % | ` +
        `${Math.round(Math.min(...ratios) * 100)}–${Math.round(Math.max(...ratios) * 100)} % | ` +
        `${median(f.similarSeconds).toFixed(2)} s (${fmt(f.similarFlagged)} entries flagged) |`,
    );
  }
  lines.push(
    '',
    `Memory of the import on SQLite, peak RSS of the process at the end of the import (median, range over rounds; RSS before it began): ` +
      `${fmt(memory.rows1)} rows ${mb(median(memory.peak1))} (${range(memory.peak1)}; ${mb(median(memory.before1))} before), ` +
      `${fmt(memory.rows4)} rows (4×) ${mb(median(memory.peak4))} (${range(memory.peak4)}; ${mb(median(memory.before4))} before). ` +
      `RSS sampled every 5,000 rows during the 4× import: ${mb(median(memory.firstQuarter4))} over its first quarter, ` +
      `${mb(median(memory.lastQuarter4))} over its last (median of the samples; median over rounds).`,
    '',
    '- import: `platform.censusFiles.importEntries` of the compiled build (as `datadam` runs it; the file is parsed on a worker thread while the main thread writes) on a file stream, `data-go-kr` mapping, status accepted, from the call to its return: ' +
      'reading, decoding, mapping and validating every row, creating the 992 agencies, checking each batch of 1,000 for entries an earlier ' +
      'import made, the multi-row INSERTs, the same-title duplicate statement and the one commit.',
    `- raw INSERT: the same rows made beforehand by \`importedEntryRow\` (same columns and values), agencies already in place; only the ` +
      `multi-row INSERTs (${figures.map((f) => `${f.engine} ${fmt(f.rowsPerStatement)} rows per statement`).join(', ')}, the bind-parameter ` +
      'limit; one prepared statement reused for each full chunk) in one transaction, and the commit, with the plain driver (better-sqlite3, pg).',
    "- near-duplicate pass: `flagSimilarTitles(report.orgIds)` after the import has committed (each agency's titles through the duplicate index, flags written per agency).",
    '- memory: the 4× file is the catalog four times over, each copy with its own keys and titles. The import streams the file and writes it in batches, ' +
      'so its memory should not grow with the file: "before" is the process before the import (Node, tsx, the modules, the open database), ' +
      "the rest the working set of the import, which V8 lets grow before it collects, so one run's peak depends on where the collections fall; " +
      'the RSS sampled through the 4× import shows whether memory climbs as rows pass.',
    '- The ratio reads as "what share of the engine\'s own bulk-insert speed the whole import keeps": everything the import does besides inserting ' +
      '(reading and decoding the file, mapping and validating each row, building JSON forms and title keys, agency look-ups, ' +
      `the per-batch existence check, the duplicate statement) is what separates it from raw. Target: at least 50 % on SQLite (${sqliteRatio >= 0.5 ? 'met' : 'not met'} in this run).`,
    ...figures.map((f) => `- ${f.engine}: ${f.settings}.`),
    '',
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const catalog = path.resolve(process.argv[2] ?? DEFAULT_CATALOG);
  if (!existsSync(catalog)) throw new Error(`No catalog at ${catalog}: give its path as the first argument`);
  process.stderr.write('building the server (npm run build:server)…\n');
  await new Promise<void>((resolve, reject) =>
    execFile('npm', ['run', 'build:server'], { cwd: REPO_ROOT }, (error) => (error ? reject(error) : resolve())),
  );
  const work = mkdtempSync(path.join(os.tmpdir(), 'datadam-bench-census-files-'));
  const host = await startPostgresHost();
  try {
    const fourfold = path.join(work, 'catalog-4x.csv');
    await writeMultiple(catalog, fourfold, 4);
    const figures: Record<Engine, EngineFigures> = {
      sqlite: {
        engine: 'SQLite',
        settings: 'SQLite file, WAL, synchronous=FULL, one connection',
        rows: 0,
        importSeconds: [],
        rawSeconds: [],
        similarSeconds: [],
        similarFlagged: 0,
        rowsPerStatement: 0,
      },
      postgres: {
        engine: 'PostgreSQL',
        settings: `${host.settings}; the import through the platform's pool (10), raw through one pg.Client`,
        rows: 0,
        importSeconds: [],
        rawSeconds: [],
        similarSeconds: [],
        similarFlagged: 0,
        rowsPerStatement: 0,
      },
    };
    const memory: MemoryFigures = {
      rows1: 0,
      rows4: 0,
      peak1: [],
      peak4: [],
      before1: [],
      before4: [],
      firstQuarter4: [],
      lastQuarter4: [],
    };

    for (let round = 0; round < ROUNDS; round++) {
      for (const engine of ['sqlite', 'postgres'] as const) {
        const f = figures[engine];
        const doImport = () =>
          withFreshDatabase(engine, host, async (db, dataDir) => {
            const m = await runChild({ kind: 'import', file: catalog, db, dataDir, similar: true, sampleRss: false });
            f.rows = m.rows;
            f.importSeconds.push(m.seconds);
            f.similarSeconds.push(m.similarSeconds ?? NaN);
            f.similarFlagged = m.similarFlagged ?? 0;
            if (engine === 'sqlite') {
              memory.rows1 = m.rows;
              memory.peak1.push(m.peakRss);
              memory.before1.push(m.rssBefore);
            }
            return m;
          });
        const doRaw = () =>
          withFreshDatabase(engine, host, async (db) => {
            const m = await runChild({ kind: 'raw', file: catalog, db });
            f.rawSeconds.push(m.seconds);
            f.rowsPerStatement = m.rowsPerStatement ?? 0;
            return m;
          });
        const [first, second] = round % 2 === 0 ? [doRaw, doImport] : [doImport, doRaw];
        const a = await first();
        const b = await second();
        const [imp, raw] = a.kind === 'import' ? [a, b] : [b, a];
        process.stderr.write(
          `round ${round + 1}/${ROUNDS} ${f.engine}: import ${fmt(imp.rows / imp.seconds)} rows/s (${imp.seconds.toFixed(2)} s, ` +
            `peak RSS ${mb(imp.peakRss)}), raw ${fmt(raw.rows / raw.seconds)} rows/s (${raw.seconds.toFixed(2)} s), ` +
            `ratio ${Math.round((raw.seconds / imp.seconds) * 100)} %, near-duplicate pass ${imp.similarSeconds?.toFixed(2)} s\n`,
        );
      }
      const m4 = await withFreshDatabase('sqlite', host, (db, dataDir) =>
        runChild({ kind: 'import', file: fourfold, db, dataDir, similar: false, sampleRss: true }),
      );
      memory.rows4 = m4.rows;
      memory.peak4.push(m4.peakRss);
      memory.before4.push(m4.rssBefore);
      memory.firstQuarter4.push(m4.rssFirstQuarter ?? NaN);
      memory.lastQuarter4.push(m4.rssLastQuarter ?? NaN);
      process.stderr.write(
        `round ${round + 1}/${ROUNDS} SQLite 4×: ${fmt(m4.rows)} rows, ${fmt(m4.rows / m4.seconds)} rows/s, peak RSS ${mb(m4.peakRss)}\n`,
      );
    }

    const text = section(catalog, [figures.sqlite, figures.postgres], memory);
    process.stdout.write(`${text}\n`);
    writeResultsSection('census', text);
    process.stderr.write(`written to ${path.relative(process.cwd(), RESULTS_FILE)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    await host.stop();
  }
}

if (process.argv[2] === '--child') {
  const task = JSON.parse(process.argv[3]!) as Task;
  const measurement = task.kind === 'import' ? await runImport(task) : await runRaw(task);
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
} else {
  await main();
}
