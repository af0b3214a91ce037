/**
 * De-identification runs through the API and a real worker, on both engines: a JSON Lines file of
 * counselling notes and a CSV of people (성명, 연락처, 주소, 나이, 메모) with Korean personal data
 * are uploaded (tus) as one version; a run under a policy (and a k for the CSV's quasi-identifiers)
 * makes a new version whose files hold none of the input's RRNs or phone numbers (checked by string
 * search and with detectEntities), whose report counts what was done per type and field and the
 * residual risk, and whose before/after samples only authorised reviewers may see.
 */
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/support/app.js';
import { ENGINES } from '../../../test/support/databases.js';
import { until } from '../../../test/support/queue-helpers.js';
import type { RunningWorker } from '../../platform/queue/worker.js';
import type { RefineryDataset, VersionManifest } from '../refinery/refinery.service.js';
import { detectEntities } from './detect.js';
import type { DeidRun, DeidSamples } from './deid.service.js';

const SECRET = 'the deid api test secret, long enough';
process.env.DATADAM_DEID_SECRET = SECRET;

const JOBS = ['refinery.ingest', 'refinery.profile', 'refinery.quality', 'deid.run'];

/** A resident registration number whose check digit is right, as the detector expects. */
function rrn(birth: string, serial: string): string {
  const digits = `${birth}${serial}`;
  const weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
  const sum = weights.reduce((s, w, i) => s + w * Number(digits[i]), 0);
  return `${birth}-${serial}${(11 - (sum % 11)) % 10}`;
}

const SURNAMES = ['김', '이', '박', '최', '정', '강', '조', '윤'];
const GIVEN = ['민준', '서연', '도윤', '지우', '하준', '서윤'];
const ADDRESSES = [
  '서울특별시 강남구 테헤란로 123',
  '서울특별시 송파구 올림픽로 300',
  '경기도 수원시 영통구 광교로 156',
  '부산광역시 해운대구 센텀중앙로 79',
];
const PEOPLE = Array.from({ length: 24 }, (_, i) => {
  const year = 60 + ((i * 7) % 40);
  return {
    name: `${SURNAMES[i % SURNAMES.length]}${GIVEN[i % GIVEN.length]}`,
    rrn: rrn(
      `${year}${String((i % 12) + 1).padStart(2, '0')}${String((i % 27) + 1).padStart(2, '0')}`,
      `${1 + (i % 2)}${String(10000 + i * 37).slice(-5)}`,
    ),
    phone: `010-${String(2000 + i * 111).slice(-4)}-${String(5000 + i * 173).slice(-4)}`,
    email: `user${i}@example.co.kr`,
    address: ADDRESSES[i % ADDRESSES.length]!,
    age: 20 + ((i * 13) % 50),
  };
});

const JSONL = `${PEOPLE.map((p, i) =>
  JSON.stringify({
    id: i + 1,
    상담내용: `${p.name} 고객(주민등록번호 ${p.rrn})이 ${p.phone}로 전화해 주소 변경을 요청함. 이메일 ${p.email}`,
    분류: '주소변경',
  }),
).join('\n')}\n`;
const CSV = `성명,연락처,주소,나이,메모\n${PEOPLE.map((p) => `${p.name},${p.phone},${p.address},${p.age},주민등록번호 ${p.rrn} 본인 확인`).join('\n')}\n`;

const POLICY = `version: 1
types:
  PERSON: pseudonym
  KR_RRN: replace
  KR_FRN: replace
  KR_PASSPORT: replace
  KR_DRIVER_LICENSE: replace
  PHONE: { operator: mask, keep_first: 3, keep_last: 4 }
  EMAIL: pseudonym
  ADDRESS: { operator: generalize, to: sigungu }
fields:
  성명: { operator: pseudonym, as: PERSON }
  연락처: { operator: mask, as: PHONE, keep_first: 3, keep_last: 4 }
  주소: { operator: generalize, to: sigungu, as: ADDRESS }
  나이: { operator: generalize, to: age_band }
samples: 5
`;

/** Rows of a simple CSV (no quoted commas in these files). */
const rowsOf = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => line.split(','));

for (const engine of ENGINES) {
  describe(`de-identification runs (${engine})`, () => {
    const t = useTestApp(engine);
    let nia: Record<string, string>;
    let niaReadOnly: Record<string, string>;
    let seoul: Record<string, string>;
    let consumer: Record<string, string>;
    let auditor: Record<string, string>;
    let operator: Record<string, string>;
    let worker: RunningWorker;
    let dataset: RefineryDataset;
    let version: VersionManifest;
    let run: DeidRun;
    let output: VersionManifest;

    const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = nia, payload?: unknown) =>
      t.current.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as string } : {}) });

    const upload = (target: RefineryDataset, text: string, name: string) =>
      t.current.upload(nia, target.id, Buffer.from(text, 'utf8'), name);

    async function waitForVersion(id: string, task: 'profile' | 'quality' = 'profile'): Promise<VersionManifest> {
      let current: VersionManifest | undefined;
      await until(
        async () => {
          current = (await call('GET', `/api/v1/refinery/versions/${id}`)).json();
          if (current?.status === 'failed') throw new Error(`version failed: ${current.error}`);
          return current?.tasks[task]?.status === 'done';
        },
        `the ${task} of version ${id}`,
        60_000,
      );
      return current!;
    }

    async function waitForRun(id: string): Promise<DeidRun> {
      let current: DeidRun | undefined;
      await until(
        async () => {
          current = (await call('GET', `/api/v1/deid/runs/${id}`)).json();
          return current?.status === 'done' || current?.status === 'failed';
        },
        `de-identification run ${id}`,
        90_000,
      );
      return current!;
    }

    async function fileText(versionId: string, path: string): Promise<string> {
      const response = await call('GET', `/api/v1/refinery/versions/${versionId}/files/${encodeURIComponent(path)}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.body;
    }

    beforeAll(async () => {
      nia = await t.current.bearer('steward@demo.datadam.kr', 'nia');
      niaReadOnly = await t.current.bearer('steward@demo.datadam.kr', 'nia', ['read']);
      seoul = await t.current.bearer('steward.seoul@demo.datadam.kr', 'seoul');
      consumer = await t.current.bearer('consumer@demo.datadam.kr', 'hangang-ai');
      auditor = await t.current.bearer('auditor@demo.datadam.kr', 'operator', ['read']);
      operator = await t.current.bearer('operator@demo.datadam.kr', 'operator');
      worker = t.current.startWorker(`deid-test-${engine}`, JOBS);
      const created = await call('POST', '/api/v1/refinery/datasets', nia, { title: '민원 상담 기록' });
      expect(created.statusCode, created.body).toBe(201);
      dataset = created.json();
      const uploads = [await upload(dataset, JSONL, '상담.jsonl'), await upload(dataset, CSV, 'people.csv')];
      const made = await call('POST', `/api/v1/refinery/datasets/${dataset.id}/versions`, nia, { uploads });
      expect(made.statusCode, made.body).toBe(202);
      version = await waitForVersion((made.json() as { version: { id: string } }).version.id);

      const started = await call('POST', '/api/v1/deid/runs', nia, {
        versionId: version.id,
        policy: POLICY,
        tables: [{ file: 'people.csv', quasi: ['주소', '나이'], k: 3 }],
      });
      expect(started.statusCode, started.body).toBe(202);
      const queued = started.json() as DeidRun;
      expect(queued).toMatchObject({ status: 'queued', versionId: version.id, report: null, canReviewSamples: true });
      run = await waitForRun(queued.id);
      expect(run.error).toBeNull();
      expect(run.status).toBe('done');
      output = (await call('GET', `/api/v1/refinery/versions/${run.outputVersionId}`)).json();
    }, 180_000);
    afterAll(async () => {
      await worker?.stop();
    });

    it('makes a new version (origin deid) whose files hold no RRN or phone of the input', async () => {
      expect(output).toMatchObject({ status: 'ready', origin: 'deid', parentVersionId: version.id, number: 2 });
      expect(output.files.map((f) => f.path)).toEqual(['people.csv', '상담.jsonl']);
      expect(run.progress).toMatchObject({ files: 2, filesDone: 2, records: PEOPLE.length * 2 });
      expect(run.progress!.bytes).toBe(run.progress!.totalBytes);
      expect(run.outputVersionNumber).toBe(2);
      for (const file of output.files) {
        const text = await fileText(output.id, file.path);
        for (const p of PEOPLE) {
          expect(text).not.toContain(p.rrn);
          expect(text).not.toContain(p.phone);
          expect(text).not.toContain(p.email);
          expect(text).not.toContain(p.name);
        }
        const found = detectEntities(text);
        expect(found.map((e) => e.type)).not.toContain('KR_RRN');
        expect(found.map((e) => e.type)).not.toContain('PHONE');
        // Pseudonymised addresses keep an address's shape, in a domain reserved for examples (RFC 2606).
        for (const email of found.filter((e) => e.type === 'EMAIL')) expect(text.slice(email.start, email.end)).toMatch(/\.example$/);
      }
      // The input holds them, so the checks above can fail.
      const input = await fileText(version.id, '상담.jsonl');
      expect(detectEntities(input).filter((e) => e.type === 'KR_RRN')).toHaveLength(PEOPLE.length);
      expect(input).toContain(PEOPLE[0]!.phone);
    });

    it('counts what was done per type and field; keeps the policy, never the secret', async () => {
      const report = run.report!;
      expect(report.totals.records).toEqual({ in: 48, out: 48, changed: 48, suppressed: 0 });
      expect(report.totals.deidentified).toBe(2);
      // Each file went through the worker pool, one thread per core.
      for (const file of report.files) expect(file.run!.timing.threads).toBe(availableParallelism());
      // Each person's RRN once in each file; phones detected in the notes and masked in the 연락처 column.
      expect(report.totals.entities.KR_RRN).toBe(48);
      expect(report.totals.entities.PHONE).toBe(48);
      expect(report.totals.entities.EMAIL).toBe(24);
      expect(report.fields['people.csv › 연락처']).toMatchObject({ transformed: 24, unreadable: 0 });
      expect(report.fields['people.csv › 나이']).toMatchObject({ transformed: 24 });
      expect(report.fields['people.csv › 메모']!.entities).toMatchObject({ KR_RRN: 24 });
      expect(report.fields['상담.jsonl › 상담내용']!.entities).toMatchObject({ KR_RRN: 24, PHONE: 24, EMAIL: 24 });
      expect(report.policy.content).toMatchObject({ secret_env: 'DATADAM_DEID_SECRET' });
      expect(report.sourceVersion).toEqual({ id: version.id, number: 1 });
      expect(report.images.mode).toBe('none');
      expect(JSON.stringify(run)).not.toContain(SECRET);
      expect('samples' in report).toBe(false);
      // The same report is kept on the version, without samples, for everyone who may see it.
      const kept = await call('GET', `/api/v1/refinery/versions/${output.id}/reports/deid_run`, auditor);
      expect(kept.statusCode).toBe(200);
      expect(kept.body).not.toContain(PEOPLE[0]!.rrn);
      expect((kept.json() as { body: Record<string, unknown> }).body).not.toHaveProperty('samples');
    });

    it('generalises the table to k and measures the residual risk', async () => {
      const [table] = run.report!.tables;
      expect(table).toMatchObject({ file: 'people.csv', quasi: ['주소', '나이'], targetK: 3, reached: true });
      expect(table!.before.records).toBe(24);
      expect(table!.after.k).toBeGreaterThanOrEqual(3);
      expect(table!.after.prosecutor.highest).toBeLessThanOrEqual(1 / 3);
      // Counted independently on the released file.
      const [header, ...rows] = rowsOf(await fileText(output.id, 'people.csv'));
      const at = ['주소', '나이'].map((c) => header!.indexOf(c));
      const sizes = new Map<string, number>();
      for (const row of rows) {
        const key = at.map((i) => row[i]).join('\u001f');
        sizes.set(key, (sizes.get(key) ?? 0) + 1);
      }
      expect(Math.min(...sizes.values())).toBe(table!.after.k);
      expect(rows).toHaveLength(24 - table!.suppressedRecords);
      expect(1 / Math.min(...sizes.values())).toBeCloseTo(table!.after.prosecutor.highest, 10);
    });

    it('shows the samples to reviewers only', async () => {
      const samples = await call('GET', `/api/v1/deid/runs/${run.id}/samples`, nia);
      expect(samples.statusCode, samples.body).toBe(200);
      expect(samples.headers['cache-control']).toBe('no-store');
      const body = samples.json() as DeidSamples;
      expect(body.items.length).toBeGreaterThan(0);
      expect(body.items.some((s) => PEOPLE.some((p) => s.before.includes(p.rrn)))).toBe(true);
      expect(body.items.every((s) => s.after === null || !PEOPLE.some((p) => s.after!.includes(p.rrn)))).toBe(true);
      expect((await call('GET', `/api/v1/deid/runs/${run.id}/samples`, operator)).statusCode).toBe(200);

      // An auditor sees the run and its counts, not the samples.
      const audited = await call('GET', `/api/v1/deid/runs/${run.id}`, auditor);
      expect(audited.statusCode).toBe(200);
      expect(audited.json()).toMatchObject({ canReviewSamples: false, report: { totals: { records: { in: 48 } } } });
      expect(audited.body).not.toContain(PEOPLE[0]!.rrn);
      expect((await call('GET', `/api/v1/deid/runs/${run.id}/samples`, auditor)).statusCode).toBe(403);
      // A read-only token of a steward: samples need the write scope.
      expect((await call('GET', `/api/v1/deid/runs/${run.id}/samples`, niaReadOnly)).statusCode).toBe(403);
      // Another organisation's steward and a consumer: the run does not exist for them.
      for (const other of [seoul, consumer]) {
        expect((await call('GET', `/api/v1/deid/runs/${run.id}`, other)).statusCode).toBe(404);
        expect((await call('GET', `/api/v1/deid/runs/${run.id}/samples`, other)).statusCode).toBe(404);
        expect(((await call('GET', '/api/v1/deid/runs', other)).json() as { items: unknown[] }).items).toEqual([]);
      }
      // Without credentials.
      expect((await call('GET', `/api/v1/deid/runs/${run.id}`, {})).statusCode).toBe(401);
      expect((await call('GET', `/api/v1/deid/runs/${run.id}/samples`, {})).statusCode).toBe(401);
      expect((await call('GET', '/api/v1/deid/runs', {})).statusCode).toBe(401);
      expect((await call('POST', '/api/v1/deid/runs', {}, { versionId: version.id, policy: POLICY })).statusCode).toBe(401);
    });

    it('lists runs to those who may see them', async () => {
      const mine = (await call('GET', `/api/v1/deid/runs?versionId=${version.id}`, nia)).json() as { items: DeidRun[] };
      expect(mine.items.map((r) => r.id)).toContain(run.id);
      expect(mine.items[0]).toMatchObject({ datasetTitle: '민원 상담 기록', versionNumber: 1, outputVersionNumber: 2 });
      expect(mine.items[0]).not.toHaveProperty('report');
      const audited = (await call('GET', '/api/v1/deid/runs', auditor)).json() as { items: DeidRun[] };
      expect(audited.items.map((r) => r.id)).toContain(run.id);
    });

    it('refuses a bad policy, a secret the server lacks, a key file and wrong tables (422 naming the field); and who may start', async () => {
      const problems = async (payload: unknown, headers = nia) => {
        const response = await call('POST', '/api/v1/deid/runs', headers, payload);
        expect(response.statusCode, response.body).toBe(422);
        return (response.json() as { problems: Array<{ field: string }> }).problems.map((p) => p.field);
      };
      await expect(problems({ versionId: version.id, policy: 'version: 1\ntypes:\n  KR_RRN: keep\n' })).resolves.toContain(
        'policy.types.KR_RRN.operator',
      );
      await expect(
        problems({ versionId: version.id, policy: 'version: 1\nsecret_env: DATADAM_DEID_NOT_SET\ntypes:\n  PERSON: pseudonym\n' }),
      ).resolves.toEqual(['policy.secret_env']);
      await expect(problems({ versionId: version.id, policy: 'version: 1\nsecret_env: DATADAM_SECRET\n' })).resolves.toEqual([
        'policy.secret_env',
      ]);
      await expect(
        problems({ versionId: version.id, policy: 'version: 1\ntypes:\n  KR_RRN: encrypt\nencryption: { key_file: /etc/passwd }\n' }),
      ).resolves.toContain('policy.encryption.key_file');
      await expect(problems({ versionId: version.id, policy: POLICY, tables: [{ file: '상담.jsonl', quasi: ['분류'] }] })).resolves.toEqual(
        ['tables[0].file'],
      );
      await expect(
        problems({ versionId: version.id, policy: POLICY, tables: [{ file: 'people.csv', quasi: ['주소', '성별'] }] }),
      ).resolves.toEqual(['tables[0].quasi[1]']);
      expect((await call('POST', '/api/v1/deid/runs', auditor, { versionId: version.id, policy: POLICY })).statusCode).toBe(403);
      expect((await call('POST', '/api/v1/deid/runs', seoul, { versionId: version.id, policy: POLICY })).statusCode).toBe(404);
      expect((await call('POST', '/api/v1/deid/runs', consumer, { versionId: version.id, policy: POLICY })).statusCode).toBe(404);
    });
  });
}
