/**
 * Ingestion on both engines: group commit (concurrent records share transactions), exactly once per
 * idempotency key (also after the database is reopened), and durability: a producer killed with
 * SIGKILL mid-stream loses no event it acknowledged.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, createTestDatabase, type TestDatabase } from '../../../test/support/databases.js';
import { REPO_ROOT } from '../../../test/support/cli.js';
import { openDatabase } from '../../platform/db/database.js';
import { createLedgerRecorder } from './ledger.recorder.js';
import { createLedgerRepository, type NewUsageEventRow } from './ledger.repository.js';
import { openTestLedger, sampleEvent } from './ledger.testing.js';

for (const engine of ENGINES) {
  describe(`ledger recorder (${engine})`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase(engine);
    });
    afterAll(async () => {
      await database.drop();
    });

    it('writes concurrent records in few transactions, each answered after its commit', async () => {
      const repo = createLedgerRepository(database.database.db, database.database.capabilities);
      const batches: number[] = [];
      const recorder = createLedgerRecorder({
        insertEvents: async (rows: readonly NewUsageEventRow[]) => {
          batches.push(rows.length);
          return repo.insertEvents(rows);
        },
        clock: { now: () => new Date() },
      });
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, i) => recorder.record(sampleEvent(i, { idempotencyKey: `g-${i}` }))),
      );
      expect(new Set(results.map((r) => r.seq)).size).toBe(300);
      expect(results.every((r) => !r.duplicate)).toBe(true);
      expect(batches.reduce((a, b) => a + b, 0)).toBe(300);
      expect(batches.length).toBeLessThanOrEqual(3);
      // the same key twice in one batch: one row, the second a duplicate with the same seq
      const [a, b] = await Promise.all([recorder.record(sampleEvent(1000)), recorder.record(sampleEvent(1000))]);
      expect(a!.seq).toBe(b!.seq);
      expect([a!.duplicate, b!.duplicate].sort()).toEqual([false, true]);
      await expect(recorder.record(sampleEvent(1, { quantity: -1 }))).rejects.toThrow(/quantity/);
    });

    it('records a retried key once, also after the database was reopened', async () => {
      const ledger = openTestLedger(database.database);
      const first = await ledger.recorder.record(sampleEvent(2000));
      const again = await ledger.recorder.record(sampleEvent(2000, { quantity: 5 }));
      expect(again).toEqual({ seq: first.seq, duplicate: true });
      await ledger.close();

      const reopened = openDatabase(database.config);
      try {
        const later = openTestLedger(reopened);
        expect(await later.recorder.record(sampleEvent(2000))).toEqual({ seq: first.seq, duplicate: true });
        const rows = await reopened.db
          .selectFrom('usage_events')
          .select(['seq', 'quantity'])
          .where('idempotency_key', '=', 'test-2000')
          .execute();
        expect(rows).toEqual([{ seq: first.seq, quantity: 3000 }]);
        // and the integrator takes every event once
        expect((await later.integrate()).size).toBe(302);
        await later.close();
      } finally {
        await reopened.close();
      }
    });

    it('keeps every acknowledged event when the producer is killed with SIGKILL', async () => {
      const target = database.config.kind === 'sqlite' ? database.config.file : database.config.url;
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test/support/ledger-sigkill-child.ts'), target], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const acked = new Map<string, number>();
      let buffer = '';
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the producer acknowledged ${acked.size} events in time; ${stderr}`)), 60_000);
        child.stdout.on('data', (d: Buffer) => {
          buffer += d.toString();
          const lines = buffer.split('\n');
          buffer = lines.pop()!;
          for (const line of lines) {
            const [word, key, seq] = line.split(' ');
            if (word === 'ack') acked.set(key!, Number(seq));
          }
          if (acked.size >= 300 && !child.killed) {
            clearTimeout(timer);
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('exit', () => reject(new Error(`the producer ended early: ${stderr}`)));
      });
      expect(await exited).toBe('SIGKILL');

      const reopened = openDatabase(database.config);
      try {
        const rows = await reopened.db
          .selectFrom('usage_events')
          .select(['seq', 'idempotency_key'])
          .where('idempotency_key', 'like', 'kill-%')
          .execute();
        const stored = new Map(rows.map((r: { seq: number; idempotency_key: string }) => [r.idempotency_key, Number(r.seq)]));
        const lost = [...acked].filter(([key, seq]) => stored.get(key) !== seq);
        expect(lost).toEqual([]);
        expect(stored.size).toBeGreaterThanOrEqual(acked.size);
      } finally {
        await reopened.close();
      }
    }, 90_000);
  });
}
