import type { Kysely } from 'kysely';

// The refinery's analysis (issue 5): what a dataset declares for its quality checks (a rule file in
// YAML, a label column, attributes, a text field), the state of the jobs run on each version
// (profile, quality, recipe) so people can follow them, and each inspection item's record as it
// was read when the sample was drawn (the inspector judges what is shown, even if files move on).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('refinery_datasets').addColumn('rules', 'text').execute();
  // JSON: { labelColumn?, attributes?, textField? }
  await db.schema.alterTable('refinery_datasets').addColumn('settings', 'text').execute();

  await db.schema
    .createTable('version_tasks')
    .addColumn('version_id', 'text', (c) => c.notNull().references('dataset_versions.id'))
    // 'profile' | 'quality' | 'recipe'
    .addColumn('kind', 'text', (c) => c.notNull())
    // 'queued' | 'running' | 'done' | 'failed'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('job_id', 'text')
    // JSON: what the task made (a recipe: the new version's id).
    .addColumn('result', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('version_tasks_pk', ['version_id', 'kind'])
    .execute();

  // JSON: the record's values (a table row's columns, or a file's facts).
  await db.schema.alterTable('inspection_items').addColumn('record', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('inspection_items').dropColumn('record').execute();
  await db.schema.dropTable('version_tasks').execute();
  await db.schema.alterTable('refinery_datasets').dropColumn('settings').execute();
  await db.schema.alterTable('refinery_datasets').dropColumn('rules').execute();
}
