/** The refinery's background work: ingesting a version's uploads, and forgetting expired uploads. */
import type { JobSpec, ScheduledJob } from '../../core/ports.js';
import { EXPIRE_UPLOADS_JOB, INGEST_ATTEMPTS, INGEST_JOB, type RefineryService } from './refinery.service.js';
import type { UploadService } from './uploads.service.js';

export function refineryJobs(refinery: RefineryService, uploads: UploadService): JobSpec[] {
  return [
    {
      name: INGEST_JOB,
      // Idempotent: a version no longer ingesting is left alone, and a new attempt starts from a clean scratch folder.
      handler: async (payload, ctx) =>
        refinery.runIngest((payload as { versionId: string }).versionId, { attempt: ctx.attempt, signal: ctx.signal }),
      parse: (raw) => {
        const { versionId } = (raw ?? {}) as { versionId?: unknown };
        if (typeof versionId !== 'string') throw new Error(`${INGEST_JOB} needs { versionId }`);
        return { versionId };
      },
      maxAttempts: INGEST_ATTEMPTS,
      leaseMs: 10 * 60 * 1000,
    },
    { name: EXPIRE_UPLOADS_JOB, handler: async () => ({ removed: await uploads.removeExpired() }), maxAttempts: 3 },
  ];
}

/** Every hour, expired uploads and their staged bytes go. */
export const refinerySchedules: ScheduledJob[] = [{ name: EXPIRE_UPLOADS_JOB, everyMs: 60 * 60 * 1000 }];
