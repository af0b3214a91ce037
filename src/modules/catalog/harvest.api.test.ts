/**
 * Federation through the API, against a local CKAN that answers with the recorded EnviDat replies
 * (test/fixtures/ckan-replay/envidat), next to one that never answers and one that is broken.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/support/app.js';
import { ENGINES } from '../../../test/support/databases.js';
import type { SearchResult } from './catalog.service.js';
import type { HarvestOutcome, HarvestSource } from './harvest.service.js';

const REPLAY = new URL('../../../test/fixtures/ckan-replay/envidat/', import.meta.url);
const replay = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, REPLAY), 'utf8')) as { result: Record<string, unknown> };

type Pkg = { id: string; name: string; title: string; metadata_modified: string };
/** Every full package dict the replay holds: package_search's page and package_show's package. */
const PACKAGES: Pkg[] = [...(replay('package_search').result.results as Pkg[]), replay('package_show').result as unknown as Pkg];

/** A CKAN action API under /good (the replay), /hang (never answers) and /broken (500, then invalid JSON). */
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
      let live = PACKAGES.filter((p) => !removed.has(p.id));
      const fq = /^metadata_modified:\[(\S+) TO \*\]$/.exec(url.searchParams.get('fq') ?? '');
      if (fq) live = live.filter((p) => `${p.metadata_modified}Z` >= fq[1]!);
      const start = Number(url.searchParams.get('start') ?? 0);
      const rows = Number(url.searchParams.get('rows') ?? 10);
      return send({ success: true, result: { count: live.length, results: live.slice(start, start + rows), sort: 'id asc' } });
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
    const t = useTestApp(engine, { harvest: { timeoutMs: 300, attempts: 2, backoffMs: 10 } });
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
      const response = await call('POST', `/api/v1/catalog/harvest/sources/${id}/run${full ? '?full=true' : ''}`);
      expect(response.statusCode).toBe(200);
      return response.json<HarvestOutcome>();
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

    it('enqueues one job per source per period', async () => {
      const first = await t.current.platform.harvest.enqueueDue();
      expect(first).toBe(3);
      expect(await t.current.platform.harvest.enqueueDue()).toBe(0);
    });
  });
}
