/**
 * `datadam get DATASET[@VERSION] [DIR] [--url URL] [--token TOKEN] [--json]`: downloads a release
 * from a datadam server into DIR (default: the current folder), file by file, resuming each from
 * its `.part` file with an HTTP Range request (If-Range on the file's SHA-256, so a changed file
 * starts over), verifying every file's SHA-256 before it takes its name. A file whose checksum does
 * not match is removed, and the command fails. DATASET is a release id or a refinery dataset id;
 * VERSION a semantic version (default: the dataset's latest published release).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { AppError, type ErrorCode } from '../core/errors.js';
import { printResult } from './output.js';
import { createProgress } from './progress.js';

export interface GetOptions {
  /** The server, e.g. http://localhost:8080. */
  url: string;
  token?: string | undefined;
  /** Where the files go (created if missing). */
  dir: string;
  signal?: AbortSignal;
  /** Called as bytes of a file arrive (for progress and tests). */
  onBytes?: (filePath: string, received: number, size: number) => void;
  /** Show progress bars on a terminal (stderr). */
  progress?: boolean;
}

export interface GetFileResult {
  path: string;
  size: number;
  sha256: string;
  /** downloaded: from the start; resumed: from a .part file; present: already there and verified. */
  status: 'downloaded' | 'resumed' | 'present';
  /** Bytes fetched over the network by this run. */
  fetched: number;
}

export interface GetSummary {
  releaseId: string;
  datasetId: string;
  semver: string;
  dir: string;
  files: GetFileResult[];
  fetchedBytes: number;
  totalBytes: number;
}

interface ReleaseFile {
  path: string;
  size: number;
  sha256: string;
}

interface ReleaseInfo {
  id: string;
  datasetId: string;
  semver: string;
  withdrawnAt?: string | null;
  downloadable?: boolean;
  notDownloadableReason?: { ko: string; en: string } | null;
  files: ReleaseFile[];
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'validation',
  429: 'rate_limited',
};

async function problem(response: Response, what: string): Promise<AppError> {
  let detail = '';
  try {
    const body = (await response.json()) as { detail?: string };
    detail = body.detail ?? '';
  } catch {
    // not a problem document
  }
  return new AppError(STATUS_CODES[response.status] ?? 'unavailable', `${what}: ${response.status}${detail ? ` ${detail}` : ''}`);
}

/** Splits `DATASET[@VERSION]` at its last `@`. */
export function parseSpec(spec: string): { id: string; version: string | undefined } {
  const at = spec.lastIndexOf('@');
  if (at <= 0) return { id: spec, version: undefined };
  return { id: spec.slice(0, at), version: spec.slice(at + 1) };
}

/** Compares semantic versions (x.y.z[-pre]); a pre-release sorts before its release. */
export function compareSemver(a: string, b: string): number {
  const split = (v: string) => {
    const [core = '', pre] = v.split(/-(.*)/s, 2);
    return { nums: core.split('.').map((n) => Number(n)), pre };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d !== 0) return d;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/** Where a release file goes under `dir`; refuses a path from the server that would land outside it. */
export function localPath(dir: string, filePath: string): string {
  const segments = filePath.split('/');
  if (filePath.startsWith('/') || filePath.includes('\\') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new AppError('bad_request', `The server named a file "${filePath}" that would land outside ${dir}: refused`);
  }
  const root = path.resolve(dir);
  const target = path.resolve(root, ...segments);
  if (!target.startsWith(root + path.sep)) throw new AppError('bad_request', `The file "${filePath}" would land outside ${dir}: refused`);
  return target;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

/**
 * Fetches a release into `options.dir`, resuming and verifying every file.
 *
 * @example
 * await getRelease('0193…@1.0.0', { url: 'http://localhost:8080', token: process.env.DATADAM_TOKEN, dir: './data' });
 */
export async function getRelease(spec: string, options: GetOptions): Promise<GetSummary> {
  const base = options.url.replace(/\/+$/, '');
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const call = (url: string, extra: Record<string, string> = {}) =>
    fetch(url, { headers: { ...headers, ...extra }, ...(options.signal ? { signal: options.signal } : {}) });
  const { id, version } = parseSpec(spec);
  if (id === '') throw new AppError('bad_request', 'Say which dataset or release: DATASET[@VERSION]');

  let release: ReleaseInfo | undefined;
  const direct = await call(`${base}/api/v1/releases/${encodeURIComponent(id)}`);
  if (direct.ok) {
    release = (await direct.json()) as ReleaseInfo;
    if (version !== undefined && release.semver !== version) {
      throw new AppError('not_found', `Release ${id} is version ${release.semver}, not ${version}`);
    }
  } else if (direct.status === 404) {
    const listed = await call(`${base}/api/v1/datasets/${encodeURIComponent(id)}/releases`);
    if (!listed.ok) throw await problem(listed, `No release or dataset "${id}"`);
    const items = ((await listed.json()) as { items: ReleaseInfo[] }).items.filter((r) => !r.withdrawnAt);
    const chosen =
      version !== undefined
        ? items.find((r) => r.semver === version)
        : ([...items].sort((a, b) => compareSemver(b.semver, a.semver)).find((r) => !r.semver.includes('-')) ??
          [...items].sort((a, b) => compareSemver(b.semver, a.semver))[0]);
    if (!chosen) throw new AppError('not_found', `Dataset ${id} has no published release${version ? ` ${version}` : ''}`);
    const detail = await call(`${base}/api/v1/releases/${encodeURIComponent(chosen.id)}`);
    if (!detail.ok) throw await problem(detail, `Release ${chosen.id}`);
    release = (await detail.json()) as ReleaseInfo;
  } else {
    throw await problem(direct, `Release ${id}`);
  }
  if (release.downloadable === false) {
    throw new AppError(
      'forbidden',
      `Release ${release.semver} cannot be downloaded: ${release.notDownloadableReason?.en ?? 'not downloadable'}`,
    );
  }

  await mkdir(options.dir, { recursive: true });
  const results: GetFileResult[] = [];
  for (const file of release.files) {
    const target = localPath(options.dir, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    if ((await sizeOf(target)) === file.size && (await sha256File(target)) === file.sha256) {
      results.push({ path: file.path, size: file.size, sha256: file.sha256, status: 'present', fetched: 0 });
      continue;
    }
    const part = `${target}.part`;
    let offset = (await sizeOf(part)) ?? 0;
    if (offset > file.size) {
      await truncate(part, 0);
      offset = 0;
    }
    const resumed = offset > 0;
    let fetched = 0;
    if (offset < file.size) {
      const url = `${base}/api/v1/releases/${encodeURIComponent(release.id)}/files/${file.path.split('/').map(encodeURIComponent).join('/')}`;
      const response = await call(url, resumed ? { range: `bytes=${offset}-`, 'if-range': `"${file.sha256}"` } : {});
      if (response.status === 200) offset = 0;
      else if (response.status !== 206) throw await problem(response, `Downloading ${file.path}`);
      if (!response.body) throw new AppError('unavailable', `Downloading ${file.path}: no body`);
      const progress = options.progress ? createProgress(file.path, file.size) : undefined;
      let received = offset;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          received += chunk.length;
          fetched += chunk.length;
          progress?.update(received);
          options.onBytes?.(file.path, received, file.size);
          callback(null, chunk);
        },
      });
      try {
        await pipeline(Readable.fromWeb(response.body as never), counter, createWriteStream(part, { flags: offset === 0 ? 'w' : 'a' }));
      } finally {
        progress?.finish();
      }
    }
    const digest = await sha256File(part);
    if (digest !== file.sha256) {
      await rm(part, { force: true });
      throw new AppError(
        'conflict',
        `${file.path}: SHA-256 ${digest} is not the release's ${file.sha256}; the file was removed, run again to fetch it anew`,
      );
    }
    await rename(part, target);
    results.push({ path: file.path, size: file.size, sha256: file.sha256, status: resumed ? 'resumed' : 'downloaded', fetched });
  }
  return {
    releaseId: release.id,
    datasetId: release.datasetId,
    semver: release.semver,
    dir: path.resolve(options.dir),
    files: results,
    fetchedBytes: results.reduce((s, f) => s + f.fetched, 0),
    totalBytes: results.reduce((s, f) => s + f.size, 0),
  };
}

type Action = <A extends unknown[]>(body: (...args: A) => Promise<void>) => (...args: A) => Promise<void>;

export function registerGetCommand(program: Command, { action }: { action: Action }): void {
  program
    .command('get')
    .description('download a release from a datadam server, resuming and verifying every SHA-256')
    .argument('<dataset>', 'DATASET[@VERSION]: a release id, or a refinery dataset id with an optional semantic version (default: latest)')
    .argument('[dir]', 'where to put the files', '.')
    .option('--url <url>', 'the server (default DATADAM_URL or http://localhost:8080)')
    .option('--token <token>', 'an API token (default DATADAM_TOKEN)')
    .option('--json', 'print one JSON document for machines')
    .action(
      action(async (spec: string, dir: string, options: { url?: string; token?: string; json?: boolean }) => {
        const summary = await getRelease(spec, {
          url: options.url ?? process.env.DATADAM_URL ?? 'http://localhost:8080',
          token: options.token ?? process.env.DATADAM_TOKEN,
          dir,
          progress: !options.json,
        });
        printResult(options, summary, () =>
          [
            `Release ${summary.semver} (${summary.releaseId}) in ${summary.dir}: ${summary.files.length} files, ${summary.totalBytes.toLocaleString('en-US')} bytes, every SHA-256 verified`,
            ...summary.files.map((f) => `  ${f.status.padEnd(10)} ${f.path}`),
          ].join('\n'),
        );
      }),
    );
}

/** Whether a folder already has a partial download of a release file (for tests and scripts). */
export function hasPart(dir: string, filePath: string): boolean {
  return existsSync(`${localPath(dir, filePath)}.part`);
}
