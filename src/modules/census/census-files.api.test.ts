/**
 * The census's files over HTTP, on both engines: upload → dry run → commit through the real job
 * queue and worker, who may import into what, upload limits, exports and templates.
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/support/app.js';
import { ENGINES } from '../../../test/support/databases.js';
import { startPlatformWorker } from '../../server/worker.js';
import { templateCsv } from './import/template.js';

const FIXTURES = new URL('../../../test/fixtures/census/', import.meta.url);
const DATA_GO_KR_SLICE = readFileSync(new URL('data-go-kr-100.utf8-bom.csv', FIXTURES));

for (const engine of ENGINES) {
  describe(`census import and export API: ${engine}`, () => {
    const t = useTestApp(engine, { env: { DATADAM_MAX_UPLOAD_BYTES: String(256 * 1024) } });
    let worker: { stop(): Promise<void> } | undefined;
    afterAll(async () => worker?.stop());

    async function waitDone(headers: Record<string, string>, id: string) {
      worker ??= startPlatformWorker(t.current.platform, pino({ level: 'silent' }), { pollIntervalMs: 20 });
      for (let i = 0; i < 500; i++) {
        const response = await t.current.app.inject({ url: `/api/v1/census/imports/${id}`, headers });
        const body = response.json() as { status: string };
        if (body.status === 'done' || body.status === 'failed') return response.json();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`import ${id} did not finish`);
    }

    async function orgId(slug: string) {
      return ((await t.current.app.inject({ url: `/api/v1/orgs/${slug}` })).json() as { id: string }).id;
    }

    async function upload(session: { cookie: string; csrf: string }, body: Buffer | string, query: Record<string, string>) {
      return t.current.app.inject({
        method: 'POST',
        url: `/api/v1/census/imports?${new URLSearchParams(query)}`,
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/octet-stream' },
        payload: body,
      });
    }

    it('lets a steward check a file, then import it into their agency', async () => {
      const steward = await t.current.login('steward@demo.datadam.kr');
      const nia = await orgId('nia');
      const started = await upload(steward, templateCsv('ko'), { fileName: '조사표.csv', orgId: nia, dryRun: 'true' });
      expect(started.statusCode, started.body).toBe(202);
      const dry = await waitDone({ cookie: steward.cookie }, started.json().id);
      expect(dry).toMatchObject({
        status: 'done',
        dryRun: true,
        rows: 1,
        imported: 1,
        rejected: 0,
        committed: false,
        encoding: 'utf-8-bom',
        format: 'csv',
      });
      const before = await t.current.app.inject({ url: `/api/v1/census/entries?org=${nia}`, headers: { cookie: steward.cookie } });
      expect(before.json().items).toHaveLength(0);

      const commit = await t.current.app.inject({
        method: 'POST',
        url: `/api/v1/census/imports/${dry.id}/commit`,
        headers: { cookie: steward.cookie, 'x-csrf-token': steward.csrf },
        payload: { validRowsOnly: false },
      });
      expect(commit.statusCode, commit.body).toBe(202);
      const done = await waitDone({ cookie: steward.cookie }, commit.json().id);
      expect(done).toMatchObject({ status: 'done', dryRun: false, imported: 1, committed: true, parentId: dry.id });
      const after = await t.current.app.inject({ url: `/api/v1/census/entries?org=${nia}`, headers: { cookie: steward.cookie } });
      expect(after.json().items).toHaveLength(1);
      expect(after.json().items[0]).toMatchObject({ status: 'draft', orgId: nia });
    });

    it("refuses imports into another agency, catalog imports by stewards, and shows nobody else's imports", async () => {
      const steward = await t.current.login('steward@demo.datadam.kr');
      const seoul = await orgId('seoul');
      expect((await upload(steward, templateCsv('ko'), { fileName: 'x.csv', orgId: seoul })).statusCode).toBe(403);
      expect((await upload(steward, DATA_GO_KR_SLICE, { fileName: 'x.csv', mapping: 'data-go-kr' })).statusCode).toBe(403);

      const seoulSteward = await t.current.login('steward.seoul@demo.datadam.kr');
      const own = await upload(seoulSteward, templateCsv('ko'), { fileName: 'x.csv', orgId: seoul, dryRun: 'true' });
      expect(own.statusCode).toBe(202);
      const peek = await t.current.app.inject({ url: `/api/v1/census/imports/${own.json().id}`, headers: { cookie: steward.cookie } });
      expect(peek.statusCode).toBe(404);
    });

    it('lets the operator import a catalog that names its agencies, creating those not yet known', async () => {
      const operator = await t.current.login('operator@demo.datadam.kr');
      const started = await upload(operator, DATA_GO_KR_SLICE, {
        fileName: 'data-go-kr.csv',
        mapping: 'data-go-kr',
        validRowsOnly: 'false',
      });
      expect(started.statusCode, started.body).toBe(202);
      const done = await waitDone({ cookie: operator.cookie }, started.json().id);
      expect(done).toMatchObject({ status: 'done', rows: 100, imported: 100, rejected: 0, committed: true });
      const orgs = (await t.current.app.inject({ url: '/api/v1/orgs' })).json().items as Array<{ kind: string }>;
      expect(orgs.filter((o) => o.kind === 'agency').length).toBeGreaterThan(2);
      // A second time, everything is already there.
      const again = await waitDone(
        { cookie: operator.cookie },
        (await upload(operator, DATA_GO_KR_SLICE, { fileName: 'again.csv', mapping: 'data-go-kr' })).json().id,
      );
      expect(again).toMatchObject({ imported: 0, unchanged: 100 });
    });

    it('reports bad rows with row and column and imports nothing, unless asked for the valid rows', async () => {
      const steward = await t.current.login('steward@demo.datadam.kr');
      const nia = await orgId('nia');
      const [header, example] = templateCsv('ko')
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split(/\r?\n/);
      const broken = `${header}\n${example}\n${example!.replace(',정형,', ',액체,')}\n`;
      const done = await waitDone(
        { cookie: steward.cookie },
        (await upload(steward, broken, { fileName: 'broken.csv', orgId: nia })).json().id,
      );
      expect(done).toMatchObject({ status: 'done', rows: 2, rejected: 1, committed: false });
      expect(done.errors).toEqual([expect.objectContaining({ row: 3, column: expect.stringContaining('구조') })]);
      expect(done.errors[0].message).toMatch(/허용되지 않는 값/);
      expect(done.errors[0].messageEn).toMatch(/not an allowed value/);
      const commit = await t.current.app.inject({
        method: 'POST',
        url: `/api/v1/census/imports/${done.id}/commit`,
        headers: { cookie: steward.cookie, 'x-csrf-token': steward.csrf },
        payload: { validRowsOnly: false },
      });
      expect(commit.statusCode).toBe(409);
    });

    it('refuses an upload over the limit with 413 and keeps nothing of it', async () => {
      const operator = await t.current.login('operator@demo.datadam.kr');
      const big = Buffer.alloc(300 * 1024, 'a');
      const response = await upload(operator, big, { fileName: 'big.csv', mapping: 'data-go-kr' });
      expect(response.statusCode).toBe(413);
      expect(response.json()).toMatchObject({ status: 413 });
    });

    it('needs a file and a known mapping', async () => {
      const operator = await t.current.login('operator@demo.datadam.kr');
      const noName = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/census/imports',
        headers: { cookie: operator.cookie, 'x-csrf-token': operator.csrf, 'content-type': 'text/csv' },
        payload: 'a,b\n',
      });
      expect(noName.statusCode).toBe(400);
      expect(noName.json().problems).toEqual([expect.objectContaining({ field: 'querystring.fileName' })]);
      const unknown = await upload(operator, 'a,b\n1,2\n', { fileName: 'x.csv', mapping: 'excel-magic' });
      expect(unknown.statusCode).toBe(422);
    });

    it('exports what the caller may see as CSV (with BOM), XLSX and JSON', async () => {
      const operator = await t.current.login('operator@demo.datadam.kr');
      const csv = await t.current.app.inject({ url: '/api/v1/census/export?format=csv', headers: { cookie: operator.cookie } });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="datadam-census-/);
      expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const lines = csv.body
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split(/\r?\n/);
      expect(lines.length).toBeGreaterThan(100);

      const xlsx = await t.current.app.inject({ url: '/api/v1/census/export?format=xlsx', headers: { cookie: operator.cookie } });
      expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');

      const json = await t.current.app.inject({
        url: '/api/v1/census/export?format=json&status=accepted',
        headers: { cookie: operator.cookie },
      });
      expect(JSON.parse(json.body)).toEqual([]);

      // A consumer sees accepted entries only: none yet.
      const consumer = await t.current.login('consumer@demo.datadam.kr');
      const theirs = await t.current.app.inject({ url: '/api/v1/census/export?format=json', headers: { cookie: consumer.cookie } });
      expect(JSON.parse(theirs.body)).toEqual([]);
      expect((await t.current.app.inject({ url: '/api/v1/census/export?format=csv' })).statusCode).toBe(401);
    });

    it('serves the import templates', async () => {
      const csv = await t.current.app.inject({ url: '/api/v1/census/template.csv' });
      expect(csv.statusCode).toBe(200);
      expect(csv.body).toContain('데이터명');
      const xlsx = await t.current.app.inject({ url: '/api/v1/census/template.xlsx' });
      expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    });
  });
}
