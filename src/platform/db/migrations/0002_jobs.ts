import type { Kysely } from 'kysely';

// The job queue (DESIGN §2: "jobs are rows with a lease"). Times are ISO 8601 UTC text like every
// other table, so `run_at <= now` and lease expiry compare as text on both engines.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('lease_token', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('last_error', 'text')
    // NULLs never collide on either engine, so only keyed jobs are deduplicated.
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('result', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();

  // Claiming walks queued jobs in the order it hands them out and stops after a batch.
  await db.schema.createIndex('jobs_claim').on('jobs').columns(['status', 'priority desc', 'run_at', 'id']).execute();
  // Finding leases that ran out, without touching the (much larger) set of finished jobs.
  await db.schema.createIndex('jobs_lease').on('jobs').columns(['status', 'lease_until']).execute();
  await db.schema.createIndex('jobs_name').on('jobs').columns(['name', 'status']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('jobs').execute();
}
