/** The census's background work. */
import type { JobSpec, ScheduledJob } from '../../core/ports.js';
import type { CensusService } from './census.service.js';

export const REMIND_DUE = 'census.remind_due';

export function censusJobs(census: CensusService): JobSpec[] {
  return [
    {
      name: REMIND_DUE,
      // Idempotent within a day: agencies reminded today already are skipped by the service.
      handler: async () => census.remindDue(),
      maxAttempts: 3,
    },
  ];
}

export const censusSchedules: ScheduledJob[] = [{ name: REMIND_DUE, everyMs: 24 * 60 * 60 * 1000 }];
