/**
 * De-identification runs through the platform (issue 6): an agency's steward (or the operator)
 * asks for a run on a ready refinery version with a policy (YAML) and, optionally, the tables to
 * generalise to k; the `deid.run` job de-identifies every JSON Lines, CSV and text file, pixelates
 * faces in images, copies the rest, measures the residual risk of the declared tables, stores the
 * output as a new version (origin 'deid') and the run report on it (`deid_run`).
 *
 * Who sees what: the run, its progress and its counts — whoever may see the dataset (its
 * organisation's members, auditors, the operator). The before/after samples (personal data in
 * clear) — only the organisation's stewards and org_admins and the operator, the "authorised
 * reviewers" (the `refinery.edit` rule, so a token needs the write scope); they are kept with the
 * run, never in the version's report, and served by their own route.
 *
 * Secrets come from the server's environment (`secret_env`, `encryption.key_env`, both named
 * DATADAM_DEID_…), never from the request and never into a report; key files are refused here.
 *
 * Rules only; files through the deid engine, versions through the refinery service, SQL through the repository.
 */
import { authorize, can, type Actor } from '../../core/auth/policy.js';
import { isoNow, type Clock } from '../../core/clock.js';
import { AppError, conflict, notFound, unauthenticated } from '../../core/errors.js';
import { uuidv7 } from '../../core/ids.js';
import type { JobQueue, JobRunContext } from '../../core/ports.js';
import type { RefineryService } from '../refinery/refinery.service.js';
import {
  DeidRunError,
  deidFormatOf,
  type DeidEngine,
  type DeidRunOptions,
  type DeidRunProgress,
  type DeidTableSetting,
  type DeidVersionReport,
} from './deid.engine.js';
import type { DeidRepository, DeidRunRow } from './deid.repository.js';
import { parsePolicy, policyHash, resolvePolicyKeys, type Policy } from './policy.js';
import type { Sample } from './run/records.js';

export const DEID_RUN_JOB = 'deid.run';
export const DEID_RUN_ATTEMPTS = 2;
/** The kind of the report a run keeps on the version it made. */
export const DEID_REPORT_KIND = 'deid_run';
/** Secrets a platform run may name: only variables meant for it, so a policy cannot point at the server's other secrets. */
export const DEID_ENV_PREFIX = 'DATADAM_DEID_';

const SYSTEM: Actor = { kind: 'system', name: 'deid' };
/** How often a running job writes its progress. */
const PROGRESS_EVERY_MS = 500;

export type DeidReportWithoutSamples = Omit<DeidVersionReport, 'samples'>;

export interface DeidRunSummary {
  id: string;
  orgId: string;
  datasetId: string;
  datasetTitle: string | null;
  versionId: string;
  versionNumber: number | null;
  status: DeidRunRow['status'];
  error: string | null;
  progress: DeidRunProgress | null;
  outputVersionId: string | null;
  outputVersionNumber: number | null;
  policyHash: string;
  tables: DeidTableSetting[];
  images: DeidRunOptions['images'];
  jobId: string | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  canReviewSamples: boolean;
}

export interface DeidRun extends DeidRunSummary {
  policy: string;
  report: DeidReportWithoutSamples | null;
}

export interface DeidSamples {
  runId: string;
  sensitive: true;
  items: Array<Sample & { file: string }>;
}

export interface DeidServiceDeps {
  repo: DeidRepository;
  refinery: Pick<
    RefineryService,
    'getVersion' | 'getDataset' | 'getReport' | 'versionFiles' | 'versionById' | 'putReport' | 'createDerivedVersion'
  >;
  engine: DeidEngine;
  queue: JobQueue;
  clock: Clock;
  /** Where the policy's secrets are looked up (the server's environment). */
  env: Record<string, string | undefined>;
}

export interface NewDeidRun {
  versionId: string;
  policy: string;
  tables?: Array<{ file: string; quasi: string[]; k?: number | undefined; maxSuppression?: number | undefined }> | undefined;
  images?: 'faces' | 'skip' | undefined;
}

const prefixed = (error: AppError, prefix: string): AppError =>
  new AppError(error.code, error.message, { problems: error.problems.map((p) => ({ ...p, field: `${prefix}.${p.field}` })) });

/** A policy from a request: valid, its secrets only from DATADAM_DEID_… variables, no key file. */
function checkedPolicy(text: string): Policy {
  let policy: Policy;
  try {
    policy = parsePolicy(text);
  } catch (error) {
    if (error instanceof AppError) throw prefixed(error, 'policy');
    throw error;
  }
  const problems = [];
  if (!policy.secret_env.startsWith(DEID_ENV_PREFIX))
    problems.push({ field: 'policy.secret_env', message: `on the server, secrets are read from variables named ${DEID_ENV_PREFIX}…` });
  if (policy.encryption?.key_file !== undefined)
    problems.push({ field: 'policy.encryption.key_file', message: 'key files are not read on the server: name a variable in key_env' });
  if (policy.encryption?.key_env !== undefined && !policy.encryption.key_env.startsWith(DEID_ENV_PREFIX))
    problems.push({ field: 'policy.encryption.key_env', message: `on the server, keys are read from variables named ${DEID_ENV_PREFIX}…` });
  if (problems.length)
    throw new AppError('validation', `The policy cannot run on the server: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, {
      problems,
    });
  return policy;
}

const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

export function createDeidService(deps: DeidServiceDeps) {
  const { repo, refinery, engine, queue, clock } = deps;

  function keysFor(policy: Policy) {
    try {
      return resolvePolicyKeys(policy, { env: deps.env });
    } catch (error) {
      if (error instanceof AppError) throw prefixed(error, 'policy');
      throw error;
    }
  }

  /** The run, if the actor may see its dataset; otherwise it does not exist (to them). */
  async function visibleRun(actor: Actor, id: string): Promise<DeidRunRow> {
    if (actor.kind === 'anonymous') throw unauthenticated();
    const row = await repo.getRun(id);
    if (!row || !can(actor, 'refinery.read', { orgId: row.org_id })) throw notFound('The de-identification run');
    return row;
  }

  async function toSummary(actor: Actor, row: DeidRunRow, titles = new Map<string, string | null>()): Promise<DeidRunSummary> {
    if (!titles.has(row.dataset_id))
      titles.set(row.dataset_id, (await refinery.getDataset(SYSTEM, row.dataset_id).catch(() => null))?.title ?? null);
    const source = await refinery.versionById(row.version_id);
    const output = row.output_version_id ? await refinery.versionById(row.output_version_id) : undefined;
    const options = JSON.parse(row.options) as DeidRunOptions;
    return {
      id: row.id,
      orgId: row.org_id,
      datasetId: row.dataset_id,
      datasetTitle: titles.get(row.dataset_id) ?? null,
      versionId: row.version_id,
      versionNumber: source?.number ?? null,
      status: row.status,
      error: row.error,
      progress: json<DeidRunProgress>(row.progress),
      outputVersionId: row.output_version_id,
      outputVersionNumber: output?.number ?? null,
      policyHash: row.policy_hash,
      tables: options.tables,
      images: options.images,
      jobId: row.job_id,
      createdBy: row.created_by,
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      canReviewSamples: can(actor, 'refinery.edit', { orgId: row.org_id }),
    };
  }

  return {
    /**
     * Starts a de-identification run on a ready version: 202 and a `deid.run` job. A policy that is
     * not valid (or names a secret the server does not have) is a 422 naming the field
     * (`policy.types.KR_RRN.operator`, `policy.secret_env`, `tables[0].quasi[1]`).
     *
     * @example await deid.startRun(steward, { versionId, policy: 'version: 1\ntypes:\n  PERSON: pseudonym\n' })
     */
    async startRun(actor: Actor, input: NewDeidRun): Promise<DeidRun> {
      const version = await refinery.getVersion(actor, input.versionId);
      const dataset = await refinery.getDataset(actor, version.datasetId);
      authorize(actor, 'refinery.edit', { orgId: dataset.orgId });
      const policy = checkedPolicy(input.policy);
      keysFor(policy); // a missing secret is the requester's to know now, not a failed job later
      if (version.status !== 'ready') throw conflict(`Version ${version.number} is ${version.status}, not ready`);

      const tables: DeidTableSetting[] = (input.tables ?? []).map((t) => ({
        file: t.file,
        quasi: t.quasi,
        k: t.k ?? 5,
        ...(t.maxSuppression !== undefined ? { maxSuppression: t.maxSuppression } : {}),
      }));
      const problems: Array<{ field: string; message: string }> = [];
      const seen = new Set<string>();
      // Columns are checked against the version's profile when it has one (the job checks them anyway).
      const profile = await refinery
        .getReport(actor, version.id, 'profile')
        .then((r) => r.body as { files?: Array<{ path: string; columns?: Array<{ name: string }> }> })
        .catch(() => undefined);
      tables.forEach((t, i) => {
        const file = version.files.find((f) => f.path === t.file);
        if (!file) problems.push({ field: `tables[${i}].file`, message: `the version has no file ${JSON.stringify(t.file)}` });
        else if (deidFormatOf(file.format) !== 'csv')
          problems.push({ field: `tables[${i}].file`, message: `${t.file} is ${file.format}, not CSV` });
        if (seen.has(t.file)) problems.push({ field: `tables[${i}].file`, message: 'named twice' });
        seen.add(t.file);
        const columns = profile?.files?.find((f) => f.path === t.file)?.columns?.map((c) => c.name);
        if (columns && columns.length > 0)
          t.quasi.forEach((c, j) => {
            if (!columns.includes(c))
              problems.push({ field: `tables[${i}].quasi[${j}]`, message: `${t.file} has no column ${JSON.stringify(c)}` });
          });
      });
      if (problems.length)
        throw new AppError(
          'validation',
          `The table settings are not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
          { problems },
        );

      const options: DeidRunOptions = { tables, images: input.images ?? 'faces' };
      const now = clock.now();
      const row: DeidRunRow = {
        id: uuidv7(now.getTime()),
        org_id: dataset.orgId,
        dataset_id: dataset.id,
        version_id: version.id,
        status: 'queued',
        policy: input.policy,
        policy_hash: policyHash(policy),
        options: JSON.stringify(options),
        job_id: null,
        error: null,
        progress: null,
        output_version_id: null,
        samples: null,
        created_by: actor.kind === 'user' ? actor.userId : null,
        created_at: now.toISOString(),
        started_at: null,
        finished_at: null,
        updated_at: now.toISOString(),
      };
      await repo.insertRun(row);
      const job = await queue.enqueue(DEID_RUN_JOB, { runId: row.id }, { idempotencyKey: `deid:${row.id}` });
      await repo.updateRun(row.id, { job_id: job.id });
      return { ...(await toSummary(actor, { ...row, job_id: job.id })), policy: row.policy, report: null };
    },

    /** A run: its state, progress and, once done, its report without the samples. */
    async getRun(actor: Actor, id: string): Promise<DeidRun> {
      const row = await visibleRun(actor, id);
      let report: DeidReportWithoutSamples | null = null;
      if (row.output_version_id) {
        report = await refinery
          .getReport(SYSTEM, row.output_version_id, DEID_REPORT_KIND)
          .then((r) => r.body as DeidReportWithoutSamples)
          .catch(() => null);
      }
      return { ...(await toSummary(actor, row)), policy: row.policy, report };
    },

    /** The runs the actor may see (of one version, if asked), newest first. */
    async listRuns(actor: Actor, filter: { versionId?: string | undefined } = {}): Promise<DeidRunSummary[]> {
      if (actor.kind === 'anonymous') throw unauthenticated();
      const orgs: string[] | 'all' = can(actor, 'refinery.read_all')
        ? 'all'
        : actor.kind === 'user'
          ? [...new Set(actor.memberships.map((m) => m.orgId))].filter((orgId) => can(actor, 'refinery.read', { orgId }))
          : [];
      const rows = await repo.listRuns(orgs, filter.versionId !== undefined ? { versionId: filter.versionId } : {});
      const titles = new Map<string, string | null>();
      const out: DeidRunSummary[] = [];
      for (const row of rows) out.push(await toSummary(actor, row, titles));
      return out;
    },

    /**
     * The run's before/after samples (personal data in clear): only for the organisation's stewards
     * and org_admins and the operator. Others who may see the run get 403; anyone else 404.
     */
    async getSamples(actor: Actor, id: string): Promise<DeidSamples> {
      const row = await visibleRun(actor, id);
      authorize(actor, 'refinery.edit', { orgId: row.org_id });
      if (row.status !== 'done') throw notFound('The samples (the run is not done)');
      return { runId: row.id, sensitive: true, items: json<Array<Sample & { file: string }>>(row.samples) ?? [] };
    },

    // ------------------------------------------------------------------------------------------
    // The job (no actor).

    /**
     * Runs a queued run: materialises the version, de-identifies it, stores the output as a new
     * version with the report on it. Idempotent: a run whose version was stored is done.
     */
    async runJob(runId: string, ctx: Pick<JobRunContext, 'attempt' | 'jobId'> & { signal?: AbortSignal }): Promise<unknown> {
      const row = await repo.getRun(runId);
      if (!row) return { status: 'missing' };
      if (row.status === 'done' || row.status === 'failed') return { status: row.status };
      if (row.output_version_id) {
        await repo.updateRun(row.id, { status: 'done', finished_at: isoNow(clock), updated_at: isoNow(clock) });
        return { status: 'done', versionId: row.output_version_id };
      }
      const started = isoNow(clock);
      await repo.updateRun(row.id, { status: 'running', error: null, started_at: row.started_at ?? started, updated_at: started });

      // Progress is written at most every PROGRESS_EVERY_MS, one write at a time, the last one always.
      let lastWrite = 0;
      let writing: Promise<void> = Promise.resolve();
      let latest: DeidRunProgress | undefined;
      const onProgress = (progress: DeidRunProgress) => {
        latest = progress;
        const now = Date.now();
        if (now - lastWrite < PROGRESS_EVERY_MS) return;
        lastWrite = now;
        writing = writing
          .then(() => repo.updateRun(row.id, { progress: JSON.stringify(latest), updated_at: isoNow(clock) }))
          .catch(() => undefined);
      };

      try {
        const policy = parsePolicy(row.policy);
        const keys = keysFor(policy);
        const source = await refinery.versionById(row.version_id);
        if (!source) throw new DeidRunError('The version is gone');
        const files = await refinery.versionFiles(row.version_id);
        const options = JSON.parse(row.options) as DeidRunOptions;
        const { stored } = await engine.run(
          {
            runId: row.id,
            sourceVersion: { id: source.id, number: source.number },
            files,
            policy,
            keys,
            options,
            onProgress,
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          },
          async (dir, report) => {
            const { samples, ...counts } = report;
            const made = await refinery.createDerivedVersion(SYSTEM, {
              parentVersionId: row.version_id,
              recipe: { deidRun: row.id, policyHash: report.policy.hash, tables: options.tables, images: options.images },
              dir,
              createdBy: row.created_by,
              origin: 'deid',
            });
            // The version's report holds counts only; the samples stay with the run (reviewers only).
            await refinery.putReport(made.id, DEID_REPORT_KIND, counts);
            await repo.updateRun(row.id, { output_version_id: made.id, samples: JSON.stringify(samples.items), updated_at: isoNow(clock) });
            return made;
          },
        );
        await writing;
        const finished = isoNow(clock);
        await repo.updateRun(row.id, {
          status: 'done',
          error: null,
          ...(latest ? { progress: JSON.stringify(latest) } : {}),
          finished_at: finished,
          updated_at: finished,
        });
        return { status: 'done', versionId: stored.id, number: stored.number };
      } catch (error) {
        await writing;
        const message = error instanceof Error ? error.message : String(error);
        const permanent = error instanceof DeidRunError || error instanceof AppError;
        if (!permanent && ctx.attempt < DEID_RUN_ATTEMPTS) {
          await repo.updateRun(row.id, { status: 'queued', error: `attempt ${ctx.attempt} failed: ${message}`, updated_at: isoNow(clock) });
          throw error;
        }
        const finished = isoNow(clock);
        await repo.updateRun(row.id, { status: 'failed', error: message, finished_at: finished, updated_at: finished });
        return { status: 'failed', error: message };
      }
    },
  };
}

export type DeidService = ReturnType<typeof createDeidService>;
