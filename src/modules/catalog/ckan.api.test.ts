/**
 * The CKAN Action API over HTTP, on both engines, over the data.go.kr catalog fixture: CKAN's
 * envelope and error shapes (compared with replies recorded from EnviDat, a real CKAN), search with
 * q/fq/rows/start/sort/facets, show, lists, visibility, and a small CKAN-style harvester talking to
 * a listening socket.
 */
import { createReadStream, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/support/app.js';
import { ENGINES } from '../../../test/support/databases.js';
import { DATA_GO_KR_MAPPING } from '../census/import/mapping.js';
import { parseFq } from './ckan.routes.js';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/census/data-go-kr-1000.csv', import.meta.url));
const REPLAY = new URL('../../../test/fixtures/ckan-replay/envidat/', import.meta.url);
const replay = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, REPLAY), 'utf8')) as { success: boolean; result: unknown };

type Dict = Record<string, unknown>;
interface Envelope<T = unknown> {
  help: string;
  success: boolean;
  result: T;
  error?: { __type: string; message: string };
}
interface SearchResult {
  count: number;
  results: Dict[];
  facets: Record<string, Record<string, number>>;
  search_facets: Record<string, { title: string; items: Array<{ name: string; display_name: string; count: number }> }>;
  sort: string;
}

/**
 * Fields EnviDat adds through its own schema extension (ckanext-scheming), not CKAN's core package
 * dict: left out of the comparison, and out of our dicts.
 */
const ENVIDAT_SCHEMA_FIELDS = new Set([
  'date',
  'doi',
  'funding',
  'language',
  'publication',
  'publication_state',
  'related_datasets',
  'related_publications',
  'resource_type',
  'resource_type_general',
  'spatial',
  'spatial_info',
  'subtitle',
]);
/** Core fields CKAN gives as a string or null (EnviDat happens to fill some, leave others null). */
const NULLABLE = new Set(['author', 'author_email', 'creator_user_id', 'maintainer', 'maintainer_email', 'url', 'version']);

const jsonType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** Every top-level key of the recorded dict, with the same JSON type, is in ours. */
function expectSameShape(ours: Dict, recorded: Dict, skip: ReadonlySet<string> = new Set()) {
  for (const [key, value] of Object.entries(recorded)) {
    if (skip.has(key)) continue;
    expect(ours, `key ${key}`).toHaveProperty([key]);
    const [want, got] = [jsonType(value), jsonType(ours[key])];
    if (NULLABLE.has(key)) expect(['string', 'null'], `type of ${key}`).toContain(got);
    else expect(got, `type of ${key}`).toBe(want);
  }
}

describe('parseFq', () => {
  it('reads the clauses CKAN clients write', () => {
    expect(parseFq('+organization:"seoul" AND tags:CSV groups:transport')).toEqual([
      { field: 'organization', value: 'seoul' },
      { field: 'tags', value: 'CSV' },
      { field: 'groups', value: 'transport' },
    ]);
    expect(parseFq('')).toEqual([]);
    expect(() => parseFq('organization:x free words')).toThrow(/field:value/);
  });
});

for (const engine of ENGINES) {
  describe(`CKAN Action API: ${engine}`, () => {
    const t = useTestApp(engine);
    let ready: Promise<void> | undefined;
    let draftId = '';

    /** Imports the fixture (accepted), adds one draft of NIA, and indexes everything. */
    function prepare(): Promise<void> {
      ready ??= (async () => {
        const { platform } = t.current;
        const system = { kind: 'system', name: 'test' } as const;
        const report = await platform.censusFiles.importEntries(system, {
          source: createReadStream(FIXTURE),
          fileName: 'data-go-kr-1000.csv',
          mapping: DATA_GO_KR_MAPPING,
          validRowsOnly: false,
          status: 'accepted',
        });
        expect(report.committed).toBe(true);
        const nia = await platform.identity.getOrganization('nia');
        const draft = await platform.census.createEntry(system, {
          orgId: nia.id,
          form: { title: '비공개 초안 주차장 데이터', description: '아직 제출하지 않은 초안' },
        });
        draftId = draft.id;
        await platform.catalog.reindexAll();
      })();
      return ready;
    }

    async function call<T = unknown>(
      action: string,
      params: Record<string, string | number> = {},
      headers: Record<string, string> = {},
    ): Promise<{ status: number; body: Envelope<T> }> {
      await prepare();
      const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
      const response = await t.current.app.inject({ url: `/api/3/action/${action}?${query}`, headers });
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      return { status: response.statusCode, body: response.json() as Envelope<T> };
    }
    const ok = async <T>(action: string, params: Record<string, string | number> = {}, headers: Record<string, string> = {}) => {
      const { status, body } = await call<T>(action, params, headers);
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body.success).toBe(true);
      expect(body.help).toBe(`http://localhost:8080/api/3/action/help_show?name=${action}`);
      return body.result;
    };

    it('answers in the envelope and with the package dict of a real CKAN', async () => {
      const { body } = await call<SearchResult>('package_search', { rows: 2 });
      for (const key of Object.keys(replay('package_search'))) expect(body).toHaveProperty([key]);
      const recordedSearch = replay('package_search').result as Dict;
      expect(Object.keys(body.result).sort()).toEqual(Object.keys(recordedSearch).sort());
      expect(body.result.sort).toBe(recordedSearch.sort);

      const recordedPackage = replay('package_show').result as Dict;
      const ours = body.result.results[0]!;
      expectSameShape(ours, recordedPackage, ENVIDAT_SCHEMA_FIELDS);
      expectSameShape(ours.organization as Dict, recordedPackage.organization as Dict);
      expectSameShape((await ok<Dict[]>('tag_list', { all_fields: 'true' }))[0]!, (recordedPackage.tags as Dict[])[0]!);
      const withResources = (await ok<SearchResult>('package_search', { rows: 50 })).results.find(
        (p) => (p.resources as Dict[]).length > 0,
      )!;
      const resource = (withResources.resources as Dict[])[0]!;
      expect(resource).toMatchObject({ package_id: withResources.id, url: expect.stringMatching(/^https:\/\/www\.data\.go\.kr\//) });
      for (const key of ['id', 'package_id', 'url', 'format', 'name', 'description', 'position', 'state', 'created']) {
        expect(jsonType(resource[key]), key).toBe(jsonType((recordedPackage.resources as Dict[])[0]![key]));
      }
      expect(withResources.num_resources).toBe((withResources.resources as unknown[]).length);

      const recordedOrg = (replay('organization_list').result as Dict[])[0]!;
      const org = (await ok<Dict[]>('organization_list', { all_fields: 'true' }))[0]!;
      expectSameShape(org, recordedOrg);
      const shown = await ok<Dict>('organization_show', { id: String(org.name) });
      const recordedShow = replay('organization_show').result as Dict;
      // Users and the datamanager field are EnviDat's people; we never list people.
      expectSameShape(shown, recordedShow, new Set(['datamanager', 'longname']));
    });

    it('reports errors in CKAN shape with CKAN status codes', async () => {
      const missing = await call('package_show', { id: 'no-such-dataset' });
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({
        help: 'http://localhost:8080/api/3/action/help_show?name=package_show',
        success: false,
        error: { __type: 'Not Found Error', message: 'Not found' },
      });
      const badRows = await call('package_search', { rows: 'ten' });
      expect(badRows.status).toBe(409);
      expect(badRows.body.error).toMatchObject({ __type: 'Validation Error', rows: ['Invalid integer'] });
      expect((await call('package_search', { sort: 'random' })).status).toBe(409);
      expect((await call('package_search', { 'facet.field': 'not json' })).status).toBe(409);
      expect((await call('package_search', { fq: 'colour:blue' })).status).toBe(409);
      expect((await call('package_show')).body.error).toMatchObject({ __type: 'Validation Error', id: ['Missing value'] });
      const unknownAction = await call('package_delete');
      expect(unknownAction.status).toBe(400);
      expect(unknownAction.body).toMatchObject({ success: false, error: { __type: 'Bad Request' } });
      const badToken = await call('status_show', {}, { authorization: 'Bearer ddm_nonsense' });
      expect(badToken.status).toBe(403);
      expect(badToken.body).toMatchObject({ success: false, error: { __type: 'Authorization Error' } });
    });

    it('searches in Korean, filters by organization, and counts facets', async () => {
      const parking = await ok<SearchResult>('package_search', { q: '공영주차장을', rows: 100 });
      expect(parking.count).toBeGreaterThan(5);
      expect(parking.results.length).toBe(parking.count);
      expect(parking.results[0]!.title).toContain('주차장');
      // Anonymous callers never see the draft, even when it matches.
      expect(parking.results.map((r) => r.id)).not.toContain(draftId);

      const all = await ok<SearchResult>('package_search', {
        rows: 0,
        'facet.field': '["organization","groups","res_format","tags"]',
        'facet.limit': -1,
      });
      expect(all.results).toEqual([]);
      const orgCounts = all.facets.organization!;
      expect(Object.values(orgCounts).reduce((a, b) => a + b, 0)).toBe(all.count);
      expect(all.search_facets.organization!.items[0]).toEqual({
        name: expect.any(String),
        display_name: expect.any(String),
        count: Math.max(...Object.values(orgCounts)),
      });
      expect(all.facets.res_format).toEqual(all.facets.tags);
      expect(Object.keys(all.facets.res_format!)).toEqual(expect.arrayContaining(['CSV', 'API']));

      const [slug, count] = Object.entries(orgCounts)[0]!;
      const byOrg = await ok<SearchResult>('package_search', { fq: `organization:${slug}`, rows: 1000 });
      expect(byOrg.count).toBe(count);
      expect(byOrg.results.every((p) => (p.organization as Dict).name === slug)).toBe(true);
      const byFormat = await ok<SearchResult>('package_search', { fq: `+organization:"${slug}" res_format:csv`, rows: 0 });
      expect(byFormat.count).toBeLessThanOrEqual(count);
      expect((await ok<SearchResult>('package_search', { fq: 'organization:no-such-agency' })).count).toBe(0);

      const limited = await ok<SearchResult>('package_search', { rows: 0, 'facet.field': '["organization"]', 'facet.limit': 3 });
      expect(limited.search_facets.organization!.items).toHaveLength(3);
    });

    it('pages with rows and start, covering every hit once, in each sort order', async () => {
      for (const sort of ['score desc, metadata_modified desc', 'metadata_modified desc', 'title_string asc']) {
        const { count } = await ok<SearchResult>('package_search', { q: '현황', rows: 0, sort });
        expect(count).toBeGreaterThan(30);
        const ids: string[] = [];
        for (let start = 0; start < count; start += 25) {
          const page = await ok<SearchResult>('package_search', { q: '현황', rows: 25, start, sort });
          expect(page.sort).toBe(sort);
          ids.push(...page.results.map((r) => String(r.id)));
        }
        expect(ids).toHaveLength(count);
        expect(new Set(ids).size).toBe(count);
      }
      const byTitle = (await ok<SearchResult>('package_search', { rows: 20, sort: 'title_string asc' })).results.map((r) =>
        String(r.title),
      );
      expect(byTitle).toEqual([...byTitle].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    });

    it('shows a package by id and by name, and hides a draft from other agencies', async () => {
      const first = (await ok<SearchResult>('package_search', { rows: 1 })).results[0]!;
      expect(await ok<Dict>('package_show', { id: String(first.id) })).toEqual(first);
      expect(await ok<Dict>('package_show', { id: String(first.name) })).toEqual(first);

      expect((await call('package_show', { id: draftId })).status).toBe(404);
      const seoul = await t.current.login('steward.seoul@demo.datadam.kr');
      expect((await call('package_show', { id: draftId }, { cookie: seoul.cookie })).status).toBe(404);
      const nia = await t.current.login('steward@demo.datadam.kr');
      const draft = await ok<Dict>('package_show', { id: draftId }, { cookie: nia.cookie });
      expect(draft).toMatchObject({ id: draftId, state: 'draft', title: '비공개 초안 주차장 데이터', owner_org: expect.any(String) });
      const niaSearch = await ok<SearchResult>('package_search', { q: '초안 주차장', rows: 100 }, { cookie: nia.cookie });
      expect(niaSearch.results.map((r) => r.id)).toContain(draftId);
    });

    it('lists packages, organizations and tags, and shows the status', async () => {
      const { count } = await ok<SearchResult>('package_search', { rows: 0 });
      const names = await ok<string[]>('package_list');
      expect(names).toHaveLength(count);
      expect(names).not.toContain(draftId);
      expect(await ok<string[]>('package_list', { limit: 5, offset: 10 })).toEqual(names.slice(10, 15));

      const orgNames = await ok<string[]>('organization_list');
      expect(orgNames).toEqual(expect.arrayContaining(['nia', 'seoul']));
      const orgs = await ok<Dict[]>('organization_list', { all_fields: 'true', sort: 'package_count desc' });
      expect(orgs.map((o) => o.name).sort()).toEqual([...orgNames].sort());
      expect(orgs.reduce((sum, o) => sum + Number(o.package_count), 0)).toBe(count);
      const busiest = orgs[0]!;
      const shown = await ok<Dict>('organization_show', { id: String(busiest.name), include_datasets: 'true' });
      expect(shown).toMatchObject({ id: busiest.id, name: busiest.name, package_count: busiest.package_count, type: 'organization' });
      expect((shown.packages as Dict[]).length).toBe(Math.min(10, Number(busiest.package_count)));
      expect((await ok<Dict>('organization_show', { id: String(busiest.id) })).packages).toEqual([]);
      expect((await call('organization_show', { id: 'hangang-ai' })).status).toBe(404);
      // NIA has only the draft: anonymous callers see none of it, its steward sees it.
      expect((await ok<Dict>('organization_show', { id: 'nia' })).package_count).toBe(0);
      const nia = await t.current.login('steward@demo.datadam.kr');
      expect((await ok<Dict>('organization_show', { id: 'nia' }, { cookie: nia.cookie })).package_count).toBe(1);

      expect(await ok<string[]>('tag_list')).toEqual(['API', 'CSV']);
      expect(await ok<string[]>('tag_list', { query: 'cs' })).toEqual(['CSV']);
      expect(await ok<Dict>('status_show')).toMatchObject({ ckan_version: '2.10.0', site_url: 'http://localhost:8080', extensions: [] });
    });

    it('serves a CKAN-style harvester over a real socket (POST with JSON bodies)', async () => {
      await prepare();
      // The app stays listening until the suite's app closes.
      const address = await t.current.app.listen({ port: 0, host: '127.0.0.1' });
      {
        const base = `http://127.0.0.1:${(t.current.app.server.address() as AddressInfo).port}`;
        expect(address).toContain('127.0.0.1');
        /** What ckanapi's RemoteCKAN.call_action does: POST the parameters as JSON, unwrap the envelope. */
        async function action<T>(name: string, data: Record<string, unknown>): Promise<T> {
          const response = await fetch(`${base}/api/3/action/${name}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'user-agent': 'ckanapi/4.7 (+https://github.com/ckan/ckanapi)' },
            body: JSON.stringify(data),
          });
          const body = (await response.json()) as Envelope<T>;
          if (!body.success) throw new Error(`${name}: ${response.status} ${body.error?.__type}: ${body.error?.message}`);
          return body.result;
        }
        const status = await action<Dict>('status_show', {});
        expect(status.ckan_version).toMatch(/^2\.\d+/);
        // A harvester pages through package_search by start and rows until it has count packages.
        const harvested = new Map<string, Dict>();
        let count = Infinity;
        for (let start = 0; start < count; start += 300) {
          const page = await action<SearchResult>('package_search', { q: '*:*', rows: 300, start, sort: 'metadata_modified desc' });
          count = page.count;
          for (const pkg of page.results) harvested.set(String(pkg.name), pkg);
        }
        expect(harvested.size).toBe(count);
        expect([...harvested.keys()].sort()).toEqual(await action<string[]>('package_list', {}));
        const sample = [...harvested.values()][7]!;
        expect(await action<Dict>('package_show', { id: sample.name })).toEqual(sample);
        const facetted = await action<SearchResult>('package_search', { rows: 0, 'facet.field': ['organization'], 'facet.limit': -1 });
        expect(Object.values(facetted.facets.organization!).reduce((a, b) => a + b, 0)).toBe(count);
        await expect(action('package_show', { id: 'missing' })).rejects.toThrow(/404 Not Found Error/);
      }
    });
  });
}
