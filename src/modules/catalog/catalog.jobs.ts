/** The catalog's background work: keeping the search index in step with the census. */
import type { JobSpec, ScheduledJob } from '../../core/ports.js';
import type { CatalogService } from './catalog.service.js';

export const INDEX_JOB = 'catalog.index';

export function catalogJobs(catalog: CatalogService): JobSpec[] {
  return [
    {
      name: INDEX_JOB,
      // Idempotent: it indexes whatever changed since its last run, which is nothing the second time.
      handler: async () => catalog.reindexStale(),
      maxAttempts: 3,
      leaseMs: 10 * 60 * 1000,
    },
  ];
}

/** Census changes reach the search within a minute. */
export const catalogSchedules: ScheduledJob[] = [{ name: INDEX_JOB, everyMs: 60 * 1000 }];
