/**
 * Helpers the job queue tests share: polling for an outcome, and closing a PostgreSQL test database
 * cleanly before `useTestDatabase` drops it.
 */
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import type { TestDatabase } from './databases.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds; throws naming `what` when it does not within the deadline. */
export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * pg's `Pool.end()` resolves before its idle connections have closed, and `drop database … with
 * (force)` then kills them mid-close; the pool re-raises that as an unhandled 'error'. So: close,
 * then wait until the server has no session left on the database.
 */
export async function closeAndSettle(current: TestDatabase): Promise<void> {
  await current.database.close();
  if (current.config.kind !== 'postgres') return;
  const name = decodeURIComponent(new URL(current.config.url).pathname.slice(1));
  const admin = new pg.Client({ connectionString: inject('pgUrl') });
  await admin.connect();
  try {
    await until(
      async () => {
        const result = await admin.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [name]);
        return Number(result.rows[0]?.n) === 0;
      },
      `the sessions on ${name} to end`,
      10_000,
    );
  } finally {
    await admin.end();
  }
}

/** `closeAndSettle` for a `useTestDatabase` holder; register it after `useTestDatabase`, since after-hooks run in reverse. */
export function closeBeforeDrop(t: { readonly current: TestDatabase }): void {
  afterAll(async () => {
    let current: TestDatabase;
    try {
      current = t.current;
    } catch {
      return;
    }
    await closeAndSettle(current);
  });
}
