import { sql, type Kysely } from 'kysely';

// Releases of large versions are built in the background (issue 8's follow-up): a build row holds
// the request as it was accepted, its progress in files, and its outcome (the release, or the
// error). At most one build per dataset is under way at a time (a partial unique index).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('release_builds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('refinery_datasets.id'))
    .addColumn('version_id', 'text', (c) => c.notNull().references('dataset_versions.id'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('semver', 'text', (c) => c.notNull())
    // The accepted request (JSON): what the build makes the release from.
    .addColumn('request', 'text', (c) => c.notNull())
    // queued | running | done | failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('files_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('files_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('release_id', 'text', (c) => c.references('releases.id'))
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('release_builds_one_active')
    .on('release_builds')
    .column('dataset_id')
    .unique()
    .where(sql<boolean>`status in ('queued', 'running')`)
    .execute();
  await db.schema.createIndex('release_builds_dataset').on('release_builds').columns(['dataset_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('release_builds').execute();
}
