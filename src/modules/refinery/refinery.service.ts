/**
 * The refinery's datasets and their versions (issue 5). A dataset belongs to one organisation (and,
 * optionally, to one of its census entries); each version is an immutable set of files made either
 * from uploads (ingest) or by a recipe from a parent version. A version is 'ingesting' until the
 * `refinery.ingest` job has stored every file, then 'ready' with its manifest (files sorted by
 * path, hashed), or 'failed' with an error naming the upload, entry or file — and never shows a
 * file before it is ready. Files are stored by content hash, so a file several versions hold is
 * stored once.
 *
 * Rules only; files through the ingest engine and the BlobStore port, SQL through the repository.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { authorize, can, type Actor } from '../../core/auth/policy.js';
import { isoNow, type Clock } from '../../core/clock.js';
import { AppError, badRequest, conflict, notFound, unauthenticated } from '../../core/errors.js';
import { uuidv7 } from '../../core/ids.js';
import type { BlobStore, JobQueue } from '../../core/ports.js';
import { createRefineryAnalysis, queueProfile, toTasks, type VersionTasks } from './analysis.service.js';
import type { AnalysisEngine, AnalysisSettings } from './analysis/engine.js';
import type { IngestEngine, IngestedFile } from './ingest/ingest.js';
import { IngestRefusedError } from './ingest/ingest.js';
import type { DatasetFileRow, DatasetVersionRow, RefineryDatasetRow, RefineryRepository } from './refinery.repository.js';
import type { UploadService } from './uploads.service.js';

export const INGEST_JOB = 'refinery.ingest';
export const EXPIRE_UPLOADS_JOB = 'refinery.expire-uploads';
export const INGEST_ATTEMPTS = 3;

export interface RefineryDataset {
  id: string;
  orgId: string;
  censusEntryId: string | null;
  title: string;
  createdBy: string | null;
  createdAt: string;
  /** The dataset's rule file (YAML), checked on every version's quality. */
  rules: string | null;
  /** What the dataset declares for its quality checks. */
  settings: AnalysisSettings;
}

export interface DatasetVersion {
  id: string;
  datasetId: string;
  number: number;
  parentVersionId: string | null;
  origin: DatasetVersionRow['origin'];
  recipe: unknown;
  status: DatasetVersionRow['status'];
  error: string | null;
  fileCount: number;
  totalBytes: number;
  manifestSha256: string | null;
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** The jobs run on the version (profile, quality, recipe) and their state. */
  tasks: VersionTasks;
}

/** A file of a version, as its manifest lists it. */
export type ManifestFile = IngestedFile;

export interface VersionManifest extends DatasetVersion {
  /** Sorted by path; empty until the version is ready. */
  files: ManifestFile[];
}

export interface RefineryServiceDeps {
  repo: RefineryRepository;
  uploads: UploadService;
  ingest: IngestEngine;
  blobs: BlobStore;
  queue: JobQueue;
  clock: Clock;
  /** Profiles, quality, inspections' records and recipes on a version's files. */
  analysis: AnalysisEngine;
}

const toDataset = (row: RefineryDatasetRow): RefineryDataset => ({
  id: row.id,
  orgId: row.org_id,
  censusEntryId: row.census_entry_id,
  title: row.title,
  createdBy: row.created_by,
  createdAt: row.created_at,
  rules: row.rules ?? null,
  settings: row.settings ? (JSON.parse(row.settings) as AnalysisSettings) : {},
});

const toVersion = (row: DatasetVersionRow, tasks: VersionTasks = {}): DatasetVersion => ({
  id: row.id,
  datasetId: row.dataset_id,
  number: row.number,
  parentVersionId: row.parent_version_id,
  origin: row.origin,
  recipe: row.recipe === null ? null : (JSON.parse(row.recipe) as unknown),
  status: row.status,
  error: row.error,
  fileCount: row.file_count,
  totalBytes: row.total_bytes,
  manifestSha256: row.manifest_sha256,
  createdBy: row.created_by,
  createdAt: row.created_at,
  finishedAt: row.finished_at,
  tasks,
});

const toFile = (row: DatasetFileRow): ManifestFile => ({
  path: row.path,
  blobKey: row.blob_key,
  size: row.size,
  format: row.format as ManifestFile['format'],
  mediaType: row.media_type,
  encoding: row.encoding,
  originalBlobKey: row.original_blob_key,
});

/**
 * The canonical manifest: the files sorted by path (code units), each with its fields in a fixed
 * order, as JSON without spaces. Its SHA-256 is the version's `manifestSha256`: two versions with
 * the same files have the same hash, whatever their ids.
 *
 * @example canonicalManifest([{ path: 'a.csv', blobKey: 'e3b0…', size: 0, format: 'csv', mediaType: 'text/csv', encoding: 'utf-8', originalBlobKey: null }])
 */
export function canonicalManifest(files: readonly ManifestFile[]): string {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return JSON.stringify({
    files: sorted.map((f) => ({
      path: f.path,
      sha256: f.blobKey,
      size: f.size,
      format: f.format,
      mediaType: f.mediaType,
      encoding: f.encoding,
      originalSha256: f.originalBlobKey,
    })),
  });
}

/** A manifest path from a URL: relative, '/'-separated, without '.', '..', backslashes or NUL. */
function checkedFilePath(filePath: string): string {
  const segments = filePath.split('/');
  if (filePath === '' || filePath.includes('\\') || filePath.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw badRequest('A file path is relative, "/"-separated, without "." or ".." segments', [
      { field: 'path', message: 'not a manifest path' },
    ]);
  }
  return filePath.normalize('NFC');
}

export function createRefineryService(deps: RefineryServiceDeps) {
  const { repo, uploads, ingest, blobs, queue, clock } = deps;

  /** Versions with the state of their jobs. */
  async function withTasks(rows: DatasetVersionRow[]): Promise<DatasetVersion[]> {
    const tasks = await repo.listTasks(rows.map((r) => r.id));
    return rows.map((row) => toVersion(row, toTasks(tasks.filter((t) => t.version_id === row.id))));
  }

  /** The dataset, if the actor may see it; otherwise it does not exist (to them). */
  async function visibleDataset(actor: Actor, id: string): Promise<RefineryDatasetRow> {
    if (actor.kind === 'anonymous') throw unauthenticated(); // before anything is looked up
    const row = await repo.getDataset(id);
    if (!row || !can(actor, 'refinery.read', { orgId: row.org_id })) throw notFound('The dataset');
    return row;
  }

  async function visibleVersion(actor: Actor, id: string): Promise<{ version: DatasetVersionRow; dataset: RefineryDatasetRow }> {
    if (actor.kind === 'anonymous') throw unauthenticated();
    const version = await repo.getVersion(id);
    const dataset = version && (await repo.getDataset(version.dataset_id));
    if (!version || !dataset || !can(actor, 'refinery.read', { orgId: dataset.org_id })) throw notFound('The version');
    return { version, dataset };
  }

  /** The organisation a new dataset belongs to: the one asked for, else the census entry's, else the actor's only one. */
  function orgFor(actor: Actor, asked: string | undefined, entryOrg: string | undefined): string {
    if (asked !== undefined) return asked;
    if (entryOrg !== undefined) return entryOrg;
    if (actor.kind === 'user') {
      if (actor.tokenOrgId !== undefined) return actor.tokenOrgId;
      const orgs = [...new Set(actor.memberships.map((m) => m.orgId))];
      if (orgs.length === 1) return orgs[0]!;
    }
    throw badRequest('Say which organisation the dataset belongs to', [
      { field: 'orgId', message: 'required: you belong to several organisations' },
    ]);
  }

  /** Records a finished ingest: the files and manifest in one transaction, then the uploads as used. */
  async function completeVersion(version: DatasetVersionRow, files: IngestedFile[]): Promise<void> {
    const manifest = canonicalManifest(files);
    const rows: DatasetFileRow[] = files.map((f) => ({
      version_id: version.id,
      path: f.path,
      blob_key: f.blobKey,
      size: f.size,
      format: f.format,
      media_type: f.mediaType,
      encoding: f.encoding,
      original_blob_key: f.originalBlobKey,
    }));
    const completed = await repo.completeVersion(version.id, rows, {
      file_count: files.length,
      total_bytes: files.reduce((sum, f) => sum + f.size, 0),
      manifest_sha256: createHash('sha256').update(manifest).digest('hex'),
      finished_at: isoNow(clock),
    });
    // A ready version is profiled, then its quality measured (refinery.profile, then refinery.quality).
    if (completed) await queueProfile(repo, queue, clock, version.id);
  }

  const base = {
    /**
     * Creates a dataset to refine, for an organisation (and optionally one of its census entries).
     *
     * @example await refinery.createDataset(steward, { title: '전국 주차장 정보' })
     */
    async createDataset(
      actor: Actor,
      input: { title: string; orgId?: string | undefined; censusEntryId?: string | undefined },
    ): Promise<RefineryDataset> {
      if (actor.kind === 'anonymous') throw unauthenticated();
      const title = input.title.trim();
      if (title === '') throw badRequest('A dataset needs a title', [{ field: 'title', message: 'empty' }]);
      let entryOrg: string | undefined;
      if (input.censusEntryId !== undefined) {
        entryOrg = await repo.censusEntryOrg(input.censusEntryId);
        if (entryOrg === undefined) throw badRequest('No such census entry', [{ field: 'censusEntryId', message: 'not found' }]);
      }
      const orgId = orgFor(actor, input.orgId, entryOrg);
      if (entryOrg !== undefined && entryOrg !== orgId) {
        throw badRequest("The census entry belongs to another organisation than the dataset's", [
          { field: 'censusEntryId', message: 'of another organisation' },
        ]);
      }
      authorize(actor, 'refinery.edit', { orgId });
      const now = clock.now();
      const row: RefineryDatasetRow = {
        id: uuidv7(now.getTime()),
        org_id: orgId,
        census_entry_id: input.censusEntryId ?? null,
        title,
        created_by: actor.kind === 'user' ? actor.userId : null,
        created_at: now.toISOString(),
      };
      try {
        await repo.insertDataset(row);
      } catch (error) {
        // The organisation's foreign key: an operator naming an organisation that does not exist.
        if (input.orgId !== undefined) throw badRequest('No such organisation', [{ field: 'orgId', message: 'not found' }]);
        throw error;
      }
      return toDataset(row);
    },

    /** The datasets the actor may see, newest first. */
    async listDatasets(actor: Actor): Promise<RefineryDataset[]> {
      if (actor.kind === 'anonymous') throw unauthenticated();
      if (can(actor, 'refinery.read_all')) return (await repo.listDatasets('all')).map(toDataset);
      const orgs =
        actor.kind === 'user'
          ? [...new Set(actor.memberships.map((m) => m.orgId))].filter((orgId) => can(actor, 'refinery.read', { orgId }))
          : [];
      return (await repo.listDatasets(orgs)).map(toDataset);
    },

    async getDataset(actor: Actor, id: string): Promise<RefineryDataset> {
      return toDataset(await visibleDataset(actor, id));
    },

    /**
     * Starts a version made of complete uploads; the `refinery.ingest` job fills it.
     *
     * @example const { version, jobId } = await refinery.createVersion(steward, datasetId, { uploads: [uploadId] })
     */
    async createVersion(
      actor: Actor,
      datasetId: string,
      input: { uploads: string[] },
    ): Promise<{ version: DatasetVersion; jobId: string }> {
      const dataset = await visibleDataset(actor, datasetId);
      authorize(actor, 'refinery.edit', { orgId: dataset.org_id });
      if (input.uploads.length === 0) throw badRequest('A version needs at least one upload', [{ field: 'uploads', message: 'empty' }]);
      const rows = await uploads.completeUploadsOf(dataset.id, input.uploads);
      if (!(await repo.consumeUploads(rows.map((r) => r.id)))) throw conflict('One of these uploads was just used by another version');
      const now = clock.now();
      const version = await repo.insertVersion({
        id: uuidv7(now.getTime()),
        dataset_id: dataset.id,
        parent_version_id: null,
        origin: 'upload',
        recipe: JSON.stringify({ uploads: rows.map((r) => ({ id: r.id, fileName: r.file_name, blobKey: r.blob_key, size: r.length })) }),
        status: 'ingesting',
        error: null,
        file_count: 0,
        total_bytes: 0,
        manifest_sha256: null,
        created_by: actor.kind === 'user' ? actor.userId : null,
        created_at: now.toISOString(),
        finished_at: null,
      });
      const job = await queue.enqueue(INGEST_JOB, { versionId: version.id }, { idempotencyKey: `ingest:${version.id}` });
      return { version: toVersion(version), jobId: job.id };
    },

    /** A dataset's versions, newest first. */
    async listVersions(actor: Actor, datasetId: string): Promise<DatasetVersion[]> {
      const dataset = await visibleDataset(actor, datasetId);
      return withTasks(await repo.listVersions(dataset.id));
    },

    /** A version and its manifest (files only once it is ready). */
    async getVersion(actor: Actor, versionId: string): Promise<VersionManifest> {
      const { version } = await visibleVersion(actor, versionId);
      const files = version.status === 'ready' ? (await repo.listFiles(version.id)).map(toFile) : [];
      const [withState] = await withTasks([version]);
      return { ...withState!, files };
    },

    /**
     * One file of a ready version, by its manifest path, as stored (text in UTF-8 NFC) or as uploaded.
     * A path not in the manifest is not found; one with '..' is a bad request. Never a disk path.
     */
    async openFile(
      actor: Actor,
      versionId: string,
      filePath: string,
      options: { original?: boolean } = {},
    ): Promise<{ file: ManifestFile; body: Readable; size: number }> {
      const { version } = await visibleVersion(actor, versionId);
      const checked = checkedFilePath(filePath);
      if (version.status !== 'ready') throw new AppError('not_found', 'The version is not ready');
      const row = await repo.getFile(version.id, checked);
      if (!row) throw notFound(`The file ${JSON.stringify(checked)}`);
      const key = options.original && row.original_blob_key !== null ? row.original_blob_key : row.blob_key;
      const info = await blobs.stat(key);
      if (!info) throw new AppError('unavailable', 'The file is missing from the blob store');
      return { file: toFile(row), body: await blobs.get(key), size: info.size };
    },

    /**
     * The job's entry: ingests a version's uploads and marks it ready, or failed with the reason.
     * Idempotent: a version no longer ingesting is left alone. A refusal (a malicious archive, clashing
     * paths) fails the version at once; other errors are retried, and fail it on the last attempt.
     */
    async runIngest(
      versionId: string,
      ctx: { attempt: number; signal?: AbortSignal } = { attempt: INGEST_ATTEMPTS },
    ): Promise<{ status: string; error?: string }> {
      const version = await repo.getVersion(versionId);
      if (!version) return { status: 'missing' };
      if (version.status !== 'ingesting') return { status: version.status };
      const recipe = JSON.parse(version.recipe ?? '{}') as {
        uploads?: Array<{ id: string; fileName: string; blobKey: string; size: number }>;
      };
      const sources = recipe.uploads ?? [];
      try {
        const files = await ingest.ingest(
          version.id,
          sources.map((s) => ({ name: s.fileName, blobKey: s.blobKey, size: s.size })),
          ctx.signal,
        );
        await completeVersion(version, files);
        return { status: 'ready' };
      } catch (error) {
        const refused = error instanceof IngestRefusedError;
        if (!refused && ctx.attempt < INGEST_ATTEMPTS) throw error;
        const message = error instanceof Error ? error.message : String(error);
        await repo.failVersion(version.id, message, isoNow(clock));
        // The uploads can feed another try (once the problem is fixed, or with other uploads beside them).
        await repo.releaseUploads(sources.map((s) => s.id));
        return { status: 'failed', error: message };
      }
    },

    // ------------------------------------------------------------------------------------------
    // For the refinery's other engines (profile, quality, recipes), which run as jobs: no actor.

    /** A ready version's files, sorted by path (hand them to `ingest.materialize` to get them on disk). */
    async versionFiles(versionId: string): Promise<ManifestFile[]> {
      const version = await repo.getVersion(versionId);
      if (!version) throw notFound('The version');
      if (version.status !== 'ready') throw conflict(`Version ${version.number} is ${version.status}, not ready`);
      return (await repo.listFiles(versionId)).map(toFile);
    },

    /** A version row without the access check, for jobs. */
    async versionById(versionId: string): Promise<DatasetVersion | undefined> {
      const row = await repo.getVersion(versionId);
      return row && toVersion(row);
    },

    /** Keeps a report computed on a version (one per kind; a new one replaces the old). */
    async putReport(versionId: string, kind: string, body: unknown): Promise<void> {
      await repo.putReport({ version_id: versionId, kind, body: JSON.stringify(body), created_at: isoNow(clock) });
    },

    /** A version's report of one kind, if the actor may see the version. */
    async getReport(actor: Actor, versionId: string, kind: string): Promise<{ kind: string; body: unknown; createdAt: string }> {
      const { version } = await visibleVersion(actor, versionId);
      const row = await repo.getReport(version.id, kind);
      if (!row) throw notFound(`The ${kind} report`);
      return { kind: row.kind, body: JSON.parse(row.body) as unknown, createdAt: row.created_at };
    },

    /**
     * Records a version a recipe (or a de-identification run, `origin: 'deid'`) made from
     * `parentVersionId`: the files under `dir` are stored like uploads (text normalised, by content
     * hash) and the version is ready at once.
     */
    async createDerivedVersion(
      actor: Actor,
      input: {
        parentVersionId: string;
        recipe: unknown;
        dir: string;
        createdBy?: string | null;
        signal?: AbortSignal;
        origin?: Exclude<DatasetVersionRow['origin'], 'upload'>;
      },
    ): Promise<VersionManifest> {
      const { version: parent, dataset } = await visibleVersion(actor, input.parentVersionId);
      authorize(actor, 'refinery.edit', { orgId: dataset.org_id });
      const files = await ingest.ingestFolder(input.dir, input.signal);
      const now = clock.now();
      const version = await repo.insertVersion({
        id: uuidv7(now.getTime()),
        dataset_id: dataset.id,
        parent_version_id: parent.id,
        origin: input.origin ?? 'recipe',
        recipe: JSON.stringify(input.recipe ?? null),
        status: 'ingesting',
        error: null,
        file_count: 0,
        total_bytes: 0,
        manifest_sha256: null,
        created_by: input.createdBy !== undefined ? input.createdBy : actor.kind === 'user' ? actor.userId : null,
        created_at: now.toISOString(),
        finished_at: null,
      });
      await completeVersion(version, files);
      const ready = await repo.getVersion(version.id);
      return { ...toVersion(ready!), files: (await repo.listFiles(version.id)).map(toFile) };
    },
  };

  const analysis = createRefineryAnalysis({
    repo,
    queue,
    clock,
    engine: deps.analysis,
    visibleDataset,
    visibleVersion,
    versionFiles: base.versionFiles,
    putReport: base.putReport,
    createDerivedVersion: base.createDerivedVersion,
  });

  return { ...base, ...analysis };
}

export type RefineryService = ReturnType<typeof createRefineryService>;
