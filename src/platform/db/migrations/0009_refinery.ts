import type { Kysely } from 'kysely';

// The refinery (issue 5): datasets an agency refines, their immutable versions and each version's
// files (by content hash, never by disk path), resumable uploads (tus) that feed new versions, the
// reports computed on a version (profile, quality, recipe run), and sampling inspections. Times are
// ISO text like everywhere else; byte counts are bigint (files pass 2 GiB).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('refinery_datasets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('census_entry_id', 'text', (c) => c.references('census_entries.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('refinery_datasets_org').on('refinery_datasets').columns(['org_id', 'created_at']).execute();

  await db.schema
    .createTable('dataset_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('refinery_datasets.id'))
    // 1, 2, …: what people call a version; unique per dataset, so two versions made at once cannot share one.
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('parent_version_id', 'text', (c) => c.references('dataset_versions.id'))
    // 'upload' | 'recipe'
    .addColumn('origin', 'text', (c) => c.notNull())
    // The recipe (JSON) a derived version was made with.
    .addColumn('recipe', 'text')
    // 'ingesting' | 'ready' | 'failed'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('file_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('total_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('manifest_sha256', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('dataset_versions_number').on('dataset_versions').columns(['dataset_id', 'number']).unique().execute();

  await db.schema
    .createTable('dataset_files')
    .addColumn('version_id', 'text', (c) => c.notNull().references('dataset_versions.id'))
    // Relative, '/'-separated, NFC; checked when stored, so it can never name a place on a disk.
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('encoding', 'text')
    // The bytes as uploaded, when the stored ones were normalised (text to UTF-8 NFC).
    .addColumn('original_blob_key', 'text')
    .addPrimaryKeyConstraint('dataset_files_pk', ['version_id', 'path'])
    .execute();
  await db.schema.createIndex('dataset_files_blob').on('dataset_files').column('blob_key').execute();

  await db.schema
    .createTable('uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('refinery_datasets.id'))
    .addColumn('created_by', 'text')
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('length', 'bigint', (c) => c.notNull())
    // The tus offset: bytes received so far.
    .addColumn('received', 'bigint', (c) => c.notNull().defaultTo(0))
    // 'receiving' | 'complete' | 'consumed'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('blob_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('uploads_expires').on('uploads').column('expires_at').execute();
  await db.schema.createIndex('uploads_dataset').on('uploads').column('dataset_id').execute();

  await db.schema
    .createTable('version_reports')
    .addColumn('version_id', 'text', (c) => c.notNull().references('dataset_versions.id'))
    // 'profile' | 'quality' | 'recipe_run' | …
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('version_reports_pk', ['version_id', 'kind'])
    .execute();

  // Sampling inspection (acceptance sampling by attributes): the lot, the sample drawn from it and
  // the acceptance number come from the quality module's maths; these tables only keep them.
  await db.schema
    .createTable('inspections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version_id', 'text', (c) => c.notNull().references('dataset_versions.id'))
    .addColumn('lot_size', 'bigint', (c) => c.notNull())
    .addColumn('sample_size', 'integer', (c) => c.notNull())
    .addColumn('acceptance_number', 'integer', (c) => c.notNull())
    .addColumn('aql', 'real', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    // 'open' | 'accepted' | 'rejected'
    .addColumn('status', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('inspections_version').on('inspections').column('version_id').execute();
  await db.schema
    .createTable('inspection_items')
    .addColumn('inspection_id', 'text', (c) => c.notNull().references('inspections.id').onDelete('cascade'))
    .addColumn('item_no', 'integer', (c) => c.notNull())
    .addColumn('file_path', 'text', (c) => c.notNull())
    .addColumn('row_number', 'bigint')
    // null (not yet judged) | 'pass' | 'fail'
    .addColumn('verdict', 'text')
    .addColumn('inspector', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('inspection_items_pk', ['inspection_id', 'item_no'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inspection_items').execute();
  await db.schema.dropTable('inspections').execute();
  await db.schema.dropTable('version_reports').execute();
  await db.schema.dropTable('uploads').execute();
  await db.schema.dropTable('dataset_files').execute();
  await db.schema.dropTable('dataset_versions').execute();
  await db.schema.dropTable('refinery_datasets').execute();
}
