/**
 * What the refinery does with a ready version (issue 5): profile it and measure its quality (two
 * jobs, queued one after the other whenever a version becomes ready), inspect a sample of its
 * records by hand (ISO 2859-1 single sampling), render the quality report as a standalone HTML
 * file, and apply a recipe to make a new version (a job). Each job's state is kept on the version
 * (`version_tasks`) so people can follow it.
 *
 * Who may do what: whoever may see the version (its organisation's members, auditors, the
 * operator) may read its reports and inspections; its organisation's stewards (and org_admins) and
 * the operator may change the dataset's rules and settings, apply recipes and inspect.
 *
 * Rules only; files and DuckDB through the analysis engine, SQL through the repository.
 */
import { createHash } from 'node:crypto';
import { authorize, type Actor } from '../../core/auth/policy.js';
import { isoNow, type Clock } from '../../core/clock.js';
import { AppError, badRequest, conflict, notFound } from '../../core/errors.js';
import { uuidv7 } from '../../core/ids.js';
import type { JobQueue, JobRunContext } from '../../core/ports.js';
import type { AnalysisEngine, AnalysisSettings, QualityReport } from './analysis/engine.js';
import { recordCount, recordUnits } from './analysis/engine.js';
import { renderReportHtml } from './analysis/report-html.js';
import type { ProfileReport } from './profile/index.js';
import { RuleFileError, parseRuleFile, type RuleSet } from './quality/rules.js';
import { AQLS, accuracyEstimate, lotAccepted, singleSamplingPlan, type SamplingPlan } from './quality/sampling.js';
import type { RecipeRun } from './recipe/apply.js';
import { RecipeRunError } from './recipe/apply.js';
import { parseRecipe, validateRecipe, type Recipe } from './recipe/recipe.js';
import type {
  DatasetVersionRow,
  InspectionItemRow,
  InspectionRow,
  RefineryDatasetRow,
  RefineryRepository,
  TaskKind,
  VersionTaskRow,
} from './refinery.repository.js';

export const PROFILE_JOB = 'refinery.profile';
export const QUALITY_JOB = 'refinery.quality';
export const RECIPE_JOB = 'refinery.recipe';
export const ANALYSIS_ATTEMPTS = 2;

const SYSTEM: Actor = { kind: 'system', name: 'refinery' };

export interface VersionTask {
  status: VersionTaskRow['status'];
  error: string | null;
  jobId: string | null;
  result: unknown;
  updatedAt: string;
}

export type VersionTasks = Partial<Record<TaskKind, VersionTask>>;

export function toTasks(rows: readonly VersionTaskRow[]): VersionTasks {
  const tasks: VersionTasks = {};
  for (const row of rows) {
    tasks[row.kind] = {
      status: row.status,
      error: row.error,
      jobId: row.job_id,
      result: row.result === null ? null : (JSON.parse(row.result) as unknown),
      updatedAt: row.updated_at,
    };
  }
  return tasks;
}

export interface InspectionItem {
  no: number;
  file: string;
  /** 1-based data row; null when the file is the record. */
  row: number | null;
  record: Record<string, string | null>;
  verdict: 'pass' | 'fail' | null;
  note: string | null;
  inspector: string | null;
  decidedAt: string | null;
}

export interface Inspection {
  id: string;
  versionId: string;
  status: 'open' | 'accepted' | 'rejected';
  aql: number;
  lotSize: number;
  plan: { codeLetter: string; sampleSize: number; acceptance: number; rejection: number; fullInspection: boolean };
  decided: number;
  passed: number;
  failed: number;
  /** Once every item is decided. */
  result: {
    lotAccepted: boolean;
    accuracy: number;
    confidence: number;
    wilson: { lower: number; upper: number };
    clopperPearson: { lower: number; upper: number };
  } | null;
  createdBy: string | null;
  createdAt: string;
  items: InspectionItem[];
}

/** A version's record at position `index` (0-based over all records, files in path order). */
function locate(units: ReturnType<typeof recordUnits>, index: number): { path: string; row: number | null } {
  let rest = index;
  for (const unit of units) {
    const size = unit.rows ?? 1;
    if (rest < size) return { path: unit.path, row: unit.rows === null ? null : rest + 1 };
    rest -= size;
  }
  throw new Error(`record ${index} is past the last record`);
}

/**
 * `n` distinct positions in 0..lot−1, drawn deterministically from `seed` (SHA-256 in counter mode,
 * Floyd's algorithm), sorted ascending: the same inspection always draws the same records.
 *
 * @example drawPositions('0192…', 1000, 80).length // 80
 */
export function drawPositions(seed: string, lot: number, n: number): number[] {
  let counter = 0;
  // A uniform integer in 0..bound−1 from 48 random bits (bias below 2⁻²⁰ for any lot under 2²⁸).
  const below = (bound: number): number => {
    const digest = createHash('sha256').update(`${seed}:${counter++}`).digest();
    return digest.readUIntBE(0, 6) % bound;
  };
  const chosen = new Set<number>();
  for (let j = lot - n; j < lot; j++) {
    const t = below(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}

function settingsOf(row: RefineryDatasetRow): AnalysisSettings {
  return row.settings ? (JSON.parse(row.settings) as AnalysisSettings) : {};
}

function rulesOf(row: RefineryDatasetRow): RuleSet | undefined {
  if (!row.rules) return undefined;
  try {
    return parseRuleFile(row.rules);
  } catch {
    return undefined;
  }
}

/** A rule file's problems as a 422 naming each rule and field. */
function checkedRules(text: string): RuleSet {
  try {
    return parseRuleFile(text);
  } catch (error) {
    if (error instanceof RuleFileError) throw new AppError('validation', error.message, { problems: error.problems });
    throw error;
  }
}

/** A recipe given as YAML text or as an object, validated; a 422 names the step at fault. */
export function checkedRecipe(input: string | Record<string, unknown>): Recipe {
  return typeof input === 'string' ? parseRecipe(input) : validateRecipe(input);
}

export interface AnalysisDeps {
  repo: RefineryRepository;
  queue: JobQueue;
  clock: Clock;
  engine: AnalysisEngine;
  /** The refinery service's own access checks and helpers. */
  visibleDataset(actor: Actor, id: string): Promise<RefineryDatasetRow>;
  visibleVersion(actor: Actor, id: string): Promise<{ version: DatasetVersionRow; dataset: RefineryDatasetRow }>;
  versionFiles(
    versionId: string,
  ): Promise<Array<{ path: string; blobKey: string; format: string; mediaType: string; size: number; encoding: string | null }>>;
  putReport(versionId: string, kind: string, body: unknown): Promise<void>;
  createDerivedVersion(
    actor: Actor,
    input: { parentVersionId: string; recipe: unknown; dir: string; createdBy?: string | null; signal?: AbortSignal },
  ): Promise<{ id: string; number: number }>;
}

/** Queues the profile of a version that just became ready (the quality job follows it). */
export async function queueProfile(repo: RefineryRepository, queue: JobQueue, clock: Clock, versionId: string): Promise<void> {
  const job = await queue.enqueue(PROFILE_JOB, { versionId }, { idempotencyKey: `profile:${versionId}` });
  if (job.created)
    await repo.putTask({
      version_id: versionId,
      kind: 'profile',
      status: 'queued',
      error: null,
      job_id: job.id,
      result: null,
      updated_at: isoNow(clock),
    });
}

export function createRefineryAnalysis(deps: AnalysisDeps) {
  const { repo, queue, clock, engine } = deps;

  async function setTask(versionId: string, kind: TaskKind, fields: Partial<Omit<VersionTaskRow, 'version_id' | 'kind'>>): Promise<void> {
    const before = await repo.getTask(versionId, kind);
    await repo.putTask({
      version_id: versionId,
      kind,
      status: fields.status ?? before?.status ?? 'queued',
      error: fields.error !== undefined ? fields.error : (before?.error ?? null),
      job_id: fields.job_id !== undefined ? fields.job_id : (before?.job_id ?? null),
      result: fields.result !== undefined ? fields.result : (before?.result ?? null),
      updated_at: isoNow(clock),
    });
  }

  /** Runs a task, keeping its state: running, then done, or failed on its last attempt (or at once when `permanent` says so). */
  async function track<T>(
    versionId: string,
    kind: TaskKind,
    ctx: Pick<JobRunContext, 'attempt' | 'jobId'>,
    attempts: number,
    work: () => Promise<T>,
    permanent: (error: unknown) => boolean = () => false,
  ): Promise<T | { status: 'failed'; error: string }> {
    await setTask(versionId, kind, { status: 'running', error: null, job_id: ctx.jobId });
    try {
      const result = await work();
      await setTask(versionId, kind, { status: 'done', error: null });
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!permanent(error) && ctx.attempt < attempts) {
        await setTask(versionId, kind, { status: 'queued', error: `attempt ${ctx.attempt} failed: ${message}` });
        throw error;
      }
      await setTask(versionId, kind, { status: 'failed', error: message });
      return { status: 'failed', error: message };
    }
  }

  async function queueQuality(versionId: string, reason: string): Promise<void> {
    const job = await queue.enqueue(QUALITY_JOB, { versionId }, { idempotencyKey: `quality:${versionId}:${reason}` });
    if (job.created) await setTask(versionId, 'quality', { status: 'queued', error: null, job_id: job.id });
  }

  /** Queues the quality of the dataset's newest ready version that has a profile. */
  async function requality(datasetId: string, reason: string): Promise<void> {
    for (const version of await repo.listVersions(datasetId)) {
      if (version.status !== 'ready') continue;
      if (await repo.getReport(version.id, 'profile')) await queueQuality(version.id, reason);
      return;
    }
  }

  async function itemsWithCounts(row: InspectionRow): Promise<{ items: InspectionItemRow[]; passed: number; failed: number }> {
    const items = await repo.listInspectionItems(row.id);
    return {
      items,
      passed: items.filter((i) => i.verdict === 'pass').length,
      failed: items.filter((i) => i.verdict === 'fail').length,
    };
  }

  function planOf(row: InspectionRow): SamplingPlan {
    const plan = singleSamplingPlan({ lotSize: row.lot_size, aql: row.aql });
    return { ...plan, sampleSize: row.sample_size, acceptance: row.acceptance_number, rejection: row.acceptance_number + 1 };
  }

  async function toInspection(row: InspectionRow): Promise<Inspection> {
    const { items, passed, failed } = await itemsWithCounts(row);
    const plan = planOf(row);
    const decided = passed + failed;
    const complete = decided === items.length && items.length > 0;
    const wilson = complete ? accuracyEstimate({ passed, failed, method: 'wilson' }) : undefined;
    const exact = complete ? accuracyEstimate({ passed, failed, method: 'clopper-pearson' }) : undefined;
    return {
      id: row.id,
      versionId: row.version_id,
      status: row.status as Inspection['status'],
      aql: row.aql,
      lotSize: row.lot_size,
      plan: {
        codeLetter: plan.codeLetter,
        sampleSize: row.sample_size,
        acceptance: row.acceptance_number,
        rejection: row.acceptance_number + 1,
        fullInspection: plan.fullInspection,
      },
      decided,
      passed,
      failed,
      result:
        wilson && exact
          ? {
              lotAccepted: lotAccepted(plan, failed),
              accuracy: exact.accuracy,
              confidence: exact.confidence,
              wilson: { lower: wilson.lower, upper: wilson.upper },
              clopperPearson: { lower: exact.lower, upper: exact.upper },
            }
          : null,
      createdBy: row.created_by,
      createdAt: row.created_at,
      items: items.map((i) => ({
        no: i.item_no,
        file: i.file_path,
        row: i.row_number,
        record: i.record ? (JSON.parse(i.record) as Record<string, string | null>) : {},
        verdict: i.verdict,
        note: i.note,
        inspector: i.inspector,
        decidedAt: i.decided_at,
      })),
    };
  }

  async function profileOf(versionId: string): Promise<ProfileReport | undefined> {
    const row = await repo.getReport(versionId, 'profile');
    return row ? (JSON.parse(row.body) as ProfileReport) : undefined;
  }

  /** The inspection, if the actor may see its version. */
  async function visibleInspection(actor: Actor, id: string): Promise<{ row: InspectionRow; dataset: RefineryDatasetRow }> {
    const row = await repo.getInspection(id);
    if (!row) {
      if (actor.kind === 'anonymous') throw new AppError('unauthenticated', 'Sign in first');
      throw notFound('The inspection');
    }
    try {
      const { dataset } = await deps.visibleVersion(actor, row.version_id);
      return { row, dataset };
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') throw notFound('The inspection');
      throw error;
    }
  }

  return {
    // ------------------------------------------------------------------------------------------
    // Jobs (no actor): idempotent, each keeps its state on the version.

    /** Profiles a ready version and stores report 'profile', then queues its quality. */
    async runProfile(versionId: string, ctx: Pick<JobRunContext, 'attempt' | 'jobId'>): Promise<unknown> {
      const version = await repo.getVersion(versionId);
      if (!version || version.status !== 'ready') return { status: 'skipped' };
      const dataset = (await repo.getDataset(version.dataset_id))!;
      return track(versionId, 'profile', ctx, ANALYSIS_ATTEMPTS, async () => {
        const files = await deps.versionFiles(versionId);
        const profiled = await engine.profile(`profile-${versionId}`, files, settingsOf(dataset));
        // The profile reads the stored files (text in UTF-8); the encoding each was uploaded in is the manifest's.
        const uploaded = new Map(files.map((f) => [f.path, f.encoding]));
        const report: ProfileReport = { files: profiled.files.map((f) => ({ ...f, uploadedEncoding: uploaded.get(f.path) ?? null })) };
        await deps.putReport(versionId, 'profile', report);
        await queueQuality(versionId, 'profile');
        return { status: 'done', files: report.files.length };
      });
    },

    /** Measures a version's quality from its profile, its files, its dataset's rules and settings and its latest inspection. */
    async runQuality(versionId: string, ctx: Pick<JobRunContext, 'attempt' | 'jobId'>): Promise<unknown> {
      const version = await repo.getVersion(versionId);
      if (!version || version.status !== 'ready') return { status: 'skipped' };
      const dataset = (await repo.getDataset(version.dataset_id))!;
      return track(
        versionId,
        'quality',
        ctx,
        ANALYSIS_ATTEMPTS,
        async () => {
          const profile = await profileOf(versionId);
          if (!profile) throw new AppError('conflict', 'The version has no profile yet');
          const closed = (await repo.listInspections(versionId)).filter((i) => i.status !== 'open');
          const latest = closed.at(-1);
          let inspection: { id: string; passed: number; failed: number; plan: SamplingPlan } | undefined;
          if (latest) {
            const { passed, failed } = await itemsWithCounts(latest);
            inspection = { id: latest.id, passed, failed, plan: planOf(latest) };
          }
          const rules = rulesOf(dataset);
          const report: QualityReport = await engine.quality(`quality-${versionId}`, await deps.versionFiles(versionId), {
            profile,
            settings: settingsOf(dataset),
            ...(rules ? { rules } : {}),
            ...(inspection ? { inspection } : {}),
          });
          await deps.putReport(versionId, 'quality', report);
          return { status: 'done', indicators: report.indicators.length };
        },
        (error) => error instanceof AppError,
      );
    },

    /** Applies a recipe to a version and stores the output as a new version, with report 'recipe_run' on it. */
    async runRecipeJob(
      payload: { versionId: string; recipe: unknown; requestedBy: string | null },
      ctx: Pick<JobRunContext, 'attempt' | 'jobId'>,
    ): Promise<unknown> {
      const task = await repo.getTask(payload.versionId, 'recipe');
      // Idempotent: this job's version was made already (a worker died after storing it).
      if (task?.job_id === ctx.jobId && task.status === 'done') return { status: 'done', result: task.result };
      return track(
        payload.versionId,
        'recipe',
        ctx,
        1,
        async () => {
          const recipe = validateRecipe(payload.recipe);
          const files = await deps.versionFiles(payload.versionId);
          const { stored } = await engine.recipe(`recipe-${ctx.jobId}`, files, recipe, async (dir: string, run: RecipeRun) => {
            const made = await deps.createDerivedVersion(SYSTEM, {
              parentVersionId: payload.versionId,
              recipe: payload.recipe,
              dir,
              createdBy: payload.requestedBy,
            });
            await deps.putReport(made.id, 'recipe_run', run);
            await setTask(payload.versionId, 'recipe', { result: JSON.stringify({ versionId: made.id, number: made.number }) });
            return made;
          });
          return { status: 'done', versionId: stored.id };
        },
        (error) => error instanceof RecipeRunError || error instanceof AppError,
      );
    },

    // ------------------------------------------------------------------------------------------
    // For people.

    /**
     * Replaces the dataset's rule file (YAML; empty removes it). A file that cannot be used is a 422
     * naming each rule and field. The latest ready version's quality is measured again.
     *
     * @example await refinery.setRules(steward, datasetId, 'rules:\n  - kind: not_null\n    column: 상호명\n')
     */
    async setRules(actor: Actor, datasetId: string, text: string): Promise<{ rules: string | null; count: number }> {
      const dataset = await deps.visibleDataset(actor, datasetId);
      authorize(actor, 'refinery.edit', { orgId: dataset.org_id });
      const trimmed = text.trim();
      const set = trimmed === '' ? undefined : checkedRules(text);
      await repo.setDatasetRules(dataset.id, set ? text : null);
      await requality(dataset.id, `rules-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`);
      return { rules: set ? text : null, count: set?.rules.length ?? 0 };
    },

    /** Replaces what the dataset declares for its quality checks (label column, attributes, text field). */
    async setSettings(actor: Actor, datasetId: string, settings: AnalysisSettings): Promise<AnalysisSettings> {
      const dataset = await deps.visibleDataset(actor, datasetId);
      authorize(actor, 'refinery.edit', { orgId: dataset.org_id });
      const clean: AnalysisSettings = {
        ...(settings.labelColumn ? { labelColumn: settings.labelColumn } : {}),
        ...(settings.expectedLabels?.length ? { expectedLabels: settings.expectedLabels } : {}),
        ...(settings.attributes?.length ? { attributes: settings.attributes } : {}),
        ...(settings.textField ? { textField: settings.textField } : {}),
      };
      const json = JSON.stringify(clean);
      await repo.setDatasetSettings(dataset.id, json === '{}' ? null : json);
      await requality(dataset.id, `settings-${createHash('sha256').update(json).digest('hex').slice(0, 16)}`);
      return clean;
    },

    /** The standalone HTML quality report of a version (inline CSS and SVG, no scripts). */
    async reportHtml(actor: Actor, versionId: string): Promise<{ fileName: string; html: string }> {
      const { version, dataset } = await deps.visibleVersion(actor, versionId);
      const profile = await profileOf(version.id);
      const qualityRow = await repo.getReport(version.id, 'quality');
      if (!profile && !qualityRow) throw notFound('The quality report (the version is not profiled yet)');
      const inspections = await repo.listInspections(version.id);
      const latest = inspections.filter((i) => i.status !== 'open').at(-1);
      const html = renderReportHtml({
        dataset: { title: dataset.title },
        version: { number: version.number, id: version.id, manifestSha256: version.manifest_sha256, createdAt: version.created_at },
        profile: profile ?? null,
        quality: qualityRow ? (JSON.parse(qualityRow.body) as QualityReport) : null,
        inspection: latest ? await toInspection(latest) : null,
        generatedAt: isoNow(clock),
      });
      return { fileName: `${dataset.title}-v${version.number}-quality.html`, html };
    },

    /**
     * Queues a recipe on a ready version (YAML text or an object): 202 and a job that makes a new version.
     * A recipe that is not valid is a 422 naming the step and field, e.g. `steps[2].columns`.
     */
    async requestRecipe(
      actor: Actor,
      versionId: string,
      input: string | Record<string, unknown>,
    ): Promise<{ jobId: string; versionId: string }> {
      const { version, dataset } = await deps.visibleVersion(actor, versionId);
      authorize(actor, 'refinery.edit', { orgId: dataset.org_id });
      const recipe = checkedRecipe(input);
      if (version.status !== 'ready') throw conflict(`Version ${version.number} is ${version.status}, not ready`);
      const job = await queue.enqueue(RECIPE_JOB, {
        versionId: version.id,
        recipe,
        requestedBy: actor.kind === 'user' ? actor.userId : null,
      });
      await repo.putTask({
        version_id: version.id,
        kind: 'recipe',
        status: 'queued',
        error: null,
        job_id: job.id,
        result: null,
        updated_at: isoNow(clock),
      });
      return { jobId: job.id, versionId: version.id };
    },

    /**
     * Starts a sampling inspection of a profiled version: the ISO 2859-1 plan for the lot (default:
     * the version's records) and AQL, and that many records drawn at random (seeded by the
     * inspection's id), each read from its file so the inspector sees its values.
     *
     * @example await refinery.createInspection(steward, versionId, { aql: 1.0 }) // plan.sampleSize 80 for 1,000 records
     */
    async createInspection(actor: Actor, versionId: string, input: { aql: number; lotSize?: number | undefined }): Promise<Inspection> {
      const { version, dataset } = await deps.visibleVersion(actor, versionId);
      authorize(actor, 'refinery.edit', { orgId: dataset.org_id });
      if (!AQLS.some((a) => Math.abs(a - input.aql) < 1e-9))
        throw badRequest(`An AQL is one of ${AQLS.join(', ')}`, [{ field: 'aql', message: `not in the ISO 2859-1 table: ${input.aql}` }]);
      if (version.status !== 'ready') throw conflict(`Version ${version.number} is ${version.status}, not ready`);
      const profile = await profileOf(version.id);
      if (!profile) throw conflict('The version is not profiled yet: its records are not counted');
      const units = recordUnits(profile);
      const records = recordCount(units);
      if (records === 0) throw conflict('The version has no records to inspect');
      const lotSize = input.lotSize ?? records;
      if (!Number.isInteger(lotSize) || lotSize < 1)
        throw badRequest('A lot is at least one record', [{ field: 'lotSize', message: 'a whole number ≥ 1' }]);
      const plan = singleSamplingPlan({ lotSize, aql: input.aql });
      const n = Math.min(plan.sampleSize, records);
      const now = clock.now();
      const id = uuidv7(now.getTime());
      const wanted = drawPositions(id, records, n).map((p) => locate(units, p));
      const values = await engine.readRecords(`inspect-${id}`, await deps.versionFiles(version.id), wanted);
      const row: InspectionRow = {
        id,
        version_id: version.id,
        lot_size: lotSize,
        sample_size: n,
        acceptance_number: plan.acceptance,
        aql: input.aql,
        created_by: actor.kind === 'user' ? actor.userId : null,
        created_at: now.toISOString(),
        status: 'open',
      };
      await repo.insertInspection(
        row,
        wanted.map((w, i) => ({
          inspection_id: id,
          item_no: i + 1,
          file_path: w.path,
          row_number: w.row,
          verdict: null,
          inspector: null,
          decided_at: null,
          note: null,
          record: JSON.stringify(values[i] ?? {}),
        })),
      );
      return toInspection(row);
    },

    async listInspections(actor: Actor, versionId: string): Promise<Array<Omit<Inspection, 'items'>>> {
      const { version } = await deps.visibleVersion(actor, versionId);
      const rows = await repo.listInspections(version.id);
      return Promise.all(rows.reverse().map(async (row) => ({ ...(await toInspection(row)), items: undefined }))).then((list) =>
        list.map(({ items: _items, ...rest }) => rest),
      );
    },

    async getInspection(actor: Actor, id: string): Promise<Inspection> {
      const { row } = await visibleInspection(actor, id);
      return toInspection(row);
    },

    /**
     * Records an inspector's verdict on one item (while the inspection is open; a verdict may be
     * changed until the last item is decided). When every item is decided the inspection closes,
     * accepted or rejected by its plan, and the version's quality is measured again.
     */
    async decideItem(
      actor: Actor,
      id: string,
      itemNo: number,
      input: { verdict: 'pass' | 'fail'; note?: string | undefined },
    ): Promise<Inspection> {
      const { row, dataset } = await visibleInspection(actor, id);
      authorize(actor, 'refinery.edit', { orgId: dataset.org_id });
      if (row.status !== 'open') throw conflict(`The inspection is closed (${row.status})`);
      const decided = await repo.decideInspectionItem(id, itemNo, {
        verdict: input.verdict,
        note: input.note?.trim() ? input.note.trim() : null,
        inspector: actor.kind === 'user' ? actor.userId : null,
        decided_at: isoNow(clock),
      });
      if (!decided) throw notFound(`Item ${itemNo}`);
      const { items, failed } = await itemsWithCounts(row);
      if (items.every((i) => i.verdict !== null)) {
        const status = lotAccepted(planOf(row), failed) ? 'accepted' : 'rejected';
        if (await repo.closeInspection(id, status)) await queueQuality(row.version_id, `inspection-${id}`);
      }
      return toInspection((await repo.getInspection(id))!);
    },
  };
}

export type RefineryAnalysis = ReturnType<typeof createRefineryAnalysis>;
