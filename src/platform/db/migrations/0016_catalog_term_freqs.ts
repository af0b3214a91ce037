import { PostgresAdapter, SqliteAdapter, sql, type Kysely } from 'kysely';

// PostgreSQL only: each document's query-term frequencies, for BM25 in SQL (issue 4).
//
// PostgreSQL scores a search with the analyzer's BM25 (so its scores equal SQLite's FTS5), which
// needs each query term's occurrences in the title and the body of every match. Counting them in
// the terms' text at query time (replace and length, twice a term) cost more than the search
// itself: at a million entries the API took 2.5 times the raw query. Now every document carries
// `{ term: [title count, body count] }` as jsonb, written with the document, and a search reads
// two numbers per term. SQLite's FTS5 counts them in its own index: nothing to add there.
export async function up(db: Kysely<any>): Promise<void> {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof SqliteAdapter) return;
  if (!(adapter instanceof PostgresAdapter)) throw new Error('0016_catalog_term_freqs: unknown database engine');
  await sql`alter table catalog_documents add column term_freqs jsonb not null default '{}'::jsonb`.execute(db);
  await sql`update catalog_documents d set term_freqs = coalesce((
      select jsonb_object_agg(term, jsonb_build_array(title, body))
      from (
        select term, count(*) filter (where part = 0) as title, count(*) filter (where part = 1) as body
        from (
          select unnest(string_to_array(d.title_terms, ' ')) as term, 0 as part
          union all
          select unnest(string_to_array(d.body_terms, ' ')), 1
        ) occurrences
        where term <> ''
        group by term
      ) counted
    ), '{}'::jsonb)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) return;
  await sql`alter table catalog_documents drop column term_freqs`.execute(db);
}
