/**
 * The worker loop: claim what there is room for, run each job under a heartbeat, record the outcome.
 * It owns no state the queue does not: kill it at any moment and the leases it held run out, so
 * another worker picks its jobs up.
 */
import type { ClaimedJob, WorkerQueue } from './db-job-queue.js';
import { silentLogger, type JobDefinition, type JobLogger, type JobRegistry } from './registry.js';

export interface WorkerOptions {
  queue: WorkerQueue;
  registry: JobRegistry;
  /** Written on claimed jobs, so an operator can see who holds what; unique per process. */
  workerId: string;
  /** Jobs run at once. */
  concurrency: number;
  /** Pause after a claim that found nothing. */
  pollIntervalMs: number;
  /** Lease per attempt unless a definition says otherwise; renewed every third of it. */
  leaseMs: number;
  /** Only these job names (default: every registered one); each must have a handler. */
  names?: readonly string[];
  logger?: JobLogger;
}

export interface RunningWorker {
  /** Stops claiming and resolves once the handlers already running have finished. */
  stop(): Promise<void>;
  /** Jobs running right now. */
  readonly active: number;
}

/** Raised into a handler's `ctx.signal` when another worker has taken its job over. */
export class LeaseLostError extends Error {
  constructor(jobId: string) {
    super(`The lease on job ${jobId} was lost; another worker owns it now`);
    this.name = 'LeaseLostError';
  }
}

/**
 * Starts claiming and running jobs in the background.
 *
 * @example
 * const worker = startWorker({ queue, registry, workerId: `worker-${process.pid}`, concurrency: 4, pollIntervalMs: 1000, leaseMs: 30000 });
 * process.once('SIGTERM', () => void worker.stop());
 */
export function startWorker(options: WorkerOptions): RunningWorker {
  const { queue, registry, workerId, concurrency, pollIntervalMs, leaseMs } = options;
  const logger = options.logger ?? silentLogger;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`concurrency must be a whole number of at least 1, not ${concurrency}`);
  if (!(pollIntervalMs > 0)) throw new Error(`pollIntervalMs must be positive, not ${pollIntervalMs}`);
  if (!(leaseMs > 0)) throw new Error(`leaseMs must be positive, not ${leaseMs}`);
  const names = options.names ? [...options.names] : registry.names();
  registry.assertHandlersFor(names);

  const running = new Set<Promise<void>>();
  let stopping = false;
  let wake: (() => void) | undefined;

  const wakeUp = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };

  // Ends early when a slot frees up or stop() is called, so neither waits for a whole poll interval.
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        if (wake === done) wake = undefined;
        resolve();
      }
      wake = done;
    });

  async function loop(): Promise<void> {
    while (!stopping) {
      const free = concurrency - running.size;
      if (free <= 0) {
        await pause(pollIntervalMs);
        continue;
      }
      let jobs: ClaimedJob[];
      try {
        jobs = await queue.claim({ workerId, names, leaseMs, limit: free });
      } catch (error) {
        logger.error({ err: error, workerId }, 'claiming jobs failed; trying again after the poll interval');
        await pause(pollIntervalMs);
        continue;
      }
      // Jobs claimed while stop() was being called still run: they are ours now, and leaving them
      // would only make them wait for the lease to run out.
      for (const job of jobs) {
        const task: Promise<void> = run(job).finally(() => {
          running.delete(task);
          wakeUp();
        });
        running.add(task);
      }
      if (jobs.length === 0 && !stopping) await pause(pollIntervalMs);
    }
  }

  async function run(job: ClaimedJob): Promise<void> {
    const fields = { jobId: job.id, name: job.name, attempt: job.attempt, workerId };
    const definition = registry.get(job.name);
    if (!definition) {
      // Claim filters by name, so only a bug gets here; give the job back for a worker that knows it.
      await settle(() => queue.fail(job.id, job.leaseToken, `worker ${workerId} has no handler for job "${job.name}"`), fields);
      return;
    }
    const jobLeaseMs = definition.leaseMs ?? leaseMs;
    const controller = new AbortController();
    let lost = false;
    let finished = false;
    let timer: NodeJS.Timeout | undefined;

    const beat = async () => {
      try {
        const held = await queue.heartbeat(job.id, job.leaseToken, jobLeaseMs);
        if (!held && !finished) {
          lost = true;
          logger.warn(fields, 'lost the lease on a running job; abandoning it to its new owner');
          controller.abort(new LeaseLostError(job.id));
          return;
        }
      } catch (error) {
        // The database may be back before the lease runs out; keep trying until then.
        logger.warn({ ...fields, err: error }, 'heartbeat failed');
      }
      if (!finished) timer = setTimeout(() => void beat(), jobLeaseMs / 3);
    };

    try {
      if (jobLeaseMs !== leaseMs) await beat();
      else timer = setTimeout(() => void beat(), jobLeaseMs / 3);
      if (lost) return;

      let payload: unknown;
      try {
        payload = definition.parse ? definition.parse(job.payload) : job.payload;
      } catch (error) {
        logger.error({ ...fields, err: error }, 'job payload does not parse; dead-lettering it');
        await settle(() => queue.fail(job.id, job.leaseToken, `payload does not parse: ${messageOf(error)}`, { retry: false }), fields);
        return;
      }

      let result: unknown;
      try {
        result = await runHandler(definition, payload, {
          jobId: job.id,
          name: job.name,
          attempt: job.attempt,
          maxAttempts: job.maxAttempts,
          signal: controller.signal,
          logger,
        });
      } catch (error) {
        finished = true;
        if (lost) return;
        const outcome = await settle(() => queue.fail(job.id, job.leaseToken, messageOf(error)), fields);
        if (outcome === 'dead') logger.error({ ...fields, err: error }, 'job failed its last attempt; it is a dead letter now');
        else if (outcome === 'retrying') logger.warn({ ...fields, err: error }, 'job failed; it will be retried');
        return;
      }
      finished = true;
      if (lost) return;
      const completed = await settle(() => queue.complete(job.id, job.leaseToken, result), fields);
      if (completed === false) logger.warn(fields, 'job finished after its lease was taken over; its result was dropped');
    } finally {
      finished = true;
      clearTimeout(timer);
    }
  }

  // Recording an outcome can fail (database gone); the lease then runs out and the job runs again.
  async function settle<T>(write: () => Promise<T>, fields: object): Promise<T | undefined> {
    try {
      return await write();
    } catch (error) {
      logger.error({ ...fields, err: error }, 'could not record the outcome of a job; it will run again after its lease');
      return undefined;
    }
  }

  const looping = loop().catch((error: unknown) => {
    logger.error({ err: error, workerId }, 'worker loop crashed');
  });
  let stopped: Promise<void> | undefined;

  return {
    stop() {
      stopped ??= (async () => {
        stopping = true;
        wakeUp();
        await looping;
        await Promise.allSettled([...running]);
      })();
      return stopped;
    },
    get active() {
      return running.size;
    },
  };
}

// A handler that throws synchronously is treated like one that rejects.
async function runHandler(definition: JobDefinition, payload: unknown, ctx: Parameters<JobDefinition['handler']>[1]): Promise<unknown> {
  return definition.handler(payload, ctx);
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
}
