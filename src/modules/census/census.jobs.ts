/** The census's background work. */
import type { JobSpec, ScheduledJob } from '../../core/ports.js';
import { RUN_IMPORT, type CensusFilesService } from './census-files.service.js';
import type { CensusService } from './census.service.js';

export const REMIND_DUE = 'census.remind_due';

export function censusJobs(census: CensusService, files: CensusFilesService): JobSpec[] {
  return [
    {
      name: RUN_IMPORT,
      // Idempotent: an import that finished (or failed) is not run again; one killed half-way left
      // nothing behind (one transaction), so it simply runs again.
      handler: async (payload: { importId: string }) => files.runImport(payload.importId),
      parse: (raw) => {
        const importId = (raw as { importId?: unknown } | null)?.importId;
        if (typeof importId !== 'string') throw new Error('census.import needs { importId }');
        return { importId };
      },
      maxAttempts: 3,
      leaseMs: 10 * 60 * 1000,
    } satisfies JobSpec<{ importId: string }> as JobSpec,
    {
      name: REMIND_DUE,
      // Idempotent within a day: agencies reminded today already are skipped by the service.
      handler: async () => census.remindDue(),
      maxAttempts: 3,
    },
  ];
}

export const censusSchedules: ScheduledJob[] = [{ name: REMIND_DUE, everyMs: 24 * 60 * 60 * 1000 }];
