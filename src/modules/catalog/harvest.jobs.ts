/** Federation's background work: a job per source run, enqueued by a schedule at each source's period. */
import type { JobSpec, ScheduledJob } from '../../core/ports.js';
import { HARVEST_DUE_JOB, HARVEST_JOB, type HarvestService } from './harvest.service.js';

export function harvestJobs(harvest: HarvestService): JobSpec[] {
  return [
    {
      name: HARVEST_JOB,
      // Idempotent: a run upserts what the source has; a failure is recorded in the source's log, not retried here.
      // A run while another holds the source does nothing and says so (outcome.alreadyRunning).
      handler: async (payload, ctx) => {
        const { sourceId, full } = payload as { sourceId: string; full: boolean };
        return harvest.runSourceNow(sourceId, { signal: ctx.signal, full });
      },
      parse: (raw) => {
        const { sourceId, full } = (raw ?? {}) as { sourceId?: unknown; full?: unknown };
        if (typeof sourceId !== 'string') throw new Error('catalog.harvest needs { sourceId }');
        return { sourceId, full: full === true };
      },
      maxAttempts: 1,
      leaseMs: 30 * 60 * 1000,
    },
    { name: HARVEST_DUE_JOB, handler: async () => ({ enqueued: await harvest.enqueueDue() }), maxAttempts: 3 },
  ];
}

/** Every minute, each enabled source whose period began gets its job (one per source per period). */
export const harvestSchedules: ScheduledJob[] = [{ name: HARVEST_DUE_JOB, everyMs: 60 * 1000 }];
