import { PostgresAdapter, SqliteAdapter, type Kysely } from 'kysely';

// Releases, access and downloads (issue 8), and the usage events they produce.
//
// - A release freezes a refinery version under a semantic version: its files (copied by key, never
//   by path), manifest, licence, citation, datasheet and changelog are written once and never
//   updated; only `withdrawn_at` may be set later.
// - Access: an open release needs its licence accepted (`licence_acceptances`); a conditional one
//   a grant, which an agency gives by deciding an `access_requests` row; a grant is bound to the
//   requesting organisation, the purpose and an expiry, and may be revoked. Safe-zone releases are
//   never downloadable.
// - `usage_events`: every completed download or byte range, recorded once per idempotency key,
//   in the order `seq` gives them (the usage ledger of issue 9 builds its log over that order).
export async function up(db: Kysely<any>): Promise<void> {
  const adapter = db.getExecutor().adapter;
  const sqlite = adapter instanceof SqliteAdapter;
  if (!sqlite && !(adapter instanceof PostgresAdapter)) throw new Error('0014_distribution: unknown database engine');

  await db.schema
    .createTable('releases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('refinery_datasets.id'))
    .addColumn('version_id', 'text', (c) => c.notNull().references('dataset_versions.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    // Semantic version, e.g. '1.0.0'; unique per dataset.
    .addColumn('semver', 'text', (c) => c.notNull())
    // 'open' | 'conditional' | 'safe_zone'
    .addColumn('tier', 'text', (c) => c.notNull())
    // Open tier: whether downloading needs an account (1) or not (0).
    .addColumn('account_required', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text')
    .addColumn('description', 'text')
    // An SPDX identifier or a licence name, and where to read it.
    .addColumn('licence', 'text', (c) => c.notNull())
    .addColumn('licence_url', 'text')
    .addColumn('citation', 'text', (c) => c.notNull())
    // JSON: the Datasheets for Datasets sections, { ko: {...}, en: {...} }.
    .addColumn('datasheet', 'text', (c) => c.notNull())
    // JSON: { files: [{ path, size, sha256, format, records }], totalBytes } and its SHA-256.
    .addColumn('manifest', 'text', (c) => c.notNull())
    .addColumn('manifest_sha256', 'text', (c) => c.notNull())
    // JSON: the differences from the previous release of the dataset (null for the first).
    .addColumn('changelog', 'text')
    .addColumn('previous_release_id', 'text', (c) => c.references('releases.id'))
    // JSON: the custom questions a conditional request must answer.
    .addColumn('request_questions', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('withdrawn_at', 'text')
    .execute();
  await db.schema.createIndex('releases_semver').on('releases').columns(['dataset_id', 'semver']).unique().execute();
  await db.schema.createIndex('releases_org').on('releases').columns(['org_id', 'created_at']).execute();

  await db.schema
    .createTable('release_files')
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    // Relative, '/'-separated, NFC, checked when stored (e.g. 'data/train-00000-of-00001.parquet', 'README.md').
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('records', 'bigint')
    .addPrimaryKeyConstraint('release_files_pk', ['release_id', 'path'])
    .execute();

  await db.schema
    .createTable('licence_acceptances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text')
    // SHA-256 of the licence text or identifier accepted, so a later change is a new acceptance.
    .addColumn('terms_sha256', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('licence_acceptances_user').on('licence_acceptances').columns(['user_id', 'release_id']).execute();

  await db.schema
    .createTable('access_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('refinery_datasets.id'))
    .addColumn('release_id', 'text', (c) => c.references('releases.id'))
    // The requesting organisation and person; the providing agency is the dataset's.
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('duration_days', 'integer', (c) => c.notNull())
    // JSON: answers to the release's custom questions.
    .addColumn('answers', 'text', (c) => c.notNull())
    // 'pending' | 'approved' | 'rejected' | 'withdrawn'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decision_note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('access_requests_dataset').on('access_requests').columns(['dataset_id', 'status']).execute();
  await db.schema.createIndex('access_requests_org').on('access_requests').columns(['org_id', 'created_at']).execute();

  await db.schema
    .createTable('access_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('refinery_datasets.id'))
    // The grantee: only this organisation's members download under it.
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    // JSON: the terms as granted (licence, conditions, the decision's note), recorded once.
    .addColumn('terms', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .addColumn('revoke_reason', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('access_grants_org').on('access_grants').columns(['org_id', 'dataset_id']).execute();

  await db.schema
    .createTable('usage_events')
    // The order of the record: what the usage ledger's log follows.
    .addColumn('seq', sqlite ? 'integer' : 'bigint', (c) =>
      sqlite ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('id', 'text', (c) => c.notNull().unique())
    // A retried event carries the same key and is recorded once.
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    // 'download' | 'range' | 'archive' | … (safe-zone reads later)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('dataset_id', 'text', (c) => c.notNull())
    .addColumn('release_id', 'text')
    .addColumn('path', 'text')
    .addColumn('org_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('grant_id', 'text')
    .addColumn('purpose', 'text')
    .addColumn('quantity', 'bigint', (c) => c.notNull())
    // 'bytes' | 'records' | 'tokens' | 'compute_seconds'
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('usage_events_dataset').on('usage_events').columns(['dataset_id', 'occurred_at']).execute();
  await db.schema.createIndex('usage_events_org').on('usage_events').columns(['org_id', 'occurred_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['usage_events', 'access_grants', 'access_requests', 'licence_acceptances', 'release_files', 'releases']) {
    await db.schema.dropTable(table).execute();
  }
}
