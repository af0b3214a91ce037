import type { Kysely } from 'kysely';

// The census (DESIGN §1): campaigns, one entry per data holding with its superseded states kept for
// history, and same-title duplicate flags. Times are ISO 8601 UTC text, deadlines ISO dates
// (YYYY-MM-DD, which also sort as text), forms JSON text, as everywhere else.

export async function up(db: Kysely<any>): Promise<void> {
  // Agency codes (e.g. data.go.kr's 기관코드) let imports find an agency again. SQLite cannot add a
  // column with a UNIQUE constraint, so uniqueness is a unique index; NULLs never collide on either engine.
  await db.schema.alterTable('organizations').addColumn('code', 'text').execute();
  await db.schema.createIndex('organizations_code').on('organizations').column('code').unique().execute();

  await db.schema
    .createTable('census_campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('form_version', 'text', (c) => c.notNull())
    .addColumn('deadline', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .execute();
  await db.schema.createIndex('census_campaigns_status').on('census_campaigns').columns(['status', 'deadline']).execute();

  await db.schema
    .createTable('census_campaign_targets')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('census_campaigns.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('last_reminded_at', 'text')
    .addColumn('reminder_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('census_campaign_targets_pk', ['campaign_id', 'org_id'])
    .execute();
  // An agency's assignments are looked up by organisation.
  await db.schema.createIndex('census_campaign_targets_org').on('census_campaign_targets').column('org_id').execute();

  await db.schema
    .createTable('census_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('campaign_id', 'text', (c) => c.references('census_campaigns.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('form', 'text', (c) => c.notNull())
    // Projections of the form, so lists, filters and the dashboard never parse JSON.
    .addColumn('title', 'text')
    .addColumn('title_key', 'text')
    .addColumn('domain', 'text')
    .addColumn('modality', 'text')
    .addColumn('readiness', 'text')
    .addColumn('provision_scope', 'text')
    .addColumn('personal_info', 'text')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('manual'))
    .addColumn('external_id', 'text')
    .addColumn('review_comment', 'text')
    // The change that made the current version; superseded ones keep theirs in census_entry_versions.
    .addColumn('change_kind', 'text', (c) => c.notNull())
    .addColumn('change_comment', 'text')
    .addColumn('created_by', 'text')
    .addColumn('updated_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text')
    .addColumn('decided_at', 'text')
    .execute();
  await db.schema.createIndex('census_entries_org_status').on('census_entries').columns(['org_id', 'status']).execute();
  await db.schema.createIndex('census_entries_campaign_status').on('census_entries').columns(['campaign_id', 'status']).execute();
  await db.schema.createIndex('census_entries_domain').on('census_entries').column('domain').execute();
  await db.schema.createIndex('census_entries_modality').on('census_entries').column('modality').execute();
  await db.schema.createIndex('census_entries_title_key').on('census_entries').columns(['org_id', 'title_key']).execute();
  // A re-import finds the entry it made before; manual entries have no external id and never collide.
  await db.schema.createIndex('census_entries_external').on('census_entries').columns(['source', 'external_id']).unique().execute();

  await db.schema
    .createTable('census_entry_versions')
    .addColumn('entry_id', 'text', (c) => c.notNull().references('census_entries.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('form', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'text')
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('change_kind', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addPrimaryKeyConstraint('census_entry_versions_pk', ['entry_id', 'version'])
    .execute();

  await db.schema
    .createTable('census_duplicate_flags')
    .addColumn('entry_id', 'text', (c) => c.notNull().references('census_entries.id').onDelete('cascade'))
    .addColumn('other_entry_id', 'text', (c) => c.notNull().references('census_entries.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addPrimaryKeyConstraint('census_duplicate_flags_pk', ['entry_id', 'other_entry_id'])
    .execute();
  await db.schema.createIndex('census_duplicate_flags_other').on('census_duplicate_flags').column('other_entry_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'census_duplicate_flags',
    'census_entry_versions',
    'census_entries',
    'census_campaign_targets',
    'census_campaigns',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropIndex('organizations_code').execute();
  await db.schema.alterTable('organizations').dropColumn('code').execute();
}
