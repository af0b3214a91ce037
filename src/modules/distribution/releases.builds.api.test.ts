/**
 * Releases built in the background, on both engines: with DATADAM_RELEASE_INLINE_BYTES=0 every
 * version counts as large, so `POST /releases` answers 202 with a build, one build per dataset at a
 * time (409), only the dataset's agency and the operator follow it, the job (run here by a real
 * worker) makes the same release an inline one would, with its progress in files; a request that
 * no longer holds when the job starts fails with the reason, and a finished build is left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/support/app.js';
import { ENGINES } from '../../../test/support/databases.js';
import { until } from '../../../test/support/queue-helpers.js';
import type { RunningWorker } from '../../platform/queue/worker.js';
import type { RefineryDataset, VersionManifest } from '../refinery/refinery.service.js';
import { canonicalManifest, manifestSha256 } from './hf-layout.js';
import type { ReleaseBuild, ReleaseDetail } from './releases.service.js';

const INGEST_JOBS = ['refinery.ingest', 'refinery.profile', 'refinery.quality'];
const CSV = Buffer.from('우편번호,지역,값\n' + Array.from({ length: 20 }, (_, i) => `0${1000 + i},서울,${i}`).join('\n') + '\n', 'utf8');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);

for (const engine of ENGINES) {
  describe(`release builds in the background (${engine})`, () => {
    const t = useTestApp(engine, { env: { DATADAM_RELEASE_INLINE_BYTES: '0' } });
    let nia: Record<string, string>;
    let seoul: Record<string, string>;
    let consumer: Record<string, string>;
    let operator: Record<string, string>;
    let ingestWorker: RunningWorker;
    let buildWorker: RunningWorker | undefined;
    let dataset: RefineryDataset;
    let version: VersionManifest;
    let first: ReleaseBuild;

    const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}, payload?: unknown) =>
      t.current.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as string } : {}) });
    const release = (semver: string, versionId = version.id) =>
      call('POST', '/api/v1/releases', nia, { versionId, semver, tier: 'open', licence: 'CC-BY-4.0' });
    const build = async (id: string, headers = nia) => (await call('GET', `/api/v1/release-builds/${id}`, headers)).json() as ReleaseBuild;

    async function readyVersion(datasetId: string, files: Array<[Buffer, string]>): Promise<VersionManifest> {
      const uploads: string[] = [];
      for (const [bytes, name] of files) uploads.push(await t.current.upload(nia, datasetId, bytes, name));
      const made = await call('POST', `/api/v1/refinery/datasets/${datasetId}/versions`, nia, { uploads });
      expect(made.statusCode, made.body).toBe(202);
      const id = (made.json() as { version: { id: string } }).version.id;
      let current: VersionManifest | undefined;
      await until(
        async () => {
          current = (await call('GET', `/api/v1/refinery/versions/${id}`, nia)).json();
          return current?.tasks.quality?.status === 'done';
        },
        `the quality of version ${id}`,
        60_000,
      );
      return current!;
    }

    beforeAll(async () => {
      nia = await t.current.bearer('steward@demo.datadam.kr', 'nia');
      seoul = await t.current.bearer('steward.seoul@demo.datadam.kr', 'seoul');
      consumer = await t.current.bearer('consumer@demo.datadam.kr', 'hangang-ai');
      operator = await t.current.bearer('operator@demo.datadam.kr', 'operator');
      ingestWorker = t.current.startWorker(`builds-ingest-${engine}`, INGEST_JOBS);
      dataset = (await call('POST', '/api/v1/refinery/datasets', nia, { title: '우편번호 통계' })).json();
      version = await readyVersion(dataset.id, [
        [CSV, '통계.csv'],
        [PNG, 'map.png'],
      ]);
    }, 120_000);
    afterAll(async () => {
      await buildWorker?.stop();
      await ingestWorker?.stop();
    });

    it('accepts a large version with 202 and a queued build, one build per dataset at a time (409)', async () => {
      const accepted = await release('1.0.0');
      expect(accepted.statusCode, accepted.body).toBe(202);
      first = accepted.json() as ReleaseBuild;
      expect(first).toMatchObject({ datasetId: dataset.id, versionId: version.id, semver: '1.0.0', status: 'queued', releaseId: null });
      const jobs = await t.current.platform.queue.list({ name: 'distribution.build_release' });
      expect(jobs.map((j) => (j.payload as { buildId: string }).buildId)).toEqual([first.id]);
      expect(await build(first.id)).toEqual(first);

      const second = await release('1.0.1');
      expect(second.statusCode, second.body).toBe(409);
      expect((second.json() as { detail: string }).detail).toContain(first.id);
      // Nothing is published before the build is done.
      expect((await call('GET', `/api/v1/datasets/${dataset.id}/releases`)).json()).toEqual({ items: [] });
    });

    it('lets only the agency and the operator follow a build', async () => {
      expect((await call('GET', `/api/v1/release-builds/${first.id}`)).statusCode).toBe(401);
      expect((await call('GET', `/api/v1/release-builds/${first.id}`, seoul)).statusCode).toBe(403);
      expect((await call('GET', `/api/v1/release-builds/${first.id}`, consumer)).statusCode).toBe(403);
      expect((await call('GET', `/api/v1/release-builds/${first.id}`, operator)).statusCode).toBe(200);
      expect((await call('GET', '/api/v1/release-builds/no-such-build', nia)).statusCode).toBe(404);
    });

    it('builds the release in a worker: done with its release, progress in files, the manifest of the stored bytes', async () => {
      buildWorker = t.current.startWorker(`builds-build-${engine}`, ['distribution.build_release']);
      let done: ReleaseBuild | undefined;
      await until(async () => ['done', 'failed'].includes((done = await build(first.id)).status), 'the build', 60_000);
      expect(done, JSON.stringify(done)).toMatchObject({ status: 'done', error: null, progress: { filesDone: 2, filesTotal: 2 } });
      const made = await call('GET', `/api/v1/releases/${done!.releaseId}`);
      expect(made.statusCode).toBe(200);
      const detail = made.json() as ReleaseDetail;
      expect(detail).toMatchObject({ semver: '1.0.0', versionId: version.id });
      expect(detail.manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(['README.md', 'map.png']));
      expect(detail.manifest.files.some((f) => f.path.startsWith('data/') && f.format === 'parquet')).toBe(true);
      expect(detail.manifestSha256).toBe(manifestSha256(canonicalManifest(detail.manifest)));
      expect(((await call('GET', `/api/v1/datasets/${dataset.id}/releases`)).json() as { items: unknown[] }).items).toHaveLength(1);

      // A finished build is left alone: running it again makes no second release.
      const again = await t.current.platform.releases.runBuild(first.id, { signal: new AbortController().signal });
      expect(again).toMatchObject({ status: 'done', releaseId: done!.releaseId });
      expect(((await call('GET', `/api/v1/datasets/${dataset.id}/releases`)).json() as { items: unknown[] }).items).toHaveLength(1);
    });

    it('fails a build whose request no longer holds when it starts, with the reason, and frees the dataset', async () => {
      const next = await readyVersion(dataset.id, [[CSV, '통계.csv']]);
      await buildWorker?.stop();
      buildWorker = undefined;
      const accepted = await release('1.1.0', next.id);
      expect(accepted.statusCode, accepted.body).toBe(202);
      const queued = accepted.json() as ReleaseBuild;
      // The version stops being ready before the job runs.
      await t.current.platform.database.db
        .updateTable('dataset_versions' as never)
        .set({ status: 'failed' } as never)
        .where('id' as never, '=', next.id as never)
        .execute();
      const failed = await t.current.platform.releases.runBuild(queued.id, { signal: new AbortController().signal });
      expect(failed).toMatchObject({ status: 'failed', releaseId: null });
      expect(failed!.error).toMatch(/only a ready version can be released/);
      expect(await build(queued.id)).toMatchObject({ status: 'failed' });
      // The dataset is free again: another request is accepted.
      const retry = await release('1.1.0');
      expect(retry.statusCode, retry.body).toBe(202);
    });
  });
}
