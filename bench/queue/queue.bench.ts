/**
 * bench/queue: how many jobs per second the database queue completes on SQLite and on PostgreSQL,
 * each beside the raw INSERT rate of the same engine in the same run, so the figure reads as "the
 * queue costs this many plain committed writes per job" rather than as an absolute that depends on
 * the disk.
 *
 *   npx tsx bench/queue/queue.bench.ts            # starts its own durable PostgreSQL
 *   DATADAM_BENCH_PG=postgres://… npx tsx …        # or uses a server already running (admin URL)
 *   BENCH_QUEUE_N=10000 …                          # jobs, and rows per INSERT run, per engine (default 5000)
 *
 * Durability is the application's: SQLite in WAL with synchronous=FULL (as openDatabase sets it),
 * PostgreSQL with its defaults (fsync and synchronous_commit on), unlike the test server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import type { DbConfig } from '../../src/core/config.js';
import { uuidv7 } from '../../src/core/ids.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrator.js';
import { createDbJobQueue, type DbJobQueue, type WorkerQueue } from '../../src/platform/queue/db-job-queue.js';
import { JobRegistry } from '../../src/platform/queue/registry.js';
import { startWorker } from '../../src/platform/queue/worker.js';
import { startPostgres, type RunningPostgres } from '../../test/support/postgres-server.js';
import { RESULTS_FILE, writeResultsSection } from '../results.js';

const N = Number(process.env.BENCH_QUEUE_N ?? 5_000);
// The disk's fsync latency drifts by a factor of two or more within a minute on a shared machine, so
// the three measurements are interleaved in rounds and each figure sums its share of every round.
const ROUNDS = 10;
const CONCURRENCY = 4;
const WARM_UP = 50;

interface EngineResult {
  engine: string;
  settings: string;
  insertsPerSecond: number;
  enqueuesPerSecond: number;
  jobsPerSecond: number;
  /** Jobs completed ÷ raw INSERTs within each round: how steady the ratio is while the disk drifts. */
  roundRatios: number[];
}

/** Seconds since `start`, from the monotonic clock. */
const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

async function measure(engine: string, config: DbConfig, settings: string): Promise<EngineResult> {
  const database = openDatabase(config);
  try {
    await migrateToLatest(database);
    const db = database.db;
    const queue = createDbJobQueue({ database });
    await sql`create table bench_raw (id text primary key, payload text not null, created_at text not null)`.execute(db);
    const insert = (i: number) =>
      db
        .insertInto('bench_raw')
        .values({ id: uuidv7(), payload: JSON.stringify({ i }), created_at: new Date().toISOString() })
        .execute();
    for (let i = 0; i < WARM_UP; i++) {
      await insert(-1 - i);
      await queue.enqueue('bench.warmup', { i });
    }

    const perRound = Math.ceil(N / ROUNDS);
    const seconds = { insert: 0, enqueue: 0, jobs: 0 };
    const roundRatios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      process.stderr.write(`${engine}: round ${round + 1} of ${ROUNDS}\n`);
      const timeInserts = async () => {
        const start = process.hrtime.bigint();
        // One at a time, each its own committed statement: the unit a queue operation pays for.
        for (let i = 0; i < perRound; i++) await insert(round * perRound + i);
        return since(start);
      };
      const timeEnqueues = async () => {
        const start = process.hrtime.bigint();
        for (let i = 0; i < perRound; i++) await queue.enqueue('bench.noop', { round, i });
        return since(start);
      };
      // Jobs must be queued before they run; rotating where the inserts fall keeps any after-effect
      // of one phase (the disk flushing what the last one wrote) from landing on the same one each time.
      let insertSeconds: number;
      let enqueueSeconds: number;
      let jobSeconds: number;
      if (round % 3 === 0) {
        insertSeconds = await timeInserts();
        enqueueSeconds = await timeEnqueues();
        jobSeconds = await runJobs(queue, perRound);
      } else if (round % 3 === 1) {
        enqueueSeconds = await timeEnqueues();
        insertSeconds = await timeInserts();
        jobSeconds = await runJobs(queue, perRound);
      } else {
        enqueueSeconds = await timeEnqueues();
        jobSeconds = await runJobs(queue, perRound);
        insertSeconds = await timeInserts();
      }
      seconds.insert += insertSeconds;
      seconds.enqueue += enqueueSeconds;
      seconds.jobs += jobSeconds;
      roundRatios.push(insertSeconds / jobSeconds);
    }
    const counts = await queue.counts();
    if (counts.done !== perRound * ROUNDS) throw new Error(`expected ${perRound * ROUNDS} jobs done, found ${JSON.stringify(counts)}`);
    const total = perRound * ROUNDS;
    return {
      engine,
      settings,
      insertsPerSecond: total / seconds.insert,
      enqueuesPerSecond: total / seconds.enqueue,
      jobsPerSecond: total / seconds.jobs,
      roundRatios,
    };
  } finally {
    await database.close();
  }
}

/** Runs a worker over the `count` queued jobs; seconds from its start to the last committed completion. */
async function runJobs(queue: DbJobQueue, count: number): Promise<number> {
  let completed = 0;
  let allDone!: () => void;
  const finished = new Promise<void>((resolve) => (allDone = resolve));
  // Counting inside `complete` measures committed completions, not handler returns.
  const counting: WorkerQueue = {
    claim: (options) => queue.claim(options),
    heartbeat: (...args) => queue.heartbeat(...args),
    fail: (...args) => queue.fail(...args),
    complete: async (...args) => {
      const ok = await queue.complete(...args);
      if (ok && ++completed === count) allDone();
      return ok;
    },
  };
  const registry = new JobRegistry().register({ name: 'bench.noop', handler: async () => null });
  const start = process.hrtime.bigint();
  const worker = startWorker({
    queue: counting,
    registry,
    workerId: 'bench',
    concurrency: CONCURRENCY,
    pollIntervalMs: 50,
    leaseMs: 60_000,
  });
  await finished;
  const elapsed = since(start);
  await worker.stop();
  return elapsed;
}

async function postgresSettings(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const show = async (name: string) => (await client.query<Record<string, string>>(`show ${name}`)).rows[0]?.[name] ?? '?';
    const version = (await show('server_version')).split(' ')[0];
    return `PostgreSQL ${version}, fsync=${await show('fsync')}, synchronous_commit=${await show('synchronous_commit')}, pool 10`;
  } finally {
    await client.end();
  }
}

async function withPostgresDatabase<T>(fn: (config: DbConfig, settings: string) => Promise<T>): Promise<T> {
  let server: RunningPostgres | undefined;
  let adminUrl = process.env.DATADAM_BENCH_PG;
  if (!adminUrl) {
    process.stderr.write('postgres: starting a durable server…\n');
    const started = await startPostgres({ durable: true });
    server = started;
    adminUrl = started.url;
    // The server runs under runuser and outlives a crashed or interrupted bench unless told to stop.
    const bail = (reason: unknown) => {
      process.stderr.write(`${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`);
      void started.stop().finally(() => process.exit(1));
    };
    process.once('uncaughtException', bail);
    process.once('SIGINT', () => bail('interrupted'));
  }
  const name = `bench_queue_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return await fn({ kind: 'postgres', url: url.toString() }, await postgresSettings(url.toString()));
  } finally {
    // pg's Pool.end() resolves before its connections have closed; a forced drop would kill them
    // mid-close and the pool would raise that as an unhandled error.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const left = await admin.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [name]);
      if (Number(left.rows[0]?.n) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.end();
    await server?.stop();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function table(results: EngineResult[]): string {
  const lines = [
    '| engine | raw INSERT/s | enqueue/s | jobs completed/s | completed ÷ raw INSERT | (range over rounds) | enqueue ÷ raw INSERT |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.engine} | ${fmt(r.insertsPerSecond)} | ${fmt(r.enqueuesPerSecond)} | ${fmt(r.jobsPerSecond)} | ${(r.jobsPerSecond / r.insertsPerSecond).toFixed(2)} | ${Math.min(...r.roundRatios).toFixed(2)}–${Math.max(...r.roundRatios).toFixed(2)} | ${(r.enqueuesPerSecond / r.insertsPerSecond).toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

function section(results: EngineResult[]): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return [
    '## queue',
    '',
    `Run ${new Date().toISOString()} by \`npx tsx bench/queue/queue.bench.ts\`: ${os.availableParallelism()} cores (${cpu}), ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}. N = ${N} per engine.`,
    '',
    table(results),
    '',
    `- Interleaved in ${ROUNDS} rounds of N/${ROUNDS}, each doing the three measurements in a rotating order, so that drift in the disk's fsync latency falls on all three alike; each rate sums its share of every round.`,
    `- raw INSERT: single-row INSERTs into a three-column table, one at a time, each its own committed statement, through Kysely.`,
    `- enqueue: \`queue.enqueue\` calls one after another (one INSERT into \`jobs\` with its indexes).`,
    `- jobs completed: the round's queued no-op jobs run by one worker (\`startWorker\`, concurrency ${CONCURRENCY}) from its start until the round's last committed \`complete\`; ` +
      'each job costs a share of a claim (UPDATE … RETURNING of up to 4 jobs; the sweep for expired leases runs at most once a second) and one UPDATE to complete it.',
    '- The ratio reads as "jobs completed per plain committed write": a job needs at least two commits (its claim and its completion) unless claims come in batches, so about 0.5 is the expectation; it is the figure to compare across machines, since the absolute rates follow the disk\'s fsync latency.',
    ...results.map((r) => `- ${r.engine}: ${r.settings}.`),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const results: EngineResult[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'datadam-bench-'));
  try {
    results.push(
      await measure('SQLite', { kind: 'sqlite', file: path.join(dir, 'bench.db') }, 'SQLite file, WAL, synchronous=FULL, one connection'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  results.push(await withPostgresDatabase((config, settings) => measure('PostgreSQL', config, settings)));
  const text = section(results);
  process.stdout.write(`${text}\n`);
  writeResultsSection('queue', text);
  process.stderr.write(`written to ${path.relative(process.cwd(), RESULTS_FILE)}\n`);
}

await main();
