import type { Kysely } from 'kysely';

// Evaluation and selection (issue 7): rounds of evaluation, each with its rubric versions (never
// edited: every change is a new version), its candidates (accepted census entries with an estimated
// processing cost), expert panels (assignments, append-only scores in an initial and a consensus
// phase), the demand survey, and the selections run on it with every input stored so a selection
// can be re-run and give the same answer. JSON is text, times ISO text, money bigint KRW.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('evaluation_rounds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text', (c) => c.references('census_campaigns.id'))
    .addColumn('budget', 'bigint', (c) => c.notNull())
    .addColumn('target_count', 'integer', (c) => c.notNull())
    // 'setup' | 'scoring' | 'consensus' | 'decided'
    .addColumn('status', 'text', (c) => c.notNull())
    // The current rubric version (null until one is saved).
    .addColumn('rubric_version', 'integer')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('evaluation_rounds_created').on('evaluation_rounds').column('created_at').execute();

  await db.schema
    .createTable('evaluation_rubrics')
    .addColumn('round_id', 'text', (c) => c.notNull().references('evaluation_rounds.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    // JSON: [{ key, labelKo, labelEn, source: 'expert' | 'auto' | 'demand' }]
    .addColumn('criteria', 'text', (c) => c.notNull())
    // 'direct' | 'ahp'
    .addColumn('method', 'text', (c) => c.notNull())
    // JSON: { key: weight } summing to 1
    .addColumn('weights', 'text', (c) => c.notNull())
    // JSON: the pairwise matrix (ahp), or null
    .addColumn('matrix', 'text')
    // JSON: { lambdaMax, ci, cr } (ahp), or null
    .addColumn('consistency', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('evaluation_rubrics_pk', ['round_id', 'version'])
    .execute();

  await db.schema
    .createTable('evaluation_candidates')
    .addColumn('round_id', 'text', (c) => c.notNull().references('evaluation_rounds.id'))
    .addColumn('entry_id', 'text', (c) => c.notNull().references('census_entries.id'))
    .addColumn('estimated_cost', 'bigint', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('evaluation_candidates_pk', ['round_id', 'entry_id'])
    .execute();

  await db.schema
    .createTable('evaluation_assignments')
    .addColumn('round_id', 'text', (c) => c.notNull().references('evaluation_rounds.id'))
    .addColumn('entry_id', 'text', (c) => c.notNull().references('census_entries.id'))
    .addColumn('evaluator_id', 'text', (c) => c.notNull().references('users.id'))
    // 'assigned' | 'scored' | 'declined'
    .addColumn('status', 'text', (c) => c.notNull())
    // Why the evaluator declared a conflict of interest (declined).
    .addColumn('declared_reason', 'text')
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('evaluation_assignments_pk', ['round_id', 'entry_id', 'evaluator_id'])
    .execute();
  await db.schema
    .createIndex('evaluation_assignments_evaluator')
    .on('evaluation_assignments')
    .columns(['evaluator_id', 'round_id'])
    .execute();

  // Append-only: every submission is kept with its author and time; the latest per evaluator and phase counts.
  await db.schema
    .createTable('evaluation_scores')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull().references('evaluation_rounds.id'))
    .addColumn('entry_id', 'text', (c) => c.notNull().references('census_entries.id'))
    .addColumn('evaluator_id', 'text', (c) => c.notNull().references('users.id'))
    // 'initial' | 'consensus'
    .addColumn('phase', 'text', (c) => c.notNull())
    // JSON: { criterionKey: 1..5 }
    .addColumn('scores', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('evaluation_scores_round')
    .on('evaluation_scores')
    .columns(['round_id', 'entry_id', 'evaluator_id'])
    .execute();

  await db.schema
    .createTable('evaluation_demand')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull().references('evaluation_rounds.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('user_id', 'text')
    // The entry the demand is for, or null for a free-text need matched to entries.
    .addColumn('entry_id', 'text', (c) => c.references('census_entries.id'))
    .addColumn('need', 'text')
    // JSON: the entry ids a free-text need was matched to (the round's candidates, best first)
    .addColumn('matched', 'text', (c) => c.notNull())
    .addColumn('intended_use', 'text', (c) => c.notNull())
    // 'low' | 'medium' | 'high'
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('co_invest_krw', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('evaluation_demand_round').on('evaluation_demand').columns(['round_id', 'org_id']).execute();

  await db.schema
    .createTable('evaluation_selections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull().references('evaluation_rounds.id'))
    .addColumn('rubric_version', 'integer', (c) => c.notNull())
    // JSON: everything needed to re-run it (rubric, candidates with their criterion values and costs, constraints)
    .addColumn('inputs', 'text', (c) => c.notNull())
    .addColumn('inputs_hash', 'text', (c) => c.notNull())
    // JSON: the result as served (selected, greedy, explanations, sensitivity, conflict)
    .addColumn('result', 'text', (c) => c.notNull())
    // 'optimal' | 'infeasible' | 'time_limit' | …
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('objective', 'real')
    .addColumn('cost', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('evaluation_selections_round').on('evaluation_selections').columns(['round_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'evaluation_selections',
    'evaluation_demand',
    'evaluation_scores',
    'evaluation_assignments',
    'evaluation_candidates',
    'evaluation_rubrics',
    'evaluation_rounds',
  ])
    await db.schema.dropTable(table).execute();
}
