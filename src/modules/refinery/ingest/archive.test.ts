/**
 * Safe unpacking: the happy paths (zip with a CP949 name, tar, tar.gz, a nested archive kept as a
 * file) and the malicious set, each refused with the entry named, nothing left in the workspace
 * and nothing written beside it (the parent folder holds only the archive).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tarOf, writeZipBomb, zipOf } from '../../../../test/support/archives.js';
import { ArchiveRefusedError, safeEntryPath, unpackArchive, type ArchiveKind, type ArchiveLimits } from './archive.js';

const LIMITS: ArchiveLimits = { maxEntries: 100, maxTotalBytes: 64 * 1024 * 1024, maxRatio: 100, ratioFloorBytes: 0 };

let parent: string;
let archive: string;
let destination: string;

beforeEach(() => {
  // parent/ holds the archive file and the destination folder; a refused unpack must leave only the archive.
  parent = mkdtempSync(path.join(os.tmpdir(), 'datadam-archive-'));
  archive = path.join(parent, 'upload.bin');
  destination = path.join(parent, 'out');
});
afterEach(() => rmSync(parent, { recursive: true, force: true }));

async function refused(bytes: Buffer, kind: ArchiveKind, limits = LIMITS): Promise<ArchiveRefusedError> {
  writeFileSync(archive, bytes);
  const error = await unpackArchive(archive, kind, destination, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ArchiveRefusedError);
  expect(readdirSync(parent)).toEqual(['upload.bin']);
  // Nothing escaped to where the traversal names point, either.
  expect(readdirSync(path.dirname(parent)).filter((n) => n === 'evil.txt')).toEqual([]);
  return error as ArchiveRefusedError;
}

describe('safeEntryPath', () => {
  it('keeps ordinary relative names, NFC, without . and empty segments', () => {
    expect(safeEntryPath('./data//목록.csv')).toBe('data/목록.csv');
    expect(safeEntryPath('a/b/')).toBe('a/b');
    expect(safeEntryPath('\u1112\u1161\u11ab.txt')).toBe('한.txt');
  });
  it.each([
    ['../../evil.txt', /'\.\.' segment/],
    ['a/../../evil.txt', /'\.\.' segment/],
    ['/tmp/evil', /absolute/],
    ['C:/Windows/evil', /drive letter/],
    ['..\\evil.txt', /backslash/],
    ['a\0b', /NUL/],
    ['a\nb', /control character/],
  ])('refuses %j', (name, why) => {
    expect(() => safeEntryPath(name)).toThrow(why);
  });
});

describe('unpackArchive', () => {
  it('unpacks a zip with folders, a CP949 name and a nested archive kept as a file', async () => {
    const cp949Name = Buffer.concat([Buffer.from('data/'), Buffer.from([0xb8, 0xf1, 0xb7, 0xcf]), Buffer.from('.csv')]); // 목록
    const inner = zipOf([{ name: 'inner.txt', data: Buffer.from('inside') }]);
    writeFileSync(
      archive,
      zipOf([
        { name: 'data/' },
        { name: cp949Name, data: Buffer.from('a,b\n1,2\n'), method: 'deflate' },
        { name: 'nested/inner.zip', data: inner },
      ]),
    );
    const files = await unpackArchive(archive, 'zip', destination, LIMITS);
    expect(files).toEqual([
      { path: 'data/목록.csv', size: 8 },
      { path: 'nested/inner.zip', size: inner.length },
    ]);
    expect(readFileSync(path.join(destination, 'data', '목록.csv'), 'utf8')).toBe('a,b\n1,2\n');
    // Not unpacked recursively: the inner zip is a file like any other.
    expect(readFileSync(path.join(destination, 'nested', 'inner.zip'))).toEqual(inner);
  });

  it('unpacks tar and tar.gz, ./-prefixed names included', async () => {
    for (const gzip of [false, true]) {
      const dest = `${destination}-${gzip}`;
      writeFileSync(
        archive,
        await tarOf(
          [
            { name: './', type: 'directory' },
            { name: './a/b.txt', data: Buffer.from('hello') },
          ],
          { gzip },
        ),
      );
      expect(await unpackArchive(archive, gzip ? 'tar.gz' : 'tar', dest, LIMITS)).toEqual([{ path: 'a/b.txt', size: 5 }]);
      expect(readFileSync(path.join(dest, 'a', 'b.txt'), 'utf8')).toBe('hello');
    }
  });

  it('refuses path traversal, absolute paths and backslash tricks in zips', async () => {
    expect(
      (
        await refused(
          zipOf([
            { name: 'ok.txt', data: Buffer.from('fine') },
            { name: '../../evil.txt', data: Buffer.from('x') },
          ]),
          'zip',
        )
      ).message,
    ).toMatch(/"\.\.\/\.\.\/evil\.txt".*'\.\.'/);
    expect((await refused(zipOf([{ name: '/tmp/evil', data: Buffer.from('x') }]), 'zip')).entry).toBe('/tmp/evil');
    expect((await refused(zipOf([{ name: '..\\..\\evil.txt', data: Buffer.from('x') }]), 'zip')).message).toMatch(/backslash/);
    expect((await refused(zipOf([{ name: Buffer.from('a\0/../../evil.txt'), data: Buffer.from('x') }]), 'zip')).message).toMatch(/NUL/);
  });

  it('refuses path traversal and absolute paths in tars', async () => {
    expect((await refused(await tarOf([{ name: '../../evil.txt', data: Buffer.from('x') }]), 'tar')).entry).toBe('../../evil.txt');
    expect((await refused(await tarOf([{ name: '/tmp/evil', data: Buffer.from('x') }], { gzip: true }), 'tar.gz')).message).toMatch(
      /absolute/,
    );
  });

  it('refuses links of every kind, and so never writes through one', async () => {
    // The classic: a symlink pointing out, then a file written "inside" it.
    const viaSymlink = await tarOf([
      { name: 'out', type: 'symlink', linkname: '..' },
      { name: 'out/evil.txt', data: Buffer.from('x') },
    ]);
    expect((await refused(viaSymlink, 'tar')).message).toMatch(/"out".*symbolic link/);
    expect((await refused(await tarOf([{ name: 'hard', type: 'link', linkname: '/etc/passwd' }]), 'tar')).message).toMatch(/hard link/);
    expect((await refused(await tarOf([{ name: 'tty', type: 'character-device' }]), 'tar')).message).toMatch(/character-device/);
    expect((await refused(await tarOf([{ name: 'pipe', type: 'fifo' }]), 'tar')).message).toMatch(/fifo/);
    const zipLink = zipOf([
      { name: 'out', data: Buffer.from('..'), mode: 0o120777 },
      { name: 'out/evil.txt', data: Buffer.from('x') },
    ]);
    expect((await refused(zipLink, 'zip')).message).toMatch(/"out".*symbolic link/);
  });

  it('refuses too many entries and a total past the limit', async () => {
    const many = zipOf(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x') })));
    expect((await refused(many, 'zip', { ...LIMITS, maxEntries: 4 })).message).toMatch(/more than 4/);
    const manyTar = await tarOf(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x') })));
    expect((await refused(manyTar, 'tar', { ...LIMITS, maxEntries: 4 })).message).toMatch(/more than 4 entries/);
    const big = zipOf([
      { name: 'a.bin', data: Buffer.alloc(3000, 1) },
      { name: 'b.bin', data: Buffer.alloc(3000, 2) },
    ]);
    expect((await refused(big, 'zip', { ...LIMITS, maxTotalBytes: 5000 })).entry).toBe('b.bin');
  });

  it('refuses a zip bomb, counting the bytes as they inflate (200 MB of zeros, written streaming)', async () => {
    await writeZipBomb(archive, 200 * 1024 * 1024);
    const error = await unpackArchive(archive, 'zip', destination, { ...LIMITS, maxTotalBytes: 1024 ** 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArchiveRefusedError);
    expect((error as Error).message).toMatch(/"zeros\.bin".*100 times its compressed size/);
    expect(readdirSync(parent)).toEqual(['upload.bin']);
  });

  it('refuses a gzip bomb inside a tar.gz', async () => {
    const bomb = await tarOf([{ name: 'zeros.bin', data: Buffer.alloc(20 * 1024 * 1024) }], { gzip: true });
    expect((await refused(bomb, 'tar.gz')).message).toMatch(/100 times its compressed size/);
  });

  it('refuses a duplicate path and a corrupt archive', async () => {
    const twice = zipOf([
      { name: 'a.txt', data: Buffer.from('1') },
      { name: 'A.txt', data: Buffer.from('2') },
    ]);
    expect((await refused(twice, 'zip')).message).toMatch(/twice/);
    expect((await refused(Buffer.from('PK\u0003\u0004 not really a zip'), 'zip')).message).toMatch(/could not be read/);
  });
});
