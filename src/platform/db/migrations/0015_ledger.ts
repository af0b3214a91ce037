import { PostgresAdapter, SqliteAdapter, type Kysely } from 'kysely';

// The usage ledger (issue 9): an RFC 9162 Merkle log over `usage_events` in `seq` order.
//
// - `ledger_nodes`: the complete subtrees, (level, idx) → SHA-256 (level 0: the leaf hash of the
//   idx-th event in seq order). A log of n events holds 2n − popcount(n) rows. Level-0 rows also
//   name the event's `seq` (seq may have gaps: a PostgreSQL identity skips values on conflicts and
//   rollbacks), so a proof for an event finds its leaf index in one lookup.
// - `ledger_state`: one row (id = 1): how many events the tree holds, its root, and the seq of the
//   last event integrated; the integrator compares-and-sets `size`.
// - `ledger_tree_heads`: every signed tree head issued (Ed25519 over the RFC 9162 TreeHeadDataV2).
export async function up(db: Kysely<any>): Promise<void> {
  const adapter = db.getExecutor().adapter;
  const sqlite = adapter instanceof SqliteAdapter;
  if (!sqlite && !(adapter instanceof PostgresAdapter)) throw new Error('0015_ledger: unknown database engine');
  const bytes = sqlite ? 'blob' : 'bytea';

  await db.schema
    .createTable('ledger_nodes')
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('idx', 'bigint', (c) => c.notNull())
    .addColumn('hash', bytes, (c) => c.notNull())
    .addColumn('seq', 'bigint')
    .addPrimaryKeyConstraint('ledger_nodes_pk', ['level', 'idx'])
    .execute();
  await db.schema.createIndex('ledger_nodes_seq').on('ledger_nodes').column('seq').unique().execute();

  await db.schema
    .createTable('ledger_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('root', bytes, (c) => c.notNull())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The empty tree: SHA-256 of nothing.
  const empty = Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex');
  await db
    .insertInto('ledger_state')
    .values({ id: 1, size: 0, root: empty, last_seq: 0, updated_at: new Date(0).toISOString() })
    .execute();

  await db.schema
    .createTable('ledger_tree_heads')
    .addColumn('id', sqlite ? 'integer' : 'bigint', (c) =>
      sqlite ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('root', bytes, (c) => c.notNull())
    // Milliseconds since the epoch, as signed.
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('signature', bytes, (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_tree_heads_size').on('ledger_tree_heads').columns(['size', 'timestamp']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['ledger_tree_heads', 'ledger_state', 'ledger_nodes']) await db.schema.dropTable(table).execute();
}
