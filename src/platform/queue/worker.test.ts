import { describe, expect, it } from 'vitest';
import type { ClaimedJob, ClaimOptions, FailOptions, WorkerQueue } from './db-job-queue.js';
import { JobRegistry, type JobLogger } from './registry.js';
import { startWorker } from './worker.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** An in-memory queue that hands out what it is given and records what the worker does. */
function fakeQueue(jobs: { name: string; payload?: unknown }[]) {
  const waiting: ClaimedJob[] = jobs.map((j, i) => ({
    id: `job-${i}`,
    name: j.name,
    payload: j.payload ?? null,
    attempt: 1,
    maxAttempts: 3,
    leaseToken: `token-${i}`,
    leaseUntil: '2030-01-01T00:00:00.000Z',
  }));
  const claims: ClaimOptions[] = [];
  const completed: { id: string; result: unknown }[] = [];
  const failed: { id: string; error: string; options: FailOptions | undefined }[] = [];
  const heartbeats: { id: string; leaseMs: number }[] = [];
  let failNextClaim = false;
  const queue: WorkerQueue = {
    async claim(options) {
      claims.push(options);
      if (failNextClaim) {
        failNextClaim = false;
        throw new Error('database away');
      }
      const taken: ClaimedJob[] = [];
      for (let i = 0; i < waiting.length && taken.length < options.limit;) {
        if (options.names.includes(waiting[i]!.name)) taken.push(...waiting.splice(i, 1));
        else i++;
      }
      return taken;
    },
    async heartbeat(id, _token, leaseMs) {
      heartbeats.push({ id, leaseMs });
      return true;
    },
    async complete(id, _token, result) {
      completed.push({ id, result });
      return true;
    },
    async fail(id, _token, error, options) {
      failed.push({ id, error, options });
      return 'retrying';
    },
  };
  return {
    queue,
    claims,
    completed,
    failed,
    heartbeats,
    waiting,
    failClaimOnce: () => {
      failNextClaim = true;
    },
  };
}

function recordingLogger() {
  const lines: { level: string; message: string | undefined }[] = [];
  const logger: JobLogger = {
    info: (_f, message) => lines.push({ level: 'info', message }),
    warn: (_f, message) => lines.push({ level: 'warn', message }),
    error: (_f, message) => lines.push({ level: 'error', message }),
  };
  return { logger, lines };
}

describe('startWorker', () => {
  it('claims only registered names and never runs more than its concurrency at once', async () => {
    const fake = fakeQueue([...Array.from({ length: 10 }, () => ({ name: 'known' })), { name: 'stranger' }]);
    let running = 0;
    let peak = 0;
    const registry = new JobRegistry().register({
      name: 'known',
      handler: async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(2);
        running--;
        return 'ok';
      },
    });
    const worker = startWorker({ queue: fake.queue, registry, workerId: 'w', concurrency: 3, pollIntervalMs: 5, leaseMs: 60_000 });
    await until(() => fake.completed.length === 10, 'ten completions');
    await worker.stop();
    expect(peak).toBeLessThanOrEqual(3);
    expect(fake.claims.every((c) => c.names.join() === 'known' && c.limit >= 1 && c.limit <= 3 && c.workerId === 'w')).toBe(true);
    expect(fake.waiting.map((j) => j.name)).toEqual(['stranger']);
    expect(fake.completed.every((c) => c.result === 'ok')).toBe(true);
  });

  it('dead-letters a payload that does not parse, and fails a throwing handler with its message', async () => {
    const fake = fakeQueue([{ name: 'parsed', payload: { n: 'x' } }, { name: 'throws' }]);
    const registry = new JobRegistry()
      .register({
        name: 'parsed',
        parse: () => {
          throw new Error('n must be a number');
        },
        handler: async () => 'never',
      })
      .register({
        name: 'throws',
        handler: () => {
          throw new Error('kaputt');
        },
      });
    const worker = startWorker({ queue: fake.queue, registry, workerId: 'w', concurrency: 2, pollIntervalMs: 5, leaseMs: 60_000 });
    await until(() => fake.failed.length === 2, 'two failures');
    await worker.stop();
    expect(fake.completed).toEqual([]);
    expect(fake.failed.find((f) => f.id === 'job-0')).toEqual({
      id: 'job-0',
      error: 'payload does not parse: n must be a number',
      options: { retry: false },
    });
    expect(fake.failed.find((f) => f.id === 'job-1')).toEqual({ id: 'job-1', error: 'kaputt', options: undefined });
  });

  it('takes the lease a definition asks for at once', async () => {
    const fake = fakeQueue([{ name: 'long' }]);
    const registry = new JobRegistry().register({ name: 'long', leaseMs: 600_000, handler: async () => null });
    const worker = startWorker({ queue: fake.queue, registry, workerId: 'w', concurrency: 1, pollIntervalMs: 5, leaseMs: 60_000 });
    await until(() => fake.completed.length === 1, 'the completion');
    await worker.stop();
    expect(fake.heartbeats[0]).toEqual({ id: 'job-0', leaseMs: 600_000 });
  });

  it('keeps polling after a claim fails, and logs it', async () => {
    const fake = fakeQueue([{ name: 'a' }]);
    fake.failClaimOnce();
    const { logger, lines } = recordingLogger();
    const registry = new JobRegistry().register({ name: 'a', handler: async () => null });
    const worker = startWorker({ queue: fake.queue, registry, workerId: 'w', concurrency: 1, pollIntervalMs: 5, leaseMs: 60_000, logger });
    await until(() => fake.completed.length === 1, 'the completion');
    await worker.stop();
    expect(lines.some((l) => l.level === 'error' && l.message?.startsWith('claiming jobs failed'))).toBe(true);
  });

  it('refuses to start for job names it has no handler for', () => {
    const fake = fakeQueue([]);
    const registry = new JobRegistry().register({ name: 'a', handler: async () => null });
    expect(() =>
      startWorker({ queue: fake.queue, registry, workerId: 'w', concurrency: 1, pollIntervalMs: 5, leaseMs: 1_000, names: ['a', 'b'] }),
    ).toThrow('No handler registered for job: b');
    expect(() => startWorker({ queue: fake.queue, registry, workerId: 'w', concurrency: 0, pollIntervalMs: 5, leaseMs: 1_000 })).toThrow(
      'concurrency',
    );
  });
});
