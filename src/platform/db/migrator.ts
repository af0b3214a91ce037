import { Migrator, type Migration, type MigrationResultSet } from 'kysely';
import type { Database } from './database.js';
import { MIGRATIONS } from './migrations/index.js';

/** Applies every migration that has not run yet. Safe to call from several processes at once. */
export async function migrateToLatest(database: Database): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => MIGRATIONS as Record<string, Migration> },
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const where = failed ? ` (migration ${failed.migrationName})` : '';
    throw new Error(`Database migration failed${where}: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}
