/**
 * "datadam harvests datadam": two instances on real ports, each with its own database (A on SQLite;
 * B on SQLite and again on PostgreSQL). A holds accepted census entries (a slice of the demo's
 * data.go.kr catalog) and a draft; B registers A's CKAN Action API as a harvest source, and A's
 * DCAT catalog in Turtle and in JSON-LD (paged by Link headers), and harvests them over HTTP with
 * the real client. B's search must find every accepted entry of A, with A's title, agency and
 * formats, and never the draft; when A changes a title and takes an entry back, a full rerun on B
 * follows both.
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/auth/policy.js';
import type { SearchResult } from '../../src/modules/catalog/catalog.service.js';
import type { HarvestOutcome, HarvestSource } from '../../src/modules/catalog/harvest.service.js';
import { DATA_GO_KR_MAPPING } from '../../src/modules/census/import/mapping.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { REPO_ROOT } from '../support/cli.js';
import { ENGINES, type Engine } from '../support/databases.js';

const SYSTEM: Actor = { kind: 'system', name: 'e2e' };
const ROWS = 40;
const ALLOW_PRIVATE = { DATADAM_HARVEST_ALLOW_PRIVATE: 'true' };

const temp = mkdtempSync(path.join(os.tmpdir(), 'datadam-harvest-e2e-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** The first ROWS rows of the demo catalog, as a CSV of their own. */
function demoSlice(): string {
  const rows = parse(readFileSync(path.join(REPO_ROOT, 'demo/census/data-go-kr-demo.csv'), 'utf8'), { bom: true }) as string[][];
  const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const file = path.join(temp, 'slice.csv');
  writeFileSync(
    file,
    `${rows
      .slice(0, ROWS + 1)
      .map((r) => r.map(quote).join(','))
      .join('\n')}\n`,
  );
  return file;
}

interface Instance {
  t: TestApp;
  url: string;
  close(): Promise<void>;
}

/** A datadam (platform and HTTP app) listening on a real port of 127.0.0.1. */
async function startInstance(engine: Engine): Promise<Instance> {
  const t = await createTestApp(engine, { env: ALLOW_PRIVATE, harvest: { timeoutMs: 10_000, attempts: 2, backoffMs: 50 } });
  const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { t, url, close: () => t.close() };
}

/** What A publishes of an entry, and what B must show of it. */
interface Published {
  id: string;
  title: string;
  agency: string;
  formats: string;
}

/** A's accepted entries as the public sees them: title, agency and formats. */
async function publishedOf(a: TestApp): Promise<Map<string, Published>> {
  const rows = await sql<{ id: string; title: string; form: string; agency: string }>`
    select e.id, e.title, e.form, o.name as agency
    from census_entries e join organizations o on o.id = e.org_id
    where e.status = 'accepted'`.execute(a.platform.database.db);
  return new Map(
    rows.rows.map((r) => {
      const formats = [...new Set(((JSON.parse(r.form) as { formats?: string[] }).formats ?? []).map((f) => f.trim().toUpperCase()))];
      return [r.id, { id: r.id, title: r.title, agency: r.agency, formats: formats.length > 0 ? `|${formats.join('|')}|` : '' }];
    }),
  );
}

for (const engine of ENGINES) {
  describe(`datadam harvests datadam (B on ${engine})`, () => {
    let a: Instance;
    let b: Instance;
    let operator: { cookie: string; csrf: string };
    const sources: Record<string, HarvestSource> = {};
    let draftTitle = '';

    beforeAll(async () => {
      [a, b] = await Promise.all([startInstance('sqlite'), startInstance(engine)]);
      operator = await b.t.login('operator@demo.datadam.kr');

      // A: accepted entries from the demo catalog, and a draft nobody outside its agency may see.
      const report = await a.t.platform.censusFiles.importEntries(SYSTEM, {
        source: createReadStream(demoSlice()),
        fileName: 'slice.csv',
        mapping: DATA_GO_KR_MAPPING,
        validRowsOnly: false,
        status: 'accepted',
      });
      expect(report).toMatchObject({ committed: true, imported: ROWS });
      const someAgency = (await publishedOf(a.t)).values().next().value!;
      const orgId = (await a.t.platform.census.getEntry(SYSTEM, someAgency.id)).orgId;
      draftTitle = '비공개초안 하베스트금지 데이터';
      await a.t.platform.census.createEntry(SYSTEM, { orgId, form: { title: draftTitle, formats: ['CSV'] } });
      await a.t.platform.catalog.reindexStale();
    }, 120_000);

    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
    });

    const call = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
      b.t.app.inject({ method, url, headers: { cookie: operator.cookie, 'x-csrf-token': operator.csrf }, ...(payload ? { payload } : {}) });

    /** Every hit of B's search, across its pages. */
    async function searchB(q: string): Promise<SearchResult['results']> {
      const hits: SearchResult['results'] = [];
      let cursor: string | null = null;
      do {
        const params = new URLSearchParams({ q, limit: '100', ...(cursor ? { cursor } : {}) });
        const response = await fetch(`${b.url}/api/v1/catalog/search?${params.toString()}`);
        expect(response.status).toBe(200);
        const page = (await response.json()) as SearchResult;
        hits.push(...page.results);
        cursor = page.nextCursor;
      } while (cursor);
      return hits;
    }

    async function add(name: string, kind: 'ckan' | 'dcat', url: string): Promise<HarvestSource> {
      const response = await call('POST', '/api/v1/catalog/harvest/sources', { name, kind, url });
      expect(response.statusCode, response.body).toBe(201);
      return (sources[name] = response.json<HarvestSource>());
    }

    async function run(source: HarvestSource): Promise<HarvestOutcome> {
      const response = await call('POST', `/api/v1/catalog/harvest/sources/${source.id}/run?wait=true&full=true`);
      expect(response.statusCode, response.body).toBe(200);
      const outcome = response.json<HarvestOutcome>();
      expect(outcome.error).toBeNull();
      return outcome;
    }

    /** B holds exactly A's accepted entries from `source`, with their titles, agencies (and formats). */
    async function expectMirror(source: HarvestSource, options: { formats: boolean }): Promise<void> {
      const published = await publishedOf(a.t);
      const hits = (await searchB('')).filter((h) => h.kind === 'harvested' && h.id.startsWith(`${source.id}:`));
      const mirrored = new Map(hits.map((h) => [h.id.slice(source.id.length + 1), h]));
      expect([...mirrored.keys()].sort()).toEqual([...published.keys()].sort());
      for (const entry of published.values()) {
        expect(mirrored.get(entry.id), entry.id).toMatchObject({ title: entry.title, agency: entry.agency, status: 'accepted' });
      }
      if (options.formats) {
        const rows = await b.t.platform.database.db
          .selectFrom('catalog_documents')
          .where('source_id', '=', source.id)
          .select(['remote_id', 'formats'])
          .execute();
        const formats = new Map((rows as Array<{ remote_id: string; formats: string }>).map((r) => [r.remote_id, r.formats]));
        for (const entry of published.values()) expect([entry.id, formats.get(entry.id)]).toEqual([entry.id, entry.formats]);
        expect([...published.values()].some((e) => e.formats !== '')).toBe(true);
      }
      // One of them is found by its own words, too.
      const sample = [...published.values()][3]!;
      expect((await searchB(sample.title)).some((h) => h.id === `${source.id}:${sample.id}`)).toBe(true);
    }

    it("harvests A's CKAN API: every accepted entry with its title, agency and formats, and not the draft", async () => {
      const source = await add('datadam A (CKAN)', 'ckan', `${a.url}/api/3/action`);
      const outcome = await run(source);
      expect(outcome).toMatchObject({ ok: true, mode: 'full', fetched: ROWS, upserted: ROWS, deleted: 0 });
      await expectMirror(source, { formats: true });
      expect((await searchB(draftTitle)).map((h) => h.title)).not.toContain(draftTitle);
    });

    it("harvests A's DCAT catalog in Turtle and in JSON-LD, over several pages: the same set", async () => {
      for (const [name, file] of [
        ['datadam A (DCAT Turtle)', 'dcat.ttl'],
        ['datadam A (DCAT JSON-LD)', 'dcat.jsonld'],
      ] as const) {
        const source = await add(name, 'dcat', `${a.url}/api/v1/catalog/${file}?pageSize=7`);
        const outcome = await run(source);
        expect(outcome, name).toMatchObject({ ok: true, mode: 'full', fetched: ROWS, upserted: ROWS, deleted: 0 });
        // A's DCAT has no distributions before a release, so no formats to compare.
        await expectMirror(source, { formats: false });
        const log = (await call('GET', `/api/v1/catalog/harvest/sources/${source.id}/log`)).json<{ entries: Array<{ message: string }> }>();
        expect(log.entries[0]!.message).toBe(`full harvest done: ${ROWS} read, ${ROWS} stored, 0 removed`);
      }
      expect((await searchB(draftTitle)).map((h) => h.title)).not.toContain(draftTitle);
    });

    it('follows A when a title changes and an entry is taken back', async () => {
      const published = [...(await publishedOf(a.t)).values()];
      const changed = published[5]!;
      const taken = published[9]!;
      const newTitle = `${changed.title} 개정판 하베스트확인`;

      // A: reopen, edit, resubmit and accept one entry; reopen another (back to its agency, not public).
      const census = a.t.platform.census;
      const entry = await census.reopenEntry(SYSTEM, changed.id, '제목 수정');
      const form = {
        ...(entry.form as Record<string, unknown>),
        title: newTitle,
        purpose: '연합 검색 시험',
        updateCycle: 'yearly',
        volumeRecords: 10,
      };
      await census.updateEntry(SYSTEM, changed.id, { form, version: entry.version });
      await census.submitEntry(SYSTEM, changed.id);
      await census.acceptEntry(SYSTEM, changed.id);
      await census.reopenEntry(SYSTEM, taken.id, '공개 철회');
      await a.t.platform.catalog.reindexStale();

      for (const source of Object.values(sources)) {
        const outcome = await run(source);
        expect(outcome, source.name).toMatchObject({ ok: true, mode: 'full', fetched: ROWS - 1, deleted: 1 });
        await expectMirror(source, { formats: source.kind === 'ckan' });
        const hits = await searchB(newTitle);
        expect(hits.find((h) => h.id === `${source.id}:${changed.id}`)?.title, source.name).toBe(newTitle);
        const all = await searchB('');
        expect(all.some((h) => h.id === `${source.id}:${taken.id}`)).toBe(false);
        expect(all.some((h) => h.id.startsWith(`${source.id}:`) && h.title === changed.title)).toBe(false);
      }
    });
  });
}
