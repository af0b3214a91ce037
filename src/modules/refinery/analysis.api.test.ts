/**
 * What the refinery does with a ready version, through the API and a real worker, on both engines:
 * a CP949 CSV from data.go.kr is uploaded (tus), ingested, profiled and measured by the jobs the
 * version's readiness queues; the dataset's rules (a bad file is a 422 naming the rule and field)
 * feed rule conformance; the HTML report escapes a column named like a script; a recipe makes a new
 * version with Parquet and JSON Lines; a sampling inspection draws its plan's sample, takes
 * verdicts and closes with accuracy and intervals; and who may do what.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/support/app.js';
import { ENGINES } from '../../../test/support/databases.js';
import { until } from '../../../test/support/queue-helpers.js';
import type { RunningWorker } from '../../platform/queue/worker.js';
import type { Inspection } from './analysis.service.js';
import type { QualityReport } from './analysis/engine.js';
import type { ProfileReport } from './profile/index.js';
import { singleSamplingPlan } from './quality/sampling.js';
import type { RefineryDataset, VersionManifest } from './refinery.service.js';

const CRIME = readFileSync(
  new URL('../../../test/fixtures/datago-tabular/경찰청_범죄 발생 장소별 통계/경찰청_범죄 발생 장소별 통계_20201231.csv', import.meta.url),
);
const JOBS = ['refinery.ingest', 'refinery.profile', 'refinery.quality', 'refinery.recipe'];

type Profile = ProfileReport & { files: Array<ProfileReport['files'][number] & { uploadedEncoding: string | null }> };

for (const engine of ENGINES) {
  describe(`refinery analysis (${engine})`, () => {
    const t = useTestApp(engine);
    let nia: Record<string, string>;
    let seoul: Record<string, string>;
    let consumer: Record<string, string>;
    let auditor: Record<string, string>;
    let worker: RunningWorker;
    let dataset: RefineryDataset;
    let version: VersionManifest;

    const call = (method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string> = nia, payload?: unknown) =>
      t.current.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as string } : {}) });

    async function newDataset(title: string): Promise<RefineryDataset> {
      const created = await call('POST', '/api/v1/refinery/datasets', nia, { title });
      expect(created.statusCode, created.body).toBe(201);
      return created.json();
    }

    /** Uploads the bytes (tus), makes a version of them and waits for its quality report. */
    async function versionOf(target: RefineryDataset, bytes: Buffer, name: string): Promise<VersionManifest> {
      const uploadId = await t.current.upload(nia, target.id, bytes, name);
      const made = await call('POST', `/api/v1/refinery/datasets/${target.id}/versions`, nia, { uploads: [uploadId] });
      expect(made.statusCode, made.body).toBe(202);
      const id = (made.json() as { version: { id: string } }).version.id;
      return waitForQuality(id);
    }

    async function waitForQuality(id: string, after = ''): Promise<VersionManifest> {
      let current: VersionManifest | undefined;
      await until(
        async () => {
          current = (await call('GET', `/api/v1/refinery/versions/${id}`)).json();
          const quality = current?.tasks.quality;
          if (current?.tasks.profile?.status === 'failed') throw new Error(`profile failed: ${current.tasks.profile.error}`);
          if (quality?.status === 'failed') throw new Error(`quality failed: ${quality.error}`);
          return quality?.status === 'done' && quality.updatedAt > after;
        },
        `the quality of version ${id}`,
        45_000,
      );
      return current!;
    }

    beforeAll(async () => {
      nia = await t.current.bearer('steward@demo.datadam.kr', 'nia');
      seoul = await t.current.bearer('steward.seoul@demo.datadam.kr', 'seoul');
      consumer = await t.current.bearer('consumer@demo.datadam.kr', 'hangang-ai');
      auditor = await t.current.bearer('auditor@demo.datadam.kr', 'operator', ['read']);
      worker = t.current.startWorker(`analysis-test-${engine}`, JOBS);
      dataset = await newDataset('경찰청 범죄 발생 장소별 통계');
      version = await versionOf(dataset, CRIME, '경찰청_범죄 발생 장소별 통계_20201231.csv');
    }, 90_000);
    afterAll(async () => {
      await worker?.stop();
    });

    it('profiles a ready version by itself: rows, columns, the encoding uploaded in', async () => {
      expect(version.status).toBe('ready');
      expect(version.tasks.profile).toMatchObject({ status: 'done', error: null });
      const response = await call('GET', `/api/v1/refinery/versions/${version.id}/reports/profile`);
      expect(response.statusCode).toBe(200);
      const profile = (response.json() as { body: Profile }).body;
      expect(profile.files).toHaveLength(1);
      expect(profile.files[0]).toMatchObject({ format: 'csv', rows: 38, encoding: 'utf-8', uploadedEncoding: 'cp949' });
      expect(profile.files[0]!.columns).toHaveLength(36);
      expect(profile.files[0]!.columns.map((c) => c.name)).toContain('범죄대분류');
    });

    it('measures quality: every indicator with its value, formula and inputs; downloadable', async () => {
      const response = await call('GET', `/api/v1/refinery/versions/${version.id}/reports/quality?download=1`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename="version-1-quality.json"/);
      const quality = (response.json() as { body: QualityReport }).body;
      expect(quality.records).toBe(38);
      const byId = Object.fromEntries(quality.indicators.map((i) => [i.id, i]));
      expect(byId.completeness).toMatchObject({ name: { ko: '완전성', en: 'Completeness' }, inputs: { cells: 38 * 36 } });
      expect(byId.completeness!.formula).toContain('missing cells');
      expect(byId.completeness!.value).toBeGreaterThan(0.9);
      expect(byId.format_validity).toMatchObject({ value: 1, inputs: { files: 1, parsedFiles: 1 } });
      expect(byId.uniqueness).toMatchObject({ value: 1, inputs: { records: 38, exactDuplicates: 0 } });
      expect(byId.rule_conformance).toBeUndefined();
    });

    it('keeps rules: a bad file is a 422 naming the rule and field; good rules feed rule conformance', async () => {
      const bad = await call('PUT', `/api/v1/refinery/datasets/${dataset.id}/rules`, nia, { rules: 'rules:\n  - kind: not_null\n' });
      expect(bad.statusCode, bad.body).toBe(422);
      expect((bad.json() as { problems: Array<{ field: string }> }).problems.map((p) => p.field)).toContain('rules[0].column');
      const yaml = 'rules:\n  - kind: not_null\n    column: 범죄대분류\n  - kind: row_count\n    min: 100\n';
      const asYaml = await t.current.app.inject({
        method: 'PUT',
        url: `/api/v1/refinery/datasets/${dataset.id}/rules`,
        headers: { ...nia, 'content-type': 'application/yaml' },
        payload: yaml,
      });
      expect(asYaml.statusCode, asYaml.body).toBe(200);
      expect(asYaml.json()).toEqual({ rules: yaml, count: 2 });
      expect((await call('PUT', `/api/v1/refinery/datasets/${dataset.id}/rules`, seoul, { rules: yaml })).statusCode).toBe(404);
      expect((await call('PUT', `/api/v1/refinery/datasets/${dataset.id}/rules`, auditor, { rules: yaml })).statusCode).toBe(403);
      const after = version.tasks.quality!.updatedAt;
      await waitForQuality(version.id, after);
      const quality = ((await call('GET', `/api/v1/refinery/versions/${version.id}/reports/quality`)).json() as { body: QualityReport })
        .body;
      const rule = quality.indicators.find((i) => i.id === 'rule_conformance');
      expect(rule).toMatchObject({ value: 0.5, inputs: { checks: 2, passed: 1, failed: 1 } });
      expect((await call('GET', `/api/v1/refinery/datasets/${dataset.id}`)).json()).toMatchObject({ rules: yaml });
    });

    it('renders a standalone HTML report with every value escaped', async () => {
      const evil = await newDataset('<b>제목</b>');
      const csv = Buffer.from('"<script>alert(1)</script>",값\n가,1\n가,1\n나,2\n', 'utf8');
      const v = await versionOf(evil, csv, 'evil.csv');
      const response = await call('GET', `/api/v1/refinery/versions/${v.id}/report.html`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['content-disposition']).toMatch(/^attachment; /);
      const html = response.body;
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('&lt;b&gt;제목&lt;/b&gt;');
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/(src|href)="https?:/);
      expect(html).toContain('<svg');
      expect(html).toContain('completeness = 1 − (missing cells');
      expect(html).toContain('완전성');
      // The two identical rows: one is redundant.
      const quality = ((await call('GET', `/api/v1/refinery/versions/${v.id}/reports/quality`)).json() as { body: QualityReport }).body;
      expect(quality.indicators.find((i) => i.id === 'uniqueness')).toMatchObject({ inputs: { records: 3, exactDuplicates: 1 } });
      expect(quality.duplicates.exact).toEqual([{ file: 'evil.csv', rows: [1, 2], count: 2 }]);
    });

    it('applies a recipe as a job: a new version with Parquet and JSON Lines, and its run', async () => {
      const bad = await call('POST', `/api/v1/refinery/versions/${version.id}/recipe`, nia, {
        recipe: { version: 1, steps: [{ op: 'nope' }] },
      });
      expect(bad.statusCode, bad.body).toBe(422);
      expect((bad.json() as { problems: Array<{ field: string }> }).problems[0]!.field).toMatch(/^steps\[0\]/);
      expect((await call('POST', `/api/v1/refinery/versions/${version.id}/recipe`, consumer, { recipe: 'version: 1\n' })).statusCode).toBe(
        404,
      );
      const recipe = 'version: 1\nsteps:\n  - op: trim\noutput:\n  formats: [parquet, jsonl]\n';
      const queued = await t.current.app.inject({
        method: 'POST',
        url: `/api/v1/refinery/versions/${version.id}/recipe`,
        headers: { ...nia, 'content-type': 'text/yaml' },
        payload: recipe,
      });
      expect(queued.statusCode, queued.body).toBe(202);
      let parent: VersionManifest | undefined;
      await until(
        async () => {
          parent = (await call('GET', `/api/v1/refinery/versions/${version.id}`)).json();
          if (parent?.tasks.recipe?.status === 'failed') throw new Error(parent.tasks.recipe.error ?? 'failed');
          return parent?.tasks.recipe?.status === 'done';
        },
        'the recipe',
        45_000,
      );
      const made = parent!.tasks.recipe!.result as { versionId: string; number: number };
      const child = await waitForQuality(made.versionId);
      expect(child).toMatchObject({ status: 'ready', origin: 'recipe', parentVersionId: version.id, number: made.number });
      expect(child.files.map((f) => f.path)).toEqual(['data/data.jsonl', 'data/data.parquet']);
      const run = (await call('GET', `/api/v1/refinery/versions/${child.id}/reports/recipe_run`)).json() as {
        body: { rowsIn: number; rowsOut: number };
      };
      expect(run.body).toMatchObject({ rowsIn: 38, rowsOut: 38 });
      const profile = ((await call('GET', `/api/v1/refinery/versions/${child.id}/reports/profile`)).json() as { body: ProfileReport }).body;
      expect(profile.files.map((f) => [f.format, f.rows])).toEqual([
        ['jsonl', 38],
        ['parquet', 38],
      ]);
    });

    it('inspects a sample: the plan, the records, verdicts, and a result with intervals', async () => {
      const plan = singleSamplingPlan({ lotSize: 38, aql: 1.0 });
      expect((await call('POST', `/api/v1/refinery/versions/${version.id}/inspections`, nia, { aql: 3 })).statusCode).toBe(400);
      expect((await call('POST', `/api/v1/refinery/versions/${version.id}/inspections`, seoul, { aql: 1 })).statusCode).toBe(404);
      expect((await call('POST', `/api/v1/refinery/versions/${version.id}/inspections`, auditor, { aql: 1 })).statusCode).toBe(403);
      expect((await call('POST', `/api/v1/refinery/versions/${version.id}/inspections`, {}, { aql: 1 })).statusCode).toBe(401);
      const created = await call('POST', `/api/v1/refinery/versions/${version.id}/inspections`, nia, { aql: 1 });
      expect(created.statusCode, created.body).toBe(201);
      const inspection = created.json() as Inspection;
      expect(inspection).toMatchObject({
        status: 'open',
        lotSize: 38,
        plan: { sampleSize: plan.sampleSize, acceptance: plan.acceptance, rejection: plan.rejection },
      });
      expect(inspection.items).toHaveLength(plan.sampleSize);
      const rows = inspection.items.map((i) => i.row!);
      expect(new Set(rows).size).toBe(rows.length);
      expect(rows.every((r) => r >= 1 && r <= 38)).toBe(true);
      expect(Object.keys(inspection.items[0]!.record)).toContain('범죄대분류');
      // The same inspection always shows the same records; others may read but not judge.
      const again = (await call('GET', `/api/v1/refinery/inspections/${inspection.id}`, auditor)).json() as Inspection;
      expect(again.items.map((i) => i.row)).toEqual(rows);
      expect((await call('GET', `/api/v1/refinery/inspections/${inspection.id}`, consumer)).statusCode).toBe(404);
      expect((await call('GET', `/api/v1/refinery/inspections/${inspection.id}`, {})).statusCode).toBe(401);
      expect((await call('POST', `/api/v1/refinery/inspections/${inspection.id}/items/1`, auditor, { verdict: 'pass' })).statusCode).toBe(
        403,
      );
      expect((await call('POST', `/api/v1/refinery/inspections/${inspection.id}/items/999`, nia, { verdict: 'pass' })).statusCode).toBe(
        404,
      );

      const before = (await call('GET', `/api/v1/refinery/versions/${version.id}`)).json() as VersionManifest;
      let last: Inspection | undefined;
      for (const item of inspection.items) {
        const verdict = item.no === 1 ? 'fail' : 'pass';
        const decided = await call('POST', `/api/v1/refinery/inspections/${inspection.id}/items/${item.no}`, nia, {
          verdict,
          note: `검사 ${item.no}`,
        });
        expect(decided.statusCode, decided.body).toBe(200);
        last = decided.json();
      }
      const n = plan.sampleSize;
      expect(last).toMatchObject({ decided: n, passed: n - 1, failed: 1, status: 1 <= plan.acceptance ? 'accepted' : 'rejected' });
      expect(last!.result!.accuracy).toBeCloseTo((n - 1) / n, 10);
      expect(last!.result!.clopperPearson.lower).toBeLessThan(last!.result!.accuracy);
      expect(last!.result!.wilson.upper).toBeLessThanOrEqual(1);
      expect((await call('POST', `/api/v1/refinery/inspections/${inspection.id}/items/1`, nia, { verdict: 'pass' })).statusCode).toBe(409);

      await waitForQuality(version.id, before.tasks.quality!.updatedAt);
      const quality = ((await call('GET', `/api/v1/refinery/versions/${version.id}/reports/quality`)).json() as { body: QualityReport })
        .body;
      expect(quality.indicators.find((i) => i.id === 'semantic_accuracy')).toMatchObject({
        inputs: { inspected: n, passed: n - 1, failed: 1, inspectionId: inspection.id },
      });
      const list = (await call('GET', `/api/v1/refinery/versions/${version.id}/inspections`)).json() as { items: Inspection[] };
      expect(list.items.map((i) => i.id)).toEqual([inspection.id]);
    });

    it('hides reports from other organisations and strangers', async () => {
      const url = `/api/v1/refinery/versions/${version.id}/reports/quality`;
      expect((await call('GET', url, seoul)).statusCode).toBe(404);
      expect((await call('GET', url, consumer)).statusCode).toBe(404);
      expect((await call('GET', url, {})).statusCode).toBe(401);
      expect((await call('GET', url, auditor)).statusCode).toBe(200);
      expect((await call('GET', `/api/v1/refinery/versions/${version.id}/report.html`, seoul)).statusCode).toBe(404);
      expect((await call('GET', `/api/v1/refinery/versions/${version.id}/reports/nothing`)).statusCode).toBe(404);
    });
  });
}
