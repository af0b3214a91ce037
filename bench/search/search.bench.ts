/**
 * bench/search: the data map at 1,000,000 entries (the real data.go.kr catalog plus generated
 * variants, see corpus.ts) on SQLite and on PostgreSQL: how fast the index is built, and p50/p99 of
 * a search with facets through the HTTP API beside the same search sent straight to the engine in
 * the same run.
 *
 *   npx tsx bench/search/search.bench.ts [CATALOG.csv]   # starts its own durable PostgreSQL
 *   DATADAM_BENCH_PG=postgres://… npx tsx …               # or uses a server already running (admin URL)
 *   BENCH_SEARCH_ENTRIES=200000 …                         # corpus size (default 1,000,000)
 *   BENCH_SEARCH_ROUNDS=5 …                               # rounds over the query set (default 5)
 *   BENCH_SEARCH_KEEP_DIR=/var/tmp/search …               # keep the SQLite database there and reuse it on the
 *                                                         # next run (a reused run writes no results: it built nothing)
 *
 * Per engine, on a fresh database: the corpus goes through the real census import (`datadam census
 * import` as a library, status accepted), then `catalog.reindexStale()` builds the search index
 * (timed: documents per second). Then `datadam serve --no-worker` starts in its own process, and
 * the bench process, for every query of the set, in rounds:
 *
 * - API: `GET /api/v1/catalog/search?q=…&limit=20` (anonymous: accepted entries), keep-alive, one
 *   request at a time, timed from the request to the parsed JSON: total, 20 ranked hits, and the
 *   counts of all eight facets;
 * - raw: the same search written straight for the engine through its plain driver (better-sqlite3,
 *   pg), with the same visibility and filters and the analyzer's terms. SQLite: the plan the data
 *   map uses — FTS5's rank order with the filter on each match's facet combination (migration
 *   0012), the 20 best and their documents, and one count per combination; PostgreSQL: the 20 best
 *   by `ts_rank` and one GROUP BY of the facet columns over every match. Either way the total and
 *   the eight facets add up from the grouped counts.
 *
 * API and raw alternate query by query, so drift in the machine's load falls on both. The query
 * set is topics a data map's visitors type (Korean, English, mixed, some with facet filters);
 * "broad" queries (browsing with no words, and words in half of all titles such as 정보) are timed
 * and reported apart, since they read hundreds of thousands of documents whatever the engine.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type { Actor } from '../../src/core/auth/policy.js';
import { loadConfig, type DbConfig } from '../../src/core/config.js';
import { analyzeQuery, ftsMatchQuery, tsQuery } from '../../src/modules/catalog/analyzer.js';
import { DATA_GO_KR_MAPPING } from '../../src/modules/census/import/mapping.js';
import type { openPlatform } from '../../src/server/platform.js';
import { startPostgresHost, type PostgresHost } from '../postgres-host.js';
import { RESULTS_FILE, writeResultsSection } from '../results.js';
import { writeCorpus } from './corpus.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');
const DEFAULT_CATALOG = path.resolve(REPO_ROOT, '../shared/data/datago-catalog/data-go-kr-catalog-20220630.csv');
const ENTRIES = Number(process.env.BENCH_SEARCH_ENTRIES ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_SEARCH_ROUNDS ?? 5);
const KEEP_DIR = process.env.BENCH_SEARCH_KEEP_DIR;
const SYSTEM: Actor = { kind: 'system', name: 'bench' };
const LIMIT = 20;

type Engine = 'sqlite' | 'postgres';

interface Query {
  q: string;
  /** Facet filters, as the API takes them. */
  filters?: { format?: string; domain?: string };
}

/** Topics a data map's visitors type: Korean, English and mixed. */
const TOPICS = [
  '교통사고',
  '응급실',
  '주차장',
  '미세먼지',
  '버스 정류장',
  'CCTV',
  '어린이집',
  '관광지',
  '전기차 충전소',
  '부동산 실거래가',
  '아파트 매매',
  '지하철역',
  '공공 와이파이',
  '자전거 대여소',
  '약국',
  '병원 정보',
  '소방서',
  '음식점 위생',
  '강수량',
  '인구 통계',
  '출생아',
  '사망 교통사고',
  '범죄 발생',
  '학교 급식',
  '대학 등록금',
  '도서관',
  '문화재',
  '축제',
  '농산물 가격',
  '수산물',
  '산불',
  '지진',
  '태풍',
  '하천 수위',
  '상수도',
  '폐기물',
  '재활용',
  '에너지 사용량',
  '전력 수요',
  '주유소 가격',
  '택시',
  '화물차',
  '항공 운항',
  '선박',
  '공항',
  '관세',
  '수출입',
  '사업자 등록',
  '고용보험',
  '장애인 시설',
  '노인 복지',
  '보건소',
  '감염병',
  '코로나19',
  '예방접종',
  '의약품',
  '식품 영양',
  '건강검진',
  '산후조리원',
  '직업소개소',
  '우체국',
  '도로명주소',
  '법정동',
  '건축물대장',
  '토지 이용',
  '국립공원',
  '등산로',
  '해수욕장',
  '캠핑장',
  '박물관',
  '미술관',
  '공연',
  '체육시설',
  'traffic accident',
  'air quality',
  'parking',
  'bus',
  'COVID-19',
  '서울 CCTV',
  '부산 관광',
  '제주 버스',
  '경기도 어린이집',
  '빅데이터',
  'API 교통',
];

const QUERIES: Query[] = [
  ...TOPICS.map((q) => ({ q })),
  ...TOPICS.slice(0, 10).map((q) => ({ q, filters: { format: 'CSV' } })),
  ...TOPICS.slice(10, 20).map((q) => ({ q, filters: { domain: 'transport' } })),
];

const BROAD: Query[] = [{ q: '' }, { q: '', filters: { domain: 'transport' } }, { q: '정보' }, { q: '현황' }];

// ------------------------------------------------------------------------------------- helpers

const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (seconds: number) => `${(seconds * 1000).toFixed(seconds < 0.01 ? 1 : 0)} ms`;
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function compiledPlatform(): Promise<typeof openPlatform> {
  const compiled = (await import(pathToFileURL(path.join(REPO_ROOT, 'dist/server/platform.js')).href)) as {
    openPlatform: typeof openPlatform;
  };
  return compiled.openPlatform;
}

// ------------------------------------------------------------------------------------- phases

/** Imports the corpus and builds the index; returns the numbers of both. */
async function load(db: DbConfig, dataDir: string, corpus: string) {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' }, { dataDir, db: db.kind === 'postgres' ? db.url : db.file });
  const platform = await (await compiledPlatform())(config);
  try {
    let start = process.hrtime.bigint();
    const report = await platform.censusFiles.importEntries(SYSTEM, {
      source: createReadStream(corpus, { highWaterMark: 1 << 20 }),
      fileName: path.basename(corpus),
      mapping: DATA_GO_KR_MAPPING,
      validRowsOnly: false,
      status: 'accepted',
    });
    const importSeconds = since(start);
    if (!report.committed || report.imported !== report.rows)
      throw new Error(`the import did not land whole: ${report.imported}/${report.rows}`);
    process.stderr.write(`  imported ${fmt(report.imported)} entries in ${importSeconds.toFixed(0)} s; indexing…\n`);
    start = process.hrtime.bigint();
    const { indexed } = await platform.catalog.reindexStale();
    const indexSeconds = since(start);
    process.stderr.write(`  indexed ${fmt(indexed)} documents in ${indexSeconds.toFixed(0)} s\n`);
    return { entries: report.imported, importSeconds, indexed, indexSeconds };
  } finally {
    await platform.close();
  }
}

/** `datadam serve --no-worker` on the database, in its own process; resolves with its URL once it is ready. */
async function startServer(db: DbConfig, dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'bin/datadam.js'), 'serve', '--no-worker', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir],
    {
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        DATADAM_RATE_LIMIT: '100000000',
        ...(db.kind === 'postgres' ? { DATADAM_DB: db.url } : { DATADAM_DB: db.file }),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 200) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || waited > 600_000) throw new Error('datadam serve did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Searcher {
  api(query: Query): Promise<number>;
  raw(query: Query): Promise<number>;
  close(): Promise<void>;
}

const FACET_COLUMNS = 'org_id, agency, domain, modality, readiness, provision_scope, personal_info, year, formats';

function openSearcher(engine: Engine, db: DbConfig, apiUrl: string): Searcher {
  const api = async (query: Query) => {
    const params = new URLSearchParams({ limit: String(LIMIT) });
    if (query.q !== '') params.set('q', query.q);
    for (const [key, value] of Object.entries(query.filters ?? {})) params.set(key, value);
    const response = await fetch(`${apiUrl}/api/v1/catalog/search?${params.toString()}`);
    if (!response.ok) throw new Error(`search ${params.toString()}: HTTP ${response.status}`);
    const body = (await response.json()) as { total: number };
    return body.total;
  };
  /** Filter conditions on `d` and their parameters, numbered from `first` (PostgreSQL) or `?` (SQLite). */
  const conditions = (query: Query, placeholder: (i: number) => string, first: number) => {
    const sqlParts = [`d.status = 'accepted'`];
    const params: unknown[] = [];
    if (query.filters?.domain !== undefined) {
      params.push(query.filters.domain);
      sqlParts.push(`d.domain = ${placeholder(first + params.length - 1)}`);
    }
    if (query.filters?.format !== undefined) {
      params.push(`%|${query.filters.format}|%`);
      sqlParts.push(`d.formats like ${placeholder(first + params.length - 1)}`);
    }
    return { sql: sqlParts.join(' and '), params };
  };

  if (engine === 'sqlite') {
    if (db.kind !== 'sqlite') throw new Error('expected SQLite');
    const sqlite = new SqliteDatabase(db.file, { readonly: true });
    sqlite.pragma('mmap_size = 4294967296');
    sqlite.pragma('cache_size = -65536');
    return {
      api,
      raw: async (query) => {
        const where = conditions(query, () => '?', 1);
        if (query.q === '') {
          sqlite
            .prepare(
              `select d.id, d.title, d.agency from catalog_documents d where ${where.sql} order by d.updated_at desc, d.id desc limit ${LIMIT}`,
            )
            .all(...where.params);
          const groups = sqlite
            .prepare(`select ${FACET_COLUMNS}, count(*) n from catalog_documents d where ${where.sql} group by ${FACET_COLUMNS}`)
            .raw()
            .all(...where.params);
          return groups.reduce((sum: number, g) => sum + Number((g as unknown[]).at(-1)), 0);
        }
        // The plan the data map uses (migration 0012): FTS5 ranks and hands matches over best first,
        // filters apply to each match's combination of facet values, and the facets are counted
        // by combination number; conditions on `d` are on the combination.
        const match = ftsMatchQuery(analyzeQuery(query.q).terms);
        const best = sqlite
          .prepare(
            `select k.doc_no from catalog_fts join catalog_document_facets k on k.doc_no = catalog_fts.rowid
             join catalog_facet_combinations d on d.combination_no = k.combination_no
             where catalog_fts match ? and catalog_fts.rank match 'bm25(4.0, 1.0)' and ${where.sql} order by catalog_fts.rank limit ${LIMIT}`,
          )
          .pluck()
          .all(match, ...where.params) as number[];
        if (best.length > 0)
          sqlite
            .prepare(`select id, title, agency from catalog_documents where doc_no in (${best.map(() => '?').join(', ')})`)
            .all(...best);
        const groups = sqlite
          .prepare(
            `select ${FACET_COLUMNS}, g.n from (select k.combination_no, count(*) n from catalog_fts
               join catalog_document_facets k on k.doc_no = catalog_fts.rowid where catalog_fts match ? group by k.combination_no) g
             join catalog_facet_combinations d on d.combination_no = g.combination_no where ${where.sql}`,
          )
          .raw()
          .all(match, ...where.params);
        return groups.reduce((sum: number, g) => sum + Number((g as unknown[]).at(-1)), 0);
      },
      close: async () => void sqlite.close(),
    };
  }

  if (db.kind !== 'postgres') throw new Error('expected PostgreSQL');
  const client = new pg.Client({ connectionString: db.url });
  const connected = client.connect();
  return {
    api,
    raw: async (query) => {
      await connected;
      const sum = (rows: Array<{ n: string }>) => rows.reduce((total, row) => total + Number(row.n), 0);
      if (query.q === '') {
        const where = conditions(query, (i) => `$${i}`, 1);
        await client.query(
          `select d.id, d.title, d.agency from catalog_documents d where ${where.sql} order by d.updated_at desc, d.id desc limit ${LIMIT}`,
          where.params,
        );
        return sum(
          (
            await client.query(
              `select ${FACET_COLUMNS}, count(*) n from catalog_documents d where ${where.sql} group by ${FACET_COLUMNS}`,
              where.params,
            )
          ).rows,
        );
      }
      const where = conditions(query, (i) => `$${i}`, 2);
      const from = `catalog_documents d where d.tsv @@ to_tsquery('simple', $1) and ${where.sql}`;
      const params = [tsQuery(analyzeQuery(query.q).terms), ...where.params];
      await client.query(
        `select d.id, d.title, d.agency, ts_rank(d.tsv, to_tsquery('simple', $1)) r from ${from} order by r desc limit ${LIMIT}`,
        params,
      );
      return sum((await client.query(`select ${FACET_COLUMNS}, count(*) n from ${from} group by ${FACET_COLUMNS}`, params)).rows);
    },
    close: () => client.end(),
  };
}

interface Timings {
  api: number[];
  raw: number[];
  /** Matches per query (API and raw must agree). */
  totals: number[];
}

async function timeQueries(searcher: Searcher, queries: readonly Query[], rounds: number): Promise<Timings> {
  const timings: Timings = { api: [], raw: [], totals: [] };
  for (let round = 0; round < rounds; round++) {
    for (const [i, query] of queries.entries()) {
      // Alternate which goes first, so neither always finds the other's pages in the cache.
      const order = (round + i) % 2 === 0 ? (['api', 'raw'] as const) : (['raw', 'api'] as const);
      const totals: Record<string, number> = {};
      for (const path of order) {
        const start = process.hrtime.bigint();
        totals[path] = await searcher[path](query);
        timings[path].push(since(start));
      }
      if (totals.api !== totals.raw)
        throw new Error(`"${query.q}" ${JSON.stringify(query.filters ?? {})}: API found ${totals.api}, raw ${totals.raw}`);
      if (round === 0) timings.totals.push(totals.api!);
    }
  }
  return timings;
}

interface EngineResult {
  engine: string;
  settings: string;
  entries: number;
  importSeconds: number;
  indexed: number;
  indexSeconds: number;
  focused: Timings;
  broad: Array<{ label: string; total: number; apiFirst: number; api: number; raw: number }>;
}

async function runEngine(engine: Engine, host: PostgresHost, corpus: string): Promise<EngineResult> {
  const keep = KEEP_DIR !== undefined && engine === 'sqlite';
  const dataDir = keep ? path.resolve(KEEP_DIR, engine) : mkdtempSync(path.join(os.tmpdir(), `datadam-bench-search-${engine}-`));
  if (keep) mkdirSync(dataDir, { recursive: true });
  let database: string | undefined;
  const admin = new pg.Client({ connectionString: host.adminUrl });
  try {
    let db: DbConfig;
    if (engine === 'sqlite') {
      db = { kind: 'sqlite', file: path.join(dataDir, 'datadam.db') };
    } else {
      database = `bench_search_${process.pid}`;
      await admin.connect();
      await admin.query(`create database ${database}`);
      const url = new URL(host.adminUrl);
      url.pathname = `/${database}`;
      db = { kind: 'postgres', url: url.toString() };
    }
    process.stderr.write(`${engine}: loading ${fmt(ENTRIES)} entries…\n`);
    const reused = keep && existsSync(path.join(dataDir, 'datadam.db'));
    const loaded = reused ? { entries: ENTRIES, importSeconds: NaN, indexed: NaN, indexSeconds: NaN } : await load(db, dataDir, corpus);
    if (reused) process.stderr.write(`  reusing ${dataDir}\n`);
    if (engine === 'postgres') {
      // The server's autovacuum would get there; the bench does not wait for it.
      const client = new pg.Client({ connectionString: (db as { url: string }).url });
      await client.connect();
      await client.query('vacuum analyze');
      await client.end();
    }
    const server = await startServer(db, dataDir);
    const searcher = openSearcher(engine, db, server.url);
    try {
      // Broad first: browsing's first request is the only one that counts facets over everything.
      const broad: EngineResult['broad'] = [];
      for (const query of BROAD) {
        const first = process.hrtime.bigint();
        const total = await searcher.api(query);
        const apiFirst = since(first);
        const timings = await timeQueries(searcher, [query], 3);
        const label = query.q === '' ? `browse${query.filters?.domain ? ` (domain=${query.filters.domain})` : ''}` : query.q;
        broad.push({ label, total, apiFirst, api: percentile(timings.api, 50), raw: percentile(timings.raw, 50) });
        process.stderr.write(
          `  broad ${label}: ${fmt(total)} hits, API first ${ms(apiFirst)}, then ${ms(percentile(timings.api, 50))}; raw ${ms(percentile(timings.raw, 50))}\n`,
        );
      }
      process.stderr.write(`  warming up, then ${ROUNDS} rounds of ${QUERIES.length} queries…\n`);
      await timeQueries(searcher, QUERIES, 1);
      const focused = await timeQueries(searcher, QUERIES, ROUNDS);
      const settings =
        engine === 'sqlite'
          ? 'SQLite file, WAL, mmap 4 GiB, cache 64 MiB'
          : `${host.settings}; the API through its pool (10), raw through one pg.Client`;
      return { engine: engine === 'sqlite' ? 'SQLite' : 'PostgreSQL', settings, ...loaded, focused, broad };
    } finally {
      await searcher.close();
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.once('exit', resolve));
    }
  } finally {
    if (database !== undefined) {
      await admin.query(`drop database if exists ${database} with (force)`).catch(() => undefined);
      await admin.end();
    }
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

function section(catalog: string, real: number, results: EngineResult[]): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const totals = results[0]?.focused.totals ?? [];
  const lines = [
    '## search',
    '',
    `Run ${new Date().toISOString()} by \`npx tsx bench/search/search.bench.ts\`: ${os.availableParallelism()} cores (${cpu}), ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}. ` +
      `${fmt(ENTRIES)} entries: the ${fmt(real)} rows of ${path.basename(catalog)} and ${fmt(ENTRIES - real)} generated variants (bench/search/corpus.ts). ` +
      `${QUERIES.length} queries × ${ROUNDS} rounds per engine (after one warm-up round); matches per query: median ${fmt(percentile(totals, 50))}, ` +
      `largest ${fmt(Math.max(...totals))}.`,
    '',
    '| engine | index build | docs/s | API p50 | API p99 | raw p50 | raw p99 | API ÷ raw p50 | API ÷ raw p99 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map((r) => {
      const [a50, a99, r50, r99] = [
        percentile(r.focused.api, 50),
        percentile(r.focused.api, 99),
        percentile(r.focused.raw, 50),
        percentile(r.focused.raw, 99),
      ];
      return `| ${r.engine} | ${r.indexSeconds.toFixed(0)} s | ${fmt(r.indexed / r.indexSeconds)} | ${ms(a50)} | ${ms(a99)} | ${ms(r50)} | ${ms(r99)} | ${(a50 / r50).toFixed(2)} | ${(a99 / r99).toFixed(2)} |`;
    }),
    '',
    'Broad queries, apart (median of 3 after the first request; the first is timed alone):',
    '',
    '| engine | query | hits | API first | API | raw |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...results.flatMap((r) =>
      r.broad.map((b) => `| ${r.engine} | ${b.label} | ${fmt(b.total)} | ${ms(b.apiFirst)} | ${ms(b.api)} | ${ms(b.raw)} |`),
    ),
    '',
    '- API: `GET /api/v1/catalog/search?q=…&limit=20` to `datadam serve --no-worker` in its own process, anonymous, keep-alive, one request at a time, ' +
      'from the request to the parsed JSON (total, 20 hits ranked by BM25, counts of all eight facets).',
    '- raw: the same search sent straight to the engine with its plain driver in the bench process, with the same visibility (accepted) and ' +
      "filters and the analyzer's terms. SQLite: the data map's own plan (FTS5 rank order `bm25(4.0, 1.0)` filtered on each match's facet combination, " +
      'the 20 best and their documents, one count per facet combination: migration 0012); PostgreSQL: the 20 best by `ts_rank` and one GROUP BY ' +
      'of the facet columns over every match. The total and the eight facets add up from the counts. API and raw must find the same number of hits, or the run stops.',
    "- The query set is topics a data map's visitors type (bench/search/search.bench.ts: Korean, English, mixed; 10 with `format=CSV`, 10 with `domain=transport`). " +
      'Broad queries read a large share of all documents whatever the engine: browsing counts its facets once per index change ' +
      "(the API's first request) and keeps them until the index changes again; words in half of all titles (정보) are read and ranked in full.",
    `- index build: \`catalog.reindexStale()\` over the imported entries (analyzer, document rows, full-text entries, corpus numbers), after the census import (${results
      .map((r) => `${r.engine} ${fmt(r.entries / r.importSeconds)} entries/s`)
      .join(', ')}).`,
    ...results.map((r) => `- ${r.engine}: ${r.settings}.`),
  ];
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const catalog = path.resolve(process.argv[2] ?? DEFAULT_CATALOG);
  if (!existsSync(catalog)) throw new Error(`No catalog at ${catalog}: give its path as the first argument`);
  process.stderr.write('building the server (npm run build:server)…\n');
  await new Promise<void>((resolve, reject) =>
    execFile('npm', ['run', 'build:server'], { cwd: REPO_ROOT }, (error) => (error ? reject(error) : resolve())),
  );
  const work = mkdtempSync(path.join(os.tmpdir(), 'datadam-bench-search-'));
  const host = await startPostgresHost();
  try {
    const corpus = path.join(work, 'corpus.csv');
    const { real } = await writeCorpus(catalog, corpus, ENTRIES);
    const engines = (process.env.BENCH_SEARCH_ENGINES ?? 'sqlite,postgres').split(',') as Engine[];
    const results: EngineResult[] = [];
    for (const engine of engines) results.push(await runEngine(engine, host, corpus));
    const text = section(catalog, real, results);
    if (results.some((r) => Number.isNaN(r.indexSeconds))) {
      process.stdout.write(`${text}\n(a reused database: not written to ${path.relative(process.cwd(), RESULTS_FILE)})\n`);
    } else {
      writeResultsSection('search', text);
      process.stdout.write(`${text}\n(written to ${path.relative(process.cwd(), RESULTS_FILE)})\n`);
    }
  } finally {
    await host.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
