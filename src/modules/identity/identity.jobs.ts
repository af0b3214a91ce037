/** Identity's background work. */
import type { JobSpec, ScheduledJob } from '../../core/ports.js';
import type { IdentityService } from './identity.service.js';

export const CLEANUP_SESSIONS = 'identity.cleanup_sessions';

export function identityJobs(identity: IdentityService): JobSpec[] {
  return [
    {
      name: CLEANUP_SESSIONS,
      // Deleting what has expired is idempotent: a second run finds nothing.
      handler: async () => ({ deleted: await identity.deleteExpiredSessions() }),
      maxAttempts: 3,
    },
  ];
}

export const identitySchedules: ScheduledJob[] = [{ name: CLEANUP_SESSIONS, everyMs: 60 * 60 * 1000 }];
