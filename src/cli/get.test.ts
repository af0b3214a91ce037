/**
 * `datadam get` against a real server on a port: a download interrupted midway and resumed from its
 * `.part` file gives the identical checksum; a truncated or corrupted `.part` is handled; versions
 * resolve by dataset id; the command prints a JSON summary.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { runCli } from '../../test/support/cli.js';
import { createTestRelease, usageOf, type TestRelease } from '../../test/support/releases.js';
import { compareSemver, getRelease, hasPart, localPath, parseSpec } from './get.js';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
// Larger than what the loopback socket buffers can hold, so a client that stops reading at 2 MiB
// leaves the server unable to finish writing (and so recording) the response.
const BIG = randomBytes(32 * 1024 * 1024);
const CSV = Buffer.from('id,값\n1,가\n2,나\n');

describe('datadam get', () => {
  const t = useTestApp('sqlite');
  let url: string;
  let token: string;
  let first: TestRelease;
  let second: TestRelease;
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'datadam-get-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    const headers = await t.current.bearer('consumer@demo.datadam.kr', 'hangang-ai', ['read', 'write']);
    token = headers.authorization!.replace(/^Bearer /, '');
    const files = [
      { path: 'data/train.csv', bytes: CSV, format: 'csv', mediaType: 'text/csv' },
      { path: 'big.bin', bytes: BIG },
    ];
    first = await createTestRelease(t.current.platform, { tier: 'open', semver: '1.0.0', files });
    second = await createTestRelease(t.current.platform, { tier: 'open', semver: '1.1.0', datasetId: first.datasetId, files });
    for (const r of [first, second]) {
      const accepted = await t.current.app.inject({ method: 'POST', url: `/api/v1/releases/${r.id}/accept-licence`, headers });
      expect(accepted.statusCode).toBe(201);
    }
    url = await t.current.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('parses specs and orders versions', () => {
    expect(parseSpec('abc@1.2.3')).toEqual({ id: 'abc', version: '1.2.3' });
    expect(parseSpec('abc')).toEqual({ id: 'abc', version: undefined });
    expect(compareSemver('1.10.0', '1.9.9')).toBeGreaterThan(0);
    expect(compareSemver('1.0.0-rc.1', '1.0.0')).toBeLessThan(0);
    expect(() => localPath('/tmp/x', '../evil')).toThrow(/outside/);
    expect(() => localPath('/tmp/x', '/etc/passwd')).toThrow(/outside/);
  });

  it('resumes a download interrupted midway into the identical checksum', async () => {
    const dir = tempDir();
    const abort = new AbortController();
    await expect(
      getRelease(first.id, {
        url,
        token,
        dir,
        signal: abort.signal,
        onBytes: (p, received) => {
          if (p === 'big.bin' && received >= 2 * 1024 * 1024) abort.abort();
        },
      }),
    ).rejects.toThrow();
    expect(hasPart(dir, 'big.bin')).toBe(true);
    const partial = readFileSync(path.join(dir, 'big.bin.part')).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(BIG.length);

    const summary = await getRelease(first.id, { url, token, dir });
    expect(summary.files.find((f) => f.path === 'big.bin')).toMatchObject({ status: 'resumed', fetched: BIG.length - partial });
    expect(summary.files.find((f) => f.path === 'data/train.csv')!.status).toBe('downloaded');
    expect(sha256(readFileSync(path.join(dir, 'big.bin')))).toBe(sha256(BIG));
    expect(existsSync(path.join(dir, 'big.bin.part'))).toBe(false);
    // The aborted transfer recorded nothing; the completed first file and the resumed range did.
    await expect
      .poll(async () => (await usageOf(t.current.platform, first.id)).map((e) => [e.kind, e.path, e.quantity]).sort())
      .toEqual([
        ['download', 'data/train.csv', CSV.length],
        ['range', 'big.bin', BIG.length - partial],
      ]);
  });

  it('resumes from a truncated .part, and refuses (keeping nothing) a corrupted one', async () => {
    const dir = tempDir();
    await getRelease(first.id, { url, token, dir });
    // Truncate: the file becomes a partial download again.
    writeFileSync(path.join(dir, 'big.bin.part'), BIG.subarray(0, 1234));
    rmSync(path.join(dir, 'big.bin'));
    const resumed = await getRelease(first.id, { url, token, dir });
    expect(resumed.files.find((f) => f.path === 'big.bin')).toMatchObject({ status: 'resumed', fetched: BIG.length - 1234 });
    expect(sha256(readFileSync(path.join(dir, 'big.bin')))).toBe(sha256(BIG));

    // Corrupt: the bytes before the resume point are wrong, so the whole does not match.
    rmSync(path.join(dir, 'big.bin'));
    writeFileSync(path.join(dir, 'big.bin.part'), Buffer.alloc(4096, 1));
    await expect(getRelease(first.id, { url, token, dir })).rejects.toThrow(/SHA-256/);
    expect(existsSync(path.join(dir, 'big.bin'))).toBe(false);
    expect(existsSync(path.join(dir, 'big.bin.part'))).toBe(false);
    // Run again: fetched anew.
    const again = await getRelease(first.id, { url, token, dir });
    expect(again.files.find((f) => f.path === 'big.bin')!.status).toBe('downloaded');
    truncateSync(path.join(dir, 'big.bin'), 10);
    expect((await getRelease(first.id, { url, token, dir })).files.find((f) => f.path === 'big.bin')!.status).toBe('downloaded');
  });

  it('resolves DATASET@VERSION, and the latest release without a version', async () => {
    const latest = await getRelease(first.datasetId, { url, token, dir: tempDir() });
    expect(latest).toMatchObject({ releaseId: second.id, semver: '1.1.0' });
    const pinned = await getRelease(`${first.datasetId}@1.0.0`, { url, token, dir: tempDir() });
    expect(pinned.releaseId).toBe(first.id);
    await expect(getRelease(`${first.datasetId}@9.9.9`, { url, token, dir: tempDir() })).rejects.toThrow(/no published release/);
    await expect(getRelease(first.id, { url, dir: tempDir() })).rejects.toThrow(/401/);
  });

  it('prints a JSON summary from the command line', async () => {
    const dir = tempDir();
    const result = await runCli(['get', `${first.datasetId}@1.0.0`, dir, '--url', url, '--token', token, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ releaseId: first.id, semver: '1.0.0', totalBytes: BIG.length + CSV.length });
    expect(sha256(readFileSync(path.join(dir, 'data/train.csv')))).toBe(sha256(CSV));
  });
});
