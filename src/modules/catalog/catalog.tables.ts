/** The catalog's tables as its repository sees them (migration 0005), and the census columns it indexes. */
import type { Generated } from 'kysely';
import type { CensusEntryRow } from '../census/census.tables.js';
import type { OrganizationRow } from '../identity/identity.tables.js';

export type DocumentKind = 'census_entry' | 'harvested';

/** One searchable object: its facets, and the analyzer's terms (space-joined) the full-text index reads. */
export interface CatalogDocumentRow {
  /** FTS5's rowid (and PostgreSQL's twin key); generated. */
  doc_no: Generated<number>;
  /** The object's own id (a census entry's id). */
  id: string;
  kind: DocumentKind;
  org_id: string;
  agency: string;
  status: string;
  title: string;
  domain: string | null;
  modality: string | null;
  readiness: string | null;
  provision_scope: string | null;
  personal_info: string | null;
  /** '|CSV|JSON|', or '' for none. */
  formats: string;
  year: number | null;
  updated_at: string;
  source_version: number;
  title_terms: string;
  body_terms: string;
  term_count: number;
  /** A harvested document's source (migration 0006); null for census entries. */
  source_id: string | null;
  /** A harvested document's id at its source. */
  remote_id: string | null;
  /** Recorded uses (migration 0008), for "most used"; indexing leaves it alone. */
  usage_count: Generated<number>;
  /** PostgreSQL only (migration 0016): `{ term: [title count, body count] }`, JSON text when written. */
  term_freqs?: Generated<string>;
}

/** One row (id 1): bumped by every index write; BM25's corpus numbers (migration 0008). */
export interface CatalogStateRow {
  id: number;
  generation: number;
  doc_count: number;
  term_total: number;
}

/** The FTS5 table over the documents' terms (SQLite only; `rowid` is `doc_no`). */
export interface CatalogFtsRow {
  rowid: number;
  title_terms: string;
  body_terms: string;
}

/** SQLite only (migration 0012): each distinct combination of a document's facet values, numbered. */
export interface CatalogFacetCombinationRow extends Pick<
  CatalogDocumentRow,
  'status' | 'org_id' | 'agency' | 'domain' | 'modality' | 'readiness' | 'provision_scope' | 'personal_info' | 'year' | 'formats'
> {
  combination_no: Generated<number>;
  /** The values as a JSON array: what makes a combination unique. */
  combination_key: string;
}

export interface CatalogTables {
  catalog_documents: CatalogDocumentRow;
  catalog_state: CatalogStateRow;
  /** PostgreSQL only: documents holding each term. */
  catalog_term_stats: { term: string; docs: number };
  /** SQLite only. */
  catalog_fts: CatalogFtsRow;
  /** SQLite only, kept by triggers (migration 0012). */
  catalog_facet_combinations: CatalogFacetCombinationRow;
  /** SQLite only, kept by triggers: each document's combination. */
  catalog_document_facets: { doc_no: number; combination_no: number };
  census_entries: CensusEntryRow;
  organizations: OrganizationRow;
}
