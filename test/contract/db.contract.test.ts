/**
 * The database contract: what every engine must do the same way. One suite, run on each engine,
 * as Kysely runs one suite on every dialect.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/core/ids.js';
import { migrateToLatest } from '../../src/platform/db/migrator.js';
import { ENGINES, useTestDatabase } from '../support/databases.js';

for (const engine of ENGINES) {
  describe(`database contract: ${engine}`, () => {
    const t = useTestDatabase(engine);

    it('reports the capabilities of its engine', () => {
      const caps = t.current.database.capabilities;
      expect(caps.dialect).toBe(engine);
      expect(caps.supportsSkipLocked).toBe(engine === 'postgres');
    });

    it('migrates idempotently: a second run applies nothing', async () => {
      const again = await migrateToLatest(t.current.database);
      expect(again.results).toEqual([]);
    });

    it('round-trips text, integers, null and Korean exactly', async () => {
      const db = t.current.database.db;
      const id = uuidv7();
      await db
        .insertInto('organizations')
        .values({
          id,
          slug: `org-${id}`,
          name: '한국지능정보사회진흥원',
          name_en: null,
          kind: 'agency',
          created_at: '2026-11-21T00:00:00.000Z',
        })
        .execute();
      const row = await db
        .selectFrom('organizations')
        .select(['id', 'slug', 'name', 'name_en', 'kind', 'created_at'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({
        id,
        slug: `org-${id}`,
        name: '한국지능정보사회진흥원',
        name_en: null,
        kind: 'agency',
        created_at: '2026-11-21T00:00:00.000Z',
      });
      const count = await db
        .selectFrom('organizations')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(typeof count.n).toBe('number');
    });

    it('enforces unique constraints', async () => {
      const db = t.current.database.db;
      const row = { id: uuidv7(), slug: 'dup', name: 'a', kind: 'agency', created_at: new Date().toISOString() };
      await db.insertInto('organizations').values(row).execute();
      await expect(
        db
          .insertInto('organizations')
          .values({ ...row, id: uuidv7() })
          .execute(),
      ).rejects.toThrow();
    });

    it('enforces foreign keys', async () => {
      const db = t.current.database.db;
      await expect(
        db
          .insertInto('memberships')
          .values({ user_id: uuidv7(), org_id: uuidv7(), role: 'steward', created_at: new Date().toISOString() })
          .execute(),
      ).rejects.toThrow();
    });

    it('rolls back a failed transaction whole', async () => {
      const db = t.current.database.db;
      const id = uuidv7();
      await expect(
        db.transaction().execute(async (trx) => {
          await trx
            .insertInto('organizations')
            .values({ id, slug: `tx-${id}`, name: 'x', kind: 'agency', created_at: new Date().toISOString() })
            .execute();
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await db.selectFrom('organizations').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
    });

    it('orders ISO times as text in time order', async () => {
      const db = t.current.database.db;
      const times = ['2026-01-02T00:00:00.000Z', '2025-12-31T23:59:59.999Z', '2026-01-01T12:00:00.000Z'];
      for (const [i, at] of times.entries()) {
        await db
          .insertInto('audit_events')
          .values({ id: uuidv7(), at, actor: 'test', action: `order-${i}` })
          .execute();
      }
      const rows = await db.selectFrom('audit_events').select('at').where('action', 'like', 'order-%').orderBy('at').execute();
      expect(rows.map((r) => r.at)).toEqual([...times].sort());
    });

    it('answers a trivial query', async () => {
      const result = await sql<{ one: number }>`select 1 as one`.execute(t.current.database.db);
      expect(Number(result.rows[0]?.one)).toBe(1);
    });
  });
}
