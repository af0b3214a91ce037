/**
 * SQL for the data map's search, through Kysely. No rules here: the service decides who sees what
 * and ranks; this stores documents and answers filtered full-text queries. The two engines differ
 * only in how a set of analyzer terms is matched, chosen by the `fullText` capability:
 *
 * - `fts5`: `doc_no IN (SELECT rowid FROM catalog_fts WHERE catalog_fts MATCH '"교통" AND "사고"')`,
 *   the FTS5 external-content table written here in the same transaction as the document;
 * - `tsvector`: `tsv @@ to_tsquery('simple', '''교통'' & ''사고''')`, the generated column of migration 0005.
 */
import { sql, type Expression, type Selectable, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { DbCapabilities } from '../../core/ports.js';
import { ftsMatchQuery, tsQuery } from './analyzer.js';
import type { CatalogDocumentRow, CatalogTables, DocumentKind } from './catalog.tables.js';

/** Which documents a query may return: all, or the accepted ones plus every one of the listed organisations. */
export type DocumentVisibility = { all: true } | { all: false; orgIds: readonly string[] };

export interface DocumentFilter {
  visibility: DocumentVisibility;
  /** Analyzer terms every document must hold; omitted: no text condition. Never an empty list. */
  terms?: readonly string[];
  domain?: string;
  orgId?: string;
  modality?: string;
  readiness?: string;
  provisionScope?: string;
  personalInfo?: string;
  format?: string;
  year?: number;
}

/** A document to write: everything but the generated key. */
export type NewDocument = Omit<Selectable<CatalogDocumentRow>, 'doc_no'>;

export type FacetColumn = 'domain' | 'org_id' | 'modality' | 'readiness' | 'provision_scope' | 'personal_info' | 'year';

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

/** The columns a result shows. */
export type DocumentSummaryRow = Pick<
  CatalogDocumentRow,
  'id' | 'kind' | 'title' | 'agency' | 'org_id' | 'domain' | 'modality' | 'status' | 'updated_at' | 'title_terms' | 'body_terms'
>;

export type RankingCandidateRow = Pick<CatalogDocumentRow, 'id' | 'updated_at' | 'title_terms' | 'body_terms'>;

type Eb = ExpressionBuilder<CatalogTables & { d: CatalogDocumentRow }, 'd'>;

const SUMMARY_COLUMNS = [
  'd.id',
  'd.kind',
  'd.title',
  'd.agency',
  'd.org_id',
  'd.domain',
  'd.modality',
  'd.status',
  'd.updated_at',
  'd.title_terms',
  'd.body_terms',
] as const;

/** `%` and `_` are LIKE wildcards; formats never hold `|` (the indexer removes it). */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

export function createCatalogRepository(db: Kysely<CatalogTables>, capabilities: Pick<DbCapabilities, 'fullText'>) {
  const fts5 = capabilities.fullText === 'fts5';

  /** The engine's full-text condition for "holds every term". */
  function matchAll(terms: readonly string[]): Expression<SqlBool> {
    if (fts5) return sql<SqlBool>`d.doc_no in (select rowid from catalog_fts where catalog_fts match ${ftsMatchQuery(terms)})`;
    return sql<SqlBool>`d.tsv @@ to_tsquery('simple', ${tsQuery(terms)})`;
  }

  function where(filter: DocumentFilter) {
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
      if (filter.terms !== undefined) conditions.push(matchAll(filter.terms));
      if (filter.domain !== undefined) conditions.push(eb('d.domain', '=', filter.domain));
      if (filter.orgId !== undefined) conditions.push(eb('d.org_id', '=', filter.orgId));
      if (filter.modality !== undefined) conditions.push(eb('d.modality', '=', filter.modality));
      if (filter.readiness !== undefined) conditions.push(eb('d.readiness', '=', filter.readiness));
      if (filter.provisionScope !== undefined) conditions.push(eb('d.provision_scope', '=', filter.provisionScope));
      if (filter.personalInfo !== undefined) conditions.push(eb('d.personal_info', '=', filter.personalInfo));
      if (filter.year !== undefined) conditions.push(eb('d.year', '=', filter.year));
      if (filter.format !== undefined) conditions.push(sql<SqlBool>`d.formats like ${`%|${likeEscape(filter.format)}|%`} escape '\\'`);
      return eb.and(conditions);
    };
  }

  const documents = () => db.selectFrom('catalog_documents as d');

  const repo = {
    // ---------------------------------------------------------------- search

    count: async (filter: DocumentFilter): Promise<number> => {
      const row = await documents()
        .where(where(filter))
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Counts per value of one column over the matching documents, biggest first; NULLs left out. */
    facet: async (filter: DocumentFilter, column: FacetColumn): Promise<Array<{ value: string; label: string | null; count: number }>> => {
      const ref = `d.${column}` as const;
      const rows = await documents()
        .where(where(filter))
        .where(ref, 'is not', null)
        .select([ref, (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('d.agency').as('label')])
        .groupBy(ref)
        .execute();
      return rows
        .map((r) => {
          const record = r as unknown as Record<string, unknown>;
          return { value: String(record[column]), label: column === 'org_id' ? String(record.label) : null, count: Number(r.n) };
        })
        .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    },

    /** The `formats` column of every matching document (a format facet splits it). */
    formatsOf: async (filter: DocumentFilter): Promise<string[]> =>
      (await documents().where(where(filter)).where('d.formats', '<>', '').select('d.formats').execute()).map((r) => r.formats),

    /** Every matching document's terms, for ranking in the application. */
    rankingCandidates: async (filter: DocumentFilter): Promise<RankingCandidateRow[]> =>
      documents().where(where(filter)).select(['d.id', 'd.updated_at', 'd.title_terms', 'd.body_terms']).execute(),

    /** A page of matching documents, newest first (or by title, then newest). */
    newest: async (
      filter: DocumentFilter,
      offset: number,
      limit: number,
      order: 'newest' | 'title' = 'newest',
    ): Promise<DocumentSummaryRow[]> => {
      let query = documents().where(where(filter)).select(SUMMARY_COLUMNS);
      if (order === 'title') query = query.orderBy('d.title', 'asc');
      return query.orderBy('d.updated_at', 'desc').orderBy('d.id', 'asc').limit(limit).offset(offset).execute();
    },

    byIds: async (ids: readonly string[]): Promise<DocumentSummaryRow[]> =>
      ids.length === 0
        ? []
        : documents()
            .where('d.id', 'in', [...ids])
            .select(SUMMARY_COLUMNS)
            .execute(),

    /** BM25's corpus numbers over the whole index: documents, mean length, and documents holding each term. */
    corpusStats: async (terms: readonly string[]): Promise<{ docCount: number; avgLength: number; docFreq: Map<string, number> }> => {
      const totals = await documents()
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('d.term_count').as('len')])
        .executeTakeFirstOrThrow();
      const docCount = Number(totals.n);
      const docFreq = new Map<string, number>();
      for (const term of new Set(terms)) {
        const row = await documents()
          .where(() => matchAll([term]))
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        docFreq.set(term, Number(row.n));
      }
      return { docCount, avgLength: docCount === 0 ? 0 : Number(totals.len ?? 0) / docCount, docFreq };
    },

    // ---------------------------------------------------------------- indexing

    /** Census entries with no document, or one made from an older version; at most `limit`. */
    staleCensusEntryIds: async (limit: number): Promise<string[]> =>
      (
        await db
          .selectFrom('census_entries as e')
          .leftJoin('catalog_documents as d', (join) => join.onRef('d.id', '=', 'e.id').on('d.kind', '=', 'census_entry'))
          .where((eb) => eb.or([eb('d.id', 'is', null), eb('d.source_version', '<>', eb.ref('e.version'))]))
          .select('e.id')
          .orderBy('e.id')
          .limit(limit)
          .execute()
      ).map((r) => r.id),

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
              .select(['doc_no', 'id', 'title_terms', 'body_terms'])
              .execute()
          ).map((r) => [r.id, r]),
        );
        for (const doc of docs) {
          const old = existing.get(doc.id);
          let docNo: number;
          if (old) {
            docNo = Number(old.doc_no);
            if (fts5) await ftsDelete(trx, docNo, old.title_terms, old.body_terms);
            await trx.updateTable('catalog_documents').set(doc).where('doc_no', '=', docNo).execute();
          } else {
            const inserted = await trx.insertInto('catalog_documents').values(doc).returning('doc_no').executeTakeFirstOrThrow();
            docNo = Number(inserted.doc_no);
          }
          if (fts5) {
            await sql`insert into catalog_fts (rowid, title_terms, body_terms) values (${docNo}, ${doc.title_terms}, ${doc.body_terms})`.execute(
              trx,
            );
          }
        }
      });
    },

    deleteDocuments: async (ids: readonly string[]): Promise<number> => {
      if (ids.length === 0) return 0;
      return inTransaction(async (trx) => {
        const rows = await trx
          .selectFrom('catalog_documents')
          .where('id', 'in', [...ids])
          .select(['doc_no', 'title_terms', 'body_terms'])
          .execute();
        for (const row of rows) {
          if (fts5) await ftsDelete(trx, Number(row.doc_no), row.title_terms, row.body_terms);
          await trx.deleteFrom('catalog_documents').where('doc_no', '=', row.doc_no).execute();
        }
        return rows.length;
      });
    },
  };

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
