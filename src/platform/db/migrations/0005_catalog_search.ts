import { PostgresAdapter, SqliteAdapter, sql, type Kysely } from 'kysely';

// The data map's search index (issue 4): one row per searchable object (for now, census entries)
// with its facets and the analyzer's index terms (src/modules/catalog/analyzer.ts), and a full-text
// index over those terms. The databases never tokenise Korean: the terms are already words.
//
// The full-text index differs by engine, and a migration receives only `db`, so this is the one
// place in the code base that asks which engine it runs on (through Kysely's adapter class);
// everywhere else that difference is the `fullText` capability of the database adapter.

export async function up(db: Kysely<any>): Promise<void> {
  const adapter = db.getExecutor().adapter;
  const sqlite = adapter instanceof SqliteAdapter;
  if (!sqlite && !(adapter instanceof PostgresAdapter)) throw new Error('0005_catalog_search: unknown database engine');

  await db.schema
    .createTable('catalog_documents')
    // FTS5 keys its rows by an integer rowid; PostgreSQL gets the same key for symmetry.
    .addColumn('doc_no', sqlite ? 'integer' : 'bigint', (c) =>
      sqlite ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('agency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('domain', 'text')
    .addColumn('modality', 'text')
    .addColumn('readiness', 'text')
    .addColumn('provision_scope', 'text')
    .addColumn('personal_info', 'text')
    // Every format between bars, '|CSV|JSON|', so one LIKE '%|CSV|%' finds a format.
    .addColumn('formats', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('year', 'integer')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // The source object's version when indexed: the indexer finds stale documents by comparing it.
    .addColumn('source_version', 'integer', (c) => c.notNull())
    .addColumn('title_terms', 'text', (c) => c.notNull())
    .addColumn('body_terms', 'text', (c) => c.notNull())
    // Number of terms, title and body together: BM25's document length.
    .addColumn('term_count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('catalog_documents_status_org').on('catalog_documents').columns(['status', 'org_id']).execute();
  await db.schema.createIndex('catalog_documents_updated').on('catalog_documents').columns(['updated_at', 'id']).execute();

  if (sqlite) {
    // External content: the terms live once, in catalog_documents; the repository writes both in one transaction.
    await sql`create virtual table catalog_fts using fts5(title_terms, body_terms, content = 'catalog_documents', content_rowid = 'doc_no', tokenize = "unicode61 remove_diacritics 0")`.execute(
      db,
    );
  } else {
    // Title terms weigh A, body terms B; computed by PostgreSQL on every write.
    await sql`alter table catalog_documents add column tsv tsvector generated always as (setweight(to_tsvector('simple', title_terms), 'A') || setweight(to_tsvector('simple', body_terms), 'B')) stored`.execute(
      db,
    );
    await sql`create index catalog_documents_tsv on catalog_documents using gin (tsv)`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) await sql`drop table if exists catalog_fts`.execute(db);
  await db.schema.dropTable('catalog_documents').execute();
}
