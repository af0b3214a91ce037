/** De-identification's background work: a run on a refinery version (`deid.run`). */
import type { JobSpec } from '../../core/ports.js';
import { DEID_RUN_ATTEMPTS, DEID_RUN_JOB, type DeidService } from './deid.service.js';

export function deidJobs(deid: DeidService): JobSpec[] {
  return [
    {
      name: DEID_RUN_JOB,
      // Idempotent: a run whose version was stored is done; a new attempt starts from a fresh scratch folder.
      handler: async (payload, ctx) => deid.runJob((payload as { runId: string }).runId, ctx),
      parse: (raw) => {
        const { runId } = (raw ?? {}) as { runId?: unknown };
        if (typeof runId !== 'string') throw new Error(`${DEID_RUN_JOB} needs { runId }`);
        return { runId };
      },
      maxAttempts: DEID_RUN_ATTEMPTS,
      leaseMs: 30 * 60 * 1000,
    },
  ];
}
