/**
 * Resumable uploads (tus 1.0.0: core, creation, termination, expiration) into a refinery dataset.
 * A client announces a file's length, then sends its bytes in as many PATCH requests as it needs,
 * each at the offset the server says it holds; a broken connection keeps the bytes that arrived.
 * The bytes wait in the UploadStaging port and, once all are there, move into the BlobStore (by
 * content hash). Only the dataset's organisation's stewards (and operators) may upload to it; to
 * anyone else an upload does not exist.
 *
 * Rules only; bytes through the UploadStaging and BlobStore ports, SQL through the repository.
 */
import { can, requireUser, type Actor } from '../../core/auth/policy.js';
import { isoNow, type Clock } from '../../core/clock.js';
import { AppError, badRequest, conflict, notFound, unauthenticated } from '../../core/errors.js';
import { uuidv7 } from '../../core/ids.js';
import type { BlobStore, UploadStaging } from '../../core/ports.js';
import type { RefineryRepository, UploadRow } from './refinery.repository.js';

export const TUS_VERSION = '1.0.0';
export const TUS_EXTENSIONS = ['creation', 'termination', 'expiration'] as const;
export const UPLOADS_PATH = '/api/v1/uploads';

export interface UploadServiceDeps {
  repo: RefineryRepository;
  staging: UploadStaging;
  blobs: BlobStore;
  clock: Clock;
  /** The largest Upload-Length accepted. */
  maxBytes: number;
  /** How long an upload lives after its creation. */
  expiryMs: number;
}

export interface UploadState {
  id: string;
  datasetId: string;
  fileName: string;
  length: number;
  offset: number;
  status: UploadRow['status'];
  expiresAt: string;
}

/**
 * Parses tus's Upload-Metadata: comma-separated `key base64value` pairs (a value may be absent).
 *
 * @example parseUploadMetadata('filename bW9rcm9rLmNzdg==,datasetId YWJj') // { filename: 'mokrok.csv', datasetId: 'abc' }
 */
export function parseUploadMetadata(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (header === undefined || header.trim() === '') return out;
  for (const pair of header.split(',')) {
    const [key, value, extra] = pair.trim().split(' ');
    if (!key || extra !== undefined || !/^[\x21-\x7e]+$/.test(key))
      throw badRequest('Upload-Metadata is not a list of "key base64value" pairs', [{ field: 'Upload-Metadata', message: 'malformed' }]);
    if (value !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
      throw badRequest(`Upload-Metadata ${key} is not base64`, [{ field: `Upload-Metadata.${key}`, message: 'not base64' }]);
    }
    out[key] = value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
  }
  return out;
}

const toState = (row: UploadRow): UploadState => ({
  id: row.id,
  datasetId: row.dataset_id,
  fileName: row.file_name,
  length: row.length,
  offset: row.received,
  status: row.status,
  expiresAt: row.expires_at,
});

export function createUploadService(deps: UploadServiceDeps) {
  const { repo, staging, blobs, clock } = deps;
  /** Uploads a request of this process is appending to now; a second PATCH at once is refused. */
  const appending = new Set<string>();

  /** The upload, if the actor may touch it and it has not expired; otherwise it does not exist (to them). */
  async function visibleUpload(actor: Actor, id: string): Promise<UploadRow> {
    if (actor.kind === 'anonymous') throw unauthenticated();
    const row = await repo.getUpload(id);
    if (!row || !can(actor, 'refinery.edit', { orgId: row.org_id })) throw notFound('The upload');
    if (row.expires_at <= isoNow(clock)) throw new AppError('not_found', 'The upload has expired; start it again');
    return row;
  }

  /** Moves the complete bytes from staging into the BlobStore, checking their length. */
  async function finish(row: UploadRow): Promise<UploadRow> {
    const { key, size } = await blobs.put(await staging.read(row.id), { maxBytes: row.length });
    if (size !== row.length) throw conflict(`The staged upload holds ${size} bytes, not ${row.length}; send it again`);
    await repo.completeUpload(row.id, key);
    await staging.remove(row.id);
    return { ...row, status: 'complete', blob_key: key };
  }

  return {
    maxBytes: deps.maxBytes,

    /**
     * Starts an upload of `length` bytes into a dataset (tus creation).
     *
     * @example await uploads.create(steward, { length: 1024, metadata: { filename: '목록.csv', datasetId } })
     */
    async create(actor: Actor, input: { length: number; metadata: Record<string, string> }): Promise<UploadState> {
      const user = actor.kind === 'system' ? undefined : requireUser(actor);
      if (!Number.isSafeInteger(input.length) || input.length < 0) {
        throw badRequest('Upload-Length must be a whole number of bytes', [
          { field: 'Upload-Length', message: 'not a non-negative integer' },
        ]);
      }
      if (input.length > deps.maxBytes) {
        throw new AppError('payload_too_large', `An upload may be at most ${deps.maxBytes} bytes, not ${input.length}`, {
          problems: [{ field: 'Upload-Length', message: `larger than ${deps.maxBytes}` }],
        });
      }
      const fileName = (input.metadata.filename ?? input.metadata.name ?? '').normalize('NFC').trim();
      const datasetId = input.metadata.datasetId ?? '';
      const problems = [
        ...(fileName === '' ? [{ field: 'Upload-Metadata.filename', message: 'required (base64 of the file name)' }] : []),
        ...(fileName.length > 1024 ? [{ field: 'Upload-Metadata.filename', message: 'longer than 1024 characters' }] : []),
        ...(datasetId === '' ? [{ field: 'Upload-Metadata.datasetId', message: 'required (base64 of the dataset id)' }] : []),
      ];
      if (problems.length > 0) throw badRequest('Upload-Metadata lacks what an upload needs', problems);
      const dataset = await repo.getDataset(datasetId);
      if (!dataset || !can(actor, 'refinery.read', { orgId: dataset.org_id })) throw notFound('The dataset');
      if (!can(actor, 'refinery.edit', { orgId: dataset.org_id }))
        throw new AppError('forbidden', "Only the dataset's organisation's stewards may upload to it");
      const now = clock.now();
      const row: UploadRow = {
        id: uuidv7(now.getTime()),
        org_id: dataset.org_id,
        dataset_id: dataset.id,
        created_by: user?.userId ?? null,
        file_name: fileName,
        length: input.length,
        received: 0,
        status: 'receiving',
        blob_key: null,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + deps.expiryMs).toISOString(),
      };
      await repo.insertUpload(row);
      if (input.length === 0) {
        const { key } = await blobs.put(new Uint8Array());
        await repo.completeUpload(row.id, key);
        return toState({ ...row, status: 'complete', blob_key: key });
      }
      return toState(row);
    },

    /** Where an upload stands (tus HEAD). */
    async status(actor: Actor, id: string): Promise<UploadState> {
      return toState(await visibleUpload(actor, id));
    },

    /**
     * Appends a request's body at `offset` (tus PATCH), which must be the offset the server holds.
     * The bytes that arrive are kept even when the body breaks off. Once the upload is whole, its
     * bytes go into the BlobStore.
     */
    async append(actor: Actor, id: string, offset: number, body: AsyncIterable<Uint8Array>, contentLength?: number): Promise<UploadState> {
      const row = await visibleUpload(actor, id);
      if (!Number.isSafeInteger(offset) || offset < 0)
        throw badRequest('Upload-Offset must be a whole number', [{ field: 'Upload-Offset', message: 'not a non-negative integer' }]);
      if (row.status !== 'receiving') throw conflict('This upload is complete already');
      if (offset !== row.received) throw conflict(`Upload-Offset is ${offset}, but the server holds ${row.received} bytes of this upload`);
      const remaining = row.length - row.received;
      if (contentLength !== undefined && contentLength > remaining) {
        throw new AppError('payload_too_large', `The request brings ${contentLength} bytes, but the upload lacks only ${remaining}`, {
          problems: [{ field: 'Content-Length', message: `more than the ${remaining} bytes left` }],
        });
      }
      if (appending.has(id)) throw conflict('Another request is sending bytes to this upload now; ask for its offset (HEAD) and try again');
      appending.add(id);
      try {
        const reached = await staging.append(id, offset, body, remaining);
        if (!(await repo.advanceUpload(id, offset, reached)))
          throw conflict('The upload changed while this request was sending bytes to it');
        const advanced: UploadRow = { ...row, received: reached };
        return toState(reached === row.length ? await finish(advanced) : advanced);
      } finally {
        appending.delete(id);
      }
    },

    /** Stops an upload and forgets its bytes (tus termination). */
    async terminate(actor: Actor, id: string): Promise<void> {
      const row = await visibleUpload(actor, id);
      if (row.status === 'consumed') throw conflict('This upload fed a version already and cannot be removed');
      if (appending.has(id)) throw conflict('A request is sending bytes to this upload now');
      await staging.remove(id);
      await repo.deleteUpload(id);
    },

    /**
     * Complete uploads of a dataset, for a new version: each must exist, belong to the dataset, be
     * whole and not expired. An upload whose bytes all arrived but were not yet moved is finished here.
     */
    async completeUploadsOf(datasetId: string, ids: readonly string[]): Promise<UploadRow[]> {
      const rows = new Map((await repo.getUploads(ids)).map((r) => [r.id, r]));
      const now = isoNow(clock);
      const out: UploadRow[] = [];
      const problems: Array<{ field: string; message: string }> = [];
      for (const [index, id] of ids.entries()) {
        const field = `uploads[${index}]`;
        const row = rows.get(id);
        if (!row || row.dataset_id !== datasetId) problems.push({ field, message: 'no such upload in this dataset' });
        else if (row.expires_at <= now) problems.push({ field, message: 'expired' });
        else if (row.status === 'consumed') problems.push({ field, message: 'already used by another version' });
        else if (row.status === 'receiving' && row.received < row.length)
          problems.push({ field, message: `incomplete (${row.received} of ${row.length} bytes)` });
        else out.push(row.status === 'receiving' ? await finish(row) : row);
      }
      if (new Set(ids).size !== ids.length) problems.push({ field: 'uploads', message: 'names an upload twice' });
      if (problems.length > 0)
        throw badRequest(`These uploads cannot make a version: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
      return out;
    },

    /** Forgets expired uploads and their staged bytes (a scheduled job); returns how many. */
    async removeExpired(): Promise<number> {
      let removed = 0;
      for (;;) {
        const batch = await repo.listExpiredUploads(isoNow(clock), 500);
        for (const row of batch) {
          if (appending.has(row.id)) continue;
          await staging.remove(row.id);
          await repo.deleteUpload(row.id);
          removed += 1;
        }
        if (batch.length < 500) return removed;
      }
    },
  };
}

export type UploadService = ReturnType<typeof createUploadService>;
