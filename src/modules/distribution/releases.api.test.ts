/**
 * Releases through the API and a real worker, on both engines: a CSV (and a PNG) uploaded to a
 * refinery dataset linked to a census entry, ingested, profiled and measured, then released as
 * 1.0.0 and 1.1.0 (a changed file with an added column, an added file) and, from a recipe that
 * splits, as 1.2.0. Checked: the manifest's SHA-256s are the stored bytes', the Parquet files open
 * with DuckDB with the right row counts, the dataset card's YAML names them, the changelog, the
 * datasheet prefilled from the census, Croissant and DCAT, semantic-version ordering (409), who may
 * release (401/403), withdrawal (hidden from others), immutability, and the data map's lineage.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { useTestApp } from '../../../test/support/app.js';
import { ENGINES } from '../../../test/support/databases.js';
import { until } from '../../../test/support/queue-helpers.js';
import type { RunningWorker } from '../../platform/queue/worker.js';
import { checkCroissant } from '../catalog/metadata/croissant.check.js';
import { openDuckDb, sqlString } from '../refinery/duckdb.js';
import type { RefineryDataset, VersionManifest } from '../refinery/refinery.service.js';
import { canonicalManifest, manifestSha256 } from './hf-layout.js';
import type { ReleaseDetail } from './releases.service.js';

const JOBS = ['refinery.ingest', 'refinery.profile', 'refinery.quality', 'refinery.recipe'];
const rows = (n: number, extra = false) =>
  [
    extra ? '우편번호,지역,값,인구' : '우편번호,지역,값',
    ...Array.from({ length: n }, (_, i) => `0${1000 + i},${i % 2 ? '서울' : '부산'},${i * 1.5}${extra ? `,${i * 100}` : ''}`),
  ].join('\n') + '\n';
const CSV_V1 = Buffer.from(rows(10), 'utf8');
const CSV_V2 = Buffer.from(rows(12, true), 'utf8');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
const NOTES = Buffer.from('측정 방법 설명\n', 'utf8');
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

for (const engine of ENGINES) {
  describe(`releases (${engine})`, () => {
    const t = useTestApp(engine);
    let nia: Record<string, string>;
    let seoul: Record<string, string>;
    let consumer: Record<string, string>;
    let operator: Record<string, string>;
    let worker: RunningWorker;
    let entryId: string;
    let dataset: RefineryDataset;
    let v1: VersionManifest;
    let v2: VersionManifest;
    let r1: ReleaseDetail;
    let r2: ReleaseDetail;
    let scratch: string;

    const call = (
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      url: string,
      headers: Record<string, string> = {},
      payload?: unknown,
    ) => t.current.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as string } : {}) });

    async function waitForQuality(id: string): Promise<VersionManifest> {
      let current: VersionManifest | undefined;
      await until(
        async () => {
          current = (await call('GET', `/api/v1/refinery/versions/${id}`, nia)).json();
          if (current?.status === 'failed') throw new Error(`version failed: ${current.error}`);
          if (current?.tasks.profile?.status === 'failed') throw new Error(`profile failed: ${current.tasks.profile.error}`);
          if (current?.tasks.quality?.status === 'failed') throw new Error(`quality failed: ${current.tasks.quality.error}`);
          return current?.tasks.quality?.status === 'done';
        },
        `the quality of version ${id}`,
        60_000,
      );
      return current!;
    }

    async function versionOf(files: Array<[Buffer, string]>): Promise<VersionManifest> {
      const uploads: string[] = [];
      for (const [bytes, name] of files) uploads.push(await t.current.upload(nia, dataset.id, bytes, name));
      const made = await call('POST', `/api/v1/refinery/datasets/${dataset.id}/versions`, nia, { uploads });
      expect(made.statusCode, made.body).toBe(202);
      return waitForQuality((made.json() as { version: { id: string } }).version.id);
    }

    const release = (body: Record<string, unknown>, headers = nia) => call('POST', '/api/v1/releases', headers, body);

    async function blobBytes(key: string): Promise<Buffer> {
      const chunks: Buffer[] = [];
      for await (const chunk of await t.current.platform.blobStore.get(key)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }

    /** Rows and columns of a released Parquet file, read by DuckDB from a copy of its blob. */
    async function parquet(key: string): Promise<{ count: number; columns: string[] }> {
      const file = path.join(scratch, `${key}.parquet`);
      await pipeline(await t.current.platform.blobStore.get(key), createWriteStream(file));
      const db = await openDuckDb({ allowedDirectories: [scratch] });
      try {
        const [row] = await db.all<{ n: number }>(`select count(*) as n from read_parquet(${sqlString(file)})`);
        const columns = await db.all<{ column_name: string }>(`describe select * from read_parquet(${sqlString(file)})`);
        return { count: Number(row!.n), columns: columns.map((c) => c.column_name) };
      } finally {
        db.close();
      }
    }

    /** The dataset card's YAML header and body. */
    async function card(r: ReleaseDetail): Promise<{ header: Record<string, unknown>; body: string }> {
      const file = r.files.find((f) => f.path === 'README.md')!;
      const text = (await blobBytes(file.sha256)).toString('utf8');
      const m = /^---\n([\s\S]*?)\n---\n\n([\s\S]*)$/.exec(text);
      expect(m, text).not.toBeNull();
      return { header: parseYaml(m![1]!) as Record<string, unknown>, body: m![2]! };
    }

    /** Checks what `datasets` relies on: every config's data file exists and is a Parquet file of the release. */
    function dataFilesOf(header: Record<string, unknown>): Array<{ config: string; split: string; path: string }> {
      const configs = header.configs as Array<{ config_name: string; data_files: Array<{ split: string; path: string | string[] }> }>;
      return configs.flatMap((c) =>
        c.data_files.flatMap((d) =>
          (Array.isArray(d.path) ? d.path : [d.path]).map((p) => ({ config: c.config_name, split: d.split, path: p })),
        ),
      );
    }
    const globMatches = (glob: string, file: string) =>
      new RegExp(
        `^${glob
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*\*/g, '\0')
          .replace(/\*/g, '[^/]*')
          .replace(/\0/g, '.*')}$`,
      ).test(file);

    beforeAll(async () => {
      scratch = await mkdtemp(path.join(os.tmpdir(), 'datadam-releases-test-'));
      nia = await t.current.bearer('steward@demo.datadam.kr', 'nia');
      seoul = await t.current.bearer('steward.seoul@demo.datadam.kr', 'seoul');
      consumer = await t.current.bearer('consumer@demo.datadam.kr', 'hangang-ai');
      operator = await t.current.bearer('operator@demo.datadam.kr', 'operator');
      worker = t.current.startWorker(`releases-test-${engine}`, JOBS);
      const niaOrg = await t.current.platform.identity.getOrganization('nia');
      const entry = await call('POST', '/api/v1/census/entries', nia, {
        orgId: niaOrg.id,
        form: {
          title: '전국 우편번호별 통계',
          titleEn: 'Statistics by postcode',
          description: '우편번호별 지역과 값',
          domain: 'transport',
          modality: 'tabular',
          purpose: '수요 예측 모델 학습',
          personalInfo: 'none',
          updateCycle: 'monthly',
        },
      });
      expect(entry.statusCode, entry.body).toBe(201);
      entryId = (entry.json() as { id: string }).id;
      const created = await call('POST', '/api/v1/refinery/datasets', nia, { title: '우편번호 통계', censusEntryId: entryId });
      expect(created.statusCode, created.body).toBe(201);
      dataset = created.json();
      v1 = await versionOf([
        [CSV_V1, '통계.csv'],
        [PNG, 'map.png'],
      ]);
      v2 = await versionOf([
        [CSV_V2, '통계.csv'],
        [PNG, 'map.png'],
        [NOTES, 'notes.txt'],
      ]);
    }, 180_000);
    afterAll(async () => {
      await worker?.stop();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });

    it('refuses anonymous callers (401), another agency and consumers (403), bad input (400)', async () => {
      const body = { versionId: v1.id, semver: '1.0.0', tier: 'open', licence: 'CC-BY-4.0' };
      expect((await release(body, {})).statusCode).toBe(401);
      const other = await release(body, seoul);
      expect(other.statusCode, other.body).toBe(403);
      expect((await release(body, consumer)).statusCode).toBe(403);
      const bad = await release({ ...body, semver: '1.0' });
      expect(bad.statusCode).toBe(400);
      expect((bad.json() as { problems: Array<{ field: string }> }).problems[0]!.field).toMatch(/semver/);
      const v = await release({ ...body, semver: '01.0.0' });
      expect(v.statusCode).toBe(400);
      expect((await release({ ...body, tier: 'secret' })).statusCode).toBe(400);
      expect((await release({ ...body, versionId: 'nope' })).statusCode).toBe(404);
      expect((await release({ ...body, unknown: 1 })).statusCode).toBe(400);
      const dup = await release({
        ...body,
        requestQuestions: [1, 2].map(() => ({ id: 'q', labelKo: '질문', labelEn: 'Q', required: true })),
      });
      expect(dup.statusCode).toBe(400);
      expect((await call('GET', `/api/v1/datasets/${dataset.id}/releases`)).json()).toEqual({ items: [] });
    });

    it('releases 1.0.0: a manifest of the stored bytes, Parquet under data/, a dataset card datasets can load', async () => {
      const created = await release({
        versionId: v1.id,
        semver: '1.0.0',
        tier: 'open',
        accountRequired: false,
        licence: 'CC-BY-4.0',
        datasheet: { en: { uses: 'Demand forecasting research.' } },
      });
      expect(created.statusCode, created.body).toBe(201);
      r1 = created.json();
      expect(r1).toMatchObject({
        semver: '1.0.0',
        tier: 'open',
        accountRequired: false,
        title: '전국 우편번호별 통계',
        titleEn: 'Statistics by postcode',
        censusEntryId: entryId,
        downloadable: true,
        previousReleaseId: null,
        changelog: null,
        agency: { name: '한국지능정보사회진흥원' },
      });
      expect(r1.files.map((f) => f.path)).toEqual(['README.md', 'data/통계.parquet', 'map.png']);
      // Every file's SHA-256 is that of the bytes stored under its key; the PNG is the upload itself.
      for (const f of r1.files) {
        const bytes = await blobBytes(f.sha256);
        expect(sha256(bytes)).toBe(f.sha256);
        expect(bytes.length).toBe(f.size);
        expect(f.url).toMatch(new RegExp(`/api/v1/releases/${r1.id}/files/`));
      }
      expect(r1.files.find((f) => f.path === 'map.png')!.sha256).toBe(sha256(PNG));
      const data = r1.manifest.files.find((f) => f.path === 'data/통계.parquet')!;
      expect(data).toMatchObject({ format: 'parquet', records: 10, config: 'default', split: 'train', source: { path: '통계.csv' } });
      expect(data.columns).toEqual([
        { name: '우편번호', type: 'VARCHAR' },
        { name: '지역', type: 'VARCHAR' },
        { name: '값', type: 'DOUBLE' },
      ]);
      expect(await parquet(data.sha256)).toEqual({ count: 10, columns: ['우편번호', '지역', '값'] });
      expect(r1.manifest.totalBytes).toBe(r1.files.reduce((s, f) => s + f.size, 0));
      expect(r1.manifest.version).toEqual({ id: v1.id, number: v1.number, manifestSha256: v1.manifestSha256 });
      expect(r1.manifestSha256).toBe(manifestSha256(canonicalManifest(r1.manifest)));

      const { header, body } = await card(r1);
      expect(header).toMatchObject({
        license: 'cc-by-4.0',
        language: ['ko'],
        pretty_name: 'Statistics by postcode',
        size_categories: ['n<1K'],
      });
      const dataFiles = dataFilesOf(header);
      expect(dataFiles).toEqual([{ config: 'default', split: 'train', path: 'data/통계.parquet' }]);
      const parquetPaths = r1.files.filter((f) => f.format === 'parquet').map((f) => f.path);
      for (const d of dataFiles) expect(parquetPaths.filter((p) => globMatches(d.path, p))).toHaveLength(1);
      expect(body).toContain('# 전국 우편번호별 통계');
      expect(body).toContain('### 구축 동기');
      expect(body).toContain('수요 예측 모델 학습');
      expect(body).toContain('# Statistics by postcode');

      // The datasheet: prefilled from the census entry and the refinery; the override wins.
      expect(r1.datasheet.ko.motivation).toContain('수요 예측 모델 학습');
      expect(r1.datasheet.en.composition).toContain('Transport and logistics');
      expect(r1.datasheet.en.preprocessing).toContain('v1: uploaded as received');
      expect(r1.datasheet.en.uses).toBe('Demand forecasting research.');
      expect(r1.citation).toBe(
        `한국지능정보사회진흥원 (${new Date().getUTCFullYear()}). 전국 우편번호별 통계 (Version 1.0.0) [Data set]. ${r1.links.self.replace('/api/v1/releases/', '/releases/')}`,
      );
      expect(r1.qualityReport).toMatchObject({ versionId: v1.id, url: expect.stringMatching(/\/reports\/quality$/) });
      expect(r1.qualityReport!.indicators.length).toBeGreaterThan(0);
    });

    it('keeps semantic versions new and rising (409), and only ready versions', async () => {
      const body = { versionId: v2.id, tier: 'open', licence: 'CC-BY-4.0' };
      const same = await release({ ...body, semver: '1.0.0' });
      expect(same.statusCode).toBe(409);
      expect((same.json() as { problems: Array<{ field: string }> }).problems[0]!.field).toBe('semver');
      expect((await release({ ...body, semver: '0.9.0' })).statusCode).toBe(409);
      expect((await release({ ...body, semver: '1.0.0-rc.1' })).statusCode).toBe(409);
      // A version that is not ready (here: failed) cannot be released, in a dataset of its own.
      const other = (await call('POST', '/api/v1/refinery/datasets', nia, { title: '다른 데이터' })).json() as RefineryDataset;
      const uploadId = await t.current.upload(nia, other.id, Buffer.from('a\n1\n'), 'x.csv');
      const made = await call('POST', `/api/v1/refinery/datasets/${other.id}/versions`, nia, { uploads: [uploadId] });
      const pending = (made.json() as { version: { id: string } }).version;
      await until(async () => (await call('GET', `/api/v1/refinery/versions/${pending.id}`, nia)).json().status === 'ready', 'ingest');
      await t.current.platform.database.db
        .updateTable('dataset_versions' as never)
        .set({ status: 'failed' } as never)
        .where('id' as never, '=', pending.id as never)
        .execute();
      const refused = await release({ versionId: pending.id, semver: '1.0.0', tier: 'open', licence: 'CC0' });
      expect(refused.statusCode, refused.body).toBe(409);
      expect((refused.json() as { problems: Array<{ field: string }> }).problems[0]!.field).toBe('versionId');
    });

    it('releases 1.1.0 with a changelog: the changed file, its added column, the added file', async () => {
      const created = await release({ versionId: v2.id, semver: '1.1.0', tier: 'conditional', licence: '공공누리 제1유형' });
      expect(created.statusCode, created.body).toBe(201);
      r2 = created.json();
      expect(r2.previousReleaseId).toBe(r1.id);
      expect(r2.changelog).toMatchObject({
        previous: { id: r1.id, semver: '1.0.0' },
        added: [{ path: 'notes.txt', sha256: sha256(NOTES) }],
        removed: [],
        renamed: [],
        changed: [{ path: 'data/통계.parquet', records: { before: 10, after: 12 } }],
        unchanged: 1,
        schema: [{ path: 'data/통계.parquet', added: [{ name: '인구', type: 'BIGINT' }], removed: [], typeChanged: [] }],
      });
      expect(r2.datasheet.en.maintenance).toContain('Changes since 1.0.0');
      expect(r2.datasheet.ko.maintenance).toContain('+인구 (BIGINT)');
      expect(r2.requestQuestions).toEqual([]);
      const { header } = await card(r2);
      expect(header).toMatchObject({ license: 'other', license_name: '공공누리 제1유형' });
      const data = r2.manifest.files.find((f) => f.path === 'data/통계.parquet')!;
      expect(await parquet(data.sha256)).toEqual({ count: 12, columns: ['우편번호', '지역', '값', '인구'] });
    });

    it('serves metadata to everyone: the release, the list, Croissant, DCAT, the datasheet', async () => {
      const got = await call('GET', `/api/v1/releases/${r1.id}`);
      expect(got.statusCode).toBe(200);
      expect((got.json() as ReleaseDetail).manifestSha256).toBe(r1.manifestSha256);
      const list = (await call('GET', `/api/v1/datasets/${dataset.id}/releases`)).json() as { items: Array<{ semver: string }> };
      expect(list.items.map((r) => r.semver)).toEqual(['1.1.0', '1.0.0']);
      expect((await call('GET', '/api/v1/datasets/nope/releases')).statusCode).toBe(404);

      const cr = await call('GET', `/api/v1/releases/${r2.id}/croissant`);
      expect(cr.statusCode).toBe(200);
      expect(cr.headers['content-type']).toMatch(/^application\/ld\+json/);
      const doc = cr.json() as {
        distribution: Array<Record<string, unknown>>;
        recordSet: Array<{ field: Array<{ name: string }> }>;
        version: string;
        citeAs: string;
      };
      expect(checkCroissant(doc)).toEqual([]);
      expect(doc.version).toBe('1.1.0');
      expect(doc.citeAs).toBe(r2.citation);
      // A citation sends people to the release's page in the web app.
      expect(r2.citation).toContain(`/releases/${r2.id}`);
      expect(r2.citation).not.toContain('/api/v1/');
      expect(doc.distribution.map((d) => [d.name, d.sha256])).toEqual(r2.files.map((f) => [f.path, f.sha256]));
      expect(doc.recordSet).toHaveLength(1);
      expect(doc.recordSet[0]!.field.map((f) => f.name)).toEqual(['우편번호', '지역', '값', '인구']);

      const dcat = await call('GET', `/api/v1/releases/${r2.id}/dcat`);
      expect(dcat.statusCode).toBe(200);
      const text = dcat.body;
      expect(text).toContain('dcat:Dataset');
      expect(text.match(/dcat:Distribution/g)?.length).toBe(r2.files.length);
      for (const f of r2.files) expect(text).toContain(f.sha256);

      const md = await call('GET', `/api/v1/releases/${r2.id}/datasheet.md`);
      expect(md.statusCode).toBe(200);
      expect(md.headers['content-type']).toMatch(/^text\/markdown/);
      expect(md.body.indexOf('# 전국 우편번호별 통계')).toBe(0);
      expect(md.body.indexOf('# Statistics by postcode')).toBeGreaterThan(md.body.indexOf('### 유지관리'));
    });

    it('releases a recipe’s splits as data/<split>-00000-of-00001.parquet in the default config', async () => {
      const queued = await t.current.app.inject({
        method: 'POST',
        url: `/api/v1/refinery/versions/${v2.id}/recipe`,
        headers: { ...nia, 'content-type': 'text/yaml' },
        payload:
          'version: 1\nsteps:\n  - op: trim\noutput:\n  formats: [parquet, jsonl]\nsplit:\n  ratios: { train: 0.75, test: 0.25 }\n  seed: 7\n',
      });
      expect(queued.statusCode, queued.body).toBe(202);
      let parent: VersionManifest | undefined;
      await until(
        async () => {
          parent = (await call('GET', `/api/v1/refinery/versions/${v2.id}`, nia)).json();
          if (parent?.tasks.recipe?.status === 'failed') throw new Error(parent.tasks.recipe.error ?? 'failed');
          return parent?.tasks.recipe?.status === 'done';
        },
        'the recipe',
        60_000,
      );
      const child = await waitForQuality((parent!.tasks.recipe!.result as { versionId: string }).versionId);
      const created = await release({ versionId: child.id, semver: '1.2.0', tier: 'open', licence: 'CC0' });
      expect(created.statusCode, created.body).toBe(201);
      const r3 = created.json() as ReleaseDetail;
      const paths = r3.files.map((f) => f.path);
      expect(paths).toContain('data/train-00000-of-00001.parquet');
      expect(paths).toContain('data/test-00000-of-00001.parquet');
      const { header } = await card(r3);
      const dataFiles = dataFilesOf(header);
      expect(dataFiles).toEqual([
        { config: 'default', split: 'train', path: 'data/train-00000-of-00001.parquet' },
        { config: 'default', split: 'test', path: 'data/test-00000-of-00001.parquet' },
      ]);
      let total = 0;
      for (const d of dataFiles) {
        const f = r3.files.find((x) => x.path === d.path)!;
        const read = await parquet(f.sha256);
        expect(read.count).toBe(f.records);
        total += read.count;
      }
      expect(total).toBe(12);
      expect(r3.datasheet.en.preprocessing).toMatch(/v\d+: refined by a recipe [0-9a-f]{12}: trim/);
    });

    it('shows safe-zone releases as metadata only, and hides withdrawn ones from all but the agency and oversight', async () => {
      const created = await release({ versionId: v2.id, semver: '2.0.0', tier: 'safe_zone', licence: 'CC-BY-4.0' });
      expect(created.statusCode, created.body).toBe(201);
      const safe = created.json() as ReleaseDetail;
      expect(safe.downloadable).toBe(false);
      expect(safe.notDownloadableReason?.en).toMatch(/Safe zone only/);
      expect(safe.files.every((f) => !f.downloadable && f.url === null)).toBe(true);
      expect((await call('GET', `/api/v1/releases/${safe.id}`, consumer)).statusCode).toBe(200);

      expect((await call('POST', `/api/v1/releases/${safe.id}/withdraw`)).statusCode).toBe(401);
      expect((await call('POST', `/api/v1/releases/${safe.id}/withdraw`, seoul)).statusCode).toBe(403);
      expect((await call('POST', `/api/v1/releases/${safe.id}/withdraw`, consumer)).statusCode).toBe(403);
      const withdrawn = await call('POST', `/api/v1/releases/${safe.id}/withdraw`, nia);
      expect(withdrawn.statusCode, withdrawn.body).toBe(200);
      expect((withdrawn.json() as ReleaseDetail).withdrawnAt).not.toBeNull();
      expect((await call('POST', `/api/v1/releases/${safe.id}/withdraw`, nia)).statusCode).toBe(409);
      for (const who of [{}, consumer, seoul]) expect((await call('GET', `/api/v1/releases/${safe.id}`, who)).statusCode).toBe(404);
      for (const who of [nia, operator]) expect((await call('GET', `/api/v1/releases/${safe.id}`, who)).statusCode).toBe(200);
      const publicList = (await call('GET', `/api/v1/datasets/${dataset.id}/releases`)).json() as { items: Array<{ semver: string }> };
      expect(publicList.items.map((r) => r.semver)).not.toContain('2.0.0');
      const agencyList = (await call('GET', `/api/v1/datasets/${dataset.id}/releases`, nia)).json() as { items: Array<{ semver: string }> };
      expect(agencyList.items.map((r) => r.semver)[0]).toBe('2.0.0');
      // The public list of every published release: newest first, paged, by tier; never a withdrawn one.
      type Page = { items: Array<{ id: string; semver: string; tier: string }>; nextCursor: string | null };
      const first = (await call('GET', '/api/v1/releases?limit=1')).json() as Page;
      expect(first.items).toHaveLength(1);
      const second = (await call('GET', `/api/v1/releases?limit=50&cursor=${first.nextCursor!}`)).json() as Page;
      const all = [...first.items, ...second.items];
      expect(second.nextCursor).toBeNull();
      expect(all.map((r) => r.id)).not.toContain(safe.id);
      expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
      expect(all.map((r) => r.semver)).toEqual(expect.arrayContaining(['1.1.0', '1.0.0']));
      const open = (await call('GET', '/api/v1/releases?tier=safe_zone')).json() as Page;
      expect(open.items).toEqual([]);
      expect((await call('GET', '/api/v1/releases?tier=secret')).statusCode).toBe(400);
      expect((await call('GET', '/api/v1/releases?cursor=bm9wZQ')).statusCode).toBe(400);
      // A withdrawn release still holds its version number.
      expect((await release({ versionId: v2.id, semver: '2.0.0', tier: 'open', licence: 'CC0' })).statusCode).toBe(409);
    });

    it('is immutable: no route changes a release, and its stored manifest hash matches a recomputation', async () => {
      for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
        expect((await call(method, `/api/v1/releases/${r1.id}`, nia, { semver: '9.9.9' })).statusCode).toBe(404);
      }
      const stored = await t.current.platform.database.db
        .selectFrom('releases' as never)
        .select(['manifest' as never, 'manifest_sha256' as never])
        .where('id' as never, '=', r1.id as never)
        .executeTakeFirstOrThrow();
      const row = stored as unknown as { manifest: string; manifest_sha256: string };
      expect(sha256(row.manifest)).toBe(row.manifest_sha256);
      expect(row.manifest_sha256).toBe(r1.manifestSha256);
      const again = (await call('GET', `/api/v1/releases/${r1.id}`)).json() as ReleaseDetail;
      expect(again.files).toEqual(r1.files);
      expect(again.manifest).toEqual(r1.manifest);
      expect(manifestSha256(canonicalManifest(again.manifest))).toBe(r1.manifestSha256);
      // The release files are the manifest's, by key.
      expect(again.files.map((f) => [f.path, f.sha256, f.size, f.records])).toEqual(
        again.manifest.files.map((f) => [f.path, f.sha256, f.size, f.records]),
      );
    });

    it('fills the data map’s lineage: census entry → refinery dataset → releases', async () => {
      const page = await call('GET', `/api/v1/catalog/datasets/${entryId}`, nia);
      expect(page.statusCode, page.body).toBe(200);
      const lineage = (page.json() as { lineage: { censusEntryId: string; releases: Array<{ semver: string; datasetId: string }> } })
        .lineage;
      expect(lineage.censusEntryId).toBe(entryId);
      expect(lineage.releases.map((r) => r.semver)).toEqual(['1.0.0', '1.1.0', '1.2.0', '2.0.0']);
      expect(lineage.releases.every((r) => r.datasetId === dataset.id)).toBe(true);
    });

    it('shows on the dataset page the newest release’s quality summary, and samples where the caller may preview', async () => {
      type Page = {
        quality: {
          releaseId: string;
          semver: string;
          records: number | null;
          indicators: Array<{ id: string; value: number | null }>;
        } | null;
        samples: {
          releaseId: string;
          semver: string;
          path: string;
          columns: Array<{ name: string }>;
          rows: Array<Record<string, unknown>>;
        } | null;
      };
      // The data map shows accepted entries to everyone: the entry is completed, submitted and accepted.
      const entry = (await call('GET', `/api/v1/census/entries/${entryId}`, nia)).json() as { form: object; version: number };
      const completed = await call('PUT', `/api/v1/census/entries/${entryId}`, nia, {
        version: entry.version,
        form: {
          ...entry.form,
          readiness: 'ai_ready',
          structure: 'structured',
          volumeRecords: 12,
          formats: ['CSV'],
          provisionScope: 'open',
        },
      });
      expect(completed.statusCode, completed.body).toBe(200);
      const submitted = await call('POST', `/api/v1/census/entries/${entryId}/submit`, nia, {});
      expect(submitted.statusCode, submitted.body).toBe(200);
      const accepted = await call('POST', `/api/v1/census/entries/${entryId}/accept`, operator, {});
      expect(accepted.statusCode, accepted.body).toBe(200);
      const anonymous = (await call('GET', `/api/v1/catalog/datasets/${entryId}`)).json() as Page;
      // The quality summary is the newest live release's that has one, as that release states it.
      const live = ((await call('GET', `/api/v1/datasets/${dataset.id}/releases`)).json() as { items: ReleaseDetail[] }).items;
      const details = await Promise.all(live.map(async (r) => (await call('GET', `/api/v1/releases/${r.id}`)).json() as ReleaseDetail));
      const measured = details
        .filter((d) => d.withdrawnAt === null && d.qualityReport)
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0]!;
      expect(anonymous.quality).toEqual({
        releaseId: measured.id,
        semver: measured.semver,
        records: measured.qualityReport!.records,
        indicators: measured.qualityReport!.indicators,
      });
      expect(anonymous.quality!.indicators.length).toBeGreaterThan(0);
      // Anonymous callers may preview only the open release that needs no account: 1.0.0.
      expect(anonymous.samples).toMatchObject({ releaseId: r1.id, semver: '1.0.0', path: 'data/통계.parquet' });
      expect(anonymous.samples!.columns.map((c) => c.name)).toEqual(['우편번호', '지역', '값']);
      expect(anonymous.samples!.rows).toHaveLength(5);
      expect(anonymous.samples!.rows[0]).toMatchObject({ 우편번호: '01000', 지역: '부산' });
      // The agency may preview its newer releases too.
      const agency = (await call('GET', `/api/v1/catalog/datasets/${entryId}`, nia)).json() as Page;
      expect(agency.samples?.semver).not.toBe('1.0.0');
      expect(agency.samples!.rows.length).toBeGreaterThan(0);
    });
  });
}
