/**
 * The refinery's background work: ingesting a version's uploads, profiling a ready version and
 * measuring its quality, applying recipes, and forgetting expired uploads.
 */
import type { JobSpec, ScheduledJob } from '../../core/ports.js';
import { ANALYSIS_ATTEMPTS, PROFILE_JOB, QUALITY_JOB, RECIPE_JOB } from './analysis.service.js';
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
    {
      name: PROFILE_JOB,
      // Idempotent: it profiles the version afresh (in a scratch folder emptied first) and replaces the report.
      handler: async (payload, ctx) => refinery.runProfile((payload as { versionId: string }).versionId, ctx),
      parse: versionIdOf(PROFILE_JOB),
      maxAttempts: ANALYSIS_ATTEMPTS,
      leaseMs: 30 * 60 * 1000,
    },
    {
      name: QUALITY_JOB,
      handler: async (payload, ctx) => refinery.runQuality((payload as { versionId: string }).versionId, ctx),
      parse: versionIdOf(QUALITY_JOB),
      maxAttempts: ANALYSIS_ATTEMPTS,
      leaseMs: 30 * 60 * 1000,
    },
    {
      name: RECIPE_JOB,
      // Idempotent: a job whose version was stored already returns it.
      handler: async (payload, ctx) =>
        refinery.runRecipeJob(payload as { versionId: string; recipe: unknown; requestedBy: string | null }, ctx),
      parse: (raw) => {
        const { versionId, recipe, requestedBy } = (raw ?? {}) as { versionId?: unknown; recipe?: unknown; requestedBy?: unknown };
        if (typeof versionId !== 'string' || recipe === undefined) throw new Error(`${RECIPE_JOB} needs { versionId, recipe }`);
        return { versionId, recipe, requestedBy: typeof requestedBy === 'string' ? requestedBy : null };
      },
      maxAttempts: 1,
      leaseMs: 30 * 60 * 1000,
    },
    { name: EXPIRE_UPLOADS_JOB, handler: async () => ({ removed: await uploads.removeExpired() }), maxAttempts: 3 },
  ];
}

function versionIdOf(name: string) {
  return (raw: unknown) => {
    const { versionId } = (raw ?? {}) as { versionId?: unknown };
    if (typeof versionId !== 'string') throw new Error(`${name} needs { versionId }`);
    return { versionId };
  };
}

/** Every hour, expired uploads and their staged bytes go. */
export const refinerySchedules: ScheduledJob[] = [{ name: EXPIRE_UPLOADS_JOB, everyMs: 60 * 60 * 1000 }];
