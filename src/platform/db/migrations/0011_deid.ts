import type { Kysely } from 'kysely';

// De-identification runs through the platform (issue 6): a run takes a refinery version and a
// policy, and its job writes the de-identified files as a new derived version (origin 'deid', a
// value of the existing text column) with the run report on it. This table keeps the run itself:
// who asked, the policy as written (it holds no secret: secrets are named, never inlined), the
// table settings, the job's state and progress, and the version it made.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('deid_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('refinery_datasets.id'))
    .addColumn('version_id', 'text', (c) => c.notNull().references('dataset_versions.id'))
    // 'queued' | 'running' | 'done' | 'failed'
    .addColumn('status', 'text', (c) => c.notNull())
    // The policy's YAML as submitted, and its hash (sha256 of the canonical policy).
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('policy_hash', 'text', (c) => c.notNull())
    // JSON: { tables: [{ file, quasi, k, maxSuppression? }], images: 'faces' | 'skip' }
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text')
    .addColumn('error', 'text')
    // JSON: { files, filesDone, currentFile, bytes, totalBytes, records }
    .addColumn('progress', 'text')
    .addColumn('output_version_id', 'text', (c) => c.references('dataset_versions.id'))
    // JSON: the before/after samples (personal data in clear). Kept here, not in the version's
    // report, so that only the run's samples route (authorised reviewers) ever serves them.
    .addColumn('samples', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deid_runs_org').on('deid_runs').columns(['org_id', 'created_at']).execute();
  await db.schema.createIndex('deid_runs_version').on('deid_runs').column('version_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('deid_runs').execute();
}
