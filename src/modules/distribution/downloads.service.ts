/**
 * Downloads of released files (issue 8, point 3) and the usage events they produce (point 4).
 *
 * A file is named by its path inside the release and found in `release_files` only; the bytes come
 * from the blob store by key, never from a path on disk. The caller's right to the release is
 * checked (access.service.ts) before any file is looked up, so refused callers learn nothing about
 * the files. Rules and pure helpers (the path check, the HTTP Range decision); the HTTP shape lives
 * in downloads.routes.ts.
 */
import { PassThrough, type Readable } from 'node:stream';
import * as tarStream from 'tar-stream';
import type { Actor } from '../../core/auth/policy.js';
import type { Clock } from '../../core/clock.js';
import { AppError, notFound } from '../../core/errors.js';
import type { BlobStore, UsageEventInput, UsageRecorder } from '../../core/ports.js';
import type { AccessRepository } from './access.repository.js';
import type { AccessService, DownloadAuthority } from './access.service.js';
import type { ReleaseFileRow, ReleaseRow } from './distribution.tables.js';

// ------------------------------------------------------------------------------------------------
// Pure helpers

const MAX_PATH_LENGTH = 1024;

function badPath(message: string): AppError {
  return new AppError('bad_request', `The file path ${message}`, { problems: [{ field: 'path', message }] });
}

/**
 * Checks a file path taken from a URL (already percent-decoded once) and returns it in NFC. Refuses
 * what could only be an attempt to escape: `..` or `.` segments, empty segments, an absolute path,
 * a drive letter, a backslash, NUL or other control characters, and percent-encoding left after
 * decoding (double encoding). The path is then only ever compared with `release_files.path`.
 *
 * @example releasePath('data/train-00000-of-00001.parquet') // 'data/train-00000-of-00001.parquet'
 * @example releasePath('../../etc/passwd') // throws AppError('bad_request')
 */
export function releasePath(raw: string): string {
  if (raw.length === 0) throw badPath('is empty');
  if (raw.length > MAX_PATH_LENGTH) throw badPath(`is longer than ${MAX_PATH_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw badPath('contains a control character');
  if (raw.includes('\\')) throw badPath('contains a backslash');
  if (raw.startsWith('/')) throw badPath('is absolute');
  if (/^[A-Za-z]:/.test(raw)) throw badPath('starts with a drive letter');
  if (/%[0-9A-Fa-f]{2}/.test(raw)) throw badPath('is still percent-encoded after decoding');
  for (const segment of raw.split('/')) {
    if (segment === '') throw badPath('has an empty segment');
    if (segment === '.' || segment === '..') throw badPath('has a "." or ".." segment');
  }
  return raw.normalize('NFC');
}

export type RangeDecision = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * What to serve for a `Range` header (RFC 9110 §14) on a representation of `size` bytes with the
 * strong validator `etag`: one range (`bytes=a-b`, `bytes=a-`, `bytes=-n`), or the whole. Several
 * ranges, other units and malformed headers are ignored (the whole is served), as the RFC allows;
 * an `If-Range` that is not this ETag (a date, a weak or another tag) also serves the whole.
 *
 * @example decideRange('bytes=10-', 100, undefined, '"ab"') // { kind: 'partial', start: 10, end: 99 }
 * @example decideRange('bytes=100-', 100, undefined, '"ab"') // { kind: 'unsatisfiable' }
 */
export function decideRange(header: string | undefined, size: number, ifRange: string | undefined, etag: string): RangeDecision {
  if (header === undefined) return { kind: 'full' };
  if (ifRange !== undefined && ifRange.trim() !== etag) return { kind: 'full' };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return { kind: 'full' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: 'partial', start, end };
}

/** The `SHA256SUMS` text of a release's files, as `sha256sum -c` reads it. */
export function sha256Sums(files: readonly Pick<ReleaseFileRow, 'path' | 'sha256'>[]): string {
  return files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
}

// ------------------------------------------------------------------------------------------------

/** A tabular file's first rows, or a text file's first characters. */
export type Preview =
  | { kind: 'table'; path: string; format: string; columns: { name: string; type: string }[]; rows: Record<string, unknown>[] }
  | { kind: 'text'; path: string; format: string; text: string; truncated: boolean };

/** Reads the start of a released file for a preview (an engine with DuckDB and scratch space; see preview.ts). */
export type Previewer = (file: ReleaseFileRow) => Promise<Preview>;

export interface DownloadsServiceDeps {
  repo: AccessRepository;
  access: AccessService;
  blobs: BlobStore;
  usage: UsageRecorder;
  clock: Clock;
  previewer?: Previewer;
  /** How long a presigned URL lives (S3). */
  presignSeconds?: number;
}

export interface ResolvedFile {
  release: ReleaseRow;
  file: ReleaseFileRow;
  authority: DownloadAuthority;
}

export function createDownloadsService(deps: DownloadsServiceDeps) {
  const { repo, access, blobs, usage, clock } = deps;
  const presignSeconds = deps.presignSeconds ?? 300;

  async function authorizedRelease(actor: Actor, releaseId: string): Promise<{ release: ReleaseRow; authority: DownloadAuthority }> {
    const release = await repo.getRelease(releaseId);
    if (!release) throw notFound('Release');
    return { release, authority: await access.authorizeDownload(actor, release) };
  }

  return {
    /** The path is checked first, then the caller's right to the release, then the file is looked up in the release. */
    async resolveFile(actor: Actor, releaseId: string, rawPath: string): Promise<ResolvedFile> {
      const filePath = releasePath(rawPath);
      const { release, authority } = await authorizedRelease(actor, releaseId);
      const file = await repo.getReleaseFile(release.id, filePath);
      if (!file) throw notFound(`File "${filePath}" of the release`);
      return { release, file, authority };
    },

    /** The bytes of a resolved file, whole or one range (inclusive). */
    open(file: ReleaseFileRow, range?: { start: number; end: number }): Promise<Readable> {
      return blobs.get(file.blob_key, range);
    },

    /** A short-lived URL the client fetches straight from the store, when the store can make one. */
    async presignedUrl(file: ReleaseFileRow): Promise<string | undefined> {
      if (!blobs.capabilities.presignedUrls || !blobs.presignGet) return undefined;
      return blobs.presignGet(file.blob_key, { expiresInSeconds: presignSeconds, fileName: file.path.split('/').pop() ?? file.path });
    },

    /**
     * The whole release as a tar stream (no temp file): `SHA256SUMS` first, then every file in path
     * order, each streamed from the blob store in turn.
     */
    async archive(
      actor: Actor,
      releaseId: string,
    ): Promise<{ release: ReleaseRow; authority: DownloadAuthority; files: ReleaseFileRow[]; stream: Readable }> {
      const { release, authority } = await authorizedRelease(actor, releaseId);
      const files = await repo.listReleaseFiles(release.id);
      const mtime = new Date(release.created_at);
      const tar = tarStream.pack();
      const out = new PassThrough();
      tar.pipe(out);
      const fill = async () => {
        tar.entry({ name: 'SHA256SUMS', mtime, mode: 0o644 }, sha256Sums(files));
        for (const file of files) {
          const source = await blobs.get(file.blob_key);
          await new Promise<void>((resolve, reject) => {
            const entry = tar.entry({ name: file.path, size: file.size, mtime, mode: 0o644 }, (error) =>
              error ? reject(error) : resolve(),
            );
            source.on('error', (error) => {
              entry.destroy(error);
              reject(error);
            });
            source.pipe(entry);
          });
        }
        tar.finalize();
      };
      // Errors (a blob gone missing, the client leaving) end the stream with an error: the reply is cut short and nothing is recorded.
      fill().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
      out.on('close', () => {
        if (!out.readableEnded) tar.destroy();
      });
      return { release, authority, files, stream: out };
    },

    /** The first rows of a tabular file or the first characters of a text file, where the tier allows a download. */
    async preview(actor: Actor, releaseId: string, rawPath: string): Promise<Preview> {
      const filePath = releasePath(rawPath);
      const { release } = await authorizedRelease(actor, releaseId);
      const file = await repo.getReleaseFile(release.id, filePath);
      if (!file) throw notFound(`File "${filePath}" of the release`);
      if (!deps.previewer) throw new AppError('unavailable', 'Previews are not available on this server');
      return deps.previewer(file);
    },

    /** Records one completed download, range or archive through the usage port (exactly once per key). */
    async recordUsage(
      event: Omit<UsageEventInput, 'unit' | 'occurredAt'> & { occurredAt?: string },
    ): Promise<{ seq: number; duplicate: boolean }> {
      return usage.record({ ...event, unit: 'bytes', occurredAt: event.occurredAt ?? clock.now().toISOString() });
    },
  };
}

export type DownloadsService = ReturnType<typeof createDownloadsService>;
