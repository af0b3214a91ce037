/** The usage ledger's background work: integrate new events into the tree, sign a tree head when it grew. */
import type { JobSpec, ScheduledJob } from '../../core/ports.js';
import { LEDGER_INTEGRATE_JOB, LEDGER_SIGN_JOB, type LedgerService } from './ledger.service.js';

const SYSTEM = { kind: 'system', name: 'ledger' } as const;

export function ledgerJobs(ledger: LedgerService): JobSpec[] {
  return [
    {
      name: LEDGER_INTEGRATE_JOB,
      // Idempotent: a pass appends what is not yet in the tree, compare-and-set on its size.
      handler: async () => ledger.integrate(),
      maxAttempts: 3,
    },
    {
      name: LEDGER_SIGN_JOB,
      // Signs only when the tree grew since the latest head; a second run in the same period finds nothing to do.
      handler: async () => {
        const head = await ledger.signTreeHead(SYSTEM);
        return { treeSize: head.treeSize, rootHash: head.rootHash };
      },
      maxAttempts: 3,
    },
  ];
}

/**
 * The integrator runs within milliseconds of each commit in the process that recorded; this pass
 * catches events other processes recorded. A head is signed every minute when the tree grew. (The
 * worker enqueues scheduled jobs at most once a minute; a period below that runs once a minute.)
 */
export const ledgerSchedules: ScheduledJob[] = [
  { name: LEDGER_INTEGRATE_JOB, everyMs: 10_000 },
  { name: LEDGER_SIGN_JOB, everyMs: 60_000 },
];
