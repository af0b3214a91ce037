/**
 * The job queue as rows in the application database (DESIGN §2: "jobs are rows with a lease").
 *
 * A worker claims jobs by writing a fresh random lease token and a lease deadline on them; only the
 * holder of the current token may heartbeat, complete or fail a job. A worker that dies stops
 * heartbeating, its lease runs out, and the next claim hands the job to someone else with a new
 * token, so the dead worker's token can no longer complete it.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { AppError } from '../../core/errors.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { uuidv7 } from '../../core/ids.js';
import type { EnqueueOptions, JobQueue } from '../../core/ports.js';
import type { Database } from '../db/database.js';

export type JobStatus = 'queued' | 'running' | 'done' | 'dead';
export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'done', 'dead'];

interface JobsTable {
  id: string;
  name: string;
  payload: string;
  status: JobStatus;
  priority: number;
  attempts: number;
  max_attempts: number;
  run_at: string;
  lease_token: string | null;
  lease_until: string | null;
  locked_by: string | null;
  last_error: string | null;
  idempotency_key: string | null;
  result: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

interface JobsSchema {
  jobs: JobsTable;
}

type JobRow = Selectable<JobsTable>;

/** A job as operators and tests see it. */
export interface JobRecord {
  id: string;
  name: string;
  payload: unknown;
  status: JobStatus;
  priority: number;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  leaseToken: string | null;
  leaseUntil: string | null;
  lockedBy: string | null;
  lastError: string | null;
  idempotencyKey: string | null;
  result: unknown;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** A job handed to a worker, with the lease that proves it is this worker's to finish. */
export interface ClaimedJob {
  id: string;
  name: string;
  payload: unknown;
  /** This attempt's number, starting at 1. */
  attempt: number;
  maxAttempts: number;
  leaseToken: string;
  leaseUntil: string;
}

export interface ClaimOptions {
  workerId: string;
  /** Only jobs with these names; a worker never takes a job it has no handler for. */
  names: readonly string[];
  leaseMs: number;
  limit: number;
}

export interface FailOptions {
  /** False when trying again cannot help (e.g. a payload that does not parse): dead at once. */
  retry?: boolean;
}

/** What `fail` did: scheduled another attempt, dead-lettered the job, or found the lease gone. */
export type FailOutcome = 'retrying' | 'dead' | 'lease_lost';

/** The operations a worker needs; the worker loop depends on this, not on the database. */
export interface WorkerQueue {
  /** Takes up to `limit` runnable jobs under a new lease. */
  claim(options: ClaimOptions): Promise<ClaimedJob[]>;
  /** Extends a lease; false when it is no longer ours. */
  heartbeat(jobId: string, leaseToken: string, leaseMs: number): Promise<boolean>;
  /** Marks the job done; false (and no change) when the lease is no longer ours. */
  complete(jobId: string, leaseToken: string, result?: unknown): Promise<boolean>;
  /** Records a failed attempt: back off and retry, or dead-letter after the last attempt. */
  fail(jobId: string, leaseToken: string, error: string, options?: FailOptions): Promise<FailOutcome>;
}

export interface ListOptions {
  status?: JobStatus;
  name?: string;
  /** At most this many, newest first; default 100. */
  limit?: number;
}

/** The database-backed queue: the `JobQueue` port for services, plus worker and operator operations. */
export interface DbJobQueue extends JobQueue, WorkerQueue {
  get(id: string): Promise<JobRecord | undefined>;
  list(options?: ListOptions): Promise<JobRecord[]>;
  /** Puts a dead letter back in the queue with a fresh set of attempts; false when it is not dead. */
  retryDead(id: string): Promise<boolean>;
  /** Jobs per status, every status present, for /metrics. */
  counts(): Promise<Record<JobStatus, number>>;
}

export interface BackoffPolicy {
  /** Delay before the second attempt; it doubles with each further attempt. */
  baseMs: number;
  maxMs: number;
}

export interface DbJobQueueOptions {
  database: Database;
  clock?: Clock;
  /** Attempts a job gets when neither the enqueue nor `defaultsFor` says; default 5. */
  defaultMaxAttempts?: number;
  /** Per-name defaults, e.g. from the job registry, so callers need not repeat them. */
  defaultsFor?: (name: string) => { maxAttempts?: number | undefined } | undefined;
  backoff?: BackoffPolicy;
  /**
   * How often a claim first looks for leases that ran out (default 1000 ms): a lost job waits at most
   * this long past its lease, and the other claims save a round trip.
   */
  sweepIntervalMs?: number;
  /** In [0, 1); replaced in tests to make the jitter predictable. */
  random?: () => number;
}

let lastIdMs = 0;

/**
 * UUIDv7s are random within a millisecond; nudging the timestamp forward keeps one process's jobs
 * in enqueue order, so equal-priority jobs run first in, first out and lists come out newest first.
 */
function nextJobId(): string {
  lastIdMs = Math.max(Date.now(), lastIdMs + 1);
  return uuidv7(lastIdMs);
}

const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 15 * 60_000 };
// Enough of a stack to find the fault, without letting one failing job bloat the table.
const MAX_ERROR_LENGTH = 8_000;

/**
 * Opens the job queue on a database whose migrations have run.
 *
 * @example
 * const queue = createDbJobQueue({ database });
 * await queue.enqueue('refinery.profile', { fileKey }, { idempotencyKey: `profile:${fileKey}` });
 */
export function createDbJobQueue(options: DbJobQueueOptions): DbJobQueue {
  const { database } = options;
  const db = database.db as Kysely<JobsSchema>;
  const clock = options.clock ?? systemClock;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const random = options.random ?? Math.random;
  const defaultMaxAttempts = options.defaultMaxAttempts ?? 5;
  const sweepIntervalMs = options.sweepIntervalMs ?? 1_000;
  let lastSweepMs = Number.NEGATIVE_INFINITY;
  const now = () => clock.now().toISOString();
  const later = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();

  async function findByKey(key: string): Promise<string | undefined> {
    const row = await db.selectFrom('jobs').select('id').where('idempotency_key', '=', key).executeTakeFirst();
    return row?.id;
  }

  /**
   * Leases that ran out belong to workers that died or hung. Give the job back to the queue, or
   * dead-letter it when that attempt was its last: a job that kills its worker every time must not
   * kill workers forever.
   */
  async function releaseExpiredLeases(at: string): Promise<void> {
    await db
      .updateTable('jobs')
      .set((eb) => ({
        status: eb.case().when('attempts', '>=', eb.ref('max_attempts')).then('dead').else('queued').end().$castTo<JobStatus>(),
        finished_at: eb.case().when('attempts', '>=', eb.ref('max_attempts')).then(at).else(null).end(),
        run_at: at,
        lease_token: null,
        lease_until: null,
        last_error: sql<string>`${sql.lit('lease expired: worker ')} || coalesce(locked_by, ${sql.lit('?')}) || ${sql.lit(' stopped heartbeating')}`,
        updated_at: at,
      }))
      .where('status', '=', 'running')
      .where('lease_until', '<', at)
      .execute();
  }

  return {
    async enqueue(name: string, payload: unknown, enqueueOptions: EnqueueOptions = {}) {
      if (!name) throw new AppError('validation', 'A job needs a name');
      const maxAttempts = enqueueOptions.maxAttempts ?? options.defaultsFor?.(name)?.maxAttempts ?? defaultMaxAttempts;
      if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
        throw new AppError('validation', `maxAttempts must be a whole number of at least 1, not ${maxAttempts}`);
      }
      const priority = enqueueOptions.priority ?? 0;
      if (!Number.isInteger(priority)) throw new AppError('validation', `priority must be a whole number, not ${priority}`);
      const key = enqueueOptions.idempotencyKey;
      if (key !== undefined) {
        // The common repeat costs one read and no write.
        const existing = await findByKey(key);
        if (existing) return { id: existing, created: false };
      }
      const at = now();
      const id = nextJobId();
      const inserted = await db
        .insertInto('jobs')
        .values({
          id,
          name,
          payload: JSON.stringify(payload ?? null),
          status: 'queued',
          priority,
          attempts: 0,
          max_attempts: maxAttempts,
          run_at: enqueueOptions.runAt ? enqueueOptions.runAt.toISOString() : at,
          lease_token: null,
          lease_until: null,
          locked_by: null,
          last_error: null,
          idempotency_key: key ?? null,
          result: null,
          created_at: at,
          updated_at: at,
          finished_at: null,
        })
        // Two enqueues racing past the read above meet at the unique constraint. DO NOTHING makes the
        // loser wait for the winner's commit and insert nothing, instead of raising an error we would
        // have to recognise per engine; it then reads the winner's id.
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return { id: inserted.id, created: true };
      const winner = key === undefined ? undefined : await findByKey(key);
      if (!winner) throw new Error(`enqueue of ${name} inserted nothing and found no job with its idempotency key`);
      return { id: winner, created: false };
    },

    async claim({ workerId, names, leaseMs, limit }: ClaimOptions): Promise<ClaimedJob[]> {
      if (names.length === 0 || limit < 1) return [];
      const at = now();
      const nowMs = Date.parse(at);
      // A clock set back (tests, NTP) must not stop the sweeps.
      if (nowMs - lastSweepMs >= sweepIntervalMs || nowMs < lastSweepMs) {
        lastSweepMs = nowMs;
        await releaseExpiredLeases(at);
      }
      // One token per claim: a lease is the pair (job id, token), and every later claim of any of
      // these jobs writes a new token.
      const leaseToken = randomBytes(16).toString('hex');
      const leaseUntil = later(leaseMs);
      const changes = {
        status: 'running' as const,
        lease_token: leaseToken,
        lease_until: leaseUntil,
        locked_by: workerId,
        updated_at: at,
      };
      let next = db
        .selectFrom('jobs')
        .select('id')
        .where('status', '=', 'queued')
        .where('run_at', '<=', at)
        .where('name', 'in', names)
        .orderBy('priority', 'desc')
        .orderBy('run_at')
        .orderBy('id')
        .limit(limit);
      let rows: JobRow[];
      if (database.capabilities.supportsSkipLocked) {
        // Each claimer locks its batch and skips rows another claimer holds, so claimers never wait
        // on each other and never take the same row. Materialized so the locking select runs once.
        next = next.forUpdate().skipLocked();
        rows = await db
          .with(
            (cte) => cte('next').materialized(),
            () => next,
          )
          .updateTable('jobs')
          .set((eb) => ({ ...changes, attempts: eb('jobs.attempts', '+', 1) }))
          .from('next')
          .whereRef('jobs.id', '=', 'next.id')
          .returningAll('jobs')
          .execute();
      } else {
        // One writer at a time: a single UPDATE … WHERE id IN (SELECT … LIMIT n) is atomic as it is.
        rows = await db
          .updateTable('jobs')
          .set((eb) => ({ ...changes, attempts: eb('attempts', '+', 1) }))
          .where('id', 'in', next)
          .returningAll()
          .execute();
      }
      // RETURNING promises no order; hand jobs out in the order they were chosen.
      rows.sort((a, b) => b.priority - a.priority || compare(a.run_at, b.run_at) || compare(a.id, b.id));
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        payload: JSON.parse(row.payload) as unknown,
        attempt: row.attempts,
        maxAttempts: row.max_attempts,
        leaseToken,
        leaseUntil,
      }));
    },

    async heartbeat(jobId, leaseToken, leaseMs) {
      const at = now();
      const result = await db
        .updateTable('jobs')
        .set({ lease_until: later(leaseMs), updated_at: at })
        .where('id', '=', jobId)
        .where('lease_token', '=', leaseToken)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async complete(jobId, leaseToken, result) {
      const at = now();
      const updated = await db
        .updateTable('jobs')
        .set({
          status: 'done',
          result: result === undefined ? null : JSON.stringify(result),
          lease_token: null,
          lease_until: null,
          updated_at: at,
          finished_at: at,
        })
        .where('id', '=', jobId)
        .where('lease_token', '=', leaseToken)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return updated.numUpdatedRows > 0n;
    },

    async fail(jobId, leaseToken, error, failOptions = {}) {
      const row = await db
        .selectFrom('jobs')
        .select(['attempts', 'max_attempts'])
        .where('id', '=', jobId)
        .where('lease_token', '=', leaseToken)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (!row) return 'lease_lost';
      const at = now();
      const dead = failOptions.retry === false || row.attempts >= row.max_attempts;
      const lastError = error.length > MAX_ERROR_LENGTH ? `${error.slice(0, MAX_ERROR_LENGTH)}…` : error;
      // Attempts change only through a claim, which also replaces the token; matching the token
      // again here means the attempts read above are still the job's.
      const updated = await db
        .updateTable('jobs')
        .set({
          status: dead ? 'dead' : 'queued',
          run_at: dead ? at : later(backoffDelay(row.attempts, backoff, random)),
          lease_token: null,
          lease_until: null,
          last_error: lastError,
          updated_at: at,
          finished_at: dead ? at : null,
        })
        .where('id', '=', jobId)
        .where('lease_token', '=', leaseToken)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) return 'lease_lost';
      return dead ? 'dead' : 'retrying';
    },

    async get(id) {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async list(listOptions = {}) {
      let query = db.selectFrom('jobs').selectAll();
      if (listOptions.status) query = query.where('status', '=', listOptions.status);
      if (listOptions.name) query = query.where('name', '=', listOptions.name);
      const rows = await query
        .orderBy('id', 'desc')
        .limit(listOptions.limit ?? 100)
        .execute();
      return rows.map(toRecord);
    },

    async retryDead(id) {
      const at = now();
      const updated = await db
        .updateTable('jobs')
        // last_error stays: it is why an operator looked, and the next failure replaces it anyway.
        .set({ status: 'queued', attempts: 0, run_at: at, updated_at: at, finished_at: null })
        .where('id', '=', id)
        .where('status', '=', 'dead')
        .executeTakeFirst();
      return updated.numUpdatedRows > 0n;
    },

    async counts() {
      const rows = await db
        .selectFrom('jobs')
        .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      const counts: Record<JobStatus, number> = { queued: 0, running: 0, done: 0, dead: 0 };
      for (const row of rows) counts[row.status] = Number(row.n);
      return counts;
    },
  };
}

/**
 * Exponential backoff with jitter: about `baseMs · 2^(attempt−1)`, capped at `maxMs`, spread over
 * its upper half so jobs that failed together do not all come back together.
 *
 * @example backoffDelay(3, { baseMs: 1000, maxMs: 60000 }, () => 0.5) // 3000
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    name: row.name,
    payload: JSON.parse(row.payload) as unknown,
    status: row.status,
    priority: row.priority,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at,
    leaseToken: row.lease_token,
    leaseUntil: row.lease_until,
    lockedBy: row.locked_by,
    lastError: row.last_error,
    idempotencyKey: row.idempotency_key,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}
