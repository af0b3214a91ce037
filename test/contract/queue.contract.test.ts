/**
 * The job queue contract: one suite, run on each engine. Claiming, leases, retries and dead letters
 * must behave the same on SQLite (one writer) and PostgreSQL (SKIP LOCKED), and the real worker loop
 * must hand every job to exactly one of two competing workers.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { uuidv7 } from '../../src/core/ids.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { backoffDelay, createDbJobQueue, type WorkerQueue } from '../../src/platform/queue/db-job-queue.js';
import { JobRegistry } from '../../src/platform/queue/registry.js';
import { LeaseLostError, startWorker } from '../../src/platform/queue/worker.js';
import { createTestDatabase, ENGINES, useTestDatabase } from '../support/databases.js';
import { closeAndSettle, closeBeforeDrop, sleep, until } from '../support/queue-helpers.js';

/** A job name no other test uses, since the tests of one engine share a database. */
const jobName = (label: string) => `test.${label}.${uuidv7().slice(-12)}`;

for (const engine of ENGINES) {
  describe(`job queue contract: ${engine}`, () => {
    const t = useTestDatabase(engine);
    closeBeforeDrop(t);

    function queueAt(start = '2030-01-01T00:00:00.000Z') {
      const clock = manualClock(start);
      const queue = createDbJobQueue({ database: t.current.database, clock, random: () => 0.5, backoff: { baseMs: 1_000, maxMs: 60_000 } });
      return { clock, queue };
    }

    it('enqueues, claims and completes a job', async () => {
      const { queue } = queueAt();
      const name = jobName('basic');
      const { id, created } = await queue.enqueue(name, { file: '한글.csv', rows: 3 });
      expect(created).toBe(true);
      const queued = await queue.get(id);
      expect(queued).toMatchObject({
        id,
        name,
        status: 'queued',
        attempts: 0,
        maxAttempts: 5,
        payload: { file: '한글.csv', rows: 3 },
        leaseToken: null,
      });

      const [job, ...rest] = await queue.claim({ workerId: 'w1', names: [name], leaseMs: 10_000, limit: 10 });
      expect(rest).toEqual([]);
      expect(job).toMatchObject({ id, name, attempt: 1, maxAttempts: 5, payload: { file: '한글.csv', rows: 3 } });
      expect(job!.leaseToken).toMatch(/^[0-9a-f]{32}$/);
      expect(await queue.get(id)).toMatchObject({
        status: 'running',
        attempts: 1,
        lockedBy: 'w1',
        leaseToken: job!.leaseToken,
        leaseUntil: '2030-01-01T00:00:10.000Z',
      });

      expect(await queue.complete(id, job!.leaseToken, { profiled: true })).toBe(true);
      const done = await queue.get(id);
      expect(done).toMatchObject({
        status: 'done',
        attempts: 1,
        result: { profiled: true },
        leaseToken: null,
        leaseUntil: null,
        finishedAt: '2030-01-01T00:00:00.000Z',
      });
      expect(await queue.complete(id, job!.leaseToken, { again: true })).toBe(false);
      expect(await queue.claim({ workerId: 'w1', names: [name], leaseMs: 10_000, limit: 10 })).toEqual([]);
    });

    it('returns the first job for a repeated idempotency key', async () => {
      const { queue } = queueAt();
      const name = jobName('idem');
      const key = `key-${uuidv7()}`;
      const first = await queue.enqueue(name, { n: 1 }, { idempotencyKey: key });
      const second = await queue.enqueue(name, { n: 2 }, { idempotencyKey: key });
      expect(first.created).toBe(true);
      expect(second).toEqual({ id: first.id, created: false });
      expect((await queue.get(first.id))?.payload).toEqual({ n: 1 });
      // Jobs without a key never collide with each other.
      const a = await queue.enqueue(name, {});
      const b = await queue.enqueue(name, {});
      expect(a.id).not.toBe(b.id);
    });

    it('creates one job for 20 concurrent enqueues with the same key', async () => {
      // A second connection (pool) as well, so PostgreSQL sees enqueues from separate sessions race.
      const other = openDatabase(t.current.config);
      try {
        const queues = [createDbJobQueue({ database: t.current.database }), createDbJobQueue({ database: other })];
        const name = jobName('race');
        const key = `race-${uuidv7()}`;
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => queues[i % 2]!.enqueue(name, { i }, { idempotencyKey: key })),
        );
        expect(new Set(results.map((r) => r.id)).size).toBe(1);
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const rows = await t.current.database.db.selectFrom('jobs').select('id').where('idempotency_key', '=', key).execute();
        expect(rows).toHaveLength(1);
      } finally {
        await other.close();
      }
    });

    it('returns the winner when an enqueue loses the race at the unique constraint', async (ctx) => {
      // Needs a second writer holding its transaction open while ours runs; SQLite has one writer.
      if (!t.current.database.capabilities.concurrentWriters) ctx.skip();
      const other = openDatabase(t.current.config);
      try {
        const queue = createDbJobQueue({ database: t.current.database });
        const name = jobName('conflict');
        const key = `conflict-${uuidv7()}`;
        const winnerId = uuidv7();
        let commit!: () => void;
        const committed = new Promise<void>((resolve) => (commit = resolve));
        let inserted!: () => void;
        const insertedP = new Promise<void>((resolve) => (inserted = resolve));
        const transaction = other.db.transaction().execute(async (trx) => {
          const at = new Date().toISOString();
          await trx
            .insertInto('jobs')
            .values({
              id: winnerId,
              name,
              payload: '"winner"',
              status: 'queued',
              priority: 0,
              attempts: 0,
              max_attempts: 5,
              run_at: at,
              idempotency_key: key,
              created_at: at,
              updated_at: at,
            })
            .execute();
          inserted();
          await committed;
        });
        await insertedP;
        // Its read misses the uncommitted row; its insert waits on the other transaction, then yields.
        const racing = queue.enqueue(name, 'loser', { idempotencyKey: key });
        const locked = async () =>
          (await sql<{ n: number }>`select count(*)::int as n from pg_locks where not granted`.execute(t.current.database.db)).rows[0]!.n >
          0;
        await until(locked, 'the racing insert to wait on the lock');
        commit();
        await transaction;
        expect(await racing).toEqual({ id: winnerId, created: false });
        expect((await queue.get(winnerId))?.payload).toBe('winner');
      } finally {
        await other.close();
      }
    });

    it('does not hand out a job again while its lease is live, and a heartbeat extends the lease', async () => {
      const { clock, queue } = queueAt();
      const name = jobName('lease');
      const { id } = await queue.enqueue(name, null);
      const [job] = await queue.claim({ workerId: 'w1', names: [name], leaseMs: 10_000, limit: 5 });
      expect(job?.id).toBe(id);
      expect(await queue.claim({ workerId: 'w2', names: [name], leaseMs: 10_000, limit: 5 })).toEqual([]);

      clock.advance(6_000);
      expect(await queue.heartbeat(id, job!.leaseToken, 10_000)).toBe(true);
      expect((await queue.get(id))?.leaseUntil).toBe('2030-01-01T00:00:16.000Z');
      // Past the first lease, within the extended one.
      clock.advance(6_000);
      expect(await queue.claim({ workerId: 'w2', names: [name], leaseMs: 10_000, limit: 5 })).toEqual([]);
      expect(await queue.get(id)).toMatchObject({ status: 'running', lockedBy: 'w1', attempts: 1 });
    });

    it('reclaims a job whose lease ran out; the old lease can then neither heartbeat, complete nor fail it', async () => {
      const { clock, queue } = queueAt();
      const name = jobName('expired');
      const { id } = await queue.enqueue(name, { x: 1 });
      const [first] = await queue.claim({ workerId: 'dead-worker', names: [name], leaseMs: 1_000, limit: 1 });
      clock.advance(1_001);
      const [second] = await queue.claim({ workerId: 'w2', names: [name], leaseMs: 1_000, limit: 1 });
      expect(second).toMatchObject({ id, attempt: 2 });
      expect(second!.leaseToken).not.toBe(first!.leaseToken);
      expect((await queue.get(id))?.lastError).toBe('lease expired: worker dead-worker stopped heartbeating');

      expect(await queue.heartbeat(id, first!.leaseToken, 1_000)).toBe(false);
      expect(await queue.complete(id, first!.leaseToken, 'stale')).toBe(false);
      expect(await queue.fail(id, first!.leaseToken, 'stale')).toBe('lease_lost');
      expect(await queue.get(id)).toMatchObject({ status: 'running', lockedBy: 'w2', leaseToken: second!.leaseToken });

      expect(await queue.complete(id, second!.leaseToken, 'fresh')).toBe(true);
      expect(await queue.get(id)).toMatchObject({ status: 'done', attempts: 2, result: 'fresh', lockedBy: 'w2' });
    });

    it('dead-letters a job whose lease ran out on its last attempt instead of running it again', async () => {
      const { clock, queue } = queueAt();
      const name = jobName('poison');
      const { id } = await queue.enqueue(name, null, { maxAttempts: 1 });
      await queue.claim({ workerId: 'w1', names: [name], leaseMs: 1_000, limit: 1 });
      clock.advance(5_000);
      expect(await queue.claim({ workerId: 'w2', names: [name], leaseMs: 1_000, limit: 1 })).toEqual([]);
      expect(await queue.get(id)).toMatchObject({
        status: 'dead',
        attempts: 1,
        lastError: 'lease expired: worker w1 stopped heartbeating',
      });
    });

    it('retries a failed job later with exponential backoff, counting attempts', async () => {
      const { clock, queue } = queueAt();
      const name = jobName('retry');
      const { id } = await queue.enqueue(name, null, { maxAttempts: 3 });

      const [a1] = await queue.claim({ workerId: 'w1', names: [name], leaseMs: 10_000, limit: 1 });
      expect(await queue.fail(id, a1!.leaseToken, 'first failure')).toBe('retrying');
      // random() = 0.5 puts the delay at three quarters of base · 2^(attempt − 1).
      expect(await queue.get(id)).toMatchObject({
        status: 'queued',
        attempts: 1,
        lastError: 'first failure',
        runAt: '2030-01-01T00:00:00.750Z',
        leaseToken: null,
      });
      expect(await queue.claim({ workerId: 'w1', names: [name], leaseMs: 10_000, limit: 1 })).toEqual([]);

      clock.advance(750);
      const [a2] = await queue.claim({ workerId: 'w1', names: [name], leaseMs: 10_000, limit: 1 });
      expect(a2).toMatchObject({ id, attempt: 2 });
      expect(await queue.fail(id, a2!.leaseToken, 'second failure')).toBe('retrying');
      expect(await queue.get(id)).toMatchObject({
        status: 'queued',
        attempts: 2,
        lastError: 'second failure',
        runAt: '2030-01-01T00:00:02.250Z',
      });

      expect(backoffDelay(1, { baseMs: 1_000, maxMs: 60_000 }, () => 0)).toBe(500);
      expect(backoffDelay(30, { baseMs: 1_000, maxMs: 60_000 }, () => 0.999999)).toBe(60_000);
    });

    it('makes a dead letter after max attempts, keeps its last error, and lets an operator retry it', async () => {
      const { clock, queue } = queueAt();
      const name = jobName('dead');
      const { id } = await queue.enqueue(name, { doomed: true }, { maxAttempts: 2 });
      const [a1] = await queue.claim({ workerId: 'w1', names: [name], leaseMs: 10_000, limit: 1 });
      await queue.fail(id, a1!.leaseToken, 'no');
      clock.advance(60_000);
      const [a2] = await queue.claim({ workerId: 'w1', names: [name], leaseMs: 10_000, limit: 1 });
      expect(await queue.fail(id, a2!.leaseToken, 'still no')).toBe('dead');

      expect(await queue.get(id)).toMatchObject({
        status: 'dead',
        attempts: 2,
        lastError: 'still no',
        leaseToken: null,
        finishedAt: '2030-01-01T00:01:00.000Z',
      });
      clock.advance(24 * 3_600_000);
      expect(await queue.claim({ workerId: 'w1', names: [name], leaseMs: 10_000, limit: 1 })).toEqual([]);
      expect((await queue.list({ status: 'dead', name })).map((j) => j.id)).toEqual([id]);

      expect(await queue.retryDead(id)).toBe(true);
      expect(await queue.get(id)).toMatchObject({ status: 'queued', attempts: 0, lastError: 'still no', finishedAt: null });
      expect(await queue.retryDead(id)).toBe(false);
      const [again] = await queue.claim({ workerId: 'w1', names: [name], leaseMs: 10_000, limit: 1 });
      expect(again).toMatchObject({ id, attempt: 1 });
      expect(await queue.complete(id, again!.leaseToken)).toBe(true);
      expect(await queue.get(id)).toMatchObject({ status: 'done', result: null });
    });

    it('dead-letters at once when a failure says retrying cannot help', async () => {
      const { queue } = queueAt();
      const name = jobName('permanent');
      const { id } = await queue.enqueue(name, null, { maxAttempts: 5 });
      const [job] = await queue.claim({ workerId: 'w1', names: [name], leaseMs: 10_000, limit: 1 });
      expect(await queue.fail(id, job!.leaseToken, 'payload does not parse', { retry: false })).toBe('dead');
      expect(await queue.get(id)).toMatchObject({ status: 'dead', attempts: 1 });
    });

    it('hands out higher priority first, then older jobs first, and nothing before its run_at', async () => {
      const { clock, queue } = queueAt();
      const name = jobName('priority');
      const low = await queue.enqueue(name, 'low');
      const high = await queue.enqueue(name, 'high', { priority: 10 });
      const mid1 = await queue.enqueue(name, 'mid1', { priority: 5 });
      const mid2 = await queue.enqueue(name, 'mid2', { priority: 5 });
      const later = await queue.enqueue(name, 'later', { priority: 100, runAt: new Date('2030-01-01T01:00:00.000Z') });

      const first = await queue.claim({ workerId: 'w1', names: [name], leaseMs: 7_200_000, limit: 1 });
      const rest = await queue.claim({ workerId: 'w1', names: [name], leaseMs: 7_200_000, limit: 10 });
      expect([...first, ...rest].map((j) => j.id)).toEqual([high.id, mid1.id, mid2.id, low.id]);
      clock.set('2030-01-01T01:00:00.000Z');
      expect((await queue.claim({ workerId: 'w1', names: [name], leaseMs: 7_200_000, limit: 10 })).map((j) => j.id)).toEqual([later.id]);
    });

    it('claims only the job names it is asked for', async () => {
      const { queue } = queueAt();
      const known = jobName('known');
      const unknown = jobName('unknown');
      const k = await queue.enqueue(known, null);
      const u = await queue.enqueue(unknown, null);
      expect((await queue.claim({ workerId: 'w1', names: [known], leaseMs: 10_000, limit: 10 })).map((j) => j.id)).toEqual([k.id]);
      expect(await queue.claim({ workerId: 'w1', names: [], leaseMs: 10_000, limit: 10 })).toEqual([]);
      expect((await queue.get(u.id))?.status).toBe('queued');
    });

    it('lists jobs by status and name, newest first, and counts every status', async () => {
      const fresh = await createTestDatabase(engine);
      try {
        const queue = createDbJobQueue({ database: fresh.database, clock: manualClock('2030-01-01T00:00:00.000Z') });
        expect(await queue.counts()).toEqual({ queued: 0, running: 0, done: 0, dead: 0 });
        const ids = [];
        for (let i = 0; i < 4; i++) ids.push((await queue.enqueue('count.me', { i }, { maxAttempts: 1 })).id);
        await queue.enqueue('count.other', null);
        const [a, b, c] = await queue.claim({ workerId: 'w', names: ['count.me'], leaseMs: 10_000, limit: 3 });
        await queue.complete(a!.id, a!.leaseToken);
        await queue.fail(b!.id, b!.leaseToken, 'x');
        expect(c).toBeDefined();
        expect(await queue.counts()).toEqual({ queued: 2, running: 1, done: 1, dead: 1 });
        expect((await queue.list({ name: 'count.me' })).map((j) => j.id)).toEqual([...ids].reverse());
        expect((await queue.list({ name: 'count.me', limit: 2 })).map((j) => j.id)).toEqual([ids[3], ids[2]]);
        expect((await queue.list({ status: 'dead' })).map((j) => j.id)).toEqual([b!.id]);
      } finally {
        await closeAndSettle(fresh);
        await fresh.drop();
      }
    });

    it('runs 200 jobs on two competing workers, each job exactly once', async () => {
      const name = jobName('many');
      const enqueuer = createDbJobQueue({ database: t.current.database });
      const ids = new Set<string>();
      for (let i = 0; i < 200; i++) ids.add((await enqueuer.enqueue(name, { i })).id);

      // Two connections (two pools on PostgreSQL), as two worker processes would have.
      const databases = [openDatabase(t.current.config), openDatabase(t.current.config)];
      const seen: { id: string; worker: string }[] = [];
      const workers = databases.map((database, w) => {
        const registry = new JobRegistry().register({
          name,
          handler: async (_payload, ctx) => {
            seen.push({ id: ctx.jobId, worker: `w${w}` });
            await sleep(1);
            return null;
          },
        });
        return startWorker({
          queue: createDbJobQueue({ database }),
          registry,
          workerId: `w${w}`,
          concurrency: 4,
          pollIntervalMs: 20,
          leaseMs: 30_000,
        });
      });
      try {
        const doneCount = async () =>
          Number(
            (
              await t.current.database.db
                .selectFrom('jobs')
                .select((eb) => eb.fn.countAll().as('n'))
                .where('name', '=', name)
                .where('status', '=', 'done')
                .executeTakeFirstOrThrow()
            ).n,
          );
        await until(async () => (await doneCount()) === 200, 'all 200 jobs done');
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
        await Promise.all(databases.map((d) => d.close()));
      }
      expect(seen).toHaveLength(200);
      expect(new Set(seen.map((s) => s.id))).toEqual(ids);
      const attempts = await t.current.database.db.selectFrom('jobs').select('attempts').where('name', '=', name).execute();
      expect(attempts.every((r) => r.attempts === 1)).toBe(true);
    });

    it('records a handler error as a failed attempt, and a dead letter after the last one', async () => {
      const queue = createDbJobQueue({ database: t.current.database });
      const name = jobName('throws');
      const { id } = await queue.enqueue(name, null, { maxAttempts: 1 });
      const registry = new JobRegistry().register({
        name,
        handler: async () => {
          throw new Error('kaputt');
        },
      });
      const worker = startWorker({ queue, registry, workerId: 'w', concurrency: 1, pollIntervalMs: 20, leaseMs: 30_000 });
      try {
        await until(async () => (await queue.get(id))?.status === 'dead', 'the job to be dead');
      } finally {
        await worker.stop();
      }
      expect(await queue.get(id)).toMatchObject({ status: 'dead', attempts: 1, lastError: 'kaputt' });
    });

    it('aborts a handler whose lease was taken over, and neither completes nor fails the job', async () => {
      const inner = createDbJobQueue({ database: t.current.database });
      const calls: string[] = [];
      const queue: WorkerQueue = {
        claim: (o) => inner.claim(o),
        heartbeat: (...a) => inner.heartbeat(...a),
        complete: (...a) => (calls.push('complete'), inner.complete(...a)),
        fail: (...a) => (calls.push('fail'), inner.fail(...a)),
      };
      const name = jobName('stolen');
      const { id } = await inner.enqueue(name, null);
      let started!: () => void;
      const startedP = new Promise<void>((resolve) => (started = resolve));
      let abortReason: unknown;
      const registry = new JobRegistry().register({
        name,
        handler: (_payload, ctx) =>
          new Promise((_resolve, reject) => {
            ctx.signal.addEventListener('abort', () => {
              abortReason = ctx.signal.reason;
              reject(ctx.signal.reason as Error);
            });
            started();
          }),
      });
      const worker = startWorker({ queue, registry, workerId: 'w', concurrency: 1, pollIntervalMs: 20, leaseMs: 300 });
      try {
        await startedP;
        // Another worker's claim in effect: a new token on the row.
        await t.current.database.db
          .updateTable('jobs')
          .set({ lease_token: 'taken-over', lease_until: '2999-01-01T00:00:00.000Z' })
          .where('id', '=', id)
          .execute();
        await until(() => abortReason !== undefined, 'the handler to be aborted');
      } finally {
        await worker.stop();
      }
      expect(abortReason).toBeInstanceOf(LeaseLostError);
      expect(calls).toEqual([]);
      expect(await inner.get(id)).toMatchObject({ status: 'running', leaseToken: 'taken-over', attempts: 1, lastError: null });
    });

    it('stops gracefully: no new claims, running handlers finish and complete', async () => {
      const queue = createDbJobQueue({ database: t.current.database });
      const name = jobName('graceful');
      const { id: first } = await queue.enqueue(name, null);
      let started!: () => void;
      const startedP = new Promise<void>((resolve) => (started = resolve));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const registry = new JobRegistry().register({
        name,
        handler: async () => {
          started();
          await gate;
          return 'finished';
        },
      });
      const worker = startWorker({ queue, registry, workerId: 'w', concurrency: 1, pollIntervalMs: 20, leaseMs: 30_000 });
      await startedP;
      let stopped = false;
      const stopping = worker.stop().then(() => {
        stopped = true;
      });
      const { id: second } = await queue.enqueue(name, null);
      await sleep(100);
      expect(stopped).toBe(false);
      expect(worker.active).toBe(1);
      release();
      await stopping;
      expect(stopped).toBe(true);
      expect(await queue.get(first)).toMatchObject({ status: 'done', result: 'finished' });
      expect((await queue.get(second))?.status).toBe('queued');
      // Clean up the queued job so other tests' sweeps and counts never see it.
      await sql`delete from jobs where id = ${second}`.execute(t.current.database.db);
    });
  });
}
