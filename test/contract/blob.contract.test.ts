/**
 * The blob store contract: what every adapter must do the same way. One suite, run on local disk,
 * on an in-process s3rver, and on a real S3-compatible store when DATADAM_TEST_S3 names one
 * (`s3://bucket?endpoint=…`, keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type BlobConfig } from '../../src/core/config.js';
import { isAppError, type ErrorCode } from '../../src/core/errors.js';
import type { BlobStore } from '../../src/core/ports.js';
import { createFsBlobStore, openBlobStore } from '../../src/platform/blob/index.js';

/** What a suite needs from one running store. */
interface Harness {
  store: BlobStore;
  /** How many stored objects carry this key: a store must never hold two. */
  countCopies(key: string): Promise<number>;
  teardown(): Promise<void>;
}

interface Implementation {
  name: string;
  skip?: boolean;
  /** Whether of many concurrent puts of new content exactly one reports `created: true`. */
  exactlyOneCreator: boolean;
  open(): Promise<Harness>;
}

/** s3rver ships no types; this is the little of it the tests use. */
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

const BUCKET = 'datadam-test';

function tempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `datadam-${label}-`));
}

/** Counts objects under the exact name through a second client, not through the store under test. */
async function countS3Copies(config: Extract<BlobConfig, { kind: 's3' }>, key: string): Promise<number> {
  const client = new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.accessKeyId && config.secretAccessKey
      ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } }
      : {}),
  });
  try {
    const prefix = config.prefix === '' || config.prefix.endsWith('/') ? config.prefix : `${config.prefix}/`;
    const name = `${prefix}${key.slice(0, 2)}/${key.slice(2, 4)}/${key}`;
    const listed = await client.send(new ListObjectsV2Command({ Bucket: config.bucket, Prefix: name }));
    return (listed.Contents ?? []).filter((o) => o.Key === name).length;
  } finally {
    client.destroy();
  }
}

const IMPLEMENTATIONS: Implementation[] = [
  {
    name: 'fs',
    exactlyOneCreator: true,
    async open() {
      const root = tempDir('blobs');
      const store = openBlobStore({ kind: 'fs', root });
      return {
        store,
        countCopies: async (key) => (await listFiles(root)).filter((f) => path.basename(f) === key).length,
        teardown: async () => {
          await store.close();
          rmSync(root, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 's3 (s3rver)',
    // s3rver ignores `If-None-Match: *`, so racing uploads may each report that they created the object.
    exactlyOneCreator: false,
    async open() {
      const directory = tempDir('s3rver');
      const S3rverClass = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
      const server = new S3rverClass({
        address: '127.0.0.1',
        port: 0,
        directory,
        silent: true,
        configureBuckets: [{ name: BUCKET, configs: [] }],
      });
      const { port } = await server.run();
      const config: Extract<BlobConfig, { kind: 's3' }> = {
        kind: 's3',
        bucket: BUCKET,
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        forcePathStyle: true,
        // No trailing slash on purpose: the adapter must add it.
        prefix: 'datadam/blobs',
      };
      const store = openBlobStore(config);
      return {
        store,
        countCopies: (key) => countS3Copies(config, key),
        teardown: async () => {
          await store.close();
          await server.close();
          rmSync(directory, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 's3-real',
    skip: !process.env.DATADAM_TEST_S3,
    // Real S3 (and stores that honour If-None-Match) create once, but the contract does not promise it.
    exactlyOneCreator: false,
    async open() {
      const base = loadConfig({ ...process.env, DATADAM_BLOB: process.env.DATADAM_TEST_S3 }).blob;
      if (base.kind !== 's3') throw new Error('DATADAM_TEST_S3 must be an s3:// URL');
      // A prefix of its own per run, so runs never see each other's objects.
      const parent = base.prefix === '' || base.prefix.endsWith('/') ? base.prefix : `${base.prefix}/`;
      const config = { ...base, prefix: `${parent}datadam-contract-${randomUUID()}/` };
      const store = openBlobStore(config);
      return { store, countCopies: (key) => countS3Copies(config, key), teardown: () => store.close() };
    },
  },
];

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Resolves to the AppError code a promise rejects with, or fails if it does not reject with one. */
async function codeOf(promise: Promise<unknown>): Promise<ErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** Deterministic-enough pseudo-random bytes, generated as a stream so nothing large sits in a fixture. */
async function* generated(totalBytes: number, hash: ReturnType<typeof createHash>): AsyncGenerator<Uint8Array> {
  const chunkSize = 1024 * 1024 + 17; // not a power of two, so parts and chunks never line up
  for (let sent = 0; sent < totalBytes;) {
    const chunk = randomBytes(Math.min(chunkSize, totalBytes - sent));
    hash.update(chunk);
    sent += chunk.byteLength;
    yield chunk;
  }
}

function failingAfter(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  return (async function* () {
    yield bytes;
    throw new Error('client went away');
  })();
}

const ESCAPING_KEYS = [
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '/etc/passwd',
  'C:\\Windows\\win.ini',
  'a/b',
  '',
  'e'.repeat(63),
  'e'.repeat(65),
  'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',
  `e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85\0`,
  `e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\0`,
  `../${'e'.repeat(61)}`,
  `${'e'.repeat(64)}/../../x`,
];

for (const impl of IMPLEMENTATIONS) {
  describe.skipIf(impl.skip === true)(`blob store contract: ${impl.name}`, () => {
    let harness: Harness;
    let store: BlobStore;
    const written = new Set<string>();

    beforeAll(async () => {
      harness = await impl.open();
      const inner = harness.store;
      // Every key put is remembered so a real bucket is left as it was found.
      store = {
        ...inner,
        capabilities: inner.capabilities,
        put: async (body, options) => {
          const info = await inner.put(body, options);
          written.add(info.key);
          return info;
        },
      };
    });

    afterAll(async () => {
      if (!harness) return;
      for (const key of written) await harness.store.delete(key).catch(() => undefined);
      await harness.teardown();
    });

    /** Content no other test (or earlier run against a real bucket) has stored. */
    const fresh = (size = 1000): Buffer => randomBytes(size);

    it('reports presigned URLs only when it can make them', () => {
      expect(typeof store.presignGet === 'function').toBe(store.capabilities.presignedUrls);
    });

    it('hands out presigned URLs that fetch the bytes, when it can', async () => {
      if (!store.presignGet) return;
      const bytes = fresh(2048);
      const info = await store.put(bytes);
      const url = await store.presignGet(info.key, { expiresInSeconds: 60, fileName: '교통사고 통계.csv' });
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
      await expect(store.presignGet(info.key, { expiresInSeconds: 8 * 24 * 3600 })).rejects.toMatchObject({ code: 'bad_request' });
      await expect(store.presignGet('../x', { expiresInSeconds: 60 })).rejects.toMatchObject({ code: 'bad_request' });
    });

    it('round-trips bytes, keyed by their SHA-256', async () => {
      const bytes = fresh(4321);
      const info = await store.put(bytes);
      expect(info).toEqual({ key: sha256(bytes), size: 4321, created: true });
      expect((await readAll(await store.get(info.key))).equals(bytes)).toBe(true);
      expect(await store.stat(info.key)).toEqual({ key: info.key, size: 4321 });
    });

    it('takes a Readable, a string-mode stream and an async iterable alike', async () => {
      const bytes = fresh(3000);
      const key = sha256(bytes);
      expect((await store.put(Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]))).key).toBe(key);
      expect(
        (
          await store.put(
            (async function* () {
              yield bytes.subarray(0, 1);
              yield bytes.subarray(1);
            })(),
          )
        ).created,
      ).toBe(false);
      const text = `한국어 ${randomUUID()}`;
      const info = await store.put(Readable.from([text]));
      expect(info.key).toBe(sha256(Buffer.from(text)));
      expect((await readAll(await store.get(info.key))).toString('utf8')).toBe(text);
    });

    it('stores the same content once: the second put is a no-op', async () => {
      const bytes = fresh();
      const first = await store.put(bytes);
      const second = await store.put(Buffer.from(bytes));
      expect(first.created).toBe(true);
      expect(second).toEqual({ key: first.key, size: bytes.length, created: false });
      expect(await harness.countCopies(first.key)).toBe(1);
    });

    it('stores empty content', async () => {
      const info = await store.put(new Uint8Array(0));
      expect(info.key).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      expect(info.size).toBe(0);
      expect((await readAll(await store.get(info.key))).length).toBe(0);
      expect(await store.stat(info.key)).toEqual({ key: info.key, size: 0 });
      expect(await codeOf(store.get(info.key, { start: 0 }))).toBe('bad_request');
    });

    it('streams 20 MiB in and out intact (multipart on S3)', async () => {
      const size = 20 * 1024 * 1024;
      const sent = createHash('sha256');
      const info = await store.put(Readable.from(generated(size, sent)));
      const key = sent.digest('hex');
      expect(info).toEqual({ key, size, created: true });
      const back = createHash('sha256');
      let length = 0;
      for await (const chunk of await store.get(key)) {
        back.update(chunk as Buffer);
        length += (chunk as Buffer).length;
      }
      expect(length).toBe(size);
      expect(back.digest('hex')).toBe(key);
      expect(await store.stat(key)).toEqual({ key, size });
    }, 120_000);

    it('reads byte ranges, inclusive as in HTTP', async () => {
      const bytes = fresh(1000);
      const { key } = await store.put(bytes);
      const read = async (start: number, end?: number) => readAll(await store.get(key, end === undefined ? { start } : { start, end }));
      expect(await read(0, 0)).toEqual(bytes.subarray(0, 1));
      expect(await read(100, 199)).toEqual(bytes.subarray(100, 200));
      expect(await read(999, 999)).toEqual(bytes.subarray(999));
      expect(await read(900)).toEqual(bytes.subarray(900));
      expect(await read(0)).toEqual(bytes);
      // An end past the last byte means "to the end" (RFC 9110 §14.1.2).
      expect(await read(990, 5000)).toEqual(bytes.subarray(990));
    });

    it('refuses a range that starts past the end, naming the size', async () => {
      const { key } = await store.put(fresh(1000));
      for (const range of [{ start: 1000 }, { start: 1000, end: 1000 }, { start: 5000, end: 6000 }]) {
        const error: unknown = await store.get(key, range).catch((e: unknown) => e);
        expect(isAppError(error) && error.code).toBe('bad_request');
        expect(String((error as Error).message)).toMatch(/not satisfiable.*1000 bytes/i);
        expect(isAppError(error) && error.problems).toEqual([{ field: 'range', message: 'bytes */1000' }]);
      }
    });

    it('refuses malformed ranges', async () => {
      const { key } = await store.put(fresh(100));
      for (const range of [{ start: 5, end: 2 }, { start: -1 }, { start: 1.5 }, { start: 0, end: Number.NaN }]) {
        expect(await codeOf(store.get(key, range))).toBe('bad_request');
      }
    });

    it('answers not_found for an unknown key, and stat says undefined', async () => {
      const key = sha256(fresh());
      expect(await codeOf(store.get(key))).toBe('not_found');
      expect(await codeOf(store.get(key, { start: 0, end: 1 }))).toBe('not_found');
      expect(await store.stat(key)).toBeUndefined();
    });

    it('deletes, and deleting an absent key is fine', async () => {
      const { key } = await store.put(fresh());
      await store.delete(key);
      expect(await codeOf(store.get(key))).toBe('not_found');
      expect(await store.stat(key)).toBeUndefined();
      await store.delete(key);
      await store.delete(sha256(fresh()));
      // Content can come back after deletion.
      expect((await store.put(fresh())).created).toBe(true);
    });

    it('refuses content over maxBytes and stores nothing', async () => {
      const bytes = fresh(5000);
      const source = Readable.from([bytes.subarray(0, 2000), bytes.subarray(2000, 4000), bytes.subarray(4000)]);
      const error: unknown = await store.put(source, { maxBytes: 4999 }).catch((e: unknown) => e);
      expect(isAppError(error) && error.code).toBe('payload_too_large');
      expect(String((error as Error).message)).toContain('4999');
      // It stops reading rather than draining a hostile upload.
      expect(source.destroyed).toBe(true);
      expect(await store.stat(sha256(bytes))).toBeUndefined();
      expect(await codeOf(store.put(bytes, { maxBytes: 0 }))).toBe('payload_too_large');
      // Exactly the limit is allowed.
      expect((await store.put(bytes, { maxBytes: 5000 })).size).toBe(5000);
    });

    it('refuses content whose hash is not expectedKey and stores nothing', async () => {
      const bytes = fresh();
      const other = sha256(fresh());
      expect(await codeOf(store.put(bytes, { expectedKey: other }))).toBe('bad_request');
      expect(await store.stat(sha256(bytes))).toBeUndefined();
      expect(await store.stat(other)).toBeUndefined();
      expect(await codeOf(store.put(bytes, { expectedKey: '../x' }))).toBe('bad_request');
      expect((await store.put(bytes, { expectedKey: sha256(bytes) })).created).toBe(true);
    });

    it('stores nothing when the body fails half way', async () => {
      const head = fresh(100);
      await expect(store.put(failingAfter(head))).rejects.toThrow('client went away');
      expect(await store.stat(sha256(head))).toBeUndefined();
    });

    it('refuses keys that are not a lower-case SHA-256, before touching storage', async () => {
      for (const key of ESCAPING_KEYS) {
        expect(await codeOf(store.get(key)), key).toBe('bad_request');
        expect(await codeOf(store.get(key, { start: 0 })), key).toBe('bad_request');
        expect(await codeOf(store.stat(key)), key).toBe('bad_request');
        expect(await codeOf(store.delete(key)), key).toBe('bad_request');
      }
      const error: unknown = await store.get('../../etc/passwd').catch((e: unknown) => e);
      expect(String((error as Error).message)).toContain('../../etc/passwd');
      const long: unknown = await store.get('x'.repeat(10_000)).catch((e: unknown) => e);
      expect(String((long as Error).message).length).toBeLessThan(300);
    });

    it(`survives 10 concurrent puts of the same content (${impl.exactlyOneCreator ? 'exactly one creates it' : 'at least one creates it'})`, async () => {
      const bytes = fresh(200_000);
      const results = await Promise.all(Array.from({ length: 10 }, () => store.put(Readable.from([bytes]))));
      const key = sha256(bytes);
      expect(results.every((r) => r.key === key && r.size === bytes.length)).toBe(true);
      const creators = results.filter((r) => r.created).length;
      if (impl.exactlyOneCreator) expect(creators).toBe(1);
      else expect(creators).toBeGreaterThanOrEqual(1);
      expect((await readAll(await store.get(key))).equals(bytes)).toBe(true);
      expect(await harness.countCopies(key)).toBe(1);
    });

    it('pings', async () => {
      await store.ping();
    });
  });
}

describe('blob store on disk: files and temp files', () => {
  let root: string;
  let store: BlobStore;
  const tmp = () => path.join(root, '.tmp');
  const outsideTmp = async () => (await listFiles(root)).filter((f) => !f.startsWith(tmp() + path.sep));

  beforeAll(() => {
    root = tempDir('fs-blobs');
    store = createFsBlobStore({ root });
  });

  afterAll(async () => {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('lays files out as ab/cd/<key> and leaves no temp file after a put', async () => {
    const bytes = randomBytes(777);
    const { key } = await store.put(bytes);
    expect(await readFile(path.join(root, key.slice(0, 2), key.slice(2, 4), key))).toEqual(bytes);
    expect(await readdir(tmp())).toEqual([]);
    await store.put(bytes);
    expect(await readdir(tmp())).toEqual([]);
  });

  it('leaves no temp file and no stray file after any failure', async () => {
    const before = await outsideTmp();
    const bytes = randomBytes(3000);
    await expect(store.put(bytes, { maxBytes: 10 })).rejects.toThrow();
    await expect(store.put(Readable.from([bytes, bytes]), { maxBytes: 4000 })).rejects.toThrow();
    await expect(store.put(bytes, { expectedKey: sha256(randomBytes(1)) })).rejects.toThrow();
    await expect(store.put(failingAfter(bytes))).rejects.toThrow();
    expect(await readdir(tmp())).toEqual([]);
    expect(await outsideTmp()).toEqual(before);
  });

  it('leaves no temp file after a ping', async () => {
    await store.ping();
    expect(await readdir(tmp())).toEqual([]);
  });

  it('puts and pings even after someone removed the temp folder', async () => {
    rmSync(tmp(), { recursive: true, force: true });
    await store.ping();
    expect((await store.put(randomBytes(10))).created).toBe(true);
    expect(await readdir(tmp())).toEqual([]);
  });

  it('sweeps temp files older than an hour when opened, and keeps fresh ones', async () => {
    const dir = tempDir('fs-sweep');
    try {
      await mkdir(path.join(dir, '.tmp'), { recursive: true });
      const stale = path.join(dir, '.tmp', 'stale');
      const young = path.join(dir, '.tmp', 'young');
      await writeFile(stale, 'left by a crash');
      await writeFile(young, 'an upload in flight');
      const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
      await utimes(stale, twoHoursAgo, twoHoursAgo);
      const other = createFsBlobStore({ root: dir });
      await other.close(); // waits for the sweep
      expect((await readdir(path.join(dir, '.tmp'))).sort()).toEqual(['young']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a blob the same file after a second put (no rewrite)', async () => {
    const bytes = randomBytes(100);
    const { key } = await store.put(bytes);
    const file = path.join(root, key.slice(0, 2), key.slice(2, 4), key);
    const first = await stat(file);
    await store.put(bytes);
    expect((await stat(file)).ino).toBe(first.ino);
  });
});
