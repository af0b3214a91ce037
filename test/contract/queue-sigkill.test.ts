/**
 * The promise of issue "Foundation" point 4: a job whose worker is killed with SIGKILL is picked up
 * again after its lease and completes exactly once. Real processes, a real kill, on both engines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DbConfig } from '../../src/core/config.js';
import { createDbJobQueue } from '../../src/platform/queue/db-job-queue.js';
import { ENGINES, useTestDatabase } from '../support/databases.js';
import { closeBeforeDrop, until } from '../support/queue-helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(root, 'test/fixtures/queue-worker.ts');
const LEASE_MS = 1_500;

interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

function spawnWorker(config: DbConfig, workerId: string, mode: 'hang' | 'finish'): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    cwd: root,
    env: {
      ...process.env,
      QUEUE_TEST_DB: JSON.stringify(config),
      QUEUE_TEST_WORKER: workerId,
      QUEUE_TEST_MODE: mode,
      QUEUE_TEST_LEASE_MS: String(LEASE_MS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, exited, output: () => output };
}

interface Effect {
  job_id: string;
  worker_id: string;
  kind: string;
}

for (const engine of ENGINES) {
  describe(`job queue under SIGKILL: ${engine}`, () => {
    const t = useTestDatabase(engine);
    closeBeforeDrop(t);

    it("hands a killed worker's job to another worker after the lease, which completes it exactly once", { timeout: 90_000 }, async () => {
      const { database, config } = t.current;
      await sql`create table test_effects (job_id text not null, worker_id text not null, kind text not null, at text not null)`.execute(
        database.db,
      );
      const effects = async () =>
        (await sql<Effect>`select job_id, worker_id, kind from test_effects order by at`.execute(database.db)).rows;

      const queue = createDbJobQueue({ database });
      const { id } = await queue.enqueue('test.slow', { why: 'to be killed' });

      const killed = spawnWorker(config, 'doomed', 'hang');
      let survivor: WorkerProcess | undefined;
      try {
        await until(
          async () => (await effects()).some((e) => e.worker_id === 'doomed' && e.kind === 'started'),
          'the first worker to start the job',
          45_000,
        ).catch((error: unknown) => {
          throw new Error(`${String(error)}\n--- first worker output ---\n${killed.output()}`);
        });
        expect(killed.child.pid).toBeDefined();
        process.kill(killed.child.pid!, 'SIGKILL');
        expect(await killed.exited).toEqual({ code: null, signal: 'SIGKILL' });
        const orphan = await queue.get(id);
        expect(orphan).toMatchObject({ status: 'running', attempts: 1, lockedBy: 'doomed' });

        survivor = spawnWorker(config, 'survivor', 'finish');
        const second = survivor;
        await until(async () => (await queue.get(id))?.status === 'done', 'the second worker to complete the job', 45_000).catch(
          (error: unknown) => {
            throw new Error(`${String(error)}\n--- second worker output ---\n${second.output()}`);
          },
        );
        survivor.child.kill('SIGTERM');
        expect(await survivor.exited).toEqual({ code: 0, signal: null });
      } finally {
        if (killed.child.exitCode === null && killed.child.signalCode === null) killed.child.kill('SIGKILL');
        if (survivor && survivor.child.exitCode === null && survivor.child.signalCode === null) survivor.child.kill('SIGKILL');
      }

      const job = await queue.get(id);
      expect(job).toMatchObject({ status: 'done', attempts: 2, lockedBy: 'survivor', result: { by: 'survivor' }, leaseToken: null });
      expect(job?.lastError).toBe('lease expired: worker doomed stopped heartbeating');

      const all = await effects();
      expect(all.filter((e) => e.job_id !== id)).toEqual([]);
      expect(all.filter((e) => e.kind === 'completed')).toEqual([{ job_id: id, worker_id: 'survivor', kind: 'completed' }]);
      expect(all.filter((e) => e.worker_id === 'doomed')).toEqual([{ job_id: id, worker_id: 'doomed', kind: 'started' }]);
      expect(all.filter((e) => e.kind === 'started').map((e) => e.worker_id)).toEqual(['doomed', 'survivor']);
    });
  });
}
