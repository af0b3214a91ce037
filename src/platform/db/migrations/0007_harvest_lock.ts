import type { Kysely } from 'kysely';

// Federation (issue 4): a per-source run lock, so two runs of one source never overlap (a scheduled
// job and an operator's manual run). A run takes the lease atomically (an UPDATE that matches only a
// free or expired lease), renews it while it works and clears it at the end; a process that dies
// leaves a lease that expires on its own.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('harvest_sources').addColumn('lease_token', 'text').execute();
  // ISO time the lease runs out at; null when no run holds it.
  await db.schema.alterTable('harvest_sources').addColumn('lease_until', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('harvest_sources').dropColumn('lease_until').execute();
  await db.schema.alterTable('harvest_sources').dropColumn('lease_token').execute();
}
