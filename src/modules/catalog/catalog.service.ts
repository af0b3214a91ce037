/**
 * The data map's search (issue 4): one Korean-aware search over every census entry, with the
 * census's visibility, BM25 ranking with a weighted title, facets with counts, filters and cursor
 * pagination. The rules live here; the SQL in catalog.repository.ts; the words in analyzer.ts.
 *
 * Who sees what: the data map is the platform's public face, so everyone, signed in or not, finds
 * accepted entries; an agency's stewards (and org_admin) also find its drafts, submitted and
 * returned entries; operators, auditors and the platform itself find everything.
 *
 * Ranking: both engines find the same documents (the analyzer's matching rule) and score them with
 * the same BM25 (FTS5's own `bm25()` on SQLite, the analyzer's `bm25` over the same corpus numbers on
 * PostgreSQL), so they return the same results in the same order with the same scores.
 *
 * Cost: a search with words counts its matches per combination of facet values (the total and
 * every facet add up from those), then reads only the documents of the page it shows (by
 * relevance, SQLite's FTS5 hands matches over best first); browsing without words counts and facets
 * through GROUP BY, and keeps those counts until the index next changes (its generation), since the
 * data map's first page is the same for every visitor.
 */
import { can, type Actor } from '../../core/auth/policy.js';
import { badRequest } from '../../core/errors.js';
import { analyzeQuery, toFtsText, analyzeDocument } from './analyzer.js';
import { createFacetCounter, FACETS, type FacetCount, type FacetName } from './facet-counter.js';
import type {
  CatalogRepository,
  DocumentFilter,
  DocumentVisibility,
  IndexableEntryRow,
  MatchRow,
  NewDocument,
} from './catalog.repository.js';

export { FACETS, type FacetName, type FacetCount } from './facet-counter.js';

/** A filter value, or several (any of them matches). */
type OneOrMany<T> = T | readonly T[];

export const SORTS = ['relevance', 'newest', 'title', 'most_used'] as const;
export type SearchSort = (typeof SORTS)[number];

export interface SearchQuery {
  q?: string | undefined;
  domain?: OneOrMany<string> | undefined;
  /** An agency's organisation id. */
  agency?: OneOrMany<string> | undefined;
  modality?: OneOrMany<string> | undefined;
  readiness?: OneOrMany<string> | undefined;
  provisionScope?: OneOrMany<string> | undefined;
  format?: OneOrMany<string> | undefined;
  personalInfo?: OneOrMany<string> | undefined;
  year?: OneOrMany<number> | undefined;
  /**
   * Default: relevance with a query, newest without. `title`: by title (the CKAN API's
   * `title_string asc`); `most_used`: by recorded uses.
   */
  sort?: SearchSort | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
  /** Values per facet, the biggest (and every selected one); default DEFAULT_FACET_LIMIT. `searchWindow` gives all. */
  facetLimit?: number | undefined;
}

export interface SearchHit {
  id: string;
  kind: string;
  title: string;
  agency: string;
  agencyId: string;
  domain: string | null;
  modality: string | null;
  status: string;
  /** BM25, higher is better; 0 without a query. */
  score: number;
  /** Recorded uses. */
  uses: number;
  updatedAt: string;
}

export interface SearchResult {
  total: number;
  results: SearchHit[];
  facets: Record<FacetName, FacetCount[]>;
  nextCursor: string | null;
}

export interface Suggestion {
  id: string;
  title: string;
  agency: string;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** The largest window `searchWindow` gives (CKAN's `rows` maximum). */
export const MAX_WINDOW = 1000;
export const SUGGEST_LIMIT = 8;
export const DEFAULT_FACET_LIMIT = 50;
export const MAX_FACET_LIMIT = 2000;
const INDEX_BATCH = 500;
/** Documents written in one reindexing after which the planner's statistics are refreshed. */
const ANALYZE_AFTER = 10_000;
/** Browsing summaries (counts and facets without words) kept, the most recently used first. */
const BROWSE_CACHE_SIZE = 64;

export interface CatalogServiceDeps {
  repo: CatalogRepository;
}

/** Offsets into the ordered hits; opaque to clients. */
const encodeCursor = (offset: number) => Buffer.from(`o:${offset}`, 'utf8').toString('base64url');
function decodeCursor(cursor: string): number {
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badRequest('The cursor is not one this API gave out', [{ field: 'cursor', message: 'unknown cursor' }]);
  return Number(match[1]);
}

function visibilityOf(actor: Actor): DocumentVisibility {
  if (actor.kind === 'system') return { all: true };
  if (actor.kind === 'anonymous') return { all: false, orgIds: [] };
  if (can(actor, 'census.read_all')) return { all: true };
  const orgIds = [...new Set(actor.memberships.map((m) => m.orgId))].filter((orgId) => can(actor, 'census.read_private', { orgId }));
  return { all: false, orgIds };
}

/**
 * Whether the actor may see an object of this agency in this status, by the data map's rules (the
 * CKAN API checks live entries with it).
 *
 * @example canSee({ kind: 'anonymous' }, { status: 'draft', orgId }) // false
 */
export function canSee(actor: Actor, object: { status: string; orgId: string }): boolean {
  const visibility = visibilityOf(actor);
  return visibility.all || object.status === 'accepted' || visibility.orgIds.includes(object.orgId);
}

/** A form's text fields, read leniently: drafts may hold anything. */
function readForm(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** The search document of a census entry: its facets and its analyzed title and body. */
export function censusEntryDocument(row: IndexableEntryRow): NewDocument {
  const form = readForm(row.form);
  const title = row.title ?? (text(form.title) || '(제목 없음)');
  const analyzed = analyzeDocument({
    title,
    description: text(form.description),
    keywords: [text(form.titleEn), text(form.descriptionEn), text(form.department)].filter((t) => t !== ''),
  });
  const formats = Array.isArray(form.formats)
    ? [...new Set(form.formats.map((f) => text(f).replace(/\|/g, '').trim().toUpperCase()).filter((f) => f !== ''))]
    : [];
  const started = /^(\d{4})/.exec(text(form.collectionStart))?.[1] ?? row.created_at.slice(0, 4);
  return {
    id: row.id,
    kind: 'census_entry',
    org_id: row.org_id,
    agency: row.org_name,
    status: row.status,
    title,
    domain: row.domain,
    modality: row.modality,
    readiness: row.readiness,
    provision_scope: row.provision_scope,
    personal_info: row.personal_info,
    formats: formats.length > 0 ? `|${formats.join('|')}|` : '',
    year: /^\d{4}$/.test(started) ? Number(started) : null,
    updated_at: row.updated_at,
    source_version: row.version,
    source_id: null,
    remote_id: null,
    title_terms: toFtsText(analyzed.title),
    body_terms: toFtsText(analyzed.body),
    term_count: analyzed.title.length + analyzed.body.length,
  };
}

const emptyFacets = () => Object.fromEntries(FACETS.map((f) => [f, []])) as unknown as Record<FacetName, FacetCount[]>;

/** A filter's values as a list (undefined when there are none). */
function listOf<T>(value: OneOrMany<T> | undefined, normalise: (v: T) => T = (v) => v): readonly T[] | undefined {
  if (value === undefined) return undefined;
  const values = (Array.isArray(value) ? (value as readonly T[]) : [value as T]).map(normalise);
  return values.length > 0 ? [...new Set(values)] : undefined;
}

const desc = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);

/** Orders of the hits, the browsing orders of the repository among them; every one ends in the id, so pages never overlap. */
const COMPARE: Record<SearchSort, (a: MatchRow, b: MatchRow) => number> = {
  relevance: (a, b) => b.score - a.score || desc(a.updated_at, b.updated_at) || desc(a.id, b.id),
  newest: (a, b) => desc(a.updated_at, b.updated_at) || desc(a.id, b.id),
  title: (a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0) || (a.id < b.id ? -1 : 1),
  most_used: (a, b) => b.usage_count - a.usage_count || desc(a.updated_at, b.updated_at) || desc(a.id, b.id),
};

/**
 * The first `k` rows in `compare` order, without sorting all of them when `k` is small.
 *
 * @example firstInOrder([3, 1, 2], (a, b) => a - b, 2) // [1, 2]
 */
export function firstInOrder<T>(rows: readonly T[], compare: (a: T, b: T) => number, k: number): T[] {
  if (k <= 0) return [];
  if (k * 8 >= rows.length) return [...rows].sort(compare).slice(0, k);
  const best: T[] = [];
  for (const row of rows) {
    if (best.length === k && compare(row, best[k - 1]!) >= 0) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(row, best[mid]!) < 0) hi = mid;
      else lo = mid + 1;
    }
    best.splice(lo, 0, row);
    if (best.length > k) best.pop();
  }
  return best;
}

/** Each facet's first `limit` values, and the selected ones wherever they fall. */
function topFacetValues(
  facets: Record<FacetName, FacetCount[]>,
  limit: number,
  filter: Omit<DocumentFilter, 'terms'>,
): Record<FacetName, FacetCount[]> {
  const selected: Record<FacetName, readonly (string | number)[] | undefined> = {
    domain: filter.domain,
    agency: filter.orgId,
    modality: filter.modality,
    readiness: filter.readiness,
    provisionScope: filter.provisionScope,
    personalInfo: filter.personalInfo,
    format: filter.format,
    year: filter.year,
  };
  const out = emptyFacets();
  for (const name of FACETS) {
    const keep = new Set((selected[name] ?? []).map(String));
    out[name] = facets[name].filter((f, i) => i < limit || keep.has(f.value));
  }
  return out;
}

const toHit = (row: MatchRow): SearchHit => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  agency: row.agency,
  agencyId: row.org_id,
  domain: row.domain,
  modality: row.modality,
  status: row.status,
  score: row.score,
  uses: Number(row.usage_count),
  updatedAt: row.updated_at,
});

export function createCatalogService({ repo }: CatalogServiceDeps) {
  const facetCounts = createFacetCounter();
  /** Browsing summaries by filter, with the index generation they were counted at; most recent last. */
  const browseCache = new Map<string, { generation: number; total: number; facets: Record<FacetName, FacetCount[]> }>();

  /** Total and facet counts of a filter without words: GROUP BY in the engine, kept until the index changes. */
  async function browseSummary(filter: Omit<DocumentFilter, 'terms'>) {
    const key = JSON.stringify(filter);
    const generation = await repo.generation();
    const cached = browseCache.get(key);
    browseCache.delete(key);
    if (cached && cached.generation === generation) {
      browseCache.set(key, cached);
      return cached;
    }
    const combinations = await repo.facetCombinations(filter);
    const summary = { generation, total: combinations.reduce((sum, c) => sum + c.count, 0), facets: facetCounts(combinations) };
    browseCache.set(key, summary);
    if (browseCache.size > BROWSE_CACHE_SIZE) browseCache.delete(browseCache.keys().next().value!);
    return summary;
  }

  async function indexCensusEntries(ids: readonly string[]): Promise<{ indexed: number; removed: number }> {
    const rows = await repo.censusEntriesForIndex(ids);
    await repo.upsertDocuments(rows.map(censusEntryDocument));
    const found = new Set(rows.map((r) => r.id));
    const removed = await repo.deleteDocuments(ids.filter((id) => !found.has(id)));
    return { indexed: rows.length, removed };
  }

  async function removeOrphans(): Promise<number> {
    let removed = 0;
    for (;;) {
      const orphans = await repo.orphanDocumentIds('census_entry', INDEX_BATCH);
      if (orphans.length === 0) return removed;
      removed += await repo.deleteDocuments(orphans);
    }
  }

  function filterOf(actor: Actor, query: Omit<SearchQuery, 'limit' | 'cursor'>): Omit<DocumentFilter, 'terms'> {
    const lists = {
      domain: listOf(query.domain),
      orgId: listOf(query.agency),
      modality: listOf(query.modality),
      readiness: listOf(query.readiness),
      provisionScope: listOf(query.provisionScope),
      personalInfo: listOf(query.personalInfo),
      format: listOf(query.format, (f) => f.toUpperCase()),
      year: listOf(query.year),
    };
    return {
      visibility: visibilityOf(actor),
      ...Object.fromEntries(Object.entries(lists).filter(([, values]) => values !== undefined)),
    };
  }

  async function searchAt(
    actor: Actor,
    query: Omit<SearchQuery, 'limit' | 'cursor'>,
    offset: number,
    limit: number,
  ): Promise<Omit<SearchResult, 'nextCursor'>> {
    const q = (query.q ?? '').trim();
    const filter = filterOf(actor, query);
    if (q === '') {
      const { total, facets } = await browseSummary(filter);
      const order = query.sort === undefined || query.sort === 'relevance' ? 'newest' : query.sort;
      const results = limit === 0 || offset >= total ? [] : (await repo.browse(filter, order, offset, limit)).map(toHit);
      return { total, results, facets };
    }
    const terms = analyzeQuery(q).terms;
    if (terms.length === 0) return { total: 0, results: [], facets: emptyFacets() };
    const search = { ...filter, terms };
    const sort = query.sort ?? 'relevance';
    const combinations = await repo.matchCombinations(search);
    const total = combinations.reduce((sum, c) => sum + c.count, 0);
    const candidates = limit === 0 || offset >= total ? [] : await repo.firstMatches(search, sort, offset + limit);
    const page = firstInOrder(candidates, COMPARE[sort], offset + limit).slice(offset);
    return { total, results: page.map(toHit), facets: facetCounts(combinations) };
  }

  return {
    /**
     * Searches what the actor may see. An empty `q` lists everything (newest first); a `q` that
     * gives no terms (only particles or punctuation) finds nothing.
     *
     * @example await catalog.search({ kind: 'anonymous' }, { q: '교통사고를', limit: 10 })
     */
    async search(actor: Actor, query: SearchQuery): Promise<SearchResult> {
      const limit = Math.min(Math.max(query.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
      const offset = query.cursor === undefined ? 0 : decodeCursor(query.cursor);
      const { total, results, facets } = await searchAt(actor, query, offset, limit);
      const facetLimit = Math.min(Math.max(query.facetLimit ?? DEFAULT_FACET_LIMIT, 1), MAX_FACET_LIMIT);
      return {
        total,
        results,
        facets: topFacetValues(facets, facetLimit, filterOf(actor, query)),
        nextCursor: offset + limit < total ? encodeCursor(offset + limit) : null,
      };
    },

    /**
     * The same search by offset, in windows of up to MAX_WINDOW hits (the CKAN API pages this way);
     * a `limit` of 0 gives only the total and the facets.
     *
     * @example await catalog.searchWindow({ kind: 'anonymous' }, { q: '주차장' }, { offset: 100, limit: 1000 })
     */
    async searchWindow(
      actor: Actor,
      query: Omit<SearchQuery, 'limit' | 'cursor'>,
      window: { offset: number; limit: number },
    ): Promise<Omit<SearchResult, 'nextCursor'>> {
      return searchAt(actor, query, Math.max(window.offset, 0), Math.min(Math.max(window.limit, 0), MAX_WINDOW));
    },

    /**
     * Autocomplete: up to SUGGEST_LIMIT titles the actor may see whose title holds every term of
     * what was typed so far (one syllable or a part of a word is enough), the most used first.
     *
     * @example await catalog.suggest({ kind: 'anonymous' }, '응급') // [{ id, title: '서울특별시_응급실 위치 정보', agency }]
     */
    async suggest(actor: Actor, typed: string): Promise<Suggestion[]> {
      const terms = analyzeQuery(typed.trim()).terms;
      if (terms.length === 0) return [];
      const rows = await repo.suggestions({ visibility: visibilityOf(actor), terms }, SUGGEST_LIMIT * 3);
      const seen = new Set<string>();
      return rows
        .filter((row) => !seen.has(row.title) && seen.add(row.title))
        .slice(0, SUGGEST_LIMIT)
        .map((row) => ({ id: row.id, title: row.title, agency: row.agency }));
    },

    /** Counts a use of a dataset (a visit to its page, a download) for "most used"; false when it is not indexed. */
    recordUse: (id: string): Promise<boolean> => repo.addUses(id, 1),

    /** (Re)indexes these census entries now; ids of entries that no longer exist lose their document. */
    indexCensusEntries,

    /** Indexes every census entry changed since it was last indexed, and drops documents of deleted ones. */
    async reindexStale(): Promise<{ indexed: number; removed: number }> {
      let indexed = 0;
      let after: string | undefined;
      for (;;) {
        const ids = await repo.staleCensusEntryIds(after, INDEX_BATCH);
        if (ids.length === 0) break;
        indexed += (await indexCensusEntries(ids)).indexed;
        after = ids[ids.length - 1];
      }
      if (indexed >= ANALYZE_AFTER) await repo.analyze();
      return { indexed, removed: await removeOrphans() };
    },

    /** Rebuilds every document from its census entry (after an analyzer change, say). */
    async reindexAll(): Promise<{ indexed: number; removed: number }> {
      let indexed = 0;
      let after: string | undefined;
      for (;;) {
        const ids = await repo.censusEntryIds(after, INDEX_BATCH);
        if (ids.length === 0) break;
        indexed += (await indexCensusEntries(ids)).indexed;
        after = ids[ids.length - 1];
      }
      if (indexed >= ANALYZE_AFTER) await repo.analyze();
      return { indexed, removed: await removeOrphans() };
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
