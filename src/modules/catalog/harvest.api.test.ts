/**
 * Federation through the API, on both engines, against a local CKAN that answers with the recorded
 * EnviDat replies (test/fixtures/ckan-replay/envidat), next to one that never answers, one that is
 * broken and one that is slow, and a DCAT catalog of the same packages (Turtle in two Hydra pages,
 * and JSON-LD): every package arrives with its title, agency, formats and tags; deletions follow;
 * two runs of one source never overlap (the run lock, its expiry); the run route queues (202) unless
 * asked to wait; and, without DATADAM_HARVEST_ALLOW_PRIVATE, private addresses are refused (SSRF).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/support/app.js';
import { ENGINES } from '../../../test/support/databases.js';
import { until } from '../../../test/support/queue-helpers.js';
import { analyzeQuery } from './analyzer.js';
import type { SearchResult } from './catalog.service.js';
import type { HarvestOutcome, HarvestSource, QueuedHarvestRun } from './harvest.service.js';

const REPLAY = new URL('../../../test/fixtures/ckan-replay/envidat/', import.meta.url);
const replay = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, REPLAY), 'utf8')) as { result: Record<string, unknown> };

type Pkg = {
  id: string;
  name: string;
  title: string;
  notes: string;
  metadata_modified: string;
  organization: { name: string; title: string };
  resources: Array<{ format: string }>;
  tags: Array<{ name: string; display_name: string }>;
};
/** Every full package dict the replay holds: package_search's page and package_show's package. */
const PACKAGES: Pkg[] = [...(replay('package_search').result.results as Pkg[]), replay('package_show').result as unknown as Pkg];
const formatsOf = (p: Pkg) => [...new Set(p.resources.map((r) => r.format.trim().toUpperCase()).filter((f) => f !== ''))];

const ttlString = (s: string) => JSON.stringify(s);
/** The packages as a DCAT catalog in Turtle: `live` split over pages of `perPage`, linked by hydra:next. */
function dcatTurtle(live: Pkg[], page: number, perPage: number): string {
  const slice = live.slice((page - 1) * perPage, page * perPage);
  const lines = [
    '@prefix dcat: <http://www.w3.org/ns/dcat#> .',
    '@prefix dct: <http://purl.org/dc/terms/> .',
    '@prefix foaf: <http://xmlns.com/foaf/0.1/> .',
    '@prefix hydra: <http://www.w3.org/ns/hydra/core#> .',
    page * perPage < live.length ? `<?page=${page}> a hydra:PartialCollectionView ; hydra:next <?page=${page + 1}> .` : '',
    '<#catalog> a dcat:Catalog .',
  ];
  for (const p of slice) {
    lines.push(
      `<dataset/${p.name}> a dcat:Dataset ; dct:identifier ${ttlString(p.id)} ; dct:title ${ttlString(p.title)}@en ;`,
      `  dct:description ${ttlString(p.notes)} ; dct:modified ${ttlString(`${p.metadata_modified}Z`)} ;`,
      ...p.tags.map((t) => `  dcat:keyword ${ttlString(t.name)} ;`),
      `  dct:publisher [ a foaf:Agent ; foaf:name ${ttlString(p.organization.title)} ] ;`,
      ...formatsOf(p).map(
        (f) =>
          `  dcat:distribution [ a dcat:Distribution ; dct:format <http://publications.europa.eu/resource/authority/file-type/${f}> ] ;`,
      ),
      '  .',
      `<#catalog> dcat:dataset <dataset/${p.name}> .`,
    );
  }
  return lines.join('\n');
}

/** The same catalog as one JSON-LD page, formats as IANA media types. */
function dcatJsonLd(live: Pkg[]): unknown {
  const media: Record<string, string> = { CSV: 'text/csv', ZIP: 'application/zip' };
  return {
    '@context': {
      dcat: 'http://www.w3.org/ns/dcat#',
      dct: 'http://purl.org/dc/terms/',
      foaf: 'http://xmlns.com/foaf/0.1/',
    },
    '@graph': live.map((p) => ({
      '@id': `dataset/${p.name}`,
      '@type': 'dcat:Dataset',
      'dct:identifier': p.id,
      'dct:title': { '@value': p.title, '@language': 'en' },
      'dct:description': p.notes,
      'dcat:keyword': p.tags.map((t) => t.name),
      'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': p.organization.title },
      'dcat:distribution': formatsOf(p).map((f) => ({
        '@type': 'dcat:Distribution',
        'dcat:mediaType': { '@id': `https://www.iana.org/assignments/media-types/${media[f] ?? 'text/plain'}` },
      })),
    })),
  };
}

/**
 * A CKAN action API under /good (the replay), /slow (the replay, a moment late), /hang (never
 * answers) and /broken (500, then invalid JSON); the same packages as DCAT under /dcat (Turtle, two
 * pages) and /dcat-jsonld. `removed` hides packages from all of them.
 */
function startFixtureServer() {
  const requests: string[] = [];
  const removed = new Set<string>();
  let brokenCalls = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url.pathname + url.search);
    const [, prefix] = url.pathname.split('/');
    const action = url.pathname.split('/').pop();
    if (prefix === 'hang') return; // never answers
    const live = PACKAGES.filter((p) => !removed.has(p.id));
    if (prefix === 'dcat') {
      // Served as text/plain on purpose: the harvester sniffs Turtle.
      const page = Number(url.searchParams.get('page') ?? 1);
      res.writeHead(200, { 'content-type': page === 1 ? 'text/turtle' : 'text/plain' }).end(dcatTurtle(live, page, 2));
      return;
    }
    if (prefix === 'dcat-jsonld') {
      res.writeHead(200, { 'content-type': 'application/ld+json' }).end(JSON.stringify(dcatJsonLd(live)));
      return;
    }
    if (prefix === 'slow') {
      setTimeout(() => {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ success: true, result: { count: live.length, results: live.slice(0, 100) } }));
      }, 200);
      return;
    }
    if (prefix === 'broken') {
      brokenCalls++;
      if (brokenCalls % 2 === 1) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"success": true, "result": {');
      }
      return;
    }
    const send = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (action === 'status_show') return send({ success: true, result: { ckan_version: '2.10.4', site_title: 'EnviDat (replay)' } });
    if (action === 'package_show') {
      const pkg = PACKAGES.find((p) => p.id === url.searchParams.get('id') || p.name === url.searchParams.get('id'));
      return pkg ? send({ success: true, result: pkg }) : res.writeHead(404).end();
    }
    if (action === 'package_search') {
      let found = live;
      const fq = /^metadata_modified:\[(\S+) TO \*\]$/.exec(url.searchParams.get('fq') ?? '');
      if (fq) found = found.filter((p) => `${p.metadata_modified}Z` >= fq[1]!);
      const start = Number(url.searchParams.get('start') ?? 0);
      const rows = Number(url.searchParams.get('rows') ?? 10);
      return send({ success: true, result: { count: found.length, results: found.slice(start, start + rows), sort: 'id asc' } });
    }
    res.writeHead(404).end();
  });
  return {
    requests,
    removed,
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

for (const engine of ENGINES) {
  describe(`catalog harvest: ${engine}`, () => {
    const t = useTestApp(engine, {
      env: { DATADAM_HARVEST_ALLOW_PRIVATE: 'true' },
      harvest: { timeoutMs: 300, attempts: 2, backoffMs: 10 },
    });
    const fixture = startFixtureServer();
    let base = '';
    let operator: { cookie: string; csrf: string };
    const sources: Record<string, HarvestSource> = {};

    beforeAll(async () => {
      base = await fixture.start();
      operator = await t.current.login('operator@demo.datadam.kr');
    });
    afterAll(() => fixture.stop());

    const call = (method: 'GET' | 'POST', url: string, payload?: unknown, who = operator) =>
      t.current.app.inject({ method, url, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf }, ...(payload ? { payload } : {}) });
    const run = async (id: string, full = false) => {
      const response = await call('POST', `/api/v1/catalog/harvest/sources/${id}/run?wait=true${full ? '&full=true' : ''}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<HarvestOutcome>();
    };
    const addSource = async (name: string, url: string, kind?: 'ckan' | 'dcat') => {
      const response = await call('POST', '/api/v1/catalog/harvest/sources', { name, url, ...(kind ? { kind } : {}) });
      expect(response.statusCode, response.body).toBe(201);
      return (sources[name] = response.json<HarvestSource>());
    };
    const db = () => t.current.platform.database.db;
    /** The search documents a source holds, by id at the source. */
    const documentsOf = async (sourceId: string) => {
      const rows = await db()
        .selectFrom('catalog_documents')
        .where('source_id', '=', sourceId)
        .select(['remote_id', 'title', 'agency', 'formats', 'kind', 'status'])
        .execute();
      return new Map((rows as Array<Record<string, string>>).map((r) => [r.remote_id!, r]));
    };
    /** Every package of the fixture (less `removed`) is there, exactly: title, agency, formats, tags (searchable). */
    const expectEveryPackage = async (sourceId: string, removed: Set<string> = new Set()) => {
      const docs = await documentsOf(sourceId);
      const live = PACKAGES.filter((p) => !removed.has(p.id));
      expect([...docs.keys()].sort()).toEqual(live.map((p) => p.id).sort());
      for (const p of live) {
        const formats = formatsOf(p);
        expect(docs.get(p.id), p.id).toEqual({
          remote_id: p.id,
          title: p.title,
          agency: p.organization.title,
          formats: formats.length > 0 ? `|${formats.join('|')}|` : '',
          kind: 'harvested',
          status: 'accepted',
        });
        for (const tag of p.tags) {
          // Each tag finds its package (the words of the tag, as the analyzer reads a query).
          if (analyzeQuery(tag.name).terms.length === 0) continue;
          const hits = await search(tag.name);
          expect(
            hits.results.some((r) => r.id === `${sourceId}:${p.id}`),
            `tag "${tag.name}" finds ${p.title}`,
          ).toBe(true);
        }
      }
    };
    const search = async (q: string) =>
      (
        await t.current.app.inject({ method: 'GET', url: `/api/v1/catalog/search?q=${encodeURIComponent(q)}&limit=100` })
      ).json<SearchResult>();

    it('registers sources (operator only)', async () => {
      for (const [name, prefix] of [
        ['EnviDat', 'good/api/3/action'],
        ['Hanging', 'hang'],
        ['Broken', 'broken'],
      ] as const) {
        const response = await call('POST', '/api/v1/catalog/harvest/sources', { name, url: `${base}/${prefix}` });
        expect(response.statusCode).toBe(201);
        sources[name] = response.json<HarvestSource>();
      }
      const list = await call('GET', '/api/v1/catalog/harvest/sources');
      expect(list.json<{ sources: HarvestSource[] }>().sources.map((s) => s.name)).toEqual(['EnviDat', 'Hanging', 'Broken']);

      const consumer = await t.current.login('consumer@demo.datadam.kr');
      expect((await call('POST', '/api/v1/catalog/harvest/sources', { name: 'x', url: base }, consumer)).statusCode).toBe(403);
      expect((await call('GET', '/api/v1/catalog/harvest/sources', undefined, consumer)).statusCode).toBe(403);
      expect((await call('POST', `/api/v1/catalog/harvest/sources/${sources.EnviDat!.id}/run`, undefined, consumer)).statusCode).toBe(403);
      expect((await call('GET', `/api/v1/catalog/harvest/sources/${sources.EnviDat!.id}/log`, undefined, consumer)).statusCode).toBe(403);
      expect((await t.current.app.inject({ method: 'GET', url: '/api/v1/catalog/harvest/sources' })).statusCode).toBe(401);
    });

    it('harvests every package while a hanging and a broken source fail on their own', async () => {
      const started = Date.now();
      const [good, hanging, broken] = await Promise.all([run(sources.EnviDat!.id), run(sources.Hanging!.id), run(sources.Broken!.id)]);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(good).toMatchObject({ ok: true, mode: 'full', fetched: PACKAGES.length, upserted: PACKAGES.length, deleted: 0, error: null });
      expect(hanging.ok).toBe(false);
      expect(hanging.error).toMatch(/timeout/);
      expect(broken.ok).toBe(false);
      expect(broken.error).toMatch(/HTTP 500|invalid JSON/);

      const list = (await call('GET', '/api/v1/catalog/harvest/sources')).json<{ sources: HarvestSource[] }>().sources;
      const byName = new Map(list.map((s) => [s.name, s]));
      expect(byName.get('EnviDat')).toMatchObject({ lastError: null });
      expect(byName.get('EnviDat')!.lastOkAt).not.toBeNull();
      expect(byName.get('Hanging')!.lastOkAt).toBeNull();
      expect(byName.get('Hanging')!.lastError).toMatch(/timeout/);
      expect(byName.get('Broken')!.lastError).not.toBeNull();

      const logOf = async (id: string) =>
        (await call('GET', `/api/v1/catalog/harvest/sources/${id}/log`)).json<{ entries: Array<{ level: string; message: string }> }>()
          .entries;
      const hangLog = await logOf(sources.Hanging!.id);
      expect(hangLog[0]).toMatchObject({ level: 'error' });
      expect(hangLog[0]!.message).toMatch(/timeout/);
      expect(hangLog.some((e) => e.level === 'warn')).toBe(true); // the retry
      const brokenLog = await logOf(sources.Broken!.id);
      expect(brokenLog[0]!.level).toBe('error');
      expect(brokenLog.some((e) => /HTTP 500/.test(e.message))).toBe(true);
      expect(brokenLog.some((e) => /invalid JSON/.test(e.message))).toBe(true);
      expect((await logOf(sources.EnviDat!.id)).some((e) => e.level === 'error')).toBe(false);
    });

    it('has every package of the replay, each with its title, agency, formats and tags', async () => {
      await expectEveryPackage(sources.EnviDat!.id);
    });

    it('finds harvested packages with the search, titles and agency from the source', async () => {
      const all = await search('');
      const harvested = all.results.filter((r) => r.kind === 'harvested');
      expect(harvested.map((r) => r.title).sort()).toEqual(PACKAGES.map((p) => p.title).sort());
      const permafrost = await search('permafrost');
      expect(permafrost.results.map((r) => r.title)).toContain(PACKAGES[0]!.title);
      expect(permafrost.results.find((r) => r.title === PACKAGES[0]!.title)).toMatchObject({ kind: 'harvested', agency: 'CRYOS' });
      const avalanche = await search('avalanche accidents');
      expect(avalanche.results.map((r) => r.title)).toContain(PACKAGES[2]!.title);
    });

    it('asks only for what changed on an incremental run', async () => {
      fixture.requests.length = 0;
      const outcome = await run(sources.EnviDat!.id);
      expect(outcome).toMatchObject({ ok: true, mode: 'incremental', deleted: 0 });
      expect(fixture.requests.some((r) => r.includes('fq=metadata_modified'))).toBe(true);
    });

    it('removes on a full run what the source no longer has', async () => {
      fixture.removed.add(PACKAGES[1]!.id);
      const outcome = await run(sources.EnviDat!.id, true);
      expect(outcome).toMatchObject({ ok: true, mode: 'full', fetched: PACKAGES.length - 1, deleted: 1 });
      const titles = (await search('')).results.filter((r) => r.kind === 'harvested').map((r) => r.title);
      expect(titles).not.toContain(PACKAGES[1]!.title);
      expect(titles).toHaveLength(PACKAGES.length - 1);
    });

    it('harvests a DCAT catalog in Turtle over its Hydra pages, and follows its deletions', async () => {
      fixture.removed.clear();
      const source = await addSource('EnviDat DCAT', `${base}/dcat/catalog.ttl`, 'dcat');
      expect(source).toMatchObject({ kind: 'dcat', documentCount: 0, running: false });
      fixture.requests.length = 0;
      const outcome = await run(source.id);
      expect(outcome).toMatchObject({ ok: true, mode: 'full', fetched: PACKAGES.length, upserted: PACKAGES.length, deleted: 0 });
      expect(fixture.requests.filter((r) => r.startsWith('/dcat/'))).toEqual(['/dcat/catalog.ttl', '/dcat/catalog.ttl?page=2']);
      await expectEveryPackage(source.id);

      fixture.removed.add(PACKAGES[0]!.id);
      // DCAT runs are always full: no ?full=true needed to see the deletion.
      expect(await run(source.id)).toMatchObject({ ok: true, mode: 'full', fetched: PACKAGES.length - 1, deleted: 1 });
      await expectEveryPackage(source.id, fixture.removed);
      const listed = (await call('GET', `/api/v1/catalog/harvest/sources/${source.id}`)).json<HarvestSource>();
      expect(listed).toMatchObject({ kind: 'dcat', documentCount: PACKAGES.length - 1, lastError: null, running: false });
      fixture.removed.clear();
    });

    it('harvests a DCAT catalog in JSON-LD', async () => {
      const source = await addSource('EnviDat JSON-LD', `${base}/dcat-jsonld/catalog.jsonld`, 'dcat');
      expect(await run(source.id)).toMatchObject({ ok: true, fetched: PACKAGES.length, upserted: PACKAGES.length });
      await expectEveryPackage(source.id);
    });

    it('refuses a kind it does not know, naming the field', async () => {
      const response = await call('POST', '/api/v1/catalog/harvest/sources', { name: 'x', url: `${base}/good`, kind: 'oai-pmh' });
      expect(response.statusCode).toBe(400);
      expect(JSON.stringify(response.json())).toContain('kind');
    });

    it('never runs one source twice at once: the second run is refused (409) while the first holds the lock', async () => {
      const slow = await addSource('Slow', `${base}/slow`);
      const [a, b] = await Promise.all([
        call('POST', `/api/v1/catalog/harvest/sources/${slow.id}/run?wait=true`),
        new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
          call('POST', `/api/v1/catalog/harvest/sources/${slow.id}/run?wait=true`),
        ),
      ]);
      expect(a.statusCode, a.body).toBe(200);
      expect(a.json<HarvestOutcome>()).toMatchObject({ ok: true, alreadyRunning: false });
      expect(b.statusCode, b.body).toBe(409);
      expect(b.headers['content-type']).toContain('application/problem+json');
      expect(b.json<{ detail?: string; title?: string }>().detail ?? '').toMatch(/being harvested now/);
      // The service says so as an outcome, for the CLI and the job.
      const row = () =>
        db().selectFrom('harvest_sources').where('id', '=', slow.id).select(['lease_token', 'lease_until']).executeTakeFirstOrThrow();
      expect(await row()).toEqual({ lease_token: null, lease_until: null });
    });

    it('takes the lock atomically, refuses while another holds it, and takes it once it expired', async () => {
      const id = sources.EnviDat!.id;
      const future = new Date(Date.now() + 60_000).toISOString();
      await sql`update harvest_sources set lease_token = 'other-process', lease_until = ${future} where id = ${id}`.execute(db());
      const held = await t.current.platform.harvest.runSourceNow(id);
      expect(held).toMatchObject({ ok: false, alreadyRunning: true, fetched: 0 });
      expect(held.error).toMatch(/already running/);
      expect((await call('POST', `/api/v1/catalog/harvest/sources/${id}/run?wait=true`)).statusCode).toBe(409);
      expect((await call('POST', `/api/v1/catalog/harvest/sources/${id}/run`)).statusCode).toBe(409);
      const listed = (await call('GET', `/api/v1/catalog/harvest/sources/${id}`)).json<HarvestSource>();
      expect(listed.running).toBe(true);
      // The other holder's lease is untouched by the refused runs.
      const lease = await sql<{
        lease_token: string;
      }>`select lease_token from harvest_sources where id = ${id}`.execute(db());
      expect(lease.rows[0]!.lease_token).toBe('other-process');

      // Its process died: the lease runs out, and the next run takes it.
      const past = new Date(Date.now() - 1000).toISOString();
      await sql`update harvest_sources set lease_until = ${past} where id = ${id}`.execute(db());
      expect(await run(id)).toMatchObject({ ok: true, alreadyRunning: false });
      const after = await sql<{
        lease_token: string | null;
      }>`select lease_token from harvest_sources where id = ${id}`.execute(db());
      expect(after.rows[0]!.lease_token).toBeNull();

      // Of many runs started at once, exactly one gets the lock.
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => t.current.platform.harvest.runSourceNow(sources.Slow!.id)));
      expect(outcomes.filter((o) => !o.alreadyRunning)).toHaveLength(1);
      expect(outcomes.filter((o) => o.alreadyRunning)).toHaveLength(4);
    });

    it('queues a run for the workers (202) and says where to look', async () => {
      const id = sources.EnviDat!.id;
      const before = (await call('GET', `/api/v1/catalog/harvest/sources/${id}`)).json<HarvestSource>().lastRunAt;
      const response = await call('POST', `/api/v1/catalog/harvest/sources/${id}/run?full=true`);
      expect(response.statusCode, response.body).toBe(202);
      const queued = response.json<QueuedHarvestRun>();
      expect(queued).toMatchObject({
        sourceId: id,
        status: 'queued',
        sourceUrl: `/api/v1/catalog/harvest/sources/${id}`,
        logUrl: `/api/v1/catalog/harvest/sources/${id}/log`,
      });
      const job = await t.current.platform.queue.get(queued.jobId);
      expect(job).toMatchObject({ name: 'catalog.harvest', payload: { sourceId: id, full: true }, status: 'queued' });

      const worker = t.current.startWorker('harvest-test', ['catalog.harvest']);
      try {
        await until(async () => (await t.current.platform.queue.get(queued.jobId))?.status === 'done', 'the queued harvest to finish');
      } finally {
        await worker.stop();
      }
      const source = (await call('GET', queued.sourceUrl)).json<HarvestSource>();
      expect(source.lastRunAt).not.toBe(before);
      expect(source).toMatchObject({ running: false, lastError: null, documentCount: PACKAGES.length });
      const log = (await call('GET', queued.logUrl)).json<{ entries: Array<{ message: string }> }>().entries;
      expect(log[0]!.message).toMatch(/^full harvest done/);
    });

    it('enqueues one job per source per period', async () => {
      const first = await t.current.platform.harvest.enqueueDue();
      expect(first).toBe(Object.keys(sources).length);
      expect(await t.current.platform.harvest.enqueueDue()).toBe(0);
    });
  });
}

describe('catalog harvest: private addresses refused by default (SSRF guard)', () => {
  const t = useTestApp('sqlite');
  const fixture = startFixtureServer();
  let base = '';
  let operator: { cookie: string; csrf: string };

  beforeAll(async () => {
    base = await fixture.start();
    operator = await t.current.login('operator@demo.datadam.kr');
  });
  afterAll(() => fixture.stop());

  const add = (url: string, kind: 'ckan' | 'dcat' = 'ckan') =>
    t.current.app.inject({
      method: 'POST',
      url: '/api/v1/catalog/harvest/sources',
      headers: { cookie: operator.cookie, 'x-csrf-token': operator.csrf },
      payload: { name: 'internal', url, kind },
    });

  it('refuses loopback, private, link-local and unique-local sources with a 400 naming the url field', async () => {
    for (const [url, reason] of [
      [`${base}/good`, /127\.0\.0\.1 is a loopback address/],
      ['http://10.1.2.3/api/3/action', /10\.1\.2\.3 is a private address/],
      ['http://192.168.0.10/', /private address/],
      ['http://169.254.169.254/latest/meta-data/', /link-local address/],
      ['http://[::1]:8080/', /::1 is a loopback address/],
      ['http://[fd00::5]/catalog.ttl', /unique-local address/],
      ['http://localhost:8080/', /localhost resolves to .* loopback address/],
    ] as const) {
      const response = await add(url, url.endsWith('.ttl') ? 'dcat' : 'ckan');
      expect(response.statusCode, url).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const problem = response.json<{ detail: string; problems: Array<{ field: string; message: string }> }>();
      expect(problem.problems[0]!.field).toBe('url');
      expect(problem.problems[0]!.message, url).toMatch(reason);
    }
    expect((await add('ftp://example.org/')).statusCode).toBe(400);
    expect(fixture.requests).toEqual([]);
  });

  it('refuses at fetch time too: a source whose name now resolves to a private address (DNS rebinding)', async () => {
    // Say the name resolved to a public address when the source was added; it resolves to loopback now.
    const id = 'rebound-source';
    const port = new URL(base).port;
    await t.current.platform.database.db
      .insertInto('harvest_sources')
      .values({
        id,
        name: 'Rebound',
        kind: 'ckan',
        url: `http://localhost:${port}/good`,
        schedule_minutes: 60,
        enabled: 1,
        created_at: new Date().toISOString(),
      })
      .execute();
    const outcome = await t.current.platform.harvest.runSourceNow(id);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/^refused: localhost resolves to .* loopback address/);
    expect(fixture.requests).toEqual([]);
  });
});
