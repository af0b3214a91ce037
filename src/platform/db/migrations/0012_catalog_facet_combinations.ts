import { PostgresAdapter, SqliteAdapter, sql, type Kysely } from 'kysely';

// SQLite only: counting a search's facets without reading its documents (issue 4).
//
// FTS5 hands back the rowids of what a search matches; counting their facets meant looking up
// every match in catalog_documents, whose rows carry the analyzer's terms and span pages. At a
// million entries a topic matching 40,000 documents spent over 100 ms there. Documents share few
// combinations of facet values (some 28,000 in a million), so each document now points to its
// combination from a two-integer row, and a search counts combination numbers.
//
// Triggers keep both tables in step with catalog_documents, whatever writes it. Combinations no
// document holds any more stay behind: they count nothing, and a document may come back to them.
// PostgreSQL reads its matches from the heap anyway and counts facets there: nothing to add.

const FACET_COLUMNS = [
  'status',
  'org_id',
  'agency',
  'domain',
  'modality',
  'readiness',
  'provision_scope',
  'personal_info',
  'year',
  'formats',
];

const key = (row: 'new' | 'd') => `json_array(${FACET_COLUMNS.map((c) => `${row}.${c}`).join(', ')})`;

export async function up(db: Kysely<any>): Promise<void> {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return;
  if (!(adapter instanceof SqliteAdapter)) throw new Error('0012_catalog_facet_combinations: unknown database engine');

  await db.schema
    .createTable('catalog_facet_combinations')
    .addColumn('combination_no', 'integer', (c) => c.primaryKey())
    .addColumn('combination_key', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('agency', 'text', (c) => c.notNull())
    .addColumn('domain', 'text')
    .addColumn('modality', 'text')
    .addColumn('readiness', 'text')
    .addColumn('provision_scope', 'text')
    .addColumn('personal_info', 'text')
    .addColumn('year', 'integer')
    .addColumn('formats', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('catalog_document_facets')
    .addColumn('doc_no', 'integer', (c) => c.primaryKey())
    .addColumn('combination_no', 'integer', (c) => c.notNull())
    .execute();

  const columns = FACET_COLUMNS.join(', ');
  const addCombination = `insert or ignore into catalog_facet_combinations (combination_key, ${columns})
      values (${key('new')}, ${FACET_COLUMNS.map((c) => `new.${c}`).join(', ')});`;
  const combinationOfNew = `(select combination_no from catalog_facet_combinations where combination_key = ${key('new')})`;
  await sql
    .raw(
      `create trigger catalog_documents_facets_insert after insert on catalog_documents begin
      ${addCombination}
      insert into catalog_document_facets (doc_no, combination_no) values (new.doc_no, ${combinationOfNew});
    end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger catalog_documents_facets_update after update of ${columns} on catalog_documents begin
      ${addCombination}
      update catalog_document_facets set combination_no = ${combinationOfNew} where doc_no = new.doc_no;
    end`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger catalog_documents_facets_delete after delete on catalog_documents begin
      delete from catalog_document_facets where doc_no = old.doc_no;
    end`,
    )
    .execute(db);

  await sql
    .raw(
      `insert or ignore into catalog_facet_combinations (combination_key, ${columns})
      select distinct ${key('d')}, ${FACET_COLUMNS.map((c) => `d.${c}`).join(', ')} from catalog_documents d`,
    )
    .execute(db);
  await sql
    .raw(
      `insert into catalog_document_facets (doc_no, combination_no)
      select d.doc_no, c.combination_no from catalog_documents d join catalog_facet_combinations c on c.combination_key = ${key('d')}`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  for (const trigger of ['catalog_documents_facets_insert', 'catalog_documents_facets_update', 'catalog_documents_facets_delete']) {
    await sql.raw(`drop trigger ${trigger}`).execute(db);
  }
  await db.schema.dropTable('catalog_document_facets').execute();
  await db.schema.dropTable('catalog_facet_combinations').execute();
}
