import { PostgresAdapter, SqliteAdapter, sql, type Kysely } from 'kysely';

// The data map at a million entries (issue 4):
// - `usage_count` on search documents, for "most used" (recorded uses; indexing leaves it alone);
// - `catalog_state`: a generation bumped by every index write, so a cache of facet counts knows
//   when it is stale, in any process;
// - PostgreSQL only: BM25's corpus numbers kept up to date as documents are written (documents,
//   their total length, and documents per term), which FTS5 keeps inside its own index; counting
//   them at query time reads every matching row.
export async function up(db: Kysely<any>): Promise<void> {
  const adapter = db.getExecutor().adapter;
  const sqlite = adapter instanceof SqliteAdapter;
  if (!sqlite && !(adapter instanceof PostgresAdapter)) throw new Error('0008_catalog_ranking: unknown database engine');

  await db.schema
    .alterTable('catalog_documents')
    .addColumn('usage_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Browsing orders, each read backwards or forwards from an index: most used, and by title
  // (newest first already has catalog_documents_updated).
  await db.schema.createIndex('catalog_documents_usage').on('catalog_documents').columns(['usage_count', 'updated_at', 'id']).execute();
  await db.schema.createIndex('catalog_documents_title').on('catalog_documents').columns(['title', 'id']).execute();
  // Every facet column, so counting facets while browsing reads this index, not the documents
  // with their terms (migration 0005 kept those in the same rows).
  await db.schema
    .createIndex('catalog_documents_facets')
    .on('catalog_documents')
    .columns(['status', 'org_id', 'agency', 'domain', 'modality', 'readiness', 'provision_scope', 'personal_info', 'year', 'formats'])
    .execute();

  await db.schema
    .createTable('catalog_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('generation', 'bigint', (c) => c.notNull())
    .addColumn('doc_count', 'bigint', (c) => c.notNull())
    .addColumn('term_total', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into catalog_state (id, generation, doc_count, term_total)
    select 1, 1, count(*), coalesce(sum(term_count), 0) from catalog_documents`.execute(db);

  if (!sqlite) {
    await db.schema
      .createTable('catalog_term_stats')
      .addColumn('term', 'text', (c) => c.primaryKey())
      .addColumn('docs', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into catalog_term_stats (term, docs) select word, ndoc from ts_stat('select tsv from catalog_documents')`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('catalog_term_stats').ifExists().execute();
  await db.schema.dropTable('catalog_state').execute();
  await db.schema.dropIndex('catalog_documents_facets').execute();
  await db.schema.dropIndex('catalog_documents_title').execute();
  await db.schema.dropIndex('catalog_documents_usage').execute();
  await db.schema.alterTable('catalog_documents').dropColumn('usage_count').execute();
}
