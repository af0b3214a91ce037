/**
 * The refinery's ingest through the API, on both engines: resumable uploads with tus-js-client
 * against a listening server (and a resumed upload after an aborted one keeps the same SHA-256),
 * the tus protocol's edge cases with raw requests, versions made from a CP949 CSV and from a zip
 * (CP949 CSV, PNG, nested folder), malicious archives failing their version with nothing stored,
 * and who may see and touch what.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { sql } from 'kysely';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCp949, tarOf, zipOf } from '../../../test/support/archives.js';
import { useTestApp } from '../../../test/support/app.js';
import { ENGINES } from '../../../test/support/databases.js';
import { sleep, until } from '../../../test/support/queue-helpers.js';
import type { Clock } from '../../core/clock.js';
import type { DatasetVersion, RefineryDataset, VersionManifest } from './refinery.service.js';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const TUS = { 'tus-resumable': '1.0.0' };
const CSV_TEXT = '지역,이름,값\n서울,목록,1\n부산,가나다,2\n';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200)]);

/** Lets a test move time forward (upload expiry) without freezing it. */
let skewMs = 0;
const skewedClock: Clock = { now: () => new Date(Date.now() + skewMs) };

for (const engine of ENGINES) {
  describe(`refinery ingest (${engine})`, () => {
    const t = useTestApp(engine, { clock: skewedClock, env: { DATADAM_UPLOAD_MAX_BYTES: String(16 * 1024 * 1024) } });
    let nia: Record<string, string>;
    let seoul: Record<string, string>;
    let dataset: RefineryDataset;
    let baseUrl: string;

    beforeAll(async () => {
      nia = await t.current.bearer('steward@demo.datadam.kr', 'nia');
      seoul = await t.current.bearer('steward.seoul@demo.datadam.kr', 'seoul');
      const created = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/refinery/datasets',
        headers: nia,
        payload: { title: '주차장 정보' },
      });
      expect(created.statusCode).toBe(201);
      dataset = created.json();
      baseUrl = await t.current.app.listen({ port: 0, host: '127.0.0.1' });
    });
    afterAll(() => {
      skewMs = 0;
    });

    /** An upload by raw tus requests through inject(); returns its id. */
    function rawUpload(bytes: Buffer, name: string, auth = nia): Promise<string> {
      return t.current.upload(auth, dataset.id, bytes, name);
    }

    /** An upload with tus-js-client over a real socket. */
    function tusUpload(bytes: Buffer, name: string, options: Partial<tus.UploadOptions> = {}): Promise<string> {
      return new Promise((resolve, reject) => {
        const upload = new tus.Upload(bytes, {
          endpoint: `${baseUrl}/api/v1/uploads`,
          headers: nia,
          metadata: { filename: name, datasetId: dataset.id },
          retryDelays: [50, 100, 200, 400, 800],
          ...options,
          onError: reject,
          onSuccess: () => resolve(upload.url!),
        });
        upload.start();
      });
    }

    async function uploadBlobKey(id: string): Promise<string | null> {
      const row = await t.current.platform.database.db.selectFrom('uploads').select('blob_key').where('id', '=', id).executeTakeFirst();
      return (row as { blob_key: string | null } | undefined)?.blob_key ?? null;
    }

    /** Makes a version of the uploads and runs its ingest job now. */
    async function ingest(uploadIds: string[]): Promise<VersionManifest> {
      const response = await t.current.app.inject({
        method: 'POST',
        url: `/api/v1/refinery/datasets/${dataset.id}/versions`,
        headers: nia,
        payload: { uploads: uploadIds },
      });
      expect(response.statusCode, response.body).toBe(202);
      const { version, jobId } = response.json() as { version: DatasetVersion; jobId: string };
      expect(version.status).toBe('ingesting');
      expect((await t.current.platform.queue.get(jobId))?.name).toBe('refinery.ingest');
      await t.current.platform.refinery.runIngest(version.id);
      const manifest = await t.current.app.inject({ method: 'GET', url: `/api/v1/refinery/versions/${version.id}`, headers: nia });
      expect(manifest.statusCode).toBe(200);
      return manifest.json();
    }

    it('speaks tus: OPTIONS, Tus-Resumable required, 413 before storing, wrong offset 409, wrong type 415, DELETE', async () => {
      const { app } = t.current;
      const options = await app.inject({ method: 'OPTIONS', url: '/api/v1/uploads' });
      expect(options.statusCode).toBe(204);
      expect(options.headers['tus-version']).toBe('1.0.0');
      expect(options.headers['tus-extension']).toBe('creation,termination,expiration');
      expect(options.headers['tus-max-size']).toBe(String(16 * 1024 * 1024));

      const meta = `filename ${b64('a.csv')},datasetId ${b64(dataset.id)}`;
      const noVersion = await app.inject({
        method: 'POST',
        url: '/api/v1/uploads',
        headers: { ...nia, 'upload-length': '10', 'upload-metadata': meta },
      });
      expect(noVersion.statusCode).toBe(412);
      expect(noVersion.headers['tus-version']).toBe('1.0.0');

      const before = await sql<{ n: number }>`select count(*) as n from uploads`.execute(t.current.platform.database.db);
      const tooBig = await app.inject({
        method: 'POST',
        url: '/api/v1/uploads',
        headers: { ...nia, ...TUS, 'upload-length': String(16 * 1024 * 1024 + 1), 'upload-metadata': meta },
      });
      expect(tooBig.statusCode).toBe(413);
      expect(tooBig.json().problems[0].field).toBe('Upload-Length');
      const after = await sql<{ n: number }>`select count(*) as n from uploads`.execute(t.current.platform.database.db);
      expect(Number(after.rows[0]!.n)).toBe(Number(before.rows[0]!.n));

      const noName = await app.inject({
        method: 'POST',
        url: '/api/v1/uploads',
        headers: { ...nia, ...TUS, 'upload-length': '10', 'upload-metadata': `datasetId ${b64(dataset.id)}` },
      });
      expect(noName.statusCode).toBe(400);
      expect(noName.json().problems.map((p: { field: string }) => p.field)).toEqual(['Upload-Metadata.filename']);

      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/uploads',
        headers: { ...nia, ...TUS, 'upload-length': '10', 'upload-metadata': meta },
      });
      expect(created.statusCode).toBe(201);
      expect(created.headers['tus-resumable']).toBe('1.0.0');
      expect(created.headers['upload-expires']).toBeTruthy();
      const url = created.headers.location as string;
      const patch = (offset: string, payload: Buffer, type = 'application/offset+octet-stream') =>
        app.inject({ method: 'PATCH', url, headers: { ...nia, ...TUS, 'upload-offset': offset, 'content-type': type }, payload });
      expect((await patch('0', Buffer.from('01234'))).statusCode).toBe(204);
      const wrongOffset = await patch('0', Buffer.from('56789'));
      expect(wrongOffset.statusCode).toBe(409);
      expect(wrongOffset.headers['tus-resumable']).toBe('1.0.0');
      expect((await patch('5', Buffer.from('56789'), 'application/octet-stream')).statusCode).toBe(415);
      expect((await patch('5', Buffer.from('56789-and-more'))).statusCode).toBe(413);
      const head = await app.inject({ method: 'HEAD', url, headers: { ...nia, ...TUS } });
      expect(head.statusCode).toBe(200);
      expect(head.headers['upload-offset']).toBe('5');
      expect(head.headers['upload-length']).toBe('10');
      expect(head.headers['cache-control']).toBe('no-store');
      expect((await app.inject({ method: 'DELETE', url, headers: { ...nia, ...TUS } })).statusCode).toBe(204);
      expect((await app.inject({ method: 'HEAD', url, headers: { ...nia, ...TUS } })).statusCode).toBe(404);
    });

    it('keeps uploads to their organisation: another token sees nothing, anonymous must sign in', async () => {
      const { app } = t.current;
      const id = await rawUpload(Buffer.from('x,y\n1,2\n'), 'small.csv');
      for (const method of ['HEAD', 'DELETE'] as const) {
        expect((await app.inject({ method, url: `/api/v1/uploads/${id}`, headers: { ...seoul, ...TUS } })).statusCode).toBe(404);
        // An id that does not exist answers the same: nothing to learn.
        expect(
          (await app.inject({ method, url: `/api/v1/uploads/00000000-0000-7000-8000-000000000000`, headers: { ...seoul, ...TUS } }))
            .statusCode,
        ).toBe(404);
      }
      const meta = `filename ${b64('a.csv')},datasetId ${b64(dataset.id)}`;
      expect(
        (
          await app.inject({
            method: 'POST',
            url: '/api/v1/uploads',
            headers: { ...seoul, ...TUS, 'upload-length': '3', 'upload-metadata': meta },
          })
        ).statusCode,
      ).toBe(404);
      expect(
        (await app.inject({ method: 'POST', url: '/api/v1/uploads', headers: { ...TUS, 'upload-length': '3', 'upload-metadata': meta } }))
          .statusCode,
      ).toBe(401);
      expect((await app.inject({ method: 'HEAD', url: `/api/v1/uploads/${id}`, headers: TUS })).statusCode).toBe(401);
      expect((await app.inject({ method: 'GET', url: '/api/v1/refinery/datasets' })).statusCode).toBe(401);
      expect((await app.inject({ method: 'GET', url: `/api/v1/refinery/datasets/${dataset.id}`, headers: seoul })).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/api/v1/refinery/datasets', headers: seoul })).json().items).toEqual([]);
      expect(
        (await app.inject({ method: 'GET', url: '/api/v1/refinery/datasets', headers: nia }))
          .json()
          .items.map((d: RefineryDataset) => d.id),
      ).toContain(dataset.id);
      const versions = await app.inject({
        method: 'POST',
        url: `/api/v1/refinery/datasets/${dataset.id}/versions`,
        headers: seoul,
        payload: { uploads: [id] },
      });
      expect(versions.statusCode).toBe(404);
    });

    it('refuses an expired upload', async () => {
      const { app } = t.current;
      const id = await rawUpload(Buffer.from('x,y\n1,2\n'), 'old.csv');
      skewMs = 25 * 60 * 60 * 1000;
      try {
        expect((await app.inject({ method: 'HEAD', url: `/api/v1/uploads/${id}`, headers: { ...nia, ...TUS } })).statusCode).toBe(404);
        const version = await app.inject({
          method: 'POST',
          url: `/api/v1/refinery/datasets/${dataset.id}/versions`,
          headers: nia,
          payload: { uploads: [id] },
        });
        expect(version.statusCode).toBe(400);
        expect(version.json().problems).toEqual([{ field: 'uploads[0]', message: 'expired' }]);
        expect(await t.current.platform.uploads.removeExpired()).toBeGreaterThanOrEqual(1);
      } finally {
        skewMs = 0;
      }
      expect(
        await t.current.platform.database.db.selectFrom('uploads').select('id').where('id', '=', id).executeTakeFirst(),
      ).toBeUndefined();
    });

    it('keeps the bytes of a PATCH cut mid-way, and tus-js-client resumes it to the identical SHA-256', async () => {
      const bytes = randomBytes(6 * 1024 * 1024);
      const created = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/uploads',
        headers: {
          ...nia,
          ...TUS,
          'upload-length': String(bytes.length),
          'upload-metadata': `filename ${b64('random.bin')},datasetId ${b64(dataset.id)}`,
        },
      });
      const location = created.headers.location as string;
      // A PATCH announcing every byte, of which the first 2 MiB arrive before the connection is cut.
      const request = http.request(`${baseUrl}${location}`, {
        method: 'PATCH',
        agent: false,
        headers: {
          ...nia,
          ...TUS,
          'upload-offset': '0',
          'content-type': 'application/offset+octet-stream',
          'content-length': String(bytes.length),
        },
      });
      request.on('error', () => undefined);
      request.write(bytes.subarray(0, 2 * 1024 * 1024));
      await sleep(300);
      request.destroy();
      let offset = 0;
      await until(async () => {
        const head = await t.current.app.inject({ method: 'HEAD', url: location, headers: { ...nia, ...TUS } });
        offset = Number(head.headers['upload-offset']);
        return offset > 0;
      }, 'the cut PATCH to be recorded');
      expect(offset).toBeLessThanOrEqual(2 * 1024 * 1024);
      const url = await tusUpload(bytes, 'random.bin', { uploadUrl: `${baseUrl}${location}` });
      expect(url).toBe(`${baseUrl}${location}`);
      expect(await uploadBlobKey(location.split('/').pop()!)).toBe(sha256(bytes));
    });

    it('ingests a CP949 CSV sent with tus-js-client: stored as UTF-8 NFC, the original kept', async () => {
      const cp949 = encodeCp949(CSV_TEXT);
      const url = await tusUpload(cp949, '목록.csv');
      const manifest = await ingest([url.split('/').pop()!]);
      expect(manifest.status).toBe('ready');
      expect(manifest.files).toEqual([
        {
          path: '목록.csv',
          blobKey: sha256(CSV_TEXT),
          size: Buffer.byteLength(CSV_TEXT),
          format: 'csv',
          mediaType: expect.stringMatching(/^text\/csv/),
          encoding: 'cp949',
          originalBlobKey: sha256(cp949),
        },
      ]);
      expect(manifest.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
      const download = await t.current.app.inject({
        method: 'GET',
        url: `/api/v1/refinery/versions/${manifest.id}/files/${encodeURIComponent('목록.csv')}`,
        headers: nia,
      });
      expect(download.statusCode).toBe(200);
      expect(download.body).toBe(CSV_TEXT);
      expect(download.headers['content-type']).toMatch(/charset=utf-8/);
      const original = await t.current.app.inject({
        method: 'GET',
        url: `/api/v1/refinery/versions/${manifest.id}/files/${encodeURIComponent('목록.csv')}?original=true`,
        headers: nia,
      });
      expect(original.rawPayload).toEqual(cp949);
    });

    it('ingests a zip of a CP949 CSV, a PNG and a nested folder; identical files are stored once', async () => {
      const cp949 = encodeCp949(CSV_TEXT);
      const zip = zipOf([
        { name: 'data/', mode: 0o040755 },
        { name: 'data/목록.csv', data: cp949, method: 'deflate' },
        { name: 'images/logo.png', data: PNG },
        { name: 'nested/deep/readme.txt', data: Buffer.from('그냥 설명입니다.\n', 'utf8'), method: 'deflate' },
      ]);
      const manifest = await ingest([await rawUpload(zip, 'bundle.zip')]);
      expect(manifest.status, manifest.error ?? '').toBe('ready');
      expect(manifest.files.map((f) => [f.path, f.format, f.encoding])).toEqual([
        ['data/목록.csv', 'csv', 'cp949'],
        ['images/logo.png', 'image', null],
        ['nested/deep/readme.txt', 'text', 'utf-8'],
      ]);
      const csv = manifest.files[0]!;
      // The same CSV as the version before: the same blob.
      expect(csv.blobKey).toBe(sha256(CSV_TEXT));
      expect(csv.originalBlobKey).toBe(sha256(cp949));
      expect(manifest.files[1]!.blobKey).toBe(sha256(PNG));
      expect(manifest.files[2]!.originalBlobKey).toBeNull();
      expect(manifest.fileCount).toBe(3);
      const png = await t.current.app.inject({
        method: 'GET',
        url: `/api/v1/refinery/versions/${manifest.id}/files/images/logo.png`,
        headers: nia,
      });
      expect(png.headers['content-type']).toBe('image/png');
      expect(png.rawPayload).toEqual(PNG);

      // A path out of the manifest is a 400 or a 404, never a file from disk.
      for (const bad of ['../../../etc/passwd', '%2e%2e/%2e%2e/etc/passwd', 'data/..%2F..%2Fsecret', 'data\\x.csv']) {
        const response = await t.current.app.inject({
          method: 'GET',
          url: `/api/v1/refinery/versions/${manifest.id}/files/${bad}`,
          headers: nia,
        });
        expect([400, 404], `${bad}: ${response.statusCode}`).toContain(response.statusCode);
        expect(response.headers['content-type']).toMatch(/problem\+json/);
      }
      expect(
        (await t.current.app.inject({ method: 'GET', url: `/api/v1/refinery/versions/${manifest.id}/files/missing.csv`, headers: nia }))
          .statusCode,
      ).toBe(404);
      expect(
        (
          await t.current.app.inject({
            method: 'GET',
            url: `/api/v1/refinery/versions/${manifest.id}/files/images/logo.png`,
            headers: seoul,
          })
        ).statusCode,
      ).toBe(404);

      const list = await t.current.app.inject({ method: 'GET', url: `/api/v1/refinery/datasets/${dataset.id}/versions`, headers: nia });
      const numbers = (list.json().items as DatasetVersion[]).map((v) => v.number);
      expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    });

    it('fails a version made of a malicious archive, naming the entry, with nothing stored', async () => {
      const evil = Buffer.from('pwned by the archive');
      const cases: Array<[string, Buffer, RegExp]> = [
        [
          'traversal.zip',
          zipOf([
            { name: 'ok.txt', data: Buffer.from('fine') },
            { name: '../../evil.txt', data: evil },
          ]),
          /"\.\.\/\.\.\/evil\.txt".*'\.\.'/,
        ],
        ['absolute.tar', await tarOf([{ name: '/tmp/evil', data: evil }]), /"\/tmp\/evil".*absolute/],
        [
          'symlink.tar.gz',
          await tarOf(
            [
              { name: 'out', type: 'symlink', linkname: '/tmp' },
              { name: 'out/evil.txt', data: evil },
            ],
            { gzip: true },
          ),
          /"out".*symbolic link/,
        ],
        [
          'bomb.zip',
          zipOf([{ name: 'zeros.bin', data: Buffer.alloc(20 * 1024 * 1024), method: 'deflate' }]),
          /"zeros\.bin".*times its compressed size/,
        ],
      ];
      for (const [name, bytes, why] of cases) {
        const id = await rawUpload(bytes, name);
        const manifest = await ingest([id]);
        expect(manifest.status, name).toBe('failed');
        expect(manifest.error).toContain(`upload "${name}"`);
        expect(manifest.error).toMatch(why);
        expect(manifest.files).toEqual([]);
        const rows = await t.current.platform.database.db
          .selectFrom('dataset_files')
          .select('path')
          .where('version_id', '=', manifest.id)
          .execute();
        expect(rows).toEqual([]);
        // The upload is free again for another try.
        expect(
          (await t.current.platform.database.db.selectFrom('uploads').select('status').where('id', '=', id).executeTakeFirst())?.status,
        ).toBe('complete');
      }
      expect(await t.current.platform.blobStore.stat(sha256(evil))).toBeUndefined();
      expect(await t.current.platform.blobStore.stat(sha256('fine'))).toBeUndefined();
    });
  });
}
