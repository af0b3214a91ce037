/**
 * SQL for the data map's search, through Kysely. No rules here: the service decides who sees what;
 * this stores documents and answers filtered full-text queries. The two engines differ in how a set
 * of analyzer terms is matched and scored, chosen by the `fullText` capability:
 *
 * - `fts5`: `catalog_fts MATCH '"교통" AND "사고"'` on the FTS5 external-content table written here in
 *   the same transaction as the document, scored by FTS5's own `bm25(catalog_fts, 4.0, 1.0)`;
 * - `tsvector`: `tsv @@ to_tsquery('simple', '''교통'' & ''사고''')` on the generated column of
 *   migration 0005, scored here by the analyzer's `bm25` (the same formula) over the corpus numbers
 *   that migration 0008's tables keep as documents are written.
 *
 * A search answers in two parts: how many documents match per combination of facet values (the
 * total and every facet add up from it; on SQLite by combination numbers, migration 0012, without
 * reading the documents), and the documents of the page asked for (on SQLite by relevance, in the
 * order FTS5 hands matches over, reading no further than the page and its ties).
 */
import { sql, type Expression, type Selectable, type SelectQueryBuilder, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { chunks } from '../../core/collections.js';
import type { DbCapabilities } from '../../core/ports.js';
import { BM25_B, BM25_K1, TITLE_WEIGHT, bm25FromCounts, bm25Idf, ftsMatchQuery, tsQuery, type CorpusStats } from './analyzer.js';
import type { CatalogDocumentRow, CatalogTables, DocumentKind } from './catalog.tables.js';

/** Which documents a query may return: all, or the accepted ones plus every one of the listed organisations. */
export type DocumentVisibility = { all: true } | { all: false; orgIds: readonly string[] };

/** Filters: each list matches any of its values (an empty or missing list: no condition); lists combine with AND. */
export interface DocumentFilter {
  visibility: DocumentVisibility;
  /** Analyzer terms every document must hold; omitted: no text condition. Never an empty list. */
  terms?: readonly string[];
  domain?: readonly string[];
  orgId?: readonly string[];
  modality?: readonly string[];
  readiness?: readonly string[];
  provisionScope?: readonly string[];
  personalInfo?: readonly string[];
  format?: readonly string[];
  year?: readonly number[];
}

/** A document to write: everything but the generated key and the use count (which indexing leaves alone). */
export type NewDocument = Omit<Selectable<CatalogDocumentRow>, 'doc_no' | 'usage_count' | 'term_freqs'>;

/** What a search reads of each matching document: its summary, facets, order keys and score. */
export type MatchRow = Pick<
  Selectable<CatalogDocumentRow>,
  | 'id'
  | 'kind'
  | 'title'
  | 'agency'
  | 'org_id'
  | 'status'
  | 'domain'
  | 'modality'
  | 'readiness'
  | 'provision_scope'
  | 'personal_info'
  | 'formats'
  | 'year'
  | 'updated_at'
  | 'usage_count'
> & {
  /** BM25 with the title weighted (positive, higher is better); 0 without terms. */
  score: number;
};

/** A search: a filter and the analyzer's terms every match holds. */
export type SearchFilter = DocumentFilter & { terms: readonly string[] };

/** Browsing orders; ties go to the newest, then the greatest id (title: the smallest id), as in the indexes of migration 0008. */
export type BrowseOrder = 'newest' | 'title' | 'most_used';

/** A search's orders: relevance (ties to the newest, then the greatest id), or a browsing order. */
export type SearchOrder = 'relevance' | BrowseOrder;

const FACET_COMBINATION_COLUMNS = [
  'd.org_id',
  'd.agency',
  'd.domain',
  'd.modality',
  'd.readiness',
  'd.provision_scope',
  'd.personal_info',
  'd.year',
  'd.formats',
] as const;

/** One combination of facet values. */
export type FacetCombination = Pick<
  CatalogDocumentRow,
  'org_id' | 'agency' | 'domain' | 'modality' | 'readiness' | 'provision_scope' | 'personal_info' | 'year' | 'formats'
>;

/** How many documents (of a search, or of a filter) hold one combination of facet values. */
export interface CombinationCount {
  /** On SQLite the same object for the same combination every time (the service keys work on it). */
  combination: FacetCombination;
  count: number;
}

/** What the indexer reads of a census entry. */
export interface IndexableEntryRow {
  id: string;
  org_id: string;
  org_name: string;
  status: string;
  version: number;
  form: string;
  title: string | null;
  domain: string | null;
  modality: string | null;
  readiness: string | null;
  provision_scope: string | null;
  personal_info: string | null;
  created_at: string;
  updated_at: string;
}

type Eb = ExpressionBuilder<CatalogTables & { d: CatalogDocumentRow }, 'd'>;

const MATCH_COLUMNS = [
  'd.id',
  'd.kind',
  'd.title',
  'd.agency',
  'd.org_id',
  'd.status',
  'd.domain',
  'd.modality',
  'd.readiness',
  'd.provision_scope',
  'd.personal_info',
  'd.formats',
  'd.year',
  'd.updated_at',
  'd.usage_count',
] as const;

/** `%` and `_` are LIKE wildcards; formats never hold `|` (the indexer removes it). */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** Scores are rounded so that both engines, whose arithmetic differs in the last bits, order alike. */
// Rows per multi-row INSERT: 500 documents of some twenty columns stay well under both engines'
// bind-parameter limits (SQLite 32,766; PostgreSQL 65,535).
const INSERT_CHUNK = 500;

const roundScore = (score: number) => Math.round(score * 1e6) / 1e6;

/** Matches read past the k-th by relevance to find those that tie with it, before sorting every match instead. */
const RANK_TIES_READ = 1000;

export interface CatalogRepositoryOptions {
  /** RANK_TIES_READ; tests lower it to take the path that sorts every match. */
  rankTiesRead?: number;
}

/** FTS5's `bm25()` weights: the title column's, then the body's. */
const FTS_BM25_WEIGHTS = `${TITLE_WEIGHT.toFixed(1)}, 1.0`;

/**
 * The analyzer's `bm25FromCounts` as a PostgreSQL expression over `d.tf` (the `termCounts` of
 * `terms`) and `d.term_count`, with the same operations in the same order, so that it orders
 * documents exactly as the scores computed from it in the application do.
 */
function bm25Sql(terms: readonly string[], stats: CorpusStats) {
  const idfs = bm25Idf(terms, stats);
  const norm = sql`(${BM25_K1}::float8 * (${1 - BM25_B}::float8 + (${BM25_B}::float8 * d.term_count) / ${stats.avgLength || 1}::float8))`;
  const parts = terms.map((_, i) => {
    const f = sql`(${TITLE_WEIGHT}::float8 * d.tf[${sql.lit(2 * i + 1)}] + d.tf[${sql.lit(2 * i + 2)}])`;
    return sql`(${idfs[i]!}::float8 * ${f} * ${BM25_K1 + 1}::float8) / (${f} + ${norm})`;
  });
  return sql<number>`(${sql.join(parts, sql` + `)})`;
}

/** A browsing order as ORDER BY over the documents as `d` (migration 0008's indexes follow it). */
function inBrowseOrder<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  order: BrowseOrder,
): SelectQueryBuilder<DB, TB, O> {
  const by: Array<[string, 'asc' | 'desc']> =
    order === 'title'
      ? [
          ['d.title', 'asc'],
          ['d.id', 'asc'],
        ]
      : [...(order === 'most_used' ? [['d.usage_count', 'desc'] as [string, 'desc']] : []), ['d.updated_at', 'desc'], ['d.id', 'desc']];
  return by.reduce((q, [column, direction]) => q.orderBy(sql.ref(column), direction), query);
}

/**
 * Occurrences of each term in a document's title and body, from its term frequencies (migration
 * 0016, PostgreSQL): an int array [title₀, body₀, title₁, body₁, …].
 */
function termCounts(terms: readonly string[]) {
  const count = (term: string, part: 0 | 1) => sql`coalesce((d.term_freqs -> ${term} ->> ${sql.lit(part)})::int, 0)`;
  return sql<number[]>`array[${sql.join(terms.flatMap((term) => [count(term, 0), count(term, 1)]))}]::int[]`;
}

/** A document's term frequencies as PostgreSQL keeps them: `{ term: [title count, body count] }` (JSON text). */
function termFreqs(doc: { title_terms: string; body_terms: string }): string {
  const freqs: Record<string, [number, number]> = {};
  for (const term of splitTerms(doc.title_terms)) (freqs[term] ??= [0, 0])[0]++;
  for (const term of splitTerms(doc.body_terms)) (freqs[term] ??= [0, 0])[1]++;
  return JSON.stringify(freqs);
}

const splitTerms = (text: string) => (text === '' ? [] : text.split(' '));

/** What a write adds to and removes from BM25's corpus numbers. */
class CorpusChange {
  docs = 0;
  terms = 0;
  readonly docsPerTerm = new Map<string, number>();

  /** `perTerm`: also count documents per term (only PostgreSQL keeps them in a table). */
  constructor(private readonly perTerm: boolean) {}

  add(doc: { title_terms: string; body_terms: string; term_count: number }): void {
    this.move(doc, 1);
  }

  remove(doc: { title_terms: string; body_terms: string; term_count: number | string }): void {
    this.move(doc, -1);
  }

  private move(doc: { title_terms: string; body_terms: string; term_count: number | string }, sign: 1 | -1): void {
    this.docs += sign;
    this.terms += sign * Number(doc.term_count);
    if (!this.perTerm) return;
    for (const term of new Set([...splitTerms(doc.title_terms), ...splitTerms(doc.body_terms)])) {
      this.docsPerTerm.set(term, (this.docsPerTerm.get(term) ?? 0) + sign);
    }
  }
}

export function createCatalogRepository(
  db: Kysely<CatalogTables>,
  capabilities: Pick<DbCapabilities, 'fullText'>,
  { rankTiesRead = RANK_TIES_READ }: CatalogRepositoryOptions = {},
) {
  const fts5 = capabilities.fullText === 'fts5';

  /** Conditions on the document's own columns: visibility and facet filters. */
  function where(filter: Omit<DocumentFilter, 'terms'>) {
    return (eb: Eb) => {
      const conditions: Expression<SqlBool>[] = [];
      const { visibility } = filter;
      if (!visibility.all) {
        conditions.push(
          visibility.orgIds.length > 0
            ? eb.or([eb('d.status', '=', 'accepted'), eb('d.org_id', 'in', [...visibility.orgIds])])
            : eb('d.status', '=', 'accepted'),
        );
      }
      const anyOf = (
        column: 'd.domain' | 'd.org_id' | 'd.modality' | 'd.readiness' | 'd.provision_scope' | 'd.personal_info',
        values?: readonly string[],
      ) => {
        if (values !== undefined && values.length > 0) conditions.push(eb(column, 'in', [...values]));
      };
      anyOf('d.domain', filter.domain);
      anyOf('d.org_id', filter.orgId);
      anyOf('d.modality', filter.modality);
      anyOf('d.readiness', filter.readiness);
      anyOf('d.provision_scope', filter.provisionScope);
      anyOf('d.personal_info', filter.personalInfo);
      if (filter.year !== undefined && filter.year.length > 0) conditions.push(eb('d.year', 'in', [...filter.year]));
      if (filter.format !== undefined && filter.format.length > 0) {
        conditions.push(eb.or(filter.format.map((format) => sql<SqlBool>`d.formats like ${`%|${likeEscape(format)}|%`} escape '\\'`)));
      }
      return eb.and(conditions);
    };
  }

  const documents = () => db.selectFrom('catalog_documents as d');

  /** BM25's corpus numbers, kept by migration 0008's tables (PostgreSQL; FTS5 keeps its own). */
  async function corpusStats(terms: readonly string[]) {
    const state = await db.selectFrom('catalog_state').where('id', '=', 1).select(['doc_count', 'term_total']).executeTakeFirst();
    const docCount = Number(state?.doc_count ?? 0);
    const rows = await db
      .selectFrom('catalog_term_stats')
      .where('term', 'in', [...new Set(terms)])
      .select(['term', 'docs'])
      .execute();
    return {
      docCount,
      avgLength: docCount === 0 ? 0 : Number(state?.term_total ?? 0) / docCount,
      docFreq: new Map(rows.map((r) => [r.term, Number(r.docs)])),
    };
  }

  /**
   * SQLite's facet combinations by number, kept here: a combination's row is written once and
   * never changed (migration 0012), so the values of every number seen stay right; numbers not
   * yet known (written since, by any process) are read once when a search first meets them.
   * Building thousands of objects of ten columns per search cost more than counting them.
   */
  const knownCombinations = new Map<number, FacetCombination>();
  let greatestKnownCombination = 0;
  async function facetCombinationsNumbered(numbers: readonly number[]): Promise<Map<number, FacetCombination>> {
    if (numbers.every((n) => knownCombinations.has(n))) return knownCombinations;
    const rows = await db
      .selectFrom('catalog_facet_combinations as d')
      .where('d.combination_no', '>', greatestKnownCombination)
      .select(['d.combination_no', ...FACET_COMBINATION_COLUMNS])
      .execute();
    for (const { combination_no, ...combination } of rows) {
      knownCombinations.set(Number(combination_no), combination);
      greatestKnownCombination = Math.max(greatestKnownCombination, Number(combination_no));
    }
    return knownCombinations;
  }

  /** On PostgreSQL a document is written with its term frequencies (FTS5 keeps its own). */
  const withTermFreqs = (doc: NewDocument): NewDocument & { term_freqs?: string } => (fts5 ? doc : { ...doc, term_freqs: termFreqs(doc) });

  const ftsMatch = (terms: readonly string[]) => sql<SqlBool>`catalog_fts match ${ftsMatchQuery(terms)}`;
  const tsMatch = (terms: readonly string[]) => sql<SqlBool>`d.tsv @@ to_tsquery('simple', ${tsQuery(terms)})`;

  /**
   * SQLite by relevance: FTS5 sorts its matches by rank itself and hands them over best first, so
   * reading stops a little after the k-th, and only the documents of those that reach the k-th's
   * score are read (ties there are broken by the caller). Filters apply to each match's
   * combination of facet values (migration 0012), not to its document. When more than
   * `rankTiesRead` matches tie with the k-th (a word in most documents: BM25's idf is at its floor
   * and all of them score alike), the documents decide the order and are sorted in full.
   */
  async function bestRankedFts(filter: SearchFilter, k: number): Promise<MatchRow[]> {
    const ranked = db
      .selectFrom('catalog_fts')
      .innerJoin('catalog_document_facets as k', 'k.doc_no', 'catalog_fts.rowid')
      .innerJoin('catalog_facet_combinations as d', 'd.combination_no', 'k.combination_no')
      .where(ftsMatch(filter.terms))
      .where(sql<SqlBool>`catalog_fts.rank match ${`bm25(${FTS_BM25_WEIGHTS})`}`)
      .where((eb) => where(filter)(eb as unknown as Eb))
      .select(['k.doc_no', sql<number>`catalog_fts.rank`.as('rank')])
      .orderBy(sql`catalog_fts.rank`)
      .limit(k + rankTiesRead);
    // Streamed, and left at the first match below the k-th: FTS5 has ranked every match already,
    // but each one read after it is still joined to its combination.
    const scores = new Map<number, number>();
    let kth = -Infinity;
    let read = 0;
    for await (const row of ranked.stream()) {
      const score = roundScore(-row.rank);
      if (score < kth) break;
      read++;
      if (read === k) kth = score;
      scores.set(Number(row.doc_no), score);
    }
    if (read === k + rankTiesRead) return firstInOrderFts(filter, 'relevance', k);
    const rows: MatchRow[] = [];
    for (const docNos of chunks([...scores.keys()], INSERT_CHUNK)) {
      const docs = await documents()
        .where('d.doc_no', 'in', docNos)
        .select([...MATCH_COLUMNS, 'd.doc_no'])
        .execute();
      for (const { doc_no, ...doc } of docs) rows.push({ ...doc, score: scores.get(Number(doc_no))! });
    }
    return rows;
  }

  /**
   * SQLite in any order, relevance too: the matching documents read and sorted in full (by
   * relevance, ties to the newest, then the greatest id).
   */
  async function firstInOrderFts(filter: SearchFilter, order: SearchOrder, k: number): Promise<MatchRow[]> {
    const bm25 = sql<number>`-bm25(catalog_fts, ${sql.raw(FTS_BM25_WEIGHTS)})`;
    const matching = db
      .selectFrom('catalog_fts')
      .innerJoin('catalog_documents as d', 'd.doc_no', 'catalog_fts.rowid')
      .where(ftsMatch(filter.terms))
      .where((eb) => where(filter)(eb as unknown as Eb))
      .select([...MATCH_COLUMNS, bm25.as('score')]);
    const rows = await (
      order === 'relevance'
        ? matching
            .orderBy(sql`round(${bm25} * 1e6)`, 'desc')
            .orderBy('d.updated_at', 'desc')
            .orderBy('d.id', 'desc')
        : inBrowseOrder(matching, order)
    )
      .limit(k)
      .execute();
    for (const row of rows) row.score = roundScore(row.score);
    return rows;
  }

  /**
   * PostgreSQL: each query term counted in each match's title and body in SQL (only a page of
   * rows crosses the wire), ordered there (by relevance: BM25 over those counts, the formula of
   * the analyzer's `bm25FromCounts`), and the page's scores computed here by that function, so
   * they equal SQLite's.
   */
  async function firstMatchesPostgres(filter: SearchFilter, order: SearchOrder, k: number): Promise<MatchRow[]> {
    const terms = [...new Set(filter.terms)];
    const stats = await corpusStats(terms);
    const counted = documents()
      .where(tsMatch(filter.terms))
      .where(where(filter))
      .select([...MATCH_COLUMNS, 'd.term_count', termCounts(terms).as('tf')])
      // A fence: without it PostgreSQL inlines the subquery and computes the term counts once per
      // use of `tf` in the ORDER BY (four times a term) instead of once per match.
      .offset(0);
    const page =
      order === 'relevance'
        ? await db
            .selectFrom(counted.as('d'))
            .selectAll()
            .orderBy(sql`round(${bm25Sql(terms, stats)} * 1e6)`, 'desc')
            .orderBy('d.updated_at', 'desc')
            .orderBy('d.id', 'desc')
            .limit(k)
            .execute()
        : await inBrowseOrder(counted, order).limit(k).execute();
    return page.map(({ term_count, tf, ...row }) => ({
      ...row,
      score: roundScore(
        bm25FromCounts(
          terms,
          terms.map((_, i) => ({ title: tf[2 * i]!, body: tf[2 * i + 1]! })),
          Number(term_count),
          stats,
        ),
      ),
    }));
  }

  const repo = {
    // ---------------------------------------------------------------- search

    /**
     * How many documents a search matches per combination of facet values (the caller adds them
     * up into the total and each facet's counts). SQLite counts the matches' combination numbers
     * (migration 0012) and filters the few combinations afterwards, never reading a matching
     * document; PostgreSQL groups the matching rows it reads from the heap anyway.
     */
    matchCombinations: async (filter: SearchFilter): Promise<CombinationCount[]> => {
      if (fts5) {
        const counts = await db
          .selectFrom(
            db
              .selectFrom('catalog_fts')
              .innerJoin('catalog_document_facets as k', 'k.doc_no', 'catalog_fts.rowid')
              .where(ftsMatch(filter.terms))
              .select(['k.combination_no', (eb) => eb.fn.countAll<number>().as('n')])
              .groupBy('k.combination_no')
              .as('g'),
          )
          .innerJoin('catalog_facet_combinations as d', 'd.combination_no', 'g.combination_no')
          .where((eb) => where(filter)(eb as unknown as Eb))
          .select(['g.combination_no', 'g.n'])
          .execute();
        const combinations = await facetCombinationsNumbered(counts.map((c) => Number(c.combination_no)));
        return counts.map(({ combination_no, n }) => ({ combination: combinations.get(Number(combination_no))!, count: Number(n) }));
      }
      const rows = await documents()
        .where(tsMatch(filter.terms))
        .where(where(filter))
        .select([...FACET_COMBINATION_COLUMNS, (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy([...FACET_COMBINATION_COLUMNS])
        .execute();
      return rows.map(({ n, ...combination }) => ({ combination, count: Number(n) }));
    },

    /**
     * Documents a search matches that hold its first `k` in `order`, with their scores: exactly
     * those, or on SQLite by relevance also every document that ties with the k-th (the caller
     * orders them and breaks the ties).
     */
    firstMatches: async (filter: SearchFilter, order: SearchOrder, k: number): Promise<MatchRow[]> => {
      if (k <= 0) return [];
      if (fts5) return order === 'relevance' ? bestRankedFts(filter, k) : firstInOrderFts(filter, order, k);
      return firstMatchesPostgres(filter, order, k);
    },

    /**
     * Documents whose title holds every term, the most used first, then the shortest title
     * (autocomplete); the same order on both engines.
     */
    suggestions: async (filter: DocumentFilter & { terms: readonly string[] }, limit: number) => {
      const titleMatch = fts5
        ? sql<SqlBool>`d.doc_no in (select rowid from catalog_fts where catalog_fts match ${`title_terms : (${ftsMatchQuery(filter.terms)})`})`
        : sql<SqlBool>`d.tsv @@ to_tsquery('simple', ${filter.terms.map((term) => `'${term}':A`).join(' & ')})`;
      return documents()
        .where(titleMatch)
        .where(where(filter))
        .select(['d.id', 'd.title', 'd.agency'])
        .orderBy('d.usage_count', 'desc')
        .orderBy(sql`length(d.title)`)
        .orderBy('d.id')
        .limit(limit)
        .execute();
    },

    /**
     * How many documents a filter without terms matches per combination of facet values, through
     * one GROUP BY over the facet index (combinations are few; the caller adds them up per facet).
     */
    facetCombinations: async (filter: Omit<DocumentFilter, 'terms'>): Promise<CombinationCount[]> =>
      (
        await documents()
          .where(where(filter))
          .select([...FACET_COMBINATION_COLUMNS, (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy([...FACET_COMBINATION_COLUMNS])
          .execute()
      ).map(({ n, ...combination }) => ({ combination, count: Number(n) })),

    /** A page of the documents a filter without terms matches, in one of the browsing orders (through indexes). */
    browse: async (filter: Omit<DocumentFilter, 'terms'>, order: BrowseOrder, offset: number, limit: number): Promise<MatchRow[]> => {
      const rows = await inBrowseOrder(documents().where(where(filter)).select(MATCH_COLUMNS), order)
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map((r) => ({ ...r, score: 0 }));
    },

    /**
     * Refreshes the planner's statistics of the documents (bounded on SQLite by its analysis
     * limit): without them a planner may sort every document instead of reading an order's index.
     */
    analyze: async (): Promise<void> => {
      await sql`analyze catalog_documents`.execute(db);
    },

    /** Bumped by every write to the index: a cache of what a filter matches is stale once it moves. */
    generation: async (): Promise<number> => {
      const row = await db.selectFrom('catalog_state').where('id', '=', 1).select('generation').executeTakeFirst();
      return Number(row?.generation ?? 0);
    },

    /** Counts uses of a document (for "most used"); false when there is no such document. */
    addUses: async (id: string, uses = 1): Promise<boolean> => {
      const result = await db
        .updateTable('catalog_documents')
        .set((eb) => ({ usage_count: eb('usage_count', '+', uses) }))
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    // ---------------------------------------------------------------- indexing

    /**
     * Census entries with no document, or one made from an older version, in id order after
     * `afterId` (a keyset: each call reads on from the last, never the indexed ones again): the
     * stale ones of the next window of `limit` entries that holds any. A window of entries and
     * then their documents by id, rather than one outer join, because a planner without fresh
     * statistics (a table filling up as it is indexed) chose a hash join over both whole tables for
     * every window: PostgreSQL spent most of an hour on a million entries.
     */
    staleCensusEntryIds: async (afterId: string | undefined, limit: number): Promise<string[]> => {
      let after = afterId;
      for (;;) {
        const window = await db
          .selectFrom('census_entries')
          .$if(after !== undefined, (q) => q.where('id', '>', after!))
          .select(['id', 'version'])
          .orderBy('id')
          .limit(limit)
          .execute();
        if (window.length === 0) return [];
        const indexedVersion = new Map(
          (
            await db
              .selectFrom('catalog_documents')
              .where('kind', '=', 'census_entry')
              .where(
                'id',
                'in',
                window.map((entry) => entry.id),
              )
              .select(['id', 'source_version'])
              .execute()
          ).map((doc) => [doc.id, Number(doc.source_version)]),
        );
        const stale = window.filter((entry) => indexedVersion.get(entry.id) !== Number(entry.version)).map((entry) => entry.id);
        if (stale.length > 0) return stale;
        after = window[window.length - 1]!.id;
      }
    },

    /** Census entry ids in id order, after `afterId`: every entry, page by page. */
    censusEntryIds: async (afterId: string | undefined, limit: number): Promise<string[]> =>
      (
        await db
          .selectFrom('census_entries as e')
          .$if(afterId !== undefined, (q) => q.where('e.id', '>', afterId!))
          .select('e.id')
          .orderBy('e.id')
          .limit(limit)
          .execute()
      ).map((r) => r.id),

    /** Documents of a kind whose census entry is gone. */
    orphanDocumentIds: async (kind: DocumentKind, limit: number): Promise<string[]> =>
      (
        await documents()
          .leftJoin('census_entries as e', 'e.id', 'd.id')
          .where('d.kind', '=', kind)
          .where('e.id', 'is', null)
          .select('d.id')
          .limit(limit)
          .execute()
      ).map((r) => r.id),

    censusEntriesForIndex: async (ids: readonly string[]): Promise<IndexableEntryRow[]> =>
      ids.length === 0
        ? []
        : db
            .selectFrom('census_entries as e')
            .innerJoin('organizations as o', 'o.id', 'e.org_id')
            .where('e.id', 'in', [...ids])
            .select([
              'e.id',
              'e.org_id',
              'o.name as org_name',
              'e.status',
              'e.version',
              'e.form',
              'e.title',
              'e.domain',
              'e.modality',
              'e.readiness',
              'e.provision_scope',
              'e.personal_info',
              'e.created_at',
              'e.updated_at',
            ])
            .execute(),

    /** Writes documents (insert or replace by id) and their full-text entries, in one transaction. */
    upsertDocuments: async (docs: readonly NewDocument[]): Promise<void> => {
      if (docs.length === 0) return;
      await inTransaction(async (trx) => {
        const existing = new Map(
          (
            await trx
              .selectFrom('catalog_documents')
              .where(
                'id',
                'in',
                docs.map((d) => d.id),
              )
              .select(['doc_no', 'id', 'title_terms', 'body_terms', 'term_count'])
              .execute()
          ).map((r) => [r.id, r]),
        );
        const change = new CorpusChange(!fts5);
        const indexed: { docNo: number; doc: NewDocument }[] = [];
        const fresh: NewDocument[] = [];
        for (const doc of docs) {
          const old = existing.get(doc.id);
          if (!old) {
            fresh.push(doc);
            continue;
          }
          const docNo = Number(old.doc_no);
          if (fts5) await ftsDelete(trx, docNo, old.title_terms, old.body_terms);
          await trx.updateTable('catalog_documents').set(withTermFreqs(doc)).where('doc_no', '=', docNo).execute();
          change.remove(old);
          indexed.push({ docNo, doc });
        }
        // New documents (the bulk of a first indexing) go in one multi-row statement per chunk:
        // a round trip per document made PostgreSQL's indexing of a million entries take most of an hour.
        for (const chunk of chunks(fresh, INSERT_CHUNK)) {
          const inserted = await trx.insertInto('catalog_documents').values(chunk.map(withTermFreqs)).returning(['doc_no', 'id']).execute();
          const docNoOf = new Map(inserted.map((r) => [r.id, Number(r.doc_no)]));
          for (const doc of chunk) indexed.push({ docNo: docNoOf.get(doc.id)!, doc });
        }
        for (const { doc } of indexed) change.add(doc);
        if (fts5) {
          for (const chunk of chunks(indexed, INSERT_CHUNK)) {
            await sql`insert into catalog_fts (rowid, title_terms, body_terms) values ${sql.join(
              chunk.map(({ docNo, doc }) => sql`(${docNo}, ${doc.title_terms}, ${doc.body_terms})`),
            )}`.execute(trx);
          }
        }
        await applyCorpusChange(trx, change);
      });
    },

    deleteDocuments: async (ids: readonly string[]): Promise<number> => {
      if (ids.length === 0) return 0;
      return inTransaction(async (trx) => {
        const rows = await trx
          .selectFrom('catalog_documents')
          .where('id', 'in', [...ids])
          .select(['doc_no', 'title_terms', 'body_terms', 'term_count'])
          .execute();
        const change = new CorpusChange(!fts5);
        for (const row of rows) {
          if (fts5) await ftsDelete(trx, Number(row.doc_no), row.title_terms, row.body_terms);
          await trx.deleteFrom('catalog_documents').where('doc_no', '=', row.doc_no).execute();
          change.remove(row);
        }
        await applyCorpusChange(trx, change);
        return rows.length;
      });
    },
  };

  /**
   * Moves the index's generation and corpus numbers by what a write changed, in its transaction;
   * on PostgreSQL also the documents per term (FTS5 counts those itself).
   */
  async function applyCorpusChange(trx: Kysely<CatalogTables>, change: CorpusChange): Promise<void> {
    await trx
      .updateTable('catalog_state')
      .set((eb) => ({
        generation: eb('generation', '+', 1),
        doc_count: eb('doc_count', '+', change.docs),
        term_total: eb('term_total', '+', change.terms),
      }))
      .where('id', '=', 1)
      .execute();
    if (fts5) return;
    const deltas = [...change.docsPerTerm].filter(([, delta]) => delta !== 0);
    if (deltas.length === 0) return;
    await sql`insert into catalog_term_stats (term, docs)
      select * from unnest(${deltas.map(([term]) => term)}::text[], ${deltas.map(([, delta]) => delta)}::bigint[])
      on conflict (term) do update set docs = catalog_term_stats.docs + excluded.docs`.execute(trx);
  }

  function inTransaction<T>(fn: (trx: Kysely<CatalogTables>) => Promise<T>): Promise<T> {
    return db.isTransaction ? fn(db) : db.transaction().execute(fn);
  }

  /** FTS5 external content: removing a row's entries needs the values it was indexed with. */
  async function ftsDelete(trx: Kysely<CatalogTables>, docNo: number, titleTerms: string, bodyTerms: string) {
    await sql`insert into catalog_fts (catalog_fts, rowid, title_terms, body_terms) values ('delete', ${docNo}, ${titleTerms}, ${bodyTerms})`.execute(
      trx,
    );
  }

  return repo;
}

export type CatalogRepository = ReturnType<typeof createCatalogRepository>;
