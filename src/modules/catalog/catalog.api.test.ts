/**
 * The data map's search over HTTP, on both engines, over the data.go.kr catalog fixture (998
 * entries): Korean behaviour, the same hits on SQLite and PostgreSQL, facets, filters, cursor
 * pagination, visibility, and the CLI's JSON contract.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/support/app.js';
import { runCli } from '../../../test/support/cli.js';
import { ENGINES, type Engine } from '../../../test/support/databases.js';
import { DATA_GO_KR_MAPPING } from '../census/import/mapping.js';
import type { SearchResult } from './catalog.service.js';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/census/data-go-kr-1000.csv', import.meta.url));

/** Queries whose hit sets must be identical on both engines. */
const CROSS_ENGINE_QUERIES = [
  '주차장',
  '공영주차장을',
  '동물 병원',
  '자동심장충격기',
  'LPG 충전소',
  'BIS 노선',
  '관광 통계',
  '미세먼지',
  'DB',
  '병원정보서비스',
  '현황',
];

const hitsByEngine: Partial<Record<Engine, Record<string, string[]>>> = {};

for (const engine of ENGINES) {
  describe(`catalog search: ${engine}`, () => {
    const t = useTestApp(engine);
    let ready: Promise<void> | undefined;

    /** Imports the fixture once (as the platform, accepted) and indexes it. */
    function prepare(): Promise<void> {
      ready ??= (async () => {
        const report = await t.current.platform.censusFiles.importEntries(
          { kind: 'system', name: 'test' },
          {
            source: createReadStream(FIXTURE),
            fileName: 'data-go-kr-1000.csv',
            mapping: DATA_GO_KR_MAPPING,
            validRowsOnly: false,
            status: 'accepted',
          },
        );
        expect(report.committed).toBe(true);
        const indexed = await t.current.platform.catalog.reindexStale();
        expect(indexed.indexed).toBe(report.imported);
      })();
      return ready;
    }

    async function search(query: Record<string, string | number | ReadonlyArray<string | number>>, cookie?: string): Promise<SearchResult> {
      await prepare();
      const params = new URLSearchParams(
        Object.entries(query).flatMap(([k, v]): Array<[string, string]> => (Array.isArray(v) ? v : [v]).map((one) => [k, String(one)])),
      );
      const response = await t.current.app.inject({
        url: `/api/v1/catalog/search?${params}`,
        ...(cookie ? { headers: { cookie } } : {}),
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as SearchResult;
    }

    /** Every hit's id, across all pages. */
    async function allIds(q: string, cookie?: string): Promise<string[]> {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: SearchResult = await search({ q, limit: 100, ...(cursor ? { cursor } : {}) }, cookie);
        ids.push(...page.results.map((r) => r.id));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    }

    const titles = async (q: string) => (await search({ q, limit: 100 })).results.map((r) => r.title);

    it('finds the same with or without a particle', async () => {
      const plain = await allIds('공영주차장');
      expect(plain.length).toBeGreaterThan(5);
      expect(await allIds('공영주차장을')).toEqual(plain);
      expect(await allIds('동물병원의')).toEqual(await allIds('동물병원'));
    });

    it('does not care about spacing', async () => {
      const joined = await titles('동물병원');
      const spaced = await titles('동물 병원');
      for (const title of ['경기도 성남시_동물병원_현황', '부산광역시_사상구_동물병원 현황', '경상북도 영천시_동물병원 현황']) {
        expect(joined).toContain(title);
        expect(spaced).toContain(title);
      }
      // The title writes 자동심장 충격기 with a space; the query runs the words together.
      expect(await titles('자동심장충격기')).toContain('국립중앙의료원_전국 자동심장 충격기 정보 조회 서비스(AED)');
    });

    it('finds a longer title from a part of its compound', async () => {
      const found = await titles('주차장');
      expect(found).toContain('안동시시설관리공단 공영주차장 현황');
      expect(found).toContain('공공데이터활용지원센터_전국 명절 무료주차장 현황');
      expect(await titles('응급의료')).toContain('국립중앙의료원_전국 응급의료기관 조회 서비스');
    });

    it('mixes Korean and English', async () => {
      expect(await titles('LPG 충전소')).toEqual(['한국가스안전공사_전국 LPG 충전소 현황']);
      const bis = await titles('BIS 노선');
      expect(bis).toEqual(expect.arrayContaining(['광주광역시 BIS 노선-정류소 정보', '광주광역시 BIS 노선정보']));
      expect(bis.every((title) => title.includes('BIS'))).toBe(true);
      expect(await titles('aed')).toContain('국립중앙의료원_전국 자동심장 충격기 정보 조회 서비스(AED)');
    });

    it('ranks a title match above a body-only match, and finds nothing for nothing', async () => {
      const result = await search({ q: '주차장' });
      expect(result.results[0]!.title).toContain('주차장');
      const scores = result.results.map((r) => r.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      // Only stopwords and punctuation: no terms, so nothing (not everything).
      expect((await search({ q: '및 ?!' })).total).toBe(0);
      expect((await search({ q: '존재하지않는단어조합' })).total).toBe(0);
    });

    it('records the hit sets of the cross-engine queries', async () => {
      await prepare();
      // Ids differ between the two databases (each import makes its own); the data.go.kr key does not.
      const keys = await sql<{ id: string; external_id: string }>`select id, external_id from census_entries`.execute(
        t.current.platform.database.db,
      );
      const keyOf = new Map(keys.rows.map((r) => [r.id, r.external_id]));
      const hits: Record<string, string[]> = {};
      for (const q of CROSS_ENGINE_QUERIES) {
        const scored: string[] = [];
        let cursor: string | null = null;
        do {
          const page: SearchResult = await search({ q, limit: 100, ...(cursor ? { cursor } : {}) });
          scored.push(...page.results.map((r) => `${keyOf.get(r.id)} ${r.score.toFixed(9)}`));
          cursor = page.nextCursor;
        } while (cursor);
        hits[q] = scored.sort();
        // And the first page in its order. Ties (same score, same time) go by id, which each
        // database makes itself: compare the scores in order, and the entries of every tied group
        // but the last (which the page may cut).
        const page = (await search({ q, limit: 20 })).results;
        const lowest = page.at(-1)?.score;
        hits[`${q} (order)`] = [
          page.map((r) => r.score.toFixed(9)).join(' '),
          ...page
            .filter((r) => r.score !== lowest)
            .map((r) => `${r.score.toFixed(9)} ${keyOf.get(r.id)}`)
            .sort(),
        ];
      }
      expect(hits['주차장']!.length).toBeGreaterThan(15);
      hitsByEngine[engine] = hits;
    });

    it('counts facets as a direct SQL count does', async () => {
      const all = await search({ limit: 1 });
      const db = t.current.platform.database.db;
      const rows = await sql<{ domain: string; n: number }>`
        select domain, count(*) as n from census_entries where status = 'accepted' and domain is not null group by domain`.execute(db);
      const expected = Object.fromEntries(rows.rows.map((r) => [r.domain, Number(r.n)]));
      expect(Object.fromEntries(all.facets.domain.map((f) => [f.value, f.count]))).toEqual(expected);
      expect(all.total).toBe(998);

      // Facets of a query count its hits.
      const parking = await search({ q: '주차장', limit: 100 });
      const byAgency = new Map<string, number>();
      for (const r of parking.results) byAgency.set(r.agencyId, (byAgency.get(r.agencyId) ?? 0) + 1);
      expect(new Map(parking.facets.agency.map((f) => [f.value, f.count]))).toEqual(byAgency);
      expect(parking.facets.agency.every((f) => typeof f.label === 'string')).toBe(true);
      const formatTotal = parking.facets.format.reduce((sum, f) => sum + f.count, 0);
      expect(formatTotal).toBeGreaterThanOrEqual(parking.total);
    });

    it('narrows with filters', async () => {
      const all = await search({ q: '현황' });
      const domain = all.facets.domain[0]!;
      const narrowed = await search({ q: '현황', domain: domain.value, limit: 100 });
      expect(narrowed.total).toBe(domain.count);
      expect(narrowed.total).toBeLessThan(all.total);
      expect(narrowed.results.every((r) => r.domain === domain.value)).toBe(true);

      const format = all.facets.format.find((f) => f.value === 'API')!;
      expect((await search({ q: '현황', format: 'api' })).total).toBe(format.count);
      const agency = all.facets.agency[0]!;
      const byAgency = await search({ q: '현황', agency: agency.value, limit: 100 });
      expect(byAgency.total).toBe(agency.count);
      expect(byAgency.results.every((r) => r.agencyId === agency.value)).toBe(true);
      expect((await search({ q: '현황', modality: 'image' })).total).toBe(0);
      const year = all.facets.year[0]!;
      expect((await search({ q: '현황', year: year.value })).total).toBe(year.count);
    });

    it('pages with a cursor, every hit once, in both orders', async () => {
      for (const sort of ['relevance', 'newest']) {
        const first = await search({ q: '현황', limit: 7, sort });
        const ids: string[] = [];
        let page = first;
        for (;;) {
          ids.push(...page.results.map((r) => r.id));
          if (!page.nextCursor) break;
          page = await search({ q: '현황', limit: 7, sort, cursor: page.nextCursor });
        }
        expect(ids.length).toBe(first.total);
        expect(new Set(ids).size).toBe(ids.length);
      }
      const bad = await t.current.app.inject({ url: '/api/v1/catalog/search?q=x&cursor=nonsense' });
      expect(bad.statusCode).toBe(400);
    });

    it('takes several values of a facet (any of them), and keeps the selected values among the facets', async () => {
      const all = await search({ q: '현황' });
      const [a, b] = all.facets.domain;
      const both = await search({ q: '현황', domain: [a!.value, b!.value], limit: 100 });
      expect(both.total).toBe(a!.count + b!.count);
      expect(both.results.every((r) => r.domain === a!.value || r.domain === b!.value)).toBe(true);
      // Two facets combine with AND.
      const api = (await search({ q: '현황', domain: [a!.value, b!.value] })).facets.format.find((f) => f.value === 'API')!;
      expect((await search({ q: '현황', domain: [a!.value, b!.value], format: 'API' })).total).toBe(api.count);

      // One value per facet asked for, but the selected agency stays, wherever it ranks.
      const smallest = all.facets.agency.at(-1)!;
      const capped = await search({ q: '현황', facetLimit: 1, agency: smallest.value });
      expect(capped.facets.agency.map((f) => f.value)).toEqual([smallest.value]);
      const uncapped = await search({ q: '현황', facetLimit: 1 });
      expect(uncapped.facets.agency).toHaveLength(1);
      expect(uncapped.facets.agency[0]).toEqual(all.facets.agency[0]);
      expect((await t.current.app.inject({ url: '/api/v1/catalog/search?sort=best' })).statusCode).toBe(400);
    });

    it('sorts by title and by use: visits to a dataset page from outside its agency count', async () => {
      const [first, second] = (await search({ q: '주차장', limit: 5 })).results;
      const visit = async (id: string, cookie?: string) => {
        const response = await t.current.app.inject({ url: `/api/v1/catalog/datasets/${id}`, ...(cookie ? { headers: { cookie } } : {}) });
        expect(response.statusCode, response.body).toBe(200);
      };
      for (let i = 0; i < 3; i++) await visit(second!.id);
      await visit(first!.id, (await t.current.login('consumer@demo.datadam.kr')).cookie);
      // The operator belongs to no agency of these entries either; a system read does not count.
      const used = await search({ q: '주차장', sort: 'most_used', limit: 3 });
      expect(used.results.map((r) => [r.id, r.uses])).toEqual([
        [second!.id, 3],
        [first!.id, 1],
        [expect.any(String), 0],
      ]);
      const browsed = await search({ sort: 'most_used', limit: 2 });
      expect(browsed.results.map((r) => r.id)).toEqual([second!.id, first!.id]);

      const byTitle = (await search({ q: '주차장', sort: 'title', limit: 100 })).results.map((r) => r.title);
      expect(byTitle).toEqual([...byTitle].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
      const browsedByTitle = (await search({ sort: 'title', limit: 50 })).results.map((r) => r.title);
      expect(browsedByTitle).toEqual([...browsedByTitle].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    });

    it('suggests titles from a part of a word, the most used first, and only what the caller may see', async () => {
      await prepare();
      const suggest = async (q: string, cookie?: string) => {
        const response = await t.current.app.inject({
          url: `/api/v1/catalog/suggest?q=${encodeURIComponent(q)}`,
          ...(cookie ? { headers: { cookie } } : {}),
        });
        expect(response.statusCode, response.body).toBe(200);
        return (response.json() as { suggestions: Array<{ id: string; title: string; agency: string }> }).suggestions;
      };
      expect((await suggest('응급의')).map((s) => s.title)).toContain('국립중앙의료원_전국 응급의료기관 조회 서비스');
      const one = await suggest('주');
      expect(one).toHaveLength(8);
      expect(new Set(one.map((s) => s.title)).size).toBe(8);
      // The most used entry holding 주차 comes first.
      const top = (await search({ q: '주차장', sort: 'most_used', limit: 1 })).results[0]!;
      expect(top.uses).toBeGreaterThan(0);
      expect((await suggest('주차'))[0]!.id).toBe(top.id);
      expect(await suggest('존재하지않는')).toEqual([]);
      expect((await t.current.app.inject({ url: '/api/v1/catalog/suggest?q=' })).statusCode).toBe(400);
    });

    it("shows an agency's draft to its stewards and oversight only", async () => {
      await prepare();
      const steward = await t.current.login('steward@demo.datadam.kr');
      const nia = (await t.current.app.inject({ url: '/api/v1/orgs/nia' })).json() as { id: string };
      const created = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/census/entries',
        headers: { cookie: steward.cookie, 'x-csrf-token': steward.csrf },
        payload: { orgId: nia.id, form: { title: '비공개 드론항공사진 초안', description: '하천 드론 촬영 원본' } },
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = (created.json() as { id: string }).id;
      expect(await t.current.platform.catalog.reindexStale()).toEqual({ indexed: 1, removed: 0 });

      const find = async (cookie?: string) => (await search({ q: '드론 항공사진' }, cookie)).results.map((r) => r.id);
      expect(await find()).toEqual([]);
      expect(await find((await t.current.login('steward.seoul@demo.datadam.kr')).cookie)).toEqual([]);
      expect(await find((await t.current.login('consumer@demo.datadam.kr')).cookie)).toEqual([]);
      expect(await find(steward.cookie)).toEqual([id]);
      expect(await find((await t.current.login('operator@demo.datadam.kr')).cookie)).toEqual([id]);
      expect(await find((await t.current.login('auditor@demo.datadam.kr')).cookie)).toEqual([id]);
      const hit = (await search({ q: '하천 드론' }, steward.cookie)).results[0];
      expect(hit).toMatchObject({ id, status: 'draft', kind: 'census_entry', agencyId: nia.id });
      // Suggestions follow the same rules.
      const suggest = async (cookie?: string) =>
        (
          (
            await t.current.app.inject({
              url: `/api/v1/catalog/suggest?q=${encodeURIComponent('드론항')}`,
              ...(cookie ? { headers: { cookie } } : {}),
            })
          ).json() as { suggestions: Array<{ id: string }> }
        ).suggestions.map((s) => s.id);
      expect(await suggest()).toEqual([]);
      expect(await suggest(steward.cookie)).toEqual([id]);
      // Browsing counts (kept between index changes) count the new draft for those who see it.
      const operator = (await t.current.login('operator@demo.datadam.kr')).cookie;
      const before = (await search({}, operator)).total;
      const other = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/census/entries',
        headers: { cookie: steward.cookie, 'x-csrf-token': steward.csrf },
        payload: { orgId: nia.id, form: { title: '두 번째 초안' } },
      });
      expect(other.statusCode, other.body).toBe(201);
      expect((await search({}, operator)).total).toBe(before);
      await t.current.platform.catalog.reindexStale();
      expect((await search({}, operator)).total).toBe(before + 1);
    });
  });
}

describe('catalog search on both engines', () => {
  it('finds exactly the same entries, with the same scores, on SQLite and PostgreSQL', () => {
    expect(hitsByEngine.sqlite, 'the SQLite run recorded its hits').toBeDefined();
    expect(hitsByEngine.postgres, 'the PostgreSQL run recorded its hits').toBeDefined();
    for (const q of CROSS_ENGINE_QUERIES) {
      expect(hitsByEngine.postgres![q], q).toEqual(hitsByEngine.sqlite![q]);
      expect(hitsByEngine.postgres![`${q} (order)`], `${q} (order)`).toEqual(hitsByEngine.sqlite![`${q} (order)`]);
    }
  });
});

describe('datadam catalog search (CLI)', () => {
  it('prints the JSON contract, and finds entries right after an import', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'datadam-catalog-cli-'));
    try {
      const env = { DATADAM_DATA_DIR: dataDir };
      const imported = await runCli(
        ['census', 'import', FIXTURE, '--mapping', 'data-go-kr', '--status', 'accepted', '--data-dir', dataDir, '--json'],
        { env },
      );
      expect(imported.code, imported.stderr).toBe(0);
      const found = await runCli(['catalog', 'search', '동물병원', '--limit', '2', '--data-dir', dataDir, '--json'], { env });
      expect(found.code, found.stderr).toBe(0);
      const body = JSON.parse(found.stdout) as { total: number; results: Array<Record<string, unknown>> };
      expect(body.total).toBeGreaterThanOrEqual(3);
      expect(body.results).toHaveLength(2);
      for (const r of body.results) {
        expect(r).toMatchObject({ id: expect.any(String), title: expect.stringContaining('동물병원'), agency: expect.any(String) });
        expect(typeof r.score).toBe('number');
      }
      const usage = await runCli(['catalog', 'search', 'x', '--limit', '0', '--data-dir', dataDir, '--json'], { env });
      expect(usage.code).not.toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
