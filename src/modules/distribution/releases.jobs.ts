/** Distribution's background work: building the releases of large versions. */
import type { JobSpec } from '../../core/ports.js';
import { BUILD_RELEASE_JOB, type ReleasesService } from './releases.service.js';

export function releasesJobs(releases: ReleasesService): JobSpec[] {
  return [
    {
      name: BUILD_RELEASE_JOB,
      // Idempotent: a finished build is left alone, and one whose release was stored is marked done.
      handler: async (payload, ctx) => releases.runBuild((payload as { buildId: string }).buildId, ctx),
      parse: (raw) => {
        const { buildId } = (raw ?? {}) as { buildId?: unknown };
        if (typeof buildId !== 'string') throw new Error(`${BUILD_RELEASE_JOB} needs { buildId }`);
        return { buildId };
      },
      maxAttempts: 3,
      leaseMs: 60 * 60 * 1000,
    },
  ];
}
