/**
 * Downloads through the API, on both engines: headers and checksums, HTTP Range (resume gives the
 * identical checksum), If-Range, 416, paths that try to escape (refused without touching storage),
 * the streamed archive with SHA256SUMS, previews, fair sharing (429 past the concurrent limit),
 * usage events (exact totals; nothing for refused, HEAD or aborted transfers), and presigned URLs
 * on an S3 store (s3rver).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import * as tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/support/app.js';
import { ENGINES } from '../../../test/support/databases.js';
import { sleep, until } from '../../../test/support/queue-helpers.js';
import { createTestRelease, usageOf, type TestRelease } from '../../../test/support/releases.js';
import { reprDigest } from './downloads.routes.js';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const CSV = Buffer.from(['id,이름,값', ...Array.from({ length: 30 }, (_, i) => `${i + 1},이름${i + 1},${i * 10}`)].join('\n') + '\n');
const TEXT = Buffer.from('# 안내\n\n이 데이터는 시험용입니다.\n');
const BIG = randomBytes(8 * 1024 * 1024);
const BLOB = randomBytes(1000);

/** A GET over a real socket with the path exactly as given (no URL normalisation). */
function rawGet(base: string, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: rawPath, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

for (const engine of ENGINES) {
  describe(`downloads (${engine})`, () => {
    const t = useTestApp(engine, { env: { DATADAM_DOWNLOAD_CONCURRENCY: '2' } });
    let company: Record<string, string>;
    let release: TestRelease;
    let baseUrl: string;
    const blobCalls = { get: 0, stat: 0 };

    beforeAll(async () => {
      company = await t.current.bearer('consumer@demo.datadam.kr', 'hangang-ai');
      release = await createTestRelease(t.current.platform, {
        tier: 'open',
        files: [
          { path: 'data/train.csv', bytes: CSV, format: 'csv', mediaType: 'text/csv', records: 30 },
          { path: 'README.md', bytes: TEXT, format: 'text', mediaType: 'text/markdown' },
          { path: 'big.bin', bytes: BIG },
          { path: '자료/표본 파일.bin', bytes: BLOB },
        ],
      });
      const accepted = await t.current.app.inject({
        method: 'POST',
        url: `/api/v1/releases/${release.id}/accept-licence`,
        headers: company,
      });
      expect(accepted.statusCode).toBe(201);
      // Count what reaches the blob store, to show refused paths never touch it.
      const store = t.current.platform.blobStore;
      const get = store.get.bind(store);
      const stat = store.stat.bind(store);
      store.get = (...args) => {
        blobCalls.get++;
        return get(...args);
      };
      store.stat = (...args) => {
        blobCalls.stat++;
        return stat(...args);
      };
      baseUrl = await t.current.app.listen({ port: 0, host: '127.0.0.1' });
    });

    const fileUrl = (p: string, r: TestRelease = release) => `/api/v1/releases/${r.id}/files/${p}`;
    const get = (p: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') =>
      t.current.app.inject({ method, url: fileUrl(p), headers: { ...company, ...headers } });

    it('serves a file with its checksums, length and an RFC 5987 file name', async () => {
      const response = await get('data/train.csv');
      expect(response.statusCode).toBe(200);
      expect(response.rawPayload.equals(CSV)).toBe(true);
      const digest = sha256(CSV);
      expect(response.headers).toMatchObject({
        'accept-ranges': 'bytes',
        etag: `"${digest}"`,
        'x-checksum-sha256': digest,
        'repr-digest': `sha-256=:${Buffer.from(digest, 'hex').toString('base64')}:`,
        'content-length': String(CSV.length),
      });
      expect(response.headers['content-type']).toMatch(/^text\/csv/);
      expect(response.headers['content-disposition']).toBe(`attachment; filename="train.csv"; filename*=UTF-8''train.csv`);
      const korean = await get(encodeURI('자료/표본 파일.bin'));
      expect(korean.statusCode).toBe(200);
      expect(korean.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('표본 파일.bin')}`);
      expect(sha256(korean.rawPayload)).toBe(sha256(BLOB));
    });

    it('serves single ranges (206), refuses ranges past the end (416) and honours If-Range', async () => {
      const etag = `"${sha256(BIG)}"`;
      const part = await get('big.bin', { range: 'bytes=10-19' });
      expect(part.statusCode).toBe(206);
      expect(part.headers['content-range']).toBe(`bytes 10-19/${BIG.length}`);
      expect(part.rawPayload.equals(BIG.subarray(10, 20))).toBe(true);
      expect(part.headers['repr-digest']).toBe(reprDigest(sha256(BIG)));

      const suffix = await get('big.bin', { range: 'bytes=-5' });
      expect(suffix.statusCode).toBe(206);
      expect(suffix.rawPayload.equals(BIG.subarray(BIG.length - 5))).toBe(true);

      const past = await get('big.bin', { range: `bytes=${BIG.length}-` });
      expect(past.statusCode).toBe(416);
      expect(past.headers['content-range']).toBe(`bytes */${BIG.length}`);

      const matching = await get('big.bin', { range: 'bytes=0-0', 'if-range': etag });
      expect(matching.statusCode).toBe(206);
      const stale = await get('data/train.csv', { range: 'bytes=0-0', 'if-range': '"0000"' });
      expect(stale.statusCode).toBe(200);
      expect(stale.rawPayload.equals(CSV)).toBe(true);
      const several = await get('data/train.csv', { range: 'bytes=0-1,5-6' });
      expect(several.statusCode).toBe(200);

      const notModified = await get('data/train.csv', { 'if-none-match': `"${sha256(CSV)}"` });
      expect(notModified.statusCode).toBe(304);
      const head = await get('big.bin', {}, 'HEAD');
      expect(head.statusCode).toBe(200);
      expect(head.headers['content-length']).toBe(String(BIG.length));
    });

    it('resumes a download with Range into the identical checksum', async () => {
      const half = 3 * 1024 * 1024 + 7;
      const first = await get('big.bin', { range: `bytes=0-${half - 1}` });
      const rest = await get('big.bin', { range: `bytes=${half}-`, 'if-range': `"${sha256(BIG)}"` });
      expect(rest.statusCode).toBe(206);
      expect(sha256(Buffer.concat([first.rawPayload, rest.rawPayload]))).toBe(sha256(BIG));
    });

    it('records exactly one usage event per completed download or range, with exact totals', async () => {
      const own = await createTestRelease(t.current.platform, { tier: 'open', files: [{ path: 'a.bin', bytes: BLOB }] });
      await t.current.app.inject({ method: 'POST', url: `/api/v1/releases/${own.id}/accept-licence`, headers: company });
      const at = (headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') =>
        t.current.app.inject({ method, url: fileUrl('a.bin', own), headers: { ...company, ...headers } });
      for (let i = 0; i < 3; i++) expect((await at()).statusCode).toBe(200);
      for (const range of ['bytes=0-99', 'bytes=100-', 'bytes=-10']) expect((await at({ range })).statusCode).toBe(206);
      // Refused, not satisfiable, not modified and HEAD requests record nothing.
      expect((await at({ range: 'bytes=5000-' })).statusCode).toBe(416);
      expect((await at({ 'if-none-match': `"${sha256(BLOB)}"` })).statusCode).toBe(304);
      expect((await at({}, 'HEAD')).statusCode).toBe(200);
      expect((await t.current.app.inject({ method: 'GET', url: fileUrl('a.bin', own) })).statusCode).toBe(401);
      expect((await t.current.app.inject({ method: 'GET', url: fileUrl('missing.bin', own), headers: company })).statusCode).toBe(404);

      await expect.poll(async () => (await usageOf(t.current.platform, own.id)).length).toBe(6);
      await sleep(100);
      const events = await usageOf(t.current.platform, own.id);
      expect(events).toHaveLength(6);
      expect(events.filter((e) => e.kind === 'download').map((e) => e.quantity)).toEqual([1000, 1000, 1000]);
      expect(
        events
          .filter((e) => e.kind === 'range')
          .map((e) => e.quantity)
          .sort((a, b) => a - b),
      ).toEqual([10, 100, 900]);
      expect(events.reduce((s, e) => s + e.quantity, 0)).toBe(3 * 1000 + 100 + 900 + 10);
      expect(new Set(events.map((e) => e.idempotency_key)).size).toBe(6);
      expect(events[0]).toMatchObject({ dataset_id: own.datasetId, path: 'a.bin', unit: 'bytes', grant_id: null });
      expect(events[0]!.user_id).not.toBeNull();
      expect(events[0]!.org_id).not.toBeNull();
    });

    it('records a duplicate key once and answers the first event', async () => {
      const event = {
        idempotencyKey: `test:${release.id}`,
        kind: 'download',
        datasetId: release.datasetId,
        releaseId: release.id,
        quantity: 5,
        unit: 'bytes' as const,
        occurredAt: new Date().toISOString(),
      };
      const first = await t.current.platform.usage.record(event);
      const again = await t.current.platform.usage.record({ ...event, quantity: 6 });
      expect(first.duplicate).toBe(false);
      expect(again).toEqual({ seq: first.seq, duplicate: true });
    });

    it('refuses paths that try to escape (400/404) without touching storage', async () => {
      const before = { ...blobCalls };
      const attempts = [
        '..%2F..%2Fetc%2Fpasswd',
        '%2e%2e/%2e%2e/etc/passwd',
        'data/..%2F..%2Fsecret',
        '%2Fetc%2Fpasswd',
        'data%5C..%5Csecret',
        'C:%5Cwindows',
        'data/train.csv%00.txt',
        '%252e%252e%252fetc%252fpasswd',
        'data//train.csv',
        `${'a/'.repeat(600)}x`,
      ];
      for (const attempt of attempts) {
        const response = await t.current.app.inject({ method: 'GET', url: fileUrl(attempt), headers: company });
        expect([400, 404], attempt).toContain(response.statusCode);
      }
      // Over a socket, with the dots exactly as sent.
      for (const raw of ['../../../../etc/passwd', 'data/../../../etc/passwd', './data/train.csv', '..\\..\\etc\\passwd']) {
        const response = await rawGet(baseUrl, `/api/v1/releases/${release.id}/files/${raw}`, company);
        expect([400, 404], raw).toContain(response.status);
        expect(response.body.toString()).not.toContain('root:');
      }
      expect(blobCalls).toEqual(before);
      const decoded = await rawGet(baseUrl, `/api/v1/releases/${release.id}/files/..%2F..%2Fetc%2Fpasswd`, company);
      expect(decoded.status).toBe(400);
    });

    it('streams the whole release as a tar with SHA256SUMS, and records it once', async () => {
      const response = await t.current.app.inject({ method: 'GET', url: `/api/v1/releases/${release.id}/archive`, headers: company });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/x-tar');
      const entries = new Map<string, Buffer>();
      const extract = tarStream.extract();
      await new Promise<void>((resolve, reject) => {
        extract.on('entry', (header, stream, next) => {
          const chunks: Buffer[] = [];
          stream.on('data', (c: unknown) => {
            chunks.push(c as Buffer);
          });
          stream.on('end', () => {
            entries.set(header.name, Buffer.concat(chunks));
            next();
          });
        });
        extract.on('finish', resolve);
        extract.on('error', reject);
        Readable.from([response.rawPayload]).pipe(extract);
      });
      expect([...entries.keys()]).toEqual(['SHA256SUMS', 'README.md', 'big.bin', 'data/train.csv', '자료/표본 파일.bin']);
      const sums = entries.get('SHA256SUMS')!.toString().trim().split('\n');
      for (const line of sums) {
        const [digest, name] = line.split(/ {2}/);
        expect(sha256(entries.get(name!)!)).toBe(digest);
      }
      await expect
        .poll(async () => (await usageOf(t.current.platform, release.id)).filter((e) => e.kind === 'archive').map((e) => e.quantity))
        .toEqual([CSV.length + TEXT.length + BIG.length + BLOB.length]);
    });

    it('previews the first 20 rows of a table and the start of a text file', async () => {
      const table = await t.current.app.inject({
        method: 'GET',
        url: `/api/v1/releases/${release.id}/preview/data/train.csv`,
        headers: company,
      });
      expect(table.statusCode).toBe(200);
      const preview = table.json();
      expect(preview.kind).toBe('table');
      expect(preview.columns.map((c: { name: string }) => c.name)).toEqual(['id', '이름', '값']);
      expect(preview.rows).toHaveLength(20);
      expect(preview.rows[0]).toEqual({ id: '1', 이름: '이름1', 값: '0' });
      const text = await t.current.app.inject({ method: 'GET', url: `/api/v1/releases/${release.id}/preview/README.md`, headers: company });
      expect(text.json()).toMatchObject({ kind: 'text', text: TEXT.toString(), truncated: false });
      const binary = await t.current.app.inject({ method: 'GET', url: `/api/v1/releases/${release.id}/preview/big.bin`, headers: company });
      expect(binary.statusCode).toBe(422);
      expect((await t.current.app.inject({ method: 'GET', url: `/api/v1/releases/${release.id}/preview/data/train.csv` })).statusCode).toBe(
        401,
      );
    });

    it('shares bandwidth fairly: 429 with Retry-After past the concurrent limit; aborted transfers record nothing', async () => {
      const own = await createTestRelease(t.current.platform, { tier: 'open', files: [{ path: 'big.bin', bytes: BIG }] });
      await t.current.app.inject({ method: 'POST', url: `/api/v1/releases/${own.id}/accept-licence`, headers: company });
      const url = new URL(`${baseUrl}${fileUrl('big.bin', own)}`);
      // Two downloads that never read their bodies hold both slots.
      const stalled: http.ClientRequest[] = [];
      const responses: http.IncomingMessage[] = [];
      for (let i = 0; i < 2; i++) {
        await new Promise<void>((resolve, reject) => {
          const req = http.get(url, { headers: company }, (res) => {
            res.pause();
            responses.push(res);
            resolve();
          });
          req.on('error', () => undefined);
          stalled.push(req);
          setTimeout(() => reject(new Error('no response')), 5000);
        });
      }
      expect(responses.map((r) => r.statusCode)).toEqual([200, 200]);
      const refused = await t.current.app.inject({ method: 'GET', url: fileUrl('big.bin', own), headers: company });
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('5');

      for (const req of stalled) req.destroy();
      await until(
        async () => (await t.current.app.inject({ method: 'GET', url: fileUrl('big.bin', own), headers: company })).statusCode === 200,
        'a slot to come free',
        5000,
      );
      // Only the download that completed is recorded; the two aborted ones are not.
      await expect.poll(async () => (await usageOf(t.current.platform, own.id)).length).toBe(1);
      await sleep(200);
      expect((await usageOf(t.current.platform, own.id)).map((e) => e.quantity)).toEqual([BIG.length]);
    });
  });
}

/** s3rver ships no types; this is the little of it the test uses. */
interface S3rver {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string; configs: string[] }[];
}) => S3rver;

describe('downloads from an S3 store (s3rver)', () => {
  const env: Record<string, string> = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
  const directory = mkdtempSync(path.join(os.tmpdir(), 'datadam-s3rver-'));
  let server: S3rver;
  beforeAll(async () => {
    const S3rverClass = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
    server = new S3rverClass({
      address: '127.0.0.1',
      port: 0,
      directory,
      silent: true,
      configureBuckets: [{ name: 'datadam-dl', configs: [] }],
    });
    const { port } = await server.run();
    env.DATADAM_BLOB = `s3://datadam-dl/blobs?endpoint=http://127.0.0.1:${port}`;
  });
  const t = useTestApp('sqlite', { env });
  afterAll(async () => {
    await server?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('answers ?redirect=1 with a short-lived presigned URL after the same checks, and counts it', async () => {
    const company = await t.current.bearer('consumer@demo.datadam.kr', 'hangang-ai');
    const own = await createTestRelease(t.current.platform, { tier: 'conditional', files: [{ path: 'a.bin', bytes: BLOB }] });
    const url = `/api/v1/releases/${own.id}/files/a.bin?redirect=1`;
    // No grant: no URL.
    expect((await t.current.app.inject({ method: 'GET', url, headers: company })).statusCode).toBe(403);
    const nia = await t.current.bearer('steward@demo.datadam.kr', 'nia');
    const redirected = await t.current.app.inject({ method: 'GET', url, headers: nia });
    expect(redirected.statusCode).toBe(302);
    const location = redirected.headers.location as string;
    expect(location).toMatch(/X-Amz-Expires=300/);
    const fetched = await fetch(location);
    expect(fetched.status).toBe(200);
    expect(sha256(Buffer.from(await fetched.arrayBuffer()))).toBe(sha256(BLOB));
    await expect
      .poll(async () => (await usageOf(t.current.platform, own.id)).map((e) => [e.kind, e.quantity]))
      .toEqual([['download', BLOB.length]]);
    // Without ?redirect the bytes come through the API, ranges included.
    const ranged = await t.current.app.inject({
      method: 'GET',
      url: `/api/v1/releases/${own.id}/files/a.bin`,
      headers: { ...nia, range: 'bytes=1-3' },
    });
    expect(ranged.statusCode).toBe(206);
    expect(ranged.rawPayload.equals(BLOB.subarray(1, 4))).toBe(true);
  });
});
