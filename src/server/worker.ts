/**
 * The worker side of a process: runs the registered job handlers, and enqueues scheduled jobs at
 * most once per period across every worker (the period is in the idempotency key).
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { startWorker } from '../platform/queue/worker.js';
import type { Platform } from './platform.js';

export interface WorkerOptions {
  concurrency?: number;
  pollIntervalMs?: number;
  leaseMs?: number;
}

export interface RunningWorker {
  stop(): Promise<void>;
}

export function startPlatformWorker(platform: Platform, logger: Logger, options: WorkerOptions = {}): RunningWorker {
  const workerId = `${hostname()}:${process.pid}`;
  const worker = startWorker({
    queue: platform.queue,
    registry: platform.registry,
    workerId,
    concurrency: options.concurrency ?? 4,
    pollIntervalMs: options.pollIntervalMs ?? 500,
    leaseMs: options.leaseMs ?? 60_000,
    logger,
  });

  const enqueueDue = async () => {
    const now = platform.clock.now().getTime();
    for (const schedule of platform.schedules) {
      const period = Math.floor(now / schedule.everyMs);
      try {
        await platform.queue.enqueue(schedule.name, schedule.payload ?? {}, { idempotencyKey: `schedule:${schedule.name}:${period}` });
      } catch (error) {
        logger.warn({ err: error, job: schedule.name }, 'could not enqueue a scheduled job');
      }
    }
  };
  void enqueueDue();
  const timer = setInterval(() => void enqueueDue(), 60_000);
  timer.unref();
  logger.info({ workerId, jobs: platform.registry.names() }, 'worker started');

  return {
    stop: async () => {
      clearInterval(timer);
      await worker.stop();
    },
  };
}
