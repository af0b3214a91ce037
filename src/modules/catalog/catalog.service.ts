/**
 * The data map's search (issue 4): one Korean-aware search over every census entry, with the
 * census's visibility, BM25 ranking with a weighted title, facets with counts, filters and cursor
 * pagination. The rules live here; the SQL in catalog.repository.ts; the words in analyzer.ts.
 *
 * Who sees what: the data map is the platform's public face, so everyone, signed in or not, finds
 * accepted entries; an agency's stewards (and org_admin) also find its drafts, submitted and
 * returned entries; operators, auditors and the platform itself find everything.
 *
 * Ranking: both engines find the same documents (the analyzer's matching rule); the order is
 * computed here, with the analyzer's `bm25` over corpus numbers read from the index, so SQLite and
 * PostgreSQL return the same results in the same order with the same scores.
 */
import { can, type Actor } from '../../core/auth/policy.js';
import { badRequest } from '../../core/errors.js';
import { analyzeQuery, bm25, toFtsText, analyzeDocument, type AnalyzedDocument } from './analyzer.js';
import type {
  CatalogRepository,
  DocumentFilter,
  DocumentSummaryRow,
  DocumentVisibility,
  FacetColumn,
  IndexableEntryRow,
  NewDocument,
} from './catalog.repository.js';

export const FACETS = ['domain', 'agency', 'modality', 'readiness', 'provisionScope', 'format', 'personalInfo', 'year'] as const;
export type FacetName = (typeof FACETS)[number];

export interface SearchQuery {
  q?: string | undefined;
  domain?: string | undefined;
  /** An agency's organisation id. */
  agency?: string | undefined;
  modality?: string | undefined;
  readiness?: string | undefined;
  provisionScope?: string | undefined;
  format?: string | undefined;
  personalInfo?: string | undefined;
  year?: number | undefined;
  /** Default: relevance with a query, newest without. `title`: by title (the CKAN API's `title_string asc`). */
  sort?: 'relevance' | 'newest' | 'title' | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
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
  updatedAt: string;
}

export type FacetCount = { value: string; label?: string; count: number };

export interface SearchResult {
  total: number;
  results: SearchHit[];
  facets: Record<FacetName, FacetCount[]>;
  nextCursor: string | null;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** The largest window `searchWindow` gives (CKAN's `rows` maximum). */
export const MAX_WINDOW = 1000;
const INDEX_BATCH = 500;

const FACET_COLUMNS: Record<Exclude<FacetName, 'format'>, FacetColumn> = {
  domain: 'domain',
  agency: 'org_id',
  modality: 'modality',
  readiness: 'readiness',
  provisionScope: 'provision_scope',
  personalInfo: 'personal_info',
  year: 'year',
};

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

const splitTerms = (text: string) => (text === '' ? [] : text.split(' '));
const termsOf = (row: { title_terms: string; body_terms: string }): AnalyzedDocument => ({
  title: splitTerms(row.title_terms),
  body: splitTerms(row.body_terms),
});

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

export function createCatalogService({ repo }: CatalogServiceDeps) {
  async function facetsOf(filter: DocumentFilter): Promise<Record<FacetName, FacetCount[]>> {
    const out = {} as Record<FacetName, FacetCount[]>;
    for (const [name, column] of Object.entries(FACET_COLUMNS) as Array<[Exclude<FacetName, 'format'>, FacetColumn]>) {
      out[name] = (await repo.facet(filter, column)).map(({ value, label, count }) =>
        label === null ? { value, count } : { value, label, count },
      );
    }
    const formats = new Map<string, number>();
    for (const cell of await repo.formatsOf(filter)) {
      for (const format of cell.split('|')) if (format !== '') formats.set(format, (formats.get(format) ?? 0) + 1);
    }
    out.format = [...formats]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return out;
  }

  const toHit = (row: DocumentSummaryRow, score: number): SearchHit => ({
    id: row.id,
    kind: row.kind,
    title: row.title,
    agency: row.agency,
    agencyId: row.org_id,
    domain: row.domain,
    modality: row.modality,
    status: row.status,
    score,
    updatedAt: row.updated_at,
  });

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

  async function searchAt(
    actor: Actor,
    query: Omit<SearchQuery, 'limit' | 'cursor'>,
    offset: number,
    limit: number,
  ): Promise<Omit<SearchResult, 'nextCursor'>> {
    const q = (query.q ?? '').trim();
    const terms = q === '' ? undefined : analyzeQuery(q).terms;
    const filter: DocumentFilter = {
      visibility: visibilityOf(actor),
      ...(terms !== undefined ? { terms } : {}),
      ...(query.domain !== undefined ? { domain: query.domain } : {}),
      ...(query.agency !== undefined ? { orgId: query.agency } : {}),
      ...(query.modality !== undefined ? { modality: query.modality } : {}),
      ...(query.readiness !== undefined ? { readiness: query.readiness } : {}),
      ...(query.provisionScope !== undefined ? { provisionScope: query.provisionScope } : {}),
      ...(query.personalInfo !== undefined ? { personalInfo: query.personalInfo } : {}),
      ...(query.format !== undefined ? { format: query.format.toUpperCase() } : {}),
      ...(query.year !== undefined ? { year: query.year } : {}),
    };
    if (terms !== undefined && terms.length === 0) {
      return { total: 0, results: [], facets: Object.fromEntries(FACETS.map((f) => [f, []])) as unknown as SearchResult['facets'] };
    }

    const total = await repo.count(filter);
    const facets = await facetsOf(filter);
    const stats = terms === undefined ? undefined : await repo.corpusStats(terms);
    const scoreOf = (row: { title_terms: string; body_terms: string }) =>
      terms === undefined || stats === undefined ? 0 : bm25(terms, termsOf(row), stats);

    let results: SearchHit[];
    if (terms !== undefined && query.sort !== 'newest' && query.sort !== 'title') {
      const ranked = (await repo.rankingCandidates(filter))
        .map((row) => ({ id: row.id, updatedAt: row.updated_at, score: scoreOf(row) }))
        .sort((a, b) => b.score - a.score || (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0) || (a.id < b.id ? -1 : 1))
        .slice(offset, offset + limit);
      const rows = new Map((await repo.byIds(ranked.map((r) => r.id))).map((r) => [r.id, r]));
      results = ranked.flatMap((r) => {
        const row = rows.get(r.id);
        return row ? [toHit(row, r.score)] : [];
      });
    } else {
      results =
        limit === 0
          ? []
          : (await repo.newest(filter, offset, limit, query.sort === 'title' ? 'title' : 'newest')).map((row) => toHit(row, scoreOf(row)));
    }
    return { total, results, facets };
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
      return { total, results, facets, nextCursor: offset + limit < total ? encodeCursor(offset + limit) : null };
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

    /** (Re)indexes these census entries now; ids of entries that no longer exist lose their document. */
    indexCensusEntries,

    /** Indexes every census entry changed since it was last indexed, and drops documents of deleted ones. */
    async reindexStale(): Promise<{ indexed: number; removed: number }> {
      let indexed = 0;
      for (;;) {
        const ids = await repo.staleCensusEntryIds(INDEX_BATCH);
        if (ids.length === 0) break;
        indexed += (await indexCensusEntries(ids)).indexed;
      }
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
      return { indexed, removed: await removeOrphans() };
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
