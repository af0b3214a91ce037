/**
 * Evaluation and selection over HTTP on both engines: a round with six accepted census entries of
 * two agencies as candidates; a rubric by AHP (an inconsistent matrix refused with its worst
 * judgements) and by direct weights, versioned; a panel of evaluators (conflict of interest
 * refused, blind scoring, declared conflicts, every submission kept); reliability and a consensus
 * round; the demand survey (an entry, and a free-text need matched through the data map); the
 * refinery's quality indicator; selections (optimal, checked by brute force; infeasible with the
 * conflict named; re-run identical from the stored inputs even after the scores change), the CSV
 * and XLSX reports; and who may do what.
 */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/support/app.js';
import { ENGINES } from '../../../test/support/databases.js';
import type { Actor } from '../../core/auth/policy.js';
import { uuidv7 } from '../../core/ids.js';
import { CO_INVEST_FACTOR, URGENCY_WEIGHTS } from './demand.js';
import { estimateCost } from './indicators.js';
import { krippendorffAlpha } from './krippendorff.js';
import type { CandidateView, Reliability, Round, Rubric, Selection } from './evaluation.service.js';

const SYSTEM: Actor = { kind: 'system', name: 'test' };
const BASE = '/api/v1/evaluation';

type Headers = Record<string, string>;

/** The census entries: [key, agency slug, form]. */
const ENTRIES: Array<[string, 'nia' | 'seoul', Record<string, unknown>]> = [
  [
    'A',
    'nia',
    {
      title: '교통사고 통계',
      domain: 'transport',
      modality: 'tabular',
      readiness: 'ai_ready',
      provisionScope: 'open',
      personalInfo: 'none',
      volumeRecords: 1_000_000,
    },
  ],
  [
    'B',
    'nia',
    {
      title: '도로 CCTV 영상',
      domain: 'transport',
      modality: 'video',
      readiness: 'raw',
      provisionScope: 'conditional',
      restrictionReason: 'security',
      personalInfo: 'identifiable',
      volumeFiles: 100_000,
    },
  ],
  [
    'C',
    'seoul',
    {
      title: '서울시 대기질 측정',
      domain: 'environment',
      modality: 'time_series',
      readiness: 'processed',
      provisionScope: 'open',
      personalInfo: 'none',
      volumeRecords: 10_000_000,
    },
  ],
  [
    'D',
    'seoul',
    {
      title: '서울 민원 상담 기록',
      domain: 'public_administration',
      modality: 'text',
      readiness: 'raw',
      provisionScope: 'safe_zone',
      restrictionReason: 'pipa',
      personalInfo: 'pseudonymised',
      volumeRecords: 100_000,
    },
  ],
  [
    'E',
    'seoul',
    {
      title: '한강 수질 이미지',
      domain: 'environment',
      modality: 'image',
      readiness: 'processed',
      provisionScope: 'open',
      personalInfo: 'none',
      volumeFiles: 10_000,
    },
  ],
  [
    'F',
    'nia',
    {
      title: '공공 음성 말뭉치',
      domain: 'korean_language',
      modality: 'audio',
      readiness: 'ai_ready',
      provisionScope: 'open',
      personalInfo: 'none',
      volumeHours: 1000,
    },
  ],
];
const COSTS: Record<string, number> = { A: 300e6, B: 500e6, C: 200e6, D: 250e6, E: 150e6, F: 400e6 };

const CRITERIA = [
  { key: 'demand', labelKo: '수요', labelEn: 'Demand', source: 'demand' },
  { key: 'readiness', labelKo: '준비도', labelEn: 'Readiness', source: 'auto' },
  { key: 'usefulness', labelKo: '산업·사회적 활용성', labelEn: 'Usefulness', source: 'expert' },
  { key: 'public_value', labelKo: '공공 가치', labelEn: 'Public value', source: 'expert' },
];
const WEIGHTS = [0.2, 0.1, 0.4, 0.3];

for (const engine of ENGINES) {
  describe(`evaluation API: ${engine}`, () => {
    const t = useTestApp(engine, { env: { DATADAM_RATE_LIMIT: '100000' } });
    let operator: Headers;
    let auditor: Headers;
    let consumer: Headers;
    let steward: Headers;
    let ev1: Headers;
    let ev2: Headers;
    let ev3: Headers;
    const users = new Map<string, string>();
    const entry = new Map<string, string>();
    const key = new Map<string, string>();
    let round: Round;

    const call = async (headers: Headers, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
      t.current.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
    const ok = async <T>(headers: Headers, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, status = 200): Promise<T> => {
      const response = await call(headers, method, url, payload);
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(status);
      return response.json<T>();
    };
    const r = (path = '') => `${BASE}/rounds/${round.id}${path}`;

    beforeAll(async () => {
      const { identity } = t.current.platform;
      for (const [email, org] of [
        ['ev2@test.datadam.kr', 'kaist-lab'],
        ['ev3@test.datadam.kr', 'nia'],
      ] as const) {
        await identity.createUser(SYSTEM, { email, displayName: email.slice(0, 3), password: 'datadam-demo' });
        await identity.grantRole(SYSTEM, { user: email, org, role: 'evaluator' });
      }
      for (const u of await identity.listUsers(SYSTEM)) users.set(u.email, u.id);
      operator = await t.current.bearer('operator@demo.datadam.kr', 'operator');
      auditor = await t.current.bearer('auditor@demo.datadam.kr', 'operator', ['read']);
      consumer = await t.current.bearer('consumer@demo.datadam.kr', 'hangang-ai');
      steward = await t.current.bearer('steward@demo.datadam.kr', 'nia');
      const seoul = await t.current.bearer('steward.seoul@demo.datadam.kr', 'seoul');
      ev1 = await t.current.bearer('evaluator@demo.datadam.kr', 'kaist-lab');
      ev2 = await t.current.bearer('ev2@test.datadam.kr', 'kaist-lab');
      ev3 = await t.current.bearer('ev3@test.datadam.kr', 'nia');

      const orgId = async (slug: string) => (await t.current.app.inject({ url: `/api/v1/orgs/${slug}` })).json<{ id: string }>().id;
      for (const [k, slug, form] of ENTRIES) {
        const who = slug === 'nia' ? steward : seoul;
        const made = await ok<{ id: string }>(
          who,
          'POST',
          '/api/v1/census/entries',
          {
            orgId: await orgId(slug),
            form: {
              description: `${String(form.title)} 설명`,
              structure: 'structured',
              purpose: '공공 서비스',
              formats: ['CSV'],
              updateCycle: 'monthly',
              ...form,
            },
          },
          201,
        );
        await ok(who, 'POST', `/api/v1/census/entries/${made.id}/submit`);
        await ok(operator, 'POST', `/api/v1/census/entries/${made.id}/accept`);
        entry.set(k, made.id);
        key.set(made.id, k);
      }
      await t.current.platform.catalog.reindexStale();

      // A refinery dataset of entry A with a quality report (indicators 0.9 and 0.7, one not measured).
      const db = t.current.platform.database.db;
      const at = new Date().toISOString();
      const datasetId = uuidv7();
      const versionId = uuidv7();
      await db
        .insertInto('refinery_datasets')
        .values({
          id: datasetId,
          org_id: await orgId('nia'),
          census_entry_id: entry.get('A'),
          title: '교통사고 통계',
          created_by: null,
          created_at: at,
        })
        .execute();
      await db
        .insertInto('dataset_versions')
        .values({
          id: versionId,
          dataset_id: datasetId,
          number: 1,
          origin: 'upload',
          status: 'ready',
          file_count: 0,
          total_bytes: 0,
          created_at: at,
        })
        .execute();
      await db
        .insertInto('version_reports')
        .values({
          version_id: versionId,
          kind: 'quality',
          body: JSON.stringify({
            indicators: [
              { id: 'completeness', value: 0.9 },
              { id: 'uniqueness', value: 0.7 },
              { id: 'semantic_accuracy', value: null },
            ],
          }),
          created_at: at,
        })
        .execute();
    }, 120_000);

    it('opens a round (operator only) and refuses what is not allowed', async () => {
      expect((await call({}, 'GET', `${BASE}/rounds`)).statusCode).toBe(401);
      expect((await call(consumer, 'POST', `${BASE}/rounds`, { title: '수요기업 차수' })).statusCode).toBe(403);
      expect((await call(auditor, 'POST', `${BASE}/rounds`, { title: '감사 차수' })).statusCode).toBe(403);
      const bad = await call(operator, 'POST', `${BASE}/rounds`, { budget: -1 });
      expect(bad.statusCode).toBe(400);
      expect(bad.json<{ problems: Array<{ field: string }> }>().problems.map((p) => p.field)).toEqual(
        expect.arrayContaining(['body.title', 'body.budget']),
      );
      round = await ok<Round>(
        operator,
        'POST',
        `${BASE}/rounds`,
        { title: '2026 우선 구축 데이터 선정', budget: 1_000_000_000, targetCount: 3 },
        201,
      );
      expect(round).toMatchObject({
        status: 'setup',
        budget: 1_000_000_000,
        targetCount: 3,
        rubricVersion: null,
        candidateCount: 0,
        campaignId: null,
      });
      const defaults = await ok<Round>(operator, 'POST', `${BASE}/rounds`, { title: '기본값' }, 201);
      expect(defaults).toMatchObject({ budget: 6_000_000_000, targetCount: 100 });
      expect((await call(operator, 'GET', `${BASE}/rounds/${uuidv7()}`)).statusCode).toBe(404);
      expect((await call(operator, 'GET', `${BASE}/rounds/${uuidv7()}/candidates`)).statusCode).toBe(404);
      // Scoring needs a rubric and candidates.
      expect((await call(operator, 'POST', `${BASE}/rounds/${defaults.id}/status`, { status: 'scoring' })).statusCode).toBe(409);
    });

    it('adds candidates: named with costs, or every accepted entry with estimated costs', async () => {
      const added = await ok<{ added: number; updated: number }>(operator, 'POST', r('/candidates'), {
        entries: ENTRIES.map(([k]) => ({ entryId: entry.get(k)!, estimatedCost: COSTS[k]! })),
      });
      expect(added).toEqual({ added: 6, updated: 0 });
      const again = await ok<{ added: number; updated: number }>(operator, 'POST', r('/candidates'), {
        entries: [{ entryId: entry.get('A')!, estimatedCost: COSTS.A! }],
      });
      expect(again).toEqual({ added: 0, updated: 1 });
      const missing = await call(operator, 'POST', r('/candidates'), { entries: [{ entryId: 'no-such-entry', estimatedCost: 1 }] });
      expect(missing.statusCode).toBe(422);
      expect(missing.json<{ problems: Array<{ field: string }> }>().problems[0]!.field).toBe('entries[0].entryId');

      const other = await ok<Round>(operator, 'POST', `${BASE}/rounds`, { title: '전체 후보' }, 201);
      expect(await ok(operator, 'POST', `${BASE}/rounds/${other.id}/candidates`, { allAccepted: true })).toEqual({ added: 6, updated: 0 });
      const listed = await ok<{ items: CandidateView[] }>(operator, 'GET', `${BASE}/rounds/${other.id}/candidates`);
      const a = listed.items.find((c) => c.entryId === entry.get('A'))!;
      expect(a.estimatedCost).toBe(estimateCost({ volumeRecords: 1_000_000, readiness: 'ai_ready', personalInfo: 'none' }));
      expect(a.estimatedCost).toBe(175_000_000);
      expect(a.score).toBeNull();
      // Removing and re-costing.
      expect((await call(operator, 'DELETE', `${BASE}/rounds/${other.id}/candidates/${entry.get('B')}`)).statusCode).toBe(204);
      expect(await ok(operator, 'PUT', `${BASE}/rounds/${other.id}/candidates/${entry.get('C')}`, { estimatedCost: 1 })).toEqual({
        entryId: entry.get('C'),
        estimatedCost: 1,
      });
      expect((await ok<{ items: CandidateView[] }>(auditor, 'GET', `${BASE}/rounds/${other.id}/candidates`)).items).toHaveLength(5);
    });

    it('saves an AHP rubric with CR < 0.1; refuses an inconsistent one naming the worst judgements; versions every change', async () => {
      const inconsistent = [
        [1, 9, 1 / 9, 1],
        [1 / 9, 1, 9, 1],
        [9, 1 / 9, 1, 1],
        [1, 1, 1, 1],
      ];
      const refused = await call(operator, 'PUT', r('/rubric'), { criteria: CRITERIA, weighting: { method: 'ahp', matrix: inconsistent } });
      expect(refused.statusCode, refused.body).toBe(422);
      const problem = refused.json<{ detail: string; problems: Array<{ field: string; message: string }> }>();
      expect(problem.detail).toMatch(/CR = \d\.\d{3}/);
      expect(problem.problems.length).toBeGreaterThan(0);
      for (const p of problem.problems) {
        expect(p.field).toMatch(/^weighting\.matrix\[[0-3]\]\[[0-3]\]$/);
        expect(p.message).toMatch(/suggested/);
      }
      // Not reciprocal: the cell is named.
      const broken = await call(operator, 'PUT', r('/rubric'), {
        criteria: CRITERIA.slice(0, 2),
        weighting: {
          method: 'ahp',
          matrix: [
            [1, 3],
            [3, 1],
          ],
        },
      });
      expect(broken.statusCode).toBe(422);
      expect(broken.json<{ problems: Array<{ field: string }> }>().problems[0]!.field).toBe('weighting.matrix[0][1]');

      const consistent = WEIGHTS.map((wi) => WEIGHTS.map((wj) => wi / wj));
      const v1 = await ok<Rubric>(operator, 'PUT', r('/rubric'), { criteria: CRITERIA, weighting: { method: 'ahp', matrix: consistent } });
      expect(v1.version).toBe(1);
      expect(v1.method).toBe('ahp');
      expect(v1.consistency!.cr).toBeLessThan(0.1);
      CRITERIA.forEach((c, i) => expect(v1.weights[c.key]).toBeCloseTo(WEIGHTS[i]!, 9));

      const v2 = await ok<Rubric>(operator, 'PUT', r('/rubric'), {
        criteria: CRITERIA,
        weighting: { method: 'direct', weights: { demand: 2, readiness: 1, usefulness: 4, public_value: 3 } },
      });
      expect(v2).toMatchObject({ version: 2, method: 'direct', consistency: null });
      CRITERIA.forEach((c, i) => expect(v2.weights[c.key]).toBeCloseTo(WEIGHTS[i]!, 12));

      const missingWeight = await call(operator, 'PUT', r('/rubric'), {
        criteria: CRITERIA,
        weighting: { method: 'direct', weights: { demand: 1, readiness: 1, usefulness: 1 } },
      });
      expect(missingWeight.statusCode).toBe(422);
      expect(missingWeight.json<{ problems: Array<{ field: string }> }>().problems[0]!.field).toBe('weighting.weights.public_value');
      const wrongSource = await call(operator, 'PUT', r('/rubric'), {
        criteria: [{ key: 'volume', labelKo: '규모', labelEn: 'Volume', source: 'expert' }],
        weighting: { method: 'direct', weights: { volume: 1 } },
      });
      expect(wrongSource.statusCode).toBe(422);
      expect(
        (
          await call(operator, 'PUT', r('/rubric'), {
            criteria: [{ ...CRITERIA[0], key: 'Bad-Key' }],
            weighting: { method: 'direct', weights: {} },
          })
        ).statusCode,
      ).toBe(400);
      expect(
        (await call(auditor, 'PUT', r('/rubric'), { criteria: CRITERIA, weighting: { method: 'direct', weights: { demand: 1 } } }))
          .statusCode,
      ).toBe(403);

      const versions = await ok<{ current: Rubric; versions: Rubric[] }>(auditor, 'GET', r('/rubric'));
      expect(versions.current.version).toBe(2);
      expect(versions.versions.map((v) => v.version)).toEqual([2, 1]);
      expect(versions.versions[1]).toMatchObject({ method: 'ahp', matrix: consistent });
      expect((await ok<Round>(operator, 'GET', r())).rubricVersion).toBe(2);
    });

    it('assigns evaluators, refusing those of the entry’s own agency (conflict of interest)', async () => {
      const id1 = users.get('evaluator@demo.datadam.kr')!;
      const id2 = users.get('ev2@test.datadam.kr')!;
      const id3 = users.get('ev3@test.datadam.kr')!;
      const items = ['A', 'C', 'D'].flatMap((k) => [id1, id2].map((evaluatorId) => ({ entryId: entry.get(k)!, evaluatorId })));
      const result = await ok<{ assigned: number; refused: Array<{ entryId: string; evaluatorId: string; reason: string }> }>(
        operator,
        'POST',
        r('/assignments'),
        {
          items: [
            ...items,
            { entryId: entry.get('A')!, evaluatorId: id3 },
            { entryId: entry.get('C')!, evaluatorId: id3 },
            { entryId: entry.get('A')!, evaluatorId: users.get('consumer@demo.datadam.kr')! },
          ],
        },
      );
      expect(result.assigned).toBe(7);
      expect(result.refused).toEqual([
        { entryId: entry.get('A'), evaluatorId: id3, reason: 'conflict_of_interest' },
        { entryId: entry.get('A'), evaluatorId: users.get('consumer@demo.datadam.kr'), reason: 'not_an_evaluator' },
      ]);
      expect((await call(consumer, 'POST', r('/assignments'), { items })).statusCode).toBe(403);
      const listed = await ok<{ items: Array<{ evaluatorName: string; status: string }> }>(auditor, 'GET', r('/assignments'));
      expect(listed.items).toHaveLength(7);
      expect(listed.items.every((a) => a.status === 'assigned' && a.evaluatorName !== '')).toBe(true);
      // Only now can scoring start.
      expect((await ok<Round>(operator, 'POST', r('/status'), { status: 'scoring' })).status).toBe('scoring');
    });

    it('scores blind: an evaluator sees only their entries and their own scores; every submission is kept', async () => {
      const mine = await ok<{
        criteria: Array<{ key: string }>;
        items: Array<{ entryId: string; myScores: unknown; needsConsensus: boolean }>;
      }>(ev1, 'GET', r('/my-assignments'));
      expect(mine.criteria.map((c) => c.key)).toEqual(['usefulness', 'public_value']);
      expect(mine.items.map((i) => key.get(i.entryId)).sort()).toEqual(['A', 'C', 'D']);
      expect(mine.items.every((i) => i.myScores === null && !i.needsConsensus)).toBe(true);
      // Not assigned: neither visible nor scorable.
      expect((await call(ev1, 'PUT', r(`/scores/${entry.get('B')}`), { scores: { usefulness: 3, public_value: 3 } })).statusCode).toBe(404);
      expect((await call(consumer, 'PUT', r(`/scores/${entry.get('A')}`), { scores: { usefulness: 3, public_value: 3 } })).statusCode).toBe(
        403,
      );
      // Bodies are checked.
      expect((await call(ev1, 'PUT', r(`/scores/${entry.get('A')}`), { scores: { usefulness: 6, public_value: 3 } })).statusCode).toBe(400);
      const partial = await call(ev1, 'PUT', r(`/scores/${entry.get('A')}`), { scores: { usefulness: 3 } });
      expect(partial.statusCode).toBe(422);
      expect(partial.json<{ problems: Array<{ field: string }> }>().problems[0]!.field).toBe('scores.public_value');

      const score = (who: Headers, k: string, usefulness: number, publicValue: number, comment?: string) =>
        ok(who, 'PUT', r(`/scores/${entry.get(k)}`), {
          scores: { usefulness, public_value: publicValue },
          ...(comment ? { comment } : {}),
        });
      await score(ev1, 'A', 5, 4, '첫 평가');
      await score(ev1, 'A', 5, 5, '다시 보니 공공 가치가 높음');
      await score(ev1, 'C', 5, 2);
      await score(ev1, 'D', 2, 3);
      await score(ev2, 'A', 4, 4);
      await score(ev2, 'C', 2, 2);
      await score(ev2, 'D', 2, 3);
      await score(ev3, 'C', 1, 1);

      const seen = await ok<{ items: Array<{ entryId: string; myScores: Record<string, number>; myComment: string | null }> }>(
        ev2,
        'GET',
        r('/my-assignments'),
      );
      const a = seen.items.find((i) => i.entryId === entry.get('A'))!;
      expect(a.myScores).toEqual({ usefulness: 4, public_value: 4 });
      expect(JSON.stringify(seen)).not.toContain('다시 보니');
      const ev1A = (
        await ok<{ items: Array<{ entryId: string; myScores: Record<string, number>; myComment: string | null }> }>(
          ev1,
          'GET',
          r('/my-assignments'),
        )
      ).items.find((i) => i.entryId === entry.get('A'))!;
      expect(ev1A).toMatchObject({ myScores: { usefulness: 5, public_value: 5 }, myComment: '다시 보니 공공 가치가 높음' });

      // ev3 declares a conflict on C: that assignment no longer scores, and its score no longer counts.
      expect(
        (await ok<{ status: string }>(ev3, 'POST', r(`/assignments/${entry.get('C')}/conflict`), { reason: '자문 위원으로 참여' })).status,
      ).toBe('declined');
      expect((await call(ev3, 'PUT', r(`/scores/${entry.get('C')}`), { scores: { usefulness: 3, public_value: 3 } })).statusCode).toBe(409);
      expect((await call(ev3, 'POST', r(`/assignments/${entry.get('A')}/conflict`), { reason: 'x' })).statusCode).toBe(404);

      const history = await ok<{
        items: Array<{ entryId: string; evaluatorId: string; evaluatorName: string; scores: Record<string, number>; createdAt: string }>;
      }>(auditor, 'GET', r('/scores'));
      expect(history.items).toHaveLength(8);
      const ev1OnA = history.items.filter((h) => h.entryId === entry.get('A') && h.evaluatorId === users.get('evaluator@demo.datadam.kr'));
      expect(ev1OnA.map((h) => h.scores)).toEqual([
        { usefulness: 5, public_value: 4 },
        { usefulness: 5, public_value: 5 },
      ]);
      expect(ev1OnA[0]!.createdAt < ev1OnA[1]!.createdAt).toBe(true);
      expect(ev1OnA[0]!.evaluatorName).toBe('최평가');
      expect((await call(ev1, 'GET', r('/scores'))).statusCode).toBe(403);
    });

    it('measures reliability per criterion with Krippendorff’s alpha and flags spreads ≥ 2 (operator, auditor only)', async () => {
      expect((await call(ev1, 'GET', r('/reliability'))).statusCode).toBe(403);
      expect((await call(consumer, 'GET', r('/reliability'))).statusCode).toBe(403);
      const rel = await ok<Reliability>(auditor, 'GET', r('/reliability'));
      // Entries A, C, D (in id order) × the two evaluators who count (ev3 declared a conflict).
      const usefulness = krippendorffAlpha(
        [
          [5, 4],
          [5, 2],
          [2, 2],
        ],
        'interval',
      ).alpha;
      const publicValue = krippendorffAlpha(
        [
          [5, 4],
          [2, 2],
          [3, 3],
        ],
        'interval',
      ).alpha;
      expect(rel.criteria).toEqual([
        { key: 'usefulness', alpha: expect.closeTo(usefulness, 12), units: 3, pairable: 3 },
        { key: 'public_value', alpha: expect.closeTo(publicValue, 12), units: 3, pairable: 3 },
      ]);
      expect(rel.flagged).toHaveLength(1);
      expect(rel.flagged[0]).toMatchObject({ entryId: entry.get('C'), title: '서울시 대기질 측정', criterionKey: 'usefulness', spread: 3 });
      expect([...rel.flagged[0]!.scores].sort()).toEqual([2, 5]);
    });

    it('runs a consensus round on flagged entries only; consensus scores replace the initial ones', async () => {
      expect((await call(operator, 'POST', r('/status'), { status: 'setup' })).statusCode).toBe(409);
      expect((await ok<Round>(operator, 'POST', r('/status'), { status: 'consensus' })).status).toBe('consensus');
      const mine = await ok<{ items: Array<{ entryId: string; needsConsensus: boolean }> }>(ev1, 'GET', r('/my-assignments'));
      expect(Object.fromEntries(mine.items.map((i) => [key.get(i.entryId), i.needsConsensus]))).toEqual({ A: false, C: true, D: false });
      expect((await call(ev1, 'PUT', r(`/scores/${entry.get('A')}`), { scores: { usefulness: 1, public_value: 1 } })).statusCode).toBe(409);
      const consensus = await ok<{ phase: string }>(ev1, 'PUT', r(`/scores/${entry.get('C')}`), {
        scores: { usefulness: 4, public_value: 2 },
      });
      expect(consensus.phase).toBe('consensus');
      await ok(ev2, 'PUT', r(`/scores/${entry.get('C')}`), { scores: { usefulness: 4, public_value: 2 } });
      const rel = await ok<Reliability>(operator, 'GET', r('/reliability'));
      expect(rel.flagged).toEqual([]);
      const candidates = await ok<{ items: CandidateView[] }>(operator, 'GET', r('/candidates'));
      const c = candidates.items.find((i) => i.entryId === entry.get('C'))!;
      expect(c.expert).toEqual({ usefulness: 75, public_value: 25 });
    });

    let matched: string[] = [];
    it('takes demand from consumers (an entry, or a need matched through the data map) and aggregates it', async () => {
      const statement = { entryId: entry.get('A'), intendedUse: '교통 안전 AI 학습', urgency: 'high', coInvestKrw: 100_000_000 };
      expect((await call({}, 'POST', r('/demand'), statement)).statusCode).toBe(401);
      expect((await call(steward, 'POST', r('/demand'), statement)).statusCode).toBe(403);
      expect((await call(ev1, 'POST', r('/demand'), statement)).statusCode).toBe(403);
      const both = await call(consumer, 'POST', r('/demand'), { ...statement, need: '대기질' });
      expect(both.statusCode).toBe(422);
      expect((await call(consumer, 'POST', r('/demand'), { ...statement, urgency: 'soon' })).statusCode).toBe(400);

      // The consumer sees the open round.
      expect((await ok<{ items: Round[] }>(consumer, 'GET', `${BASE}/rounds`)).items.map((x) => x.id)).toContain(round.id);
      expect((await ok<{ matchedEntryIds: string[] }>(consumer, 'POST', r('/demand'), statement, 201)).matchedEntryIds).toEqual([
        entry.get('A'),
      ]);
      await ok(consumer, 'POST', r('/demand'), { entryId: entry.get('C'), intendedUse: '대기 예측', urgency: 'medium' }, 201);
      const need = await ok<{ id: string; matchedEntryIds: string[] }>(
        consumer,
        'POST',
        r('/demand'),
        { need: '서울 대기질 측정 자료', intendedUse: '미세먼지 예측 모델', urgency: 'low' },
        201,
      );
      matched = need.matchedEntryIds;
      expect(matched).toContain(entry.get('C'));
      expect(matched.length).toBeLessThanOrEqual(5);

      const mine = await ok<{ items: Array<{ need: string | null; matchedEntryIds: string[] }> }>(consumer, 'GET', r('/demand/mine'));
      expect(mine.items).toHaveLength(3);
      expect(mine.items[2]).toMatchObject({ need: '서울 대기질 측정 자료', matchedEntryIds: matched });
      expect((await call(consumer, 'GET', r('/demand'))).statusCode).toBe(403);

      const raw: Record<string, number> = { A: URGENCY_WEIGHTS.high * CO_INVEST_FACTOR, C: URGENCY_WEIGHTS.medium };
      for (const id of matched) raw[key.get(id)!] = (raw[key.get(id)!] ?? 0) + URGENCY_WEIGHTS.low / matched.length;
      const max = Math.max(...Object.values(raw));
      const aggregate = await ok<{ items: Array<{ entryId: string; statements: number; score: number }> }>(auditor, 'GET', r('/demand'));
      expect(aggregate.items).toHaveLength(6);
      for (const item of aggregate.items) expect(item.score).toBeCloseTo((100 * (raw[key.get(item.entryId)!] ?? 0)) / max, 2);
      expect(aggregate.items[0]).toMatchObject({ entryId: entry.get('A'), score: 100, statements: 1 });
    });

    it('lists candidates with indicators (census and refinery), demand, expert means and the weighted score', async () => {
      const { items } = await ok<{ items: CandidateView[] }>(auditor, 'GET', r('/candidates'));
      expect(items).toHaveLength(6);
      const a = items.find((i) => i.entryId === entry.get('A'))!;
      expect(a).toMatchObject({
        title: '교통사고 통계',
        agency: '한국지능정보사회진흥원',
        domain: 'transport',
        modality: 'tabular',
        estimatedCost: COSTS.A,
      });
      expect(a.indicators).toEqual({ volume: 66.67, readiness: 100, provision_scope: 100, personal_info_risk: 100, quality: 80 });
      expect(a.expert).toEqual({ usefulness: 87.5, public_value: 87.5 });
      const b = items.find((i) => i.entryId === entry.get('B'))!;
      expect(b.indicators).toMatchObject({ readiness: 30, provision_scope: 70, personal_info_risk: 20, quality: null });
      expect(b.expert).toEqual({ usefulness: null, public_value: null });
      for (const item of items) {
        const expected =
          0.2 * item.demand + 0.1 * item.indicators.readiness + 0.4 * (item.expert.usefulness ?? 0) + 0.3 * (item.expert.public_value ?? 0);
        expect(item.score).toBeCloseTo(expected, 9);
      }
      expect((await call(ev1, 'GET', r('/candidates'))).statusCode).toBe(403);
    });

    let selection: Selection;
    it('selects the best entries within the budget (optimal, explained, greedy and sensitivity beside it)', async () => {
      expect((await call(consumer, 'POST', r('/selections'), {})).statusCode).toBe(403);
      expect((await call(auditor, 'POST', r('/selections'), {})).statusCode).toBe(403);
      const unknown = await call(operator, 'POST', r('/selections'), { mustInclude: ['nope'] });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json<{ problems: Array<{ field: string }> }>().problems[0]!.field).toBe('mustInclude[0]');
      expect((await call(operator, 'POST', r('/selections'), { count: { exact: -1 } })).statusCode).toBe(400);

      selection = await ok<Selection>(operator, 'POST', r('/selections'), { count: { max: 3 } }, 201);
      expect(selection.status).toBe('optimal');
      expect(selection.rubricVersion).toBe(2);
      expect(selection.cost).toBeLessThanOrEqual(1_000_000_000);
      expect(selection.entries).toHaveLength(6);
      // Brute force over every subset of at most 3 within the budget.
      const scores = new Map(selection.entries.map((e) => [e.entryId, e]));
      const ids = [...scores.keys()];
      let best = -Infinity;
      for (let mask = 0; mask < 1 << ids.length; mask++) {
        const chosen = ids.filter((_, i) => mask & (1 << i));
        if (chosen.length > 3 || chosen.reduce((s, id) => s + scores.get(id)!.cost, 0) > 1_000_000_000) continue;
        best = Math.max(
          best,
          chosen.reduce((s, id) => s + scores.get(id)!.score, 0),
        );
      }
      expect(selection.objective).toBeCloseTo(best, 9);
      expect(selection.selected.reduce((s, id) => s + scores.get(id)!.score, 0)).toBeCloseTo(best, 9);
      for (const e of selection.entries) {
        expect(e.selected).toBe(selection.selected.includes(e.entryId));
        expect(e.reason).toMatch(e.selected ? /^in/ : /^out/);
        expect(Object.keys(e.breakdown).sort()).toEqual(['demand', 'public_value', 'readiness', 'usefulness']);
      }
      expect(scores.get(entry.get('B')!)!.breakdown.usefulness).toBeNull();
      expect(selection.greedy.selected.length).toBeGreaterThan(0);
      expect(selection.greedy.gapPercent).toBeGreaterThanOrEqual(0);
      expect(selection.sensitivity).toHaveLength(8);
      expect(selection.sensitivity.map((s) => s.change)).toContain('-10%');
      expect(selection.inputsHash).toMatch(/^[0-9a-f]{64}$/);
      expect(selection.constraints).toMatchObject({ budget: 1_000_000_000, count: { max: 3 } });

      expect((await ok<{ items: Array<{ id: string; selectedCount: number }> }>(auditor, 'GET', r('/selections'))).items[0]).toMatchObject({
        id: selection.id,
        selectedCount: selection.selected.length,
      });
      expect(await ok<Selection>(auditor, 'GET', `${BASE}/selections/${selection.id}`)).toEqual(selection);
      expect((await call(ev1, 'GET', `${BASE}/selections/${selection.id}`)).statusCode).toBe(403);
      expect((await call(operator, 'GET', `${BASE}/selections/${uuidv7()}`)).statusCode).toBe(404);
    });

    it('stores an infeasible selection with the conflict named', async () => {
      const infeasible = await ok<Selection>(
        operator,
        'POST',
        r('/selections'),
        { count: { exact: 3 }, mustInclude: [entry.get('A'), entry.get('B'), entry.get('F')] },
        201,
      );
      expect(infeasible.status).toBe('infeasible');
      expect(infeasible.selected).toEqual([]);
      expect(infeasible.objective).toBeNull();
      expect(infeasible.conflictGroups).toEqual(expect.arrayContaining(['budget', 'mustInclude']));
      expect(infeasible.conflict!.join(' ')).toMatch(/budget/);
      expect(infeasible.entries.every((e) => !e.selected)).toBe(true);
    });

    it('writes the report as CSV (BOM, one row per candidate) and XLSX (two sheets)', async () => {
      const csv = await call(auditor, 'GET', `${BASE}/selections/${selection.id}/report.csv`);
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toMatch(/^attachment/);
      expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const rows = parse(csv.rawPayload, { bom: true, columns: true }) as Array<Record<string, string>>;
      expect(rows).toHaveLength(6);
      expect(Object.keys(rows[0]!)).toEqual([
        'entry_id',
        'title',
        'agency',
        'domain',
        'modality',
        'cost_krw',
        'score',
        'demand',
        'readiness',
        'usefulness',
        'public_value',
        'selected',
        'marginal_value',
        'marginal_kind',
        'binding',
        'reason',
      ]);
      expect(
        rows
          .filter((row) => row.selected === 'yes')
          .map((row) => row.entry_id)
          .sort(),
      ).toEqual([...selection.selected].sort());
      expect(rows.find((row) => row.entry_id === entry.get('C'))!.title).toBe('서울시 대기질 측정');

      const xlsx = await call(auditor, 'GET', `${BASE}/selections/${selection.id}/report.xlsx`);
      expect(xlsx.statusCode).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      expect(workbook.worksheets.map((w) => w.name)).toEqual(['Selection', 'Summary']);
      expect(workbook.getWorksheet('Selection')!.rowCount).toBe(7);
      const summary = new Map<string, unknown>();
      workbook.getWorksheet('Summary')!.eachRow((row) => summary.set(String(row.getCell(1).value), row.getCell(2).value));
      expect(summary.get('budget_krw')).toBe(1_000_000_000);
      expect(summary.get('rubric_version')).toBe(2);
      expect(summary.get('inputs_hash')).toBe(selection.inputsHash);
      expect((await call(ev1, 'GET', `${BASE}/selections/${selection.id}/report.csv`)).statusCode).toBe(403);
    });

    it('re-runs a selection from its stored inputs: identical, even after the scores and costs changed', async () => {
      const first = await ok<{ identical: boolean; selection: Selection }>(operator, 'POST', `${BASE}/selections/${selection.id}/rerun`);
      expect(first.identical).toBe(true);
      expect(first.selection.selected).toEqual(selection.selected);
      // Change what the selection was made from.
      await ok(operator, 'PUT', r(`/candidates/${entry.get('A')}`), { estimatedCost: 900_000_000 });
      await ok(consumer, 'POST', r('/demand'), { entryId: entry.get('E'), intendedUse: '수질 판독', urgency: 'high', coInvestKrw: 1 }, 201);
      const fresh = await ok<Selection>(operator, 'POST', r('/selections'), { count: { max: 3 } }, 201);
      expect(fresh.inputsHash).not.toBe(selection.inputsHash);
      const again = await ok<{ identical: boolean; selection: Selection }>(operator, 'POST', `${BASE}/selections/${selection.id}/rerun`);
      expect(again.identical).toBe(true);
      expect(again.selection.entries.find((e) => e.entryId === entry.get('A'))!.cost).toBe(COSTS.A);
      expect(again.selection.objective).toBeCloseTo(selection.objective!, 12);
      expect((await call(auditor, 'POST', `${BASE}/selections/${selection.id}/rerun`)).statusCode).toBe(403);
    });

    it('closes the round: decided rounds take no more demand and disappear for consumers', async () => {
      expect((await ok<Round>(operator, 'POST', r('/status'), { status: 'decided' })).status).toBe('decided');
      expect((await call(consumer, 'POST', r('/demand'), { entryId: entry.get('A'), intendedUse: 'x', urgency: 'low' })).statusCode).toBe(
        409,
      );
      expect((await call(consumer, 'GET', r())).statusCode).toBe(404);
      expect((await ok<{ items: Round[] }>(consumer, 'GET', `${BASE}/rounds`)).items.map((x) => x.id)).not.toContain(round.id);
      // The evaluator still sees the round they took part in, but not the others.
      const theirs = (await ok<{ items: Round[] }>(ev1, 'GET', `${BASE}/rounds`)).items.map((x) => x.id);
      expect(theirs).toEqual([round.id]);
    });
  });
}
