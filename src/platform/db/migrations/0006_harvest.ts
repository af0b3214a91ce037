import type { Kysely } from 'kysely';

// Federation (issue 4): harvest sources the operator registers, their per-source log, and the
// source of each harvested search document (catalog_documents rows of kind 'harvested').
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('harvest_sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('schedule_minutes', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('last_run_at', 'text')
    .addColumn('last_ok_at', 'text')
    // When the last full run (one that can see deletions) succeeded.
    .addColumn('last_full_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('harvest_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source_id', 'text', (c) => c.notNull().references('harvest_sources.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('harvest_log_source_at').on('harvest_log').columns(['source_id', 'at']).execute();
  await db.schema.alterTable('catalog_documents').addColumn('source_id', 'text').execute();
  await db.schema.alterTable('catalog_documents').addColumn('remote_id', 'text').execute();
  await db.schema.createIndex('catalog_documents_source').on('catalog_documents').columns(['source_id', 'remote_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('catalog_documents_source').execute();
  await db.schema.alterTable('catalog_documents').dropColumn('remote_id').execute();
  await db.schema.alterTable('catalog_documents').dropColumn('source_id').execute();
  await db.schema.dropTable('harvest_log').execute();
  await db.schema.dropTable('harvest_sources').execute();
}
