/**
 * Dataset pages over HTTP, on both engines, over the data.go.kr catalog fixture: the page's data,
 * visibility (404 for what the caller may not see), Croissant 1.1, the paged DCAT-AP catalog in
 * Turtle and JSON-LD, and the web app's dataset page with schema.org JSON-LD for crawlers.
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from 'n3';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/support/app.js';
import { ENGINES } from '../../../test/support/databases.js';
import { jsonLdToNQuads } from '../../../test/support/metadata/rdf.js';
import { DATA_GO_KR_MAPPING } from '../census/import/mapping.js';
import type { SearchResult } from './catalog.service.js';
import type { DatasetView } from './datasets.service.js';
import { checkCroissant } from './metadata/croissant.check.js';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/census/data-go-kr-1000.csv', import.meta.url));
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const DCAT_DATASET = 'http://www.w3.org/ns/dcat#Dataset';
const INDEX_HTML =
  '<!doctype html>\n<html lang="ko"><head><meta charset="utf-8"><title>datadam</title></head><body><div id="root"></div></body></html>\n';

const webRoot = mkdtempSync(path.join(os.tmpdir(), 'datadam-datasets-web-'));
writeFileSync(path.join(webRoot, 'index.html'), INDEX_HTML);
afterAll(() => rmSync(webRoot, { recursive: true, force: true }));

/** The subjects typed dcat:Dataset in a Turtle document. */
function turtleDatasets(ttl: string): string[] {
  return new Parser({ format: 'text/turtle' })
    .parse(ttl)
    .filter((q) => q.predicate.value === RDF_TYPE && q.object.value === DCAT_DATASET)
    .map((q) => q.subject.value);
}

/** The JSON-LD scripts of an HTML page, parsed. */
function jsonLdScripts(html: string): Array<Record<string, unknown>> {
  return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map(
    (m) => JSON.parse(m[1]!) as Record<string, unknown>,
  );
}

for (const engine of ENGINES) {
  describe(`dataset pages: ${engine}`, () => {
    const t = useTestApp(engine, { webRoot });
    let ready: Promise<void> | undefined;

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
        await t.current.platform.catalog.reindexStale();
      })();
      return ready;
    }

    async function anonymousSearch(query: string): Promise<SearchResult> {
      await prepare();
      const response = await t.current.app.inject({ url: `/api/v1/catalog/search?${query}` });
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as SearchResult;
    }

    async function nia(): Promise<{ id: string }> {
      return (await t.current.app.inject({ url: '/api/v1/orgs/nia' })).json() as { id: string };
    }

    /** A draft of NIA, written by its steward. */
    async function niaDraft(): Promise<string> {
      const steward = await t.current.login('steward@demo.datadam.kr');
      const created = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/census/entries',
        headers: { cookie: steward.cookie, 'x-csrf-token': steward.csrf },
        payload: { orgId: (await nia()).id, form: { title: '비공개 드론항공사진 초안', description: '하천 드론 촬영 원본' } },
      });
      expect(created.statusCode, created.body).toBe(201);
      await t.current.platform.catalog.reindexStale();
      return (created.json() as { id: string }).id;
    }

    it('gives a public dataset page every field, its agency, access tier, lineage and related datasets', async () => {
      const hit = (await anonymousSearch('q=%EC%A3%BC%EC%B0%A8%EC%9E%A5&limit=1')).results[0]!;
      const response = await t.current.app.inject({ url: `/api/v1/catalog/datasets/${hit.id}` });
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json() as DatasetView;
      expect(page).toMatchObject({
        id: hit.id,
        kind: 'census_entry',
        status: 'accepted',
        title: hit.title,
        titleEn: null,
        agency: { id: hit.agencyId, name: hit.agency },
        accessTier: { scope: 'open', labels: { ko: '개방', en: 'Open' } },
        lineage: { censusEntryId: hit.id, releases: [] },
        quality: null,
        samples: null,
      });
      expect(page.agency.code).toMatch(/^[A-Z0-9]+$/);
      expect(page.form).toMatchObject({ title: hit.title, modality: 'tabular', provisionScope: 'open', personalInfo: 'none' });
      expect(page.description.length).toBeGreaterThan(0);
      expect(page).not.toHaveProperty('history');
      expect(page.related.length).toBeGreaterThan(0);
      expect(page.related.length).toBeLessThanOrEqual(5);
      expect(page.related.map((r) => r.id)).not.toContain(hit.id);
      for (const r of page.related) expect(r.agencyId === hit.agencyId || r.domain === hit.domain).toBe(true);
      expect(page.metadata.croissantUrl).toMatch(new RegExp(`/api/v1/catalog/datasets/${hit.id}/croissant\\.json$`));
      expect(page.metadata.dcatUrl).toMatch(/\/api\/v1\/catalog\/dcat\.jsonld$/);
      expect(page.metadata.schemaOrg).toMatchObject({ '@type': 'Dataset', name: hit.title, identifier: hit.id, isAccessibleForFree: true });

      // Oversight may read the census history; it comes along.
      const operator = await t.current.login('operator@demo.datadam.kr');
      const asOperator = (
        await t.current.app.inject({ url: `/api/v1/catalog/datasets/${hit.id}`, headers: { cookie: operator.cookie } })
      ).json() as DatasetView;
      expect(asOperator.history?.length).toBeGreaterThan(0);
      expect(asOperator.history?.[0]).toMatchObject({ status: 'accepted' });
    });

    it("is 404 for a draft of another agency and for unknown ids; the draft is its stewards' to see", async () => {
      const id = await niaDraft();
      expect((await t.current.app.inject({ url: `/api/v1/catalog/datasets/${id}` })).statusCode).toBe(404);
      const seoul = await t.current.login('steward.seoul@demo.datadam.kr');
      const asSeoul = await t.current.app.inject({ url: `/api/v1/catalog/datasets/${id}`, headers: { cookie: seoul.cookie } });
      expect(asSeoul.statusCode).toBe(404);
      expect(asSeoul.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await t.current.app.inject({ url: `/api/v1/catalog/datasets/${id}/croissant.json` })).statusCode).toBe(404);
      expect((await t.current.app.inject({ url: '/api/v1/catalog/datasets/no-such-dataset' })).statusCode).toBe(404);
      expect((await t.current.app.inject({ url: '/api/v1/catalog/datasets/no-such-dataset/croissant.json' })).statusCode).toBe(404);

      const steward = await t.current.login('steward@demo.datadam.kr');
      const own = await t.current.app.inject({ url: `/api/v1/catalog/datasets/${id}`, headers: { cookie: steward.cookie } });
      expect(own.statusCode, own.body).toBe(200);
      const page = own.json() as DatasetView;
      expect(page).toMatchObject({ id, status: 'draft', title: '비공개 드론항공사진 초안', accessTier: null });
      expect(page.history?.length).toBe(1);
    });

    it('serves Croissant 1.1 that names the dataset and passes the checker (a licence when the entry has one)', async () => {
      const operator = await t.current.login('operator@demo.datadam.kr');
      const steward = await t.current.login('steward@demo.datadam.kr');
      const as = (who: { cookie: string; csrf: string }) => ({ cookie: who.cookie, 'x-csrf-token': who.csrf });
      const created = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/census/entries',
        headers: as(steward),
        payload: {
          orgId: (await nia()).id,
          form: {
            title: '한국어 대화 말뭉치',
            titleEn: 'Korean dialogue corpus',
            description: '일상 대화를 녹취하여 전사한 한국어 대화 말뭉치로, 화자 정보와 주제 분류를 포함한다.',
            descriptionEn: 'Transcribed everyday Korean conversations with speaker information and topics.',
            readiness: 'ai_ready',
            structure: 'unstructured',
            modality: 'text',
            domain: 'korean_language',
            purpose: '한국어 대화 모델 학습',
            volumeRecords: 120000,
            formats: ['JSON'],
            provisionScope: 'open',
            personalInfo: 'none',
            licence: '공공누리 제1유형',
            updateCycle: 'yearly',
            collectionStart: '2021',
            collectionEnd: '2023-06',
          },
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = (created.json() as { id: string }).id;
      const submitted = await t.current.app.inject({
        method: 'POST',
        url: `/api/v1/census/entries/${id}/submit`,
        headers: as(steward),
        payload: {},
      });
      expect(submitted.statusCode, submitted.body).toBe(200);
      const accepted = await t.current.app.inject({
        method: 'POST',
        url: `/api/v1/census/entries/${id}/accept`,
        headers: as(operator),
        payload: {},
      });
      expect(accepted.statusCode, accepted.body).toBe(200);
      await t.current.platform.catalog.reindexStale();

      const response = await t.current.app.inject({ url: `/api/v1/catalog/datasets/${id}/croissant.json` });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/ld\+json/);
      const doc = response.json() as Record<string, unknown>;
      expect(checkCroissant(doc, { requireDistribution: false })).toEqual([]);
      expect(doc).toMatchObject({ name: 'Korean dialogue corpus', alternateName: { '@value': '한국어 대화 말뭉치' }, identifier: id });

      // An imported entry gives no licence: the checker says so, and nothing else.
      const hit = (await anonymousSearch('limit=2')).results.find((r) => r.id !== id)!;
      const imported = (await t.current.app.inject({ url: `/api/v1/catalog/datasets/${hit.id}/croissant.json` })).json() as Record<
        string,
        unknown
      >;
      expect(imported.name).toBe(hit.title);
      expect(checkCroissant(imported, { requireDistribution: false })).toEqual(["dataset: missing required 'license'"]);
    });

    it('pages the DCAT-AP catalog in Turtle: one dcat:Dataset per public entry, Link headers to the next page', async () => {
      await niaDraft();
      const { total } = await anonymousSearch('limit=1');
      const pageSize = 100;
      const first = await t.current.app.inject({ url: `/api/v1/catalog/dcat.ttl?pageSize=${pageSize}` });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.headers['content-type']).toMatch(/^text\/turtle/);
      expect(first.headers['x-total-count']).toBe(String(total));
      expect(first.headers.link).toContain(`</api/v1/catalog/dcat.ttl?page=2&pageSize=${pageSize}>; rel="next"`);
      const firstIds = turtleDatasets(first.body);
      expect(new Set(firstIds).size).toBe(pageSize);

      const lastPage = Math.ceil(total / pageSize);
      const last = await t.current.app.inject({ url: `/api/v1/catalog/dcat.ttl?page=${lastPage}&pageSize=${pageSize}` });
      expect(last.statusCode).toBe(200);
      expect(last.headers.link).not.toContain('rel="next"');
      expect(last.headers.link).toContain('rel="prev"');
      const lastIds = turtleDatasets(last.body);
      expect(lastIds.length).toBe(total - pageSize * (lastPage - 1));
      expect(firstIds.filter((i) => lastIds.includes(i))).toEqual([]);
      // No draft leaks into the public catalog.
      expect(first.body + last.body).not.toContain('드론항공사진');

      const bad = await t.current.app.inject({ url: '/api/v1/catalog/dcat.ttl?pageSize=5000' });
      expect(bad.statusCode).toBe(400);
    });

    it('serves the same catalog as JSON-LD', async () => {
      await prepare();
      const response = await t.current.app.inject({ url: '/api/v1/catalog/dcat.jsonld?page=2&pageSize=20' });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/ld\+json/);
      expect(response.headers.link).toContain('rel="prev"');
      const quads = await jsonLdToNQuads(response.json());
      expect(quads.filter((q) => q.includes(`<${RDF_TYPE}> <${DCAT_DATASET}>`)).length).toBe(20);
    });

    it('renders schema.org JSON-LD, title and description into a public dataset page, and nothing of a draft', async () => {
      const hit = (await anonymousSearch('q=%EB%AF%B8%EC%84%B8%EB%A8%BC%EC%A7%80&limit=1')).results[0]!;
      const page = await t.current.app.inject({ url: `/datasets/${hit.id}`, headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['cache-control']).toBe('no-cache');
      const scripts = jsonLdScripts(page.body);
      expect(scripts).toHaveLength(1);
      expect(scripts[0]).toMatchObject({ '@context': 'https://schema.org/', '@type': 'Dataset', name: hit.title, identifier: hit.id });
      expect(page.body.match(/<title>/g)).toHaveLength(1);
      expect(page.body).toContain('<meta name="description" content="');
      expect(page.body.indexOf('application/ld+json')).toBeLessThan(page.body.indexOf('</head>'));
      expect(page.body).toContain('<div id="root"></div>');

      const draft = await niaDraft();
      const hidden = await t.current.app.inject({ url: `/datasets/${draft}`, headers: { accept: 'text/html' } });
      expect(hidden.statusCode).toBe(200);
      expect(hidden.body).toBe(INDEX_HTML);
      const unknown = await t.current.app.inject({ url: '/datasets/no-such-dataset', headers: { accept: 'text/html' } });
      expect(unknown.body).toBe(INDEX_HTML);
      // Not a browser: no page, a problem document as for any unknown route.
      const api = await t.current.app.inject({ url: `/datasets/${hit.id}`, headers: { accept: 'application/json' } });
      expect(api.statusCode).toBe(404);
    });
  });
}
