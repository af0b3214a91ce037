/**
 * The search's counting and paging against brute force, on both engines: a seeded corpus with
 * many exact ties (few distinct titles), documents changed and removed after they were indexed
 * (SQLite's facet combinations follow through triggers, migration 0012), and every combination of
 * visibility, facet filter, order and window checked against counting and sorting every document
 * in the test.
 */
import fc from 'fast-check';
import { Migrator, type Migration } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../core/auth/policy.js';
import { seededRandom } from '../../core/random.js';
import { createEmptyDatabase, ENGINES, useTestDatabase } from '../../../test/support/databases.js';
import { openDatabase } from '../../platform/db/database.js';
import { migrateToLatest } from '../../platform/db/migrator.js';
import { MIGRATIONS } from '../../platform/db/migrations/index.js';
import { analyzeDocument, analyzeQuery, bm25, corpusStats, matches, toFtsText, type AnalyzedDocument } from './analyzer.js';
import { createCatalogRepository, type NewDocument } from './catalog.repository.js';
import { createCatalogService, type FacetName, type SearchQuery, type SearchSort } from './catalog.service.js';

const WORDS = ['교통사고', '응급실', '주차장', '버스', '정류장', '미세먼지', 'CCTV', '도서관'];
const ORGS = ['org-a', 'org-b', 'org-c'];
const DOMAINS = ['transport', 'health', null];
const MODALITIES = ['tabular', 'text'];
const STATUSES = ['accepted', 'accepted', 'draft', 'submitted'];
const FORMATS = [[], ['CSV'], ['CSV', 'JSON'], ['XLSX']];

function makeDocuments(count: number, seed: number): NewDocument[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  return Array.from({ length: count }, (_, i) => {
    // Two words from eight: few distinct titles, so scores tie in large groups.
    const title = `${pick(WORDS)} ${pick(WORDS)}`;
    const description = random() < 0.5 ? `${pick(WORDS)} 현황` : '';
    const analyzed = analyzeDocument({ title, description });
    const formats = pick(FORMATS);
    const org = pick(ORGS);
    return {
      id: `doc-${String(i).padStart(4, '0')}`,
      kind: 'census_entry',
      org_id: org,
      agency: `${org} 기관`,
      status: pick(STATUSES),
      title,
      domain: pick(DOMAINS),
      modality: pick(MODALITIES),
      readiness: null,
      provision_scope: null,
      personal_info: random() < 0.3 ? 'yes' : 'no',
      formats: formats.length > 0 ? `|${formats.join('|')}|` : '',
      year: 2019 + Math.floor(random() * 3),
      // Few distinct times: ties in score and time, broken by id.
      updated_at: `2026-0${1 + Math.floor(random() * 3)}-01T00:00:00.000Z`,
      source_version: 1,
      source_id: null,
      remote_id: null,
      title_terms: toFtsText(analyzed.title),
      body_terms: toFtsText(analyzed.body),
      term_count: analyzed.title.length + analyzed.body.length,
    };
  });
}

const steward = (orgId: string): Actor => ({
  kind: 'user',
  userId: 'u1',
  memberships: [{ orgId, orgKind: 'agency', role: 'steward' }],
  via: 'session',
  scopes: ['read'],
});

const ACTORS: Array<[string, Actor]> = [
  ['anonymous', { kind: 'anonymous' }],
  ['steward of org-b', steward('org-b')],
  ['system', { kind: 'system', name: 'test' }],
];

interface Expected {
  total: number;
  ids: string[];
  scores: number[];
  facets: Record<string, Record<string, number>>;
}

/** What the search must answer, from every document: match, filter, score, count and sort here. */
function expected(docs: readonly NewDocument[], actor: Actor, query: SearchQuery, offset: number, limit: number): Expected {
  const analyzed = new Map<string, AnalyzedDocument>(
    docs.map((d) => [d.id, { title: d.title_terms.split(' ').filter(Boolean), body: d.body_terms.split(' ').filter(Boolean) }]),
  );
  const stats = corpusStats([...analyzed.values()]);
  const terms = analyzeQuery(query.q ?? '').terms;
  const visible = (d: NewDocument) =>
    actor.kind === 'system' || d.status === 'accepted' || (actor.kind === 'user' && actor.memberships.some((m) => m.orgId === d.org_id));
  const hits = docs
    .filter((d) => visible(d) && matches(terms, analyzed.get(d.id)!))
    .filter((d) => query.domain === undefined || d.domain === query.domain)
    .filter((d) => query.format === undefined || d.formats.includes(`|${String(query.format)}|`))
    .map((d) => ({ d, score: Math.round(bm25(terms, analyzed.get(d.id)!, stats) * 1e6) / 1e6 }));
  const desc = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);
  const sort: SearchSort = query.sort ?? 'relevance';
  hits.sort((a, b) =>
    sort === 'title'
      ? a.d.title < b.d.title
        ? -1
        : a.d.title > b.d.title
          ? 1
          : a.d.id < b.d.id
            ? -1
            : 1
      : (sort === 'relevance' ? b.score - a.score : 0) || desc(a.d.updated_at, b.d.updated_at) || desc(a.d.id, b.d.id),
  );
  const facets: Record<string, Record<string, number>> = { domain: {}, agency: {}, format: {}, year: {}, personalInfo: {}, modality: {} };
  const add = (facet: string, value: string | number | null) => {
    if (value !== null) facets[facet]![String(value)] = (facets[facet]![String(value)] ?? 0) + 1;
  };
  for (const { d } of hits) {
    add('domain', d.domain);
    add('agency', d.org_id);
    add('year', d.year);
    add('personalInfo', d.personal_info);
    add('modality', d.modality);
    for (const format of d.formats.split('|').filter(Boolean)) add('format', format);
  }
  const page = hits.slice(offset, offset + limit);
  return { total: hits.length, ids: page.map((h) => h.d.id), scores: page.map((h) => h.score), facets };
}

for (const engine of ENGINES) {
  describe(`search against brute force (${engine})`, () => {
    const t = useTestDatabase(engine);

    it('counts, facets, orders and pages exactly, ties included, after documents change and go', async () => {
      const repo = createCatalogRepository(t.current.database.db, t.current.database.capabilities);
      const service = createCatalogService({ repo });
      // Ties past the first two matches read by rank: every match sorted in full instead (SQLite).
      const sortingAll = createCatalogService({
        repo: createCatalogRepository(t.current.database.db, t.current.database.capabilities, { rankTiesRead: 2 }),
      });
      let docs = makeDocuments(400, 7);
      await repo.upsertDocuments(docs);
      // Change some documents' facets and titles, and remove others, after indexing.
      // Same ids, other titles and facets.
      const changed = makeDocuments(400, 8).filter((_, i) => i % 5 === 0);
      await repo.upsertDocuments(changed);
      const removed = docs.filter((_, i) => i % 7 === 3).map((d) => d.id);
      await repo.deleteDocuments(removed);
      const byId = new Map(docs.map((d) => [d.id, d]));
      for (const d of changed) byId.set(d.id, d);
      for (const id of removed) byId.delete(id);
      docs = [...byId.values()];

      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...ACTORS),
          fc.constantFrom('교통사고', '버스 정류장', '응급실 현황', 'CCTV', '주차', '도서관 교통'),
          fc.constantFrom(undefined, 'transport'),
          fc.constantFrom(undefined, 'CSV'),
          fc.constantFrom<SearchSort | undefined>(undefined, 'newest', 'title', 'most_used'),
          fc.integer({ min: 0, max: 120 }),
          fc.integer({ min: 0, max: 40 }),
          async ([, actor], q, domain, format, sort, offset, limit) => {
            const query: SearchQuery = { q, domain, format, sort };
            const want = expected(docs, actor, query, offset, limit);
            const got = await service.searchWindow(actor, query, { offset, limit });
            expect(await sortingAll.searchWindow(actor, query, { offset, limit })).toEqual(got);
            expect(got.total).toBe(want.total);
            expect(got.results.map((r) => r.id)).toEqual(want.ids);
            expect(got.results.map((r) => r.score)).toEqual(want.scores);
            for (const facet of Object.keys(want.facets)) {
              const counts = Object.fromEntries(got.facets[facet as FacetName].map((f) => [f.value, f.count]));
              expect(counts, facet).toEqual(want.facets[facet]);
            }
          },
        ),
        { numRuns: 120 },
      );
    });

    it('searches documents indexed before migrations 0012 (SQLite) and 0016 (PostgreSQL) once they have run', async () => {
      const { config, drop } = await createEmptyDatabase(engine);
      const database = openDatabase(config);
      try {
        await migrateToLatest(database);
        const docs = makeDocuments(60, 11);
        await createCatalogRepository(database.db, database.capabilities).upsertDocuments(docs);
        // Back to before the migration that keeps this engine's search tables, then forward again:
        // its backfill must rebuild them from the documents.
        const migrator = new Migrator({
          db: database.db,
          provider: { getMigrations: async () => MIGRATIONS as Record<string, Migration> },
        });
        const before = engine === 'sqlite' ? '0011_deid' : '0015_ledger';
        expect((await migrator.migrateTo(before)).error).toBeUndefined();
        await migrateToLatest(database);
        const service = createCatalogService({ repo: createCatalogRepository(database.db, database.capabilities) });
        const system: Actor = { kind: 'system', name: 'test' };
        for (const q of ['버스', '교통사고 현황']) {
          const got = await service.searchWindow(system, { q }, { offset: 0, limit: 100 });
          const want = expected(docs, system, { q }, 0, 100);
          expect(got.total).toBe(want.total);
          expect(got.total).toBeGreaterThan(0);
          expect(got.results.map((r) => r.id)).toEqual(want.ids);
          expect(got.results.map((r) => r.score)).toEqual(want.scores);
        }
      } finally {
        await database.close();
        await drop();
      }
    });
  });
}
