/**
 * Fresh, migrated databases on both engines for contract and module tests.
 *
 *   for (const engine of ENGINES) describe(engine, () => { const t = useTestDatabase(engine); … })
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import type { DbConfig } from '../../src/core/config.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrator.js';

export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

export interface TestDatabase {
  config: DbConfig;
  database: Database;
  drop(): Promise<void>;
}

let counter = 0;

/** Creates an empty database (a temp SQLite file, or a new database on the test PostgreSQL server). */
export async function createEmptyDatabase(engine: Engine): Promise<{ config: DbConfig; drop: () => Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'datadam-sqlite-'));
    return { config: { kind: 'sqlite', file: path.join(dir, 'test.db') }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const adminUrl = inject('pgUrl');
  const name = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    config: { kind: 'postgres', url: url.toString() },
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      // A closed pool's connections linger a moment; forcing the drop under them would show up as
      // errors in the test that just closed them.
      for (let i = 0; i < 50; i++) {
        const { rows } = await c.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if (rows[0]?.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  const { config, drop } = await createEmptyDatabase(engine);
  const database = openDatabase(config);
  await migrateToLatest(database);
  return {
    config,
    database,
    drop: async () => {
      await database.close();
      await drop();
    },
  };
}

/** A migrated database for the enclosing `describe`, dropped after it. */
export function useTestDatabase(engine: Engine): { readonly current: TestDatabase } {
  const holder: { current: TestDatabase | undefined } = { current: undefined };
  beforeAll(async () => {
    holder.current = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await holder.current?.drop();
  });
  return {
    get current() {
      if (!holder.current) throw new Error('test database not ready: use it inside a test');
      return holder.current;
    },
  };
}
