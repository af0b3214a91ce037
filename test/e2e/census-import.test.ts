/**
 * The census bulk import as a user runs it, `datadam census import`, end to end: the data.go.kr
 * catalog slices in UTF-8 and CP949 import to the same entries (on SQLite and PostgreSQL), a file
 * with broken rows is refused whole and names every row and column, re-importing changes nothing,
 * an import killed with SIGKILL half-way leaves nothing behind on either engine, and — when
 * `../shared/data` holds it — the whole 61,359-row catalog imports, as UTF-8 and as CP949.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbConfig } from '../../src/core/config.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { REPO_ROOT, runCli, type CliResult } from '../support/cli.js';
import { ENGINES, createEmptyDatabase, type Engine } from '../support/databases.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/census');
const SLICE = path.join(FIXTURES, 'data-go-kr-1000.csv');
const SLICE_CP949 = path.join(FIXTURES, 'data-go-kr-1000.cp949.csv');
const SLICE_ROWS = 998;
const BROKEN = path.join(FIXTURES, 'broken.csv');
const CATALOG = path.resolve(REPO_ROOT, '../shared/data/datago-catalog/data-go-kr-catalog-20220630.csv');
const HAVE_CATALOG = existsSync(CATALOG);

/** The import allocates a lot; the installed `datadam` runs node with this flag too (bin/datadam.js). */
const NODE_FLAGS = ['--max-semi-space-size=64'];
const CLI_ENV = { NODE_OPTIONS: [process.env.NODE_OPTIONS, ...NODE_FLAGS].filter(Boolean).join(' ') };

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'datadam-census-e2e-'));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** Where the CLI keeps its data, as its environment says, and the database that goes with it. */
interface Target {
  env: Record<string, string>;
  db: DbConfig;
  drop(): Promise<void>;
}

async function target(engine: Engine): Promise<Target> {
  const dataDir = tempDir();
  if (engine === 'sqlite') {
    return { env: { DATADAM_DATA_DIR: dataDir }, db: { kind: 'sqlite', file: path.join(dataDir, 'datadam.db') }, drop: async () => {} };
  }
  const { config, drop } = await createEmptyDatabase('postgres');
  if (config.kind !== 'postgres') throw new Error('expected a PostgreSQL database');
  return { env: { DATADAM_DATA_DIR: dataDir, DATADAM_DB: config.url }, db: config, drop };
}

interface ImportResult {
  imported: number;
  rejected: number;
  unchanged: number;
  rows: number;
  committed: boolean;
  encoding: string | null;
  agenciesCreated: number;
  errorCount: number;
  errors: Array<{ row: number; column: string; message: string; messageEn: string }>;
}

async function cliImport(to: Target, file: string, ...flags: string[]): Promise<{ result: CliResult; report: ImportResult }> {
  const result = await runCli(['census', 'import', file, '--json', ...flags], { env: { ...CLI_ENV, ...to.env } });
  let report: ImportResult;
  try {
    report = JSON.parse(result.stdout) as ImportResult;
  } catch {
    throw new Error(`datadam census import printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return { result, report };
}

/**
 * Every census entry as the database holds it, without what differs between two imports of the same
 * rows (ids, timestamps) and with its agency by code and name instead of by id; in external-id order.
 */
async function entriesOf(db: DbConfig): Promise<Array<Record<string, unknown>>> {
  const database = openDatabase(db);
  try {
    const rows: Array<Record<string, unknown>> = await database.db
      .selectFrom('census_entries as e')
      .innerJoin('organizations as o', 'o.id', 'e.org_id')
      .select([
        'e.source',
        'e.external_id',
        'e.status',
        'e.version',
        'e.form',
        'e.title',
        'e.title_key',
        'e.domain',
        'e.modality',
        'e.readiness',
        'e.provision_scope',
        'e.personal_info',
        'e.campaign_id',
        'e.change_kind',
        'e.created_by',
        'o.code as org_code',
        'o.name as org_name',
        'o.kind as org_kind',
      ])
      .execute();
    const key = (r: Record<string, unknown>) => `${String(r.source)}\u0000${String(r.external_id)}`;
    return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  } finally {
    await database.close();
  }
}

/** Entries with everything, ids and timestamps included: what "left as they are" compares. */
async function rawEntriesOf(db: DbConfig): Promise<Array<Record<string, unknown>>> {
  const database = openDatabase(db);
  try {
    return await database.db.selectFrom('census_entries').selectAll().orderBy('id').execute();
  } finally {
    await database.close();
  }
}

async function countOf(db: DbConfig, table: 'census_entries' | 'organizations' | 'census_duplicate_flags'): Promise<number> {
  const database = openDatabase(db);
  try {
    const row = await database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await database.close();
  }
}

/** The first few rows that differ, as "external id: a ≠ b"; empty when the two lists hold the same entries. */
function differences(a: Array<Record<string, unknown>>, b: Array<Record<string, unknown>>): string[] {
  const out: string[] = [];
  if (a.length !== b.length) out.push(`${a.length} entries ≠ ${b.length} entries`);
  for (let i = 0; i < Math.min(a.length, b.length) && out.length < 5; i++) {
    const x = JSON.stringify(a[i]);
    const y = JSON.stringify(b[i]);
    if (x !== y) out.push(`${String(a[i]!.external_id)}: ${x} ≠ ${y}`);
  }
  return out;
}

const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/**
 * A data.go.kr catalog of `rows` rows: the slice's rows over and over, each copy with its own 목록키
 * and, from the second copy on, its own title (so the same-title duplicate pass stays linear).
 */
async function writeBigCatalog(file: string, rows: number): Promise<void> {
  const [header, ...body] = parse(readFileSync(SLICE), { bom: true, relaxColumnCount: false }) as string[][];
  const titleAt = header!.indexOf('목록명');
  const out = createWriteStream(file);
  let chunk = `${header!.map(csvCell).join(',')}\n`;
  for (let i = 0; i < rows; i++) {
    const copy = Math.floor(i / body.length);
    const cells = [...body[i % body.length]!];
    cells[0] = String(90_000_000 + i);
    if (copy > 0) cells[titleAt] = `${cells[titleAt]} (사본 ${copy})`;
    chunk += `${cells.map(csvCell).join(',')}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

describe('datadam census import: the repository fixtures', () => {
  let utf8: Target;

  it('imports the 998-row catalog slice, and the same rows saved as CP949, to identical entries', async () => {
    utf8 = await target('sqlite');
    const cp949 = await target('sqlite');
    const [a, b] = await Promise.all([
      cliImport(utf8, SLICE, '--mapping', 'data-go-kr'),
      cliImport(cp949, SLICE_CP949, '--mapping', 'data-go-kr'),
    ]);
    for (const [run, encoding] of [
      [a, 'utf-8'],
      [b, 'cp949'],
    ] as const) {
      expect(run.result.code, run.result.stderr).toBe(0);
      expect(run.report).toMatchObject({ imported: SLICE_ROWS, rejected: 0, errors: [], committed: true, rows: SLICE_ROWS, encoding });
    }
    const entries = await entriesOf(utf8.db);
    expect(entries).toHaveLength(SLICE_ROWS);
    expect(entries[0]).toMatchObject({ source: 'data-go-kr', external_id: '15000000', status: 'draft', org_kind: 'agency' });
    expect(differences(entries, await entriesOf(cp949.db))).toEqual([]);
  });

  it('imports the CP949 slice on PostgreSQL to the same entries as the UTF-8 slice on SQLite', async () => {
    const pg = await target('postgres');
    try {
      const { result, report } = await cliImport(pg, SLICE_CP949, '--mapping', 'data-go-kr');
      expect(result.code, result.stderr).toBe(0);
      expect(report).toMatchObject({ imported: SLICE_ROWS, rejected: 0, errors: [], encoding: 'cp949' });
      expect(differences(await entriesOf(utf8.db), await entriesOf(pg.db))).toEqual([]);
    } finally {
      await pg.drop();
    }
  });

  it('re-importing the same file imports nothing and leaves every entry as it was', async () => {
    const before = await rawEntriesOf(utf8.db);
    const { result, report } = await cliImport(utf8, SLICE, '--mapping', 'data-go-kr');
    expect(result.code, result.stderr).toBe(0);
    expect(report).toMatchObject({ imported: 0, unchanged: SLICE_ROWS, rejected: 0, errors: [], agenciesCreated: 0 });
    expect(await rawEntriesOf(utf8.db)).toEqual(before);
  });

  describe('broken.csv', () => {
    const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'broken.expected.json'), 'utf8')) as {
      valid: number[];
      errors: Array<{ row: number; column: string; message: string; messageEn: string }>;
      fileError: { row: number; column: string; message: string; messageEn: string };
    };
    const allErrors = [...expected.errors, expected.fileError];
    let seoul: Target;

    beforeAll(async () => {
      seoul = await target('sqlite');
      // The native form names agencies without a code, so the rows go to an agency chosen with --org.
      const org = await runCli(['admin', 'create-org', '--slug', 'seoul', '--name', '서울특별시', '--kind', 'agency', '--json'], {
        env: seoul.env,
      });
      expect(org.code, org.stderr).toBe(0);
    });

    it('is refused whole, with exit 1, naming each broken row and column', async () => {
      const { result, report } = await cliImport(seoul, BROKEN, '--org', 'seoul');
      expect(result.code).toBe(1);
      expect(report.imported).toBe(0);
      expect(report.committed).toBe(false);
      expect(report.rejected).toBe(new Set(allErrors.map((e) => e.row)).size);
      expect(report.errorCount).toBe(allErrors.length);
      expect(report.errors.map((e) => [e.row, e.column])).toEqual(allErrors.map((e) => [e.row, e.column]));
      expect(report.errors.map((e) => [e.message, e.messageEn])).toEqual(allErrors.map((e) => [e.message, e.messageEn]));
      expect(await countOf(seoul.db, 'census_entries')).toBe(0);
    });

    it('with --valid-rows-only imports exactly the valid rows (and still exits 1: rows were rejected)', async () => {
      const { result, report } = await cliImport(seoul, BROKEN, '--org', 'seoul', '--valid-rows-only');
      expect(result.code).toBe(1);
      expect(report).toMatchObject({ imported: expected.valid.length, committed: true, errorCount: allErrors.length });
      expect(report.errors.map((e) => [e.row, e.column])).toEqual(allErrors.map((e) => [e.row, e.column]));
      const entries = await entriesOf(seoul.db);
      // Each row of broken.csv carries its row number in its ID column (X-2 is row 2).
      expect(entries.map((e) => e.external_id).sort()).toEqual(expected.valid.map((row) => `X-${row}`).sort());
      expect(entries.every((e) => e.org_name === '서울특별시' && e.status === 'draft')).toBe(true);
    });
  });
});

describe('datadam census import killed with SIGKILL half-way', () => {
  // About three seconds of import on this machine; the kill comes a third of the way in.
  const ROWS = 60_000;
  const KILL_AT = 20_000;
  let big: string;

  beforeAll(async () => {
    big = path.join(tempDir(), 'big.csv');
    await writeBigCatalog(big, ROWS);
  });

  for (const engine of ENGINES) {
    // Generous: the second import also indexes 60,000 entries, which on PostgreSQL keeps its corpus numbers per term.
    it(`leaves nothing half-imported, and the next import runs normally: ${engine}`, { timeout: 300_000 }, async () => {
      const to = await target(engine);
      try {
        const child = spawn(
          process.execPath,
          [
            ...NODE_FLAGS,
            '--import',
            'tsx',
            path.join(REPO_ROOT, 'src/cli/main.ts'),
            'census',
            'import',
            big,
            '--mapping',
            'data-go-kr',
            '--json',
          ],
          {
            cwd: REPO_ROOT,
            env: { ...process.env, LOG_LEVEL: 'warn', DATADAM_PROGRESS: 'lines', ...to.env },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let stdout = '';
        let stderr = '';
        let killedAt = 0;
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (killedAt > 0) return;
          // "importing big.csv: 21,000 (7,412/s)": rows read so far, every batch of them already inserted.
          const seen = [...stderr.matchAll(/importing big\.csv: ([\d,]+) /g)].map((m) => Number(m[1]!.replaceAll(',', '')));
          const rows = Math.max(0, ...seen);
          if (rows >= KILL_AT) {
            killedAt = rows;
            child.kill('SIGKILL');
          }
        });
        const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
        expect(signal, `the import ended by itself (exit ${code}) before it was killed:\n${stderr}`).toBe('SIGKILL');
        expect(killedAt).toBeGreaterThanOrEqual(KILL_AT);
        expect(killedAt).toBeLessThan(ROWS);
        expect(stdout).toBe('');

        // The whole transaction is gone: no entry, and none of the agencies the import had created.
        expect(await countOf(to.db, 'census_entries')).toBe(0);
        expect(await countOf(to.db, 'organizations')).toBe(0);
        if (engine === 'sqlite') {
          const database = openDatabase(to.db);
          try {
            const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(database.db);
            expect(rows).toEqual([{ integrity_check: 'ok' }]);
          } finally {
            await database.close();
          }
        }

        // No lock or half-written state stands in the way of the next import of the same file.
        const { result, report } = await cliImport(to, big, '--mapping', 'data-go-kr');
        expect(result.code, result.stderr).toBe(0);
        expect(report).toMatchObject({ imported: ROWS, rejected: 0, unchanged: 0, committed: true });
        expect(await countOf(to.db, 'census_entries')).toBe(ROWS);
      } finally {
        await to.drop();
      }
    });
  }
});

describe('the whole data.go.kr catalog', () => {
  const ROWS = 61_359;
  const AGENCIES = 992;
  const NOT_IN_CP949 = 578;

  it.skipIf(!HAVE_CATALOG)(
    `imports all ${ROWS.toLocaleString('en-US')} rows with --mapping data-go-kr; a CP949 copy of them imports to the same entries`,
    { timeout: 600_000 },
    async () => {
      const utf8 = await target('sqlite');
      const cp949 = await target('sqlite');
      const copy = path.join(tempDir(), 'catalog.cp949.csv');
      const [whole, encoded] = await Promise.all([
        cliImport(utf8, CATALOG, '--mapping', 'data-go-kr', '--status', 'accepted'),
        (async () => {
          // Saved as CP949 by Python's strict codec, leaving out the lines it cannot encode (as Excel
          // would refuse them); prints the 목록키 of each line left out.
          const script = [
            'import sys, json',
            'src, dst = sys.argv[1:3]',
            'dropped = []',
            "with open(src, encoding='utf-8', newline='') as fin, open(dst, 'w', encoding='cp949', newline='') as fout:",
            '    for line in fin:',
            '        try:',
            "            line.encode('cp949')",
            '        except UnicodeEncodeError:',
            "            dropped.append(line.split(',', 1)[0])",
            '            continue',
            '        fout.write(line)',
            'print(json.dumps(dropped))',
          ].join('\n');
          const dropped = JSON.parse(execFileSync('python3', ['-c', script, CATALOG, copy], { encoding: 'utf8' })) as string[];
          return { dropped, ...(await cliImport(cp949, copy, '--mapping', 'data-go-kr', '--status', 'accepted')) };
        })(),
      ]);

      expect(whole.result.code, whole.result.stderr).toBe(0);
      expect(whole.report).toMatchObject({
        imported: ROWS,
        rejected: 0,
        rows: ROWS,
        errors: [],
        agenciesCreated: AGENCIES,
        committed: true,
      });
      expect(await countOf(utf8.db, 'census_entries')).toBe(ROWS);
      expect(await countOf(utf8.db, 'organizations')).toBe(AGENCIES);

      expect(encoded.dropped).toHaveLength(NOT_IN_CP949);
      expect(encoded.result.code, encoded.result.stderr).toBe(0);
      expect(encoded.report).toMatchObject({ imported: ROWS - NOT_IN_CP949, rejected: 0, errors: [], encoding: 'cp949' });

      // The UTF-8 import of the lines the copy kept: the whole import less the lines left out. Each
      // entry depends on its own row only (every agency code has one name throughout the catalog),
      // and a difference in an agency's name would show here as a difference, not hide.
      const left = new Set(encoded.dropped);
      const all = await entriesOf(utf8.db);
      expect(all.filter((e) => left.has(String(e.external_id)))).toHaveLength(NOT_IN_CP949);
      const kept = all.filter((e) => !left.has(String(e.external_id)));
      expect(kept.every((e) => e.status === 'accepted')).toBe(true);
      expect(differences(kept, await entriesOf(cp949.db))).toEqual([]);
    },
  );
});
