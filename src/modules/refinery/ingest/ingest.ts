/**
 * The ingest engine: turns uploaded files into the files of a dataset version. Archives are
 * unpacked safely (./archive.ts) into a scratch folder first, so that every refusal comes before
 * anything is stored; then each file's format is found from its content, text files (CSV, TSV,
 * JSON, JSONL, plain text) are stored as UTF-8 in NFC with the bytes as uploaded kept beside them
 * when those differ, and every file goes into the BlobStore by the SHA-256 of its content, so a
 * file that several versions hold is stored once.
 *
 * It works on disk (the scratch folder) and through the BlobStore port; the refinery service
 * decides when to run it and records what it made.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import type { BlobStore } from '../../../core/ports.js';
import { decodeStream } from '../../shared/encoding.js';
import { DETECT_HEAD_BYTES, detectFormat, type FileFormat } from '../profile/detect.js';
import { ArchiveRefusedError, safeEntryPath, unpackArchive, type ArchiveKind, type ArchiveLimits } from './archive.js';

/** Formats stored as UTF-8 NFC text. */
export const TEXT_FORMATS: ReadonlySet<FileFormat> = new Set<FileFormat>(['csv', 'tsv', 'jsonl', 'json', 'text']);

/** An uploaded file, in the BlobStore as it arrived. */
export interface IngestSource {
  /** The name the client gave it (checked like an archive entry's). */
  name: string;
  blobKey: string;
  size: number;
}

/** A file of a version, as the manifest lists it. */
export interface IngestedFile {
  /** Relative, '/'-separated, NFC. */
  path: string;
  /** SHA-256 of the stored bytes. */
  blobKey: string;
  size: number;
  format: FileFormat;
  mediaType: string;
  /** The encoding a text file was uploaded in ('cp949', 'utf-8', …); null for other files. */
  encoding: string | null;
  /** The bytes as uploaded, when the stored ones differ (text normalised to UTF-8 NFC). */
  originalBlobKey: string | null;
}

/** Why an ingest cannot succeed however often it is tried: it names the upload, entry or file. */
export class IngestRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestRefusedError';
  }
}

export interface IngestEngineOptions {
  blobs: BlobStore;
  /** A folder of the engine's own for scratch work; each run uses (and removes) a subfolder. */
  workDir: string;
  limits: ArchiveLimits;
}

/** One file to store: from the BlobStore (an upload as it came) or from the scratch folder (unpacked). */
type Planned = { path: string; from: string } & ({ kind: 'blob'; blobKey: string; size: number } | { kind: 'local'; file: string });

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function* utf8(text: AsyncIterable<string>): AsyncGenerator<Uint8Array> {
  for await (const piece of text) yield Buffer.from(piece, 'utf8');
}

async function readLocalHead(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(DETECT_HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** What kind of archive the engine unpacks, or undefined to keep the file as it is (7z, bzip2, a lone .gz …). */
function archiveKindOf(mediaType: string, name: string, head: Uint8Array): ArchiveKind | undefined {
  if (mediaType === 'application/zip') return 'zip';
  if (mediaType === 'application/x-tar') return 'tar';
  if (mediaType !== 'application/gzip') return undefined;
  if (/\.(tar\.gz|tgz)$/i.test(name)) return 'tar.gz';
  try {
    // A partial gunzip of the head is enough to see a tar header's magic at byte 257.
    const inner = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    return inner.subarray(257, 262).toString('latin1') === 'ustar' ? 'tar.gz' : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The ingest engine.
 *
 * @example
 * const engine = createIngestEngine({ blobs, workDir: '/var/lib/datadam/work/refinery', limits });
 * const files = await engine.ingest(versionId, [{ name: 'data.zip', blobKey, size }]);
 */
export function createIngestEngine(options: IngestEngineOptions) {
  const { blobs, limits } = options;
  const workDir = path.resolve(options.workDir);

  async function headOfBlob(key: string, size: number): Promise<Uint8Array> {
    if (size === 0) return new Uint8Array();
    return readAll(await blobs.get(key, { start: 0, end: Math.min(size, DETECT_HEAD_BYTES) - 1 }));
  }

  /** Stores one planned file, normalising text; the original bytes are stored too when they differ. */
  async function store(planned: Planned): Promise<IngestedFile> {
    const head = planned.kind === 'blob' ? await headOfBlob(planned.blobKey, planned.size) : await readLocalHead(planned.file);
    const open = async (): Promise<Readable> => (planned.kind === 'blob' ? blobs.get(planned.blobKey) : createReadStream(planned.file));
    const baseName = planned.path.slice(planned.path.lastIndexOf('/') + 1);
    const { format, mediaType } = detectFormat(head, baseName);
    const original = planned.kind === 'blob' ? { key: planned.blobKey, size: planned.size } : await blobs.put(await open());
    if (!TEXT_FORMATS.has(format)) {
      return { path: planned.path, blobKey: original.key, size: original.size, format, mediaType, encoding: null, originalBlobKey: null };
    }
    const decoded = decodeStream(await open());
    const normalised = await blobs.put(utf8(decoded.text));
    const encoding = await decoded.encoding;
    return {
      path: planned.path,
      blobKey: normalised.key,
      size: normalised.size,
      format,
      mediaType,
      encoding,
      originalBlobKey: normalised.key === original.key ? null : original.key,
    };
  }

  /** Unpacks the archives and lists every file to store; all refusals happen here, before anything is stored. */
  async function plan(scratch: string, sources: readonly IngestSource[], signal?: AbortSignal): Promise<Planned[]> {
    const planned: Planned[] = [];
    for (const [index, source] of sources.entries()) {
      signal?.throwIfAborted();
      let name: string;
      try {
        name = safeEntryPath(source.name);
      } catch (error) {
        throw new IngestRefusedError(
          `upload ${JSON.stringify(source.name)}: ${(error as ArchiveRefusedError).message.replace(/^archive entry "[^"]*": /, '')}`,
        );
      }
      if (name === '') throw new IngestRefusedError(`upload ${JSON.stringify(source.name)}: the file name is empty`);
      const head = await headOfBlob(source.blobKey, source.size);
      const kind = archiveKindOf(detectFormat(head, name).mediaType, name, head);
      if (kind === undefined) {
        planned.push({ kind: 'blob', path: name, from: source.name, blobKey: source.blobKey, size: source.size });
        continue;
      }
      // yauzl reads a zip from a file (its directory is at the end), so the archive is copied out of the store first.
      const archiveFile = path.join(scratch, `upload-${index}`);
      const handle = await open(archiveFile, 'wx', 0o600);
      try {
        for await (const chunk of await blobs.get(source.blobKey)) await handle.write(chunk as Uint8Array);
      } finally {
        await handle.close();
      }
      const unpackedTo = path.join(scratch, `files-${index}`);
      try {
        const files = await unpackArchive(archiveFile, kind, unpackedTo, limits);
        for (const file of files) {
          planned.push({
            kind: 'local',
            path: file.path,
            from: `${source.name}: ${file.path}`,
            file: path.join(unpackedTo, ...file.path.split('/')),
          });
        }
      } catch (error) {
        if (error instanceof ArchiveRefusedError) throw new IngestRefusedError(`upload ${JSON.stringify(source.name)}: ${error.message}`);
        throw error;
      } finally {
        await rm(archiveFile, { force: true });
      }
    }
    planned.sort((a, b) => compareText(a.path, b.path));
    for (let i = 1; i < planned.length; i++) {
      if (planned[i]!.path === planned[i - 1]!.path) {
        throw new IngestRefusedError(
          `two files would have the path ${JSON.stringify(planned[i]!.path)} (from ${planned[i - 1]!.from} and from ${planned[i]!.from})`,
        );
      }
    }
    return planned;
  }

  return {
    /**
     * Ingests uploads into files for a version, sorted by path. `runId` names the scratch subfolder
     * (the version id), which is emptied first and removed at the end whatever happens.
     * Throws IngestRefusedError for what no retry can fix (a refused archive, clashing paths).
     */
    async ingest(runId: string, sources: readonly IngestSource[], signal?: AbortSignal): Promise<IngestedFile[]> {
      const scratch = path.join(workDir, safeRunId(runId));
      await rm(scratch, { recursive: true, force: true });
      await mkdir(scratch, { recursive: true });
      try {
        const planned = await plan(scratch, sources, signal);
        const files: IngestedFile[] = [];
        for (const item of planned) {
          signal?.throwIfAborted();
          files.push(await store(item));
        }
        return files;
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },

    /**
     * Stores every file under `dir` (a recipe's output, say) the way uploads are stored; sorted by
     * path. Links and special files in `dir` are refused.
     */
    async ingestFolder(dir: string, signal?: AbortSignal): Promise<IngestedFile[]> {
      const root = path.resolve(dir);
      const planned: Planned[] = [];
      for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
        const full = path.join(entry.parentPath, entry.name);
        const relative = path.relative(root, full).split(path.sep).join('/');
        if (entry.isDirectory()) continue;
        if (!entry.isFile())
          throw new IngestRefusedError(`${JSON.stringify(relative)} is not a regular file (links and special files are refused)`);
        planned.push({ kind: 'local', path: safeEntryPath(relative), from: relative, file: full });
      }
      planned.sort((a, b) => compareText(a.path, b.path));
      const files: IngestedFile[] = [];
      for (const item of planned) {
        signal?.throwIfAborted();
        files.push(await store(item));
      }
      return files;
    },

    /**
     * Writes a version's files into `dir` (created if missing) at their manifest paths, for engines
     * that read files from disk (DuckDB). Paths are checked again, so a row can never write outside `dir`.
     *
     * @example await engine.materialize(await refinery.versionFiles(versionId), '/tmp/work/v1')
     */
    async materialize(
      files: ReadonlyArray<{ path: string; blobKey: string }>,
      dir: string,
      options: { original?: boolean } = {},
    ): Promise<string[]> {
      const root = path.resolve(dir);
      await mkdir(root, { recursive: true });
      const written: string[] = [];
      for (const file of files) {
        const relative = safeEntryPath(file.path);
        const target = path.resolve(root, ...relative.split('/'));
        if (!target.startsWith(root + path.sep)) throw new IngestRefusedError(`${JSON.stringify(file.path)} resolves outside the folder`);
        await mkdir(path.dirname(target), { recursive: true });
        const key =
          options.original && 'originalBlobKey' in file && typeof file.originalBlobKey === 'string' ? file.originalBlobKey : file.blobKey;
        const handle = await open(target, 'w', 0o600);
        try {
          for await (const chunk of await blobs.get(key)) await handle.write(chunk as Uint8Array);
        } finally {
          await handle.close();
        }
        written.push(target);
      }
      return written;
    },
  };
}

function safeRunId(runId: string): string {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(runId)) throw new Error(`An ingest run id is letters, digits, - and _, not ${JSON.stringify(runId)}`);
  return runId;
}

export type IngestEngine = ReturnType<typeof createIngestEngine>;
