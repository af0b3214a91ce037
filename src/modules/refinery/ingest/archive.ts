/**
 * Safe unpacking of uploaded archives (zip, tar, tar.gz) into a fresh workspace folder.
 *
 * Archives come from outside, so every entry is distrusted: its name is checked before anything is
 * written (no absolute paths, drive letters, `..`, backslashes, NUL or control characters), links of
 * any kind (symbolic and hard) and device, FIFO and socket entries are refused rather than skipped,
 * and the bytes are counted as they inflate — never trusting the sizes the headers declare — against
 * a limit on the total, and on each entry's ratio to its compressed size (zip bombs). An archive
 * inside the archive is kept as a file, not unpacked in turn. On any refusal the destination folder
 * is removed with whatever was written into it, and nothing is ever written outside it.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tarStream from 'tar-stream';
import yauzl from 'yauzl';
import { Cp949Decoder } from '../../shared/encoding.js';

export type ArchiveKind = 'zip' | 'tar' | 'tar.gz';

export interface ArchiveLimits {
  /** Entries (files and folders) at most; default 100 000. */
  maxEntries: number;
  /** Bytes all entries may inflate to together; default 20 GiB. */
  maxTotalBytes: number;
  /** How many times its compressed size an entry may inflate to (a tar.gz: the whole stream); default 100. */
  maxRatio: number;
  /**
   * An entry may always inflate to this many bytes whatever its ratio, so that a tiny file of
   * repeated characters is not taken for a bomb; default 64 KiB (tests set 0).
   */
  ratioFloorBytes?: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 100_000,
  maxTotalBytes: 20 * 1024 * 1024 * 1024,
  maxRatio: 100,
  ratioFloorBytes: 64 * 1024,
};

/** An archive that was refused, naming the entry that made it so when there is one. */
export class ArchiveRefusedError extends Error {
  constructor(
    message: string,
    readonly entry?: string,
  ) {
    super(entry === undefined ? message : `archive entry ${JSON.stringify(entry)}: ${message}`);
    this.name = 'ArchiveRefusedError';
  }
}

export interface UnpackedFile {
  /** Relative, '/'-separated, NFC. */
  path: string;
  size: number;
}

const MAX_PATH_CHARS = 1024;
const MAX_SEGMENT_BYTES = 255;

/**
 * The relative path an archive entry may be written to, '/'-separated and NFC, or throws
 * ArchiveRefusedError saying why not. `.` and empty segments are dropped (`./a//b` is `a/b`);
 * an entry naming the root itself gives ''.
 *
 * @example safeEntryPath('./data/목록.csv') // 'data/목록.csv'
 * @example safeEntryPath('../../evil.txt') // throws: a '..' segment
 */
export function safeEntryPath(name: string): string {
  const refuse = (why: string): never => {
    throw new ArchiveRefusedError(why, name);
  };
  if (name.includes('\0')) refuse('the name holds a NUL byte');
  if (name.includes('\\')) refuse('the name holds a backslash (a Windows path separator that could hide a ".." or an absolute path)');
  if ([...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) refuse('the name holds a control character');
  if (name.startsWith('/')) refuse('the name is an absolute path');
  if (/^[A-Za-z]:/.test(name)) refuse('the name starts with a drive letter');
  const segments = name
    .normalize('NFC')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) refuse("the name has a '..' segment, which would climb out of the folder");
  for (const segment of segments) {
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) refuse(`a name segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
  }
  const joined = segments.join('/');
  if (joined.length > MAX_PATH_CHARS) refuse(`the name is longer than ${MAX_PATH_CHARS} characters`);
  return joined;
}

/** A zip entry's name: UTF-8 when flagged (or when it is valid UTF-8), else CP949 (Korean Windows zips). */
function zipEntryName(raw: Buffer, flags: number): string {
  if ((flags & 0x800) !== 0) return raw.toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return new Cp949Decoder().decode(raw);
  }
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

function describeMode(type: number): string {
  switch (type) {
    case S_IFLNK:
      return 'a symbolic link';
    case 0o020000:
      return 'a character device';
    case 0o060000:
      return 'a block device';
    case 0o010000:
      return 'a FIFO';
    case 0o140000:
      return 'a socket';
    default:
      return `a special file (mode ${type.toString(8)})`;
  }
}

/** Counts bytes as they pass and stops the stream as soon as `check` throws. */
class ByteCounter extends Transform {
  bytes = 0;
  constructor(private readonly check: (bytes: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    try {
      this.check(this.bytes);
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback(null, chunk);
  }
}

/** What an unpacking run shares between entries: the limits, the running totals, and where to write. */
class Unpacker {
  entries = 0;
  totalBytes = 0;
  readonly files: UnpackedFile[] = [];
  private readonly seen = new Set<string>();

  constructor(
    readonly destination: string,
    readonly limits: ArchiveLimits,
  ) {}

  /** Counts an entry against the limit and returns its checked path ('' for the root itself). */
  admit(name: string): string {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw new ArchiveRefusedError(`the archive holds more than ${this.limits.maxEntries} entries`);
    }
    return safeEntryPath(name);
  }

  /** The absolute path of a checked relative path; a second lock behind `safeEntryPath`. */
  target(relative: string, name: string): string {
    const full = path.resolve(this.destination, ...relative.split('/'));
    if (!full.startsWith(this.destination + path.sep)) throw new ArchiveRefusedError('the name resolves outside the folder', name);
    return full;
  }

  async directory(relative: string, name: string): Promise<void> {
    if (relative === '') return;
    try {
      await mkdir(this.target(relative, name), { recursive: true });
    } catch (error) {
      throw new ArchiveRefusedError(`the folder could not be made (${(error as Error).message})`, name);
    }
  }

  /**
   * Writes one file entry, counting its bytes as they inflate. `compressedSize` (when the format
   * has one per entry) bounds the ratio.
   */
  async file(relative: string, name: string, body: Readable, compressedSize: number | undefined): Promise<void> {
    if (relative === '') throw new ArchiveRefusedError('a file entry names the root folder', name);
    const key = relative.toLowerCase();
    if (this.seen.has(key)) throw new ArchiveRefusedError('the archive holds this path twice (differing at most in letter case)', name);
    this.seen.add(key);
    const target = this.target(relative, name);
    await mkdir(path.dirname(target), { recursive: true }).catch((error: unknown) => {
      throw new ArchiveRefusedError(`its folder could not be made (${(error as Error).message})`, name);
    });
    const before = this.totalBytes;
    const floor = this.limits.ratioFloorBytes ?? DEFAULT_ARCHIVE_LIMITS.ratioFloorBytes ?? 0;
    const counter = new ByteCounter((bytes) => {
      this.totalBytes = before + bytes;
      if (this.totalBytes > this.limits.maxTotalBytes) {
        throw new ArchiveRefusedError(`the archive inflates to more than ${this.limits.maxTotalBytes} bytes`, name);
      }
      if (compressedSize !== undefined && bytes > Math.max(compressedSize * this.limits.maxRatio, floor)) {
        throw new ArchiveRefusedError(
          `it inflates to more than ${this.limits.maxRatio} times its compressed size of ${compressedSize} bytes (a zip bomb?)`,
          name,
        );
      }
    });
    try {
      // 'wx': an entry never overwrites anything, so it cannot replace a file an earlier entry wrote.
      await pipeline(body, counter, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
    } catch (error) {
      if (error instanceof ArchiveRefusedError) throw error;
      throw new ArchiveRefusedError(`it could not be read or written (${(error as Error).message})`, name);
    }
    this.files.push({ path: relative, size: counter.bytes });
  }
}

/**
 * Unpacks `archiveFile` into `destination`, which must not exist yet (it is created, and removed
 * again on failure). Resolves with the files written, sorted by path.
 *
 * @example
 * const files = await unpackArchive('/work/v1/upload.zip', 'zip', '/work/v1/files', DEFAULT_ARCHIVE_LIMITS);
 * // [{ path: 'data/목록.csv', size: 1234 }, …]
 */
export async function unpackArchive(
  archiveFile: string,
  kind: ArchiveKind,
  destination: string,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<UnpackedFile[]> {
  const root = path.resolve(destination);
  await mkdir(path.dirname(root), { recursive: true });
  await mkdir(root); // throws when it exists: unpacking never mixes with what was there
  const unpacker = new Unpacker(root, limits);
  try {
    if (kind === 'zip') await unpackZip(archiveFile, unpacker);
    else await unpackTar(archiveFile, kind === 'tar.gz', unpacker);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    if (error instanceof ArchiveRefusedError) throw error;
    throw new ArchiveRefusedError(`the ${kind} archive could not be read: ${(error as Error).message}`);
  }
  return unpacker.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // Names are decoded and checked here (yauzl would silently turn backslashes into slashes);
    // validateEntrySizes makes yauzl fail an entry whose bytes differ from its declared size.
    yauzl.open(file, { lazyEntries: true, autoClose: true, decodeStrings: false, validateEntrySizes: true }, (error, zip) =>
      error ? reject(error) : resolve(zip),
    );
  });
}

async function unpackZip(file: string, unpacker: Unpacker): Promise<void> {
  const zip = await openZip(file);
  try {
    if (zip.entryCount > unpacker.limits.maxEntries) {
      throw new ArchiveRefusedError(`the archive holds ${zip.entryCount} entries, more than ${unpacker.limits.maxEntries}`);
    }
    for (;;) {
      const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
        const cleanup = () => {
          zip.off('entry', onEntry);
          zip.off('end', onEnd);
          zip.off('error', onError);
        };
        const onEntry = (e: yauzl.Entry) => (cleanup(), resolve(e));
        const onEnd = () => (cleanup(), resolve(undefined));
        const onError = (e: Error) => (cleanup(), reject(e));
        zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
        zip.readEntry();
      });
      if (!entry) return;
      const name = zipEntryName(entry.fileName as unknown as Buffer, entry.generalPurposeBitFlag);
      const relative = unpacker.admit(name);
      const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) {
        throw new ArchiveRefusedError(`${describeMode(type)} is refused: archives may hold files and folders only`, name);
      }
      if (name.endsWith('/') || type === S_IFDIR) {
        await unpacker.directory(relative, name);
        continue;
      }
      if (entry.isEncrypted()) throw new ArchiveRefusedError('encrypted entries cannot be read', name);
      const remaining = unpacker.limits.maxTotalBytes - unpacker.totalBytes;
      if (entry.uncompressedSize > remaining) {
        throw new ArchiveRefusedError(`the archive inflates to more than ${unpacker.limits.maxTotalBytes} bytes`, name);
      }
      const body = await new Promise<Readable>((resolve, reject) =>
        zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream))),
      );
      await unpacker.file(relative, name, body, entry.compressedSize);
    }
  } finally {
    zip.close();
  }
}

async function unpackTar(file: string, gzipped: boolean, unpacker: Unpacker): Promise<void> {
  const input = createReadStream(file);
  const extract = tarStream.extract();
  const floor = unpacker.limits.ratioFloorBytes ?? DEFAULT_ARCHIVE_LIMITS.ratioFloorBytes ?? 0;
  // A tar.gz compresses the whole stream, not each entry: the ratio is checked on the stream.
  const compressed = new ByteCounter(() => undefined);
  const inflated = new ByteCounter((bytes) => {
    if (bytes > unpacker.limits.maxTotalBytes + 1024 * 1024 + unpacker.entries * 1024) {
      throw new ArchiveRefusedError(`the archive inflates to more than ${unpacker.limits.maxTotalBytes} bytes`);
    }
    if (gzipped && bytes > Math.max(compressed.bytes * unpacker.limits.maxRatio, floor)) {
      throw new ArchiveRefusedError(`it inflates to more than ${unpacker.limits.maxRatio} times its compressed size (a gzip bomb?)`);
    }
  });
  const feeding = gzipped ? pipeline(input, compressed, createGunzip(), inflated, extract) : pipeline(input, inflated, extract);
  // The error surfaces through the entry loop too; this keeps it from being unhandled meanwhile.
  let feedError: unknown;
  feeding.catch((error: unknown) => (feedError = error));
  try {
    for await (const entry of extract) {
      const { header } = entry;
      const name = header.name;
      const relative = unpacker.admit(name);
      switch (header.type) {
        case 'file':
        case 'contiguous-file':
          await unpacker.file(relative, name, Readable.from(entry), undefined);
          break;
        case 'directory':
          entry.resume();
          await unpacker.directory(relative, name);
          break;
        case 'symlink':
          throw new ArchiveRefusedError(
            `a symbolic link (to ${JSON.stringify(header.linkname ?? '')}) is refused: links are never unpacked`,
            name,
          );
        case 'link':
          throw new ArchiveRefusedError(
            `a hard link (to ${JSON.stringify(header.linkname ?? '')}) is refused: links are never unpacked`,
            name,
          );
        case 'character-device':
        case 'block-device':
        case 'fifo':
          throw new ArchiveRefusedError(`a ${header.type} entry is refused: archives may hold files and folders only`, name);
        default:
          throw new ArchiveRefusedError(`an entry of unknown type (${String(header.type)}) is refused`, name);
      }
    }
    await feeding;
  } catch (error) {
    input.destroy();
    extract.destroy();
    await feeding.catch(() => undefined);
    // A refusal found by the counters surfaces in the entry loop as a broken stream: report the refusal.
    if (feedError instanceof ArchiveRefusedError) throw feedError;
    throw error;
  }
  if (feedError !== undefined) throw feedError;
}
