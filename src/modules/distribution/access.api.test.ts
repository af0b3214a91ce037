/**
 * Access tiers through the API, on both engines: the open tier's licence acceptance, conditional
 * requests (required answers), decisions by the providing agency only, grants bound to the
 * requesting organisation and to their expiry, revocation, and safe-zone releases never served.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/support/app.js';
import { ENGINES } from '../../../test/support/databases.js';
import { createTestRelease, usageOf, type TestRelease } from '../../../test/support/releases.js';
import type { Actor } from '../../core/auth/policy.js';
import type { Clock } from '../../core/clock.js';
import type { AccessGrant, AccessRequest } from './access.service.js';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const SYSTEM: Actor = { kind: 'system', name: 'test' };
const DAY = 24 * 60 * 60 * 1000;

/** Lets a test move time forward (grant expiry) without freezing it. */
let skewMs = 0;
const skewedClock: Clock = { now: () => new Date(Date.now() + skewMs) };

const QUESTIONS = [
  { id: 'model', labelKo: '학습할 모델', labelEn: 'The model to train', required: true },
  { id: 'security', labelKo: '보안 대책', labelEn: 'Security measures', required: false },
];

for (const engine of ENGINES) {
  describe(`access tiers (${engine})`, () => {
    const t = useTestApp(engine, { clock: skewedClock });
    let nia: Record<string, string>;
    let seoul: Record<string, string>;
    let company: Record<string, string>;
    let lab: Record<string, string>;
    let operator: Record<string, string>;
    let open: TestRelease;
    let openNoAccount: TestRelease;
    let conditional: TestRelease;
    let safeZone: TestRelease;
    const body = Buffer.from('지역,값\n서울,1\n부산,2\n');

    beforeAll(async () => {
      const { identity } = t.current.platform;
      // A second consumer organisation's member, to show one organisation's grant never serves another.
      await identity.createUser(SYSTEM, { email: 'researcher@demo.datadam.kr', displayName: '연구자', password: 'datadam-demo' });
      await identity.grantRole(SYSTEM, { user: 'researcher@demo.datadam.kr', org: 'kaist-lab', role: 'consumer' });
      nia = await t.current.bearer('steward@demo.datadam.kr', 'nia');
      seoul = await t.current.bearer('steward.seoul@demo.datadam.kr', 'seoul');
      company = await t.current.bearer('consumer@demo.datadam.kr', 'hangang-ai');
      lab = await t.current.bearer('researcher@demo.datadam.kr', 'kaist-lab');
      operator = await t.current.bearer('operator@demo.datadam.kr', 'operator');
      const files = [{ path: 'data/train.csv', bytes: body, format: 'csv', mediaType: 'text/csv' }];
      open = await createTestRelease(t.current.platform, { tier: 'open', files });
      openNoAccount = await createTestRelease(t.current.platform, { tier: 'open', accountRequired: false, files });
      conditional = await createTestRelease(t.current.platform, { tier: 'conditional', questions: QUESTIONS, files });
      safeZone = await createTestRelease(t.current.platform, { tier: 'safe_zone', files });
    });

    const download = (release: TestRelease, headers: Record<string, string> = {}) =>
      t.current.app.inject({ method: 'GET', url: `/api/v1/releases/${release.id}/files/data/train.csv`, headers });
    const ask = (headers: Record<string, string>, payload: Record<string, unknown>) =>
      t.current.app.inject({ method: 'POST', url: '/api/v1/access-requests', headers, payload });
    const decide = (headers: Record<string, string>, id: string, payload: Record<string, unknown>) =>
      t.current.app.inject({ method: 'POST', url: `/api/v1/access-requests/${id}/decision`, headers, payload });

    describe('open tier', () => {
      it('serves anonymous callers when the release needs no account', async () => {
        const response = await download(openNoAccount);
        expect(response.statusCode).toBe(200);
        expect(sha256(response.rawPayload)).toBe(sha256(body));
      });

      it('refuses anonymous callers (401) and callers who have not accepted the licence (403) when it needs an account', async () => {
        expect((await download(open)).statusCode).toBe(401);
        const refused = await download(open, company);
        expect(refused.statusCode).toBe(403);
        expect(refused.json().detail).toContain('accept-licence');
      });

      it('records the acceptance with the terms hash once, then serves', async () => {
        const anonymous = await t.current.app.inject({ method: 'POST', url: `/api/v1/releases/${open.id}/accept-licence` });
        expect(anonymous.statusCode).toBe(401);
        const first = await t.current.app.inject({ method: 'POST', url: `/api/v1/releases/${open.id}/accept-licence`, headers: company });
        expect(first.statusCode).toBe(201);
        expect(first.json()).toMatchObject({ releaseId: open.id, licence: 'CC-BY-4.0' });
        expect(first.json().termsSha256).toMatch(/^[0-9a-f]{64}$/);
        const again = await t.current.app.inject({ method: 'POST', url: `/api/v1/releases/${open.id}/accept-licence`, headers: company });
        expect(again.statusCode).toBe(200);
        expect(again.json().id).toBe(first.json().id);
        const served = await download(open, company);
        expect(served.statusCode).toBe(200);
        expect(sha256(served.rawPayload)).toBe(sha256(body));
        // The acceptance is the user's, not the organisation's: another person still has to accept.
        expect((await download(open, lab)).statusCode).toBe(403);
      });
    });

    describe('safe zone', () => {
      it('is never downloadable, not even by its agency, and says where to go', async () => {
        for (const headers of [company, nia, operator]) {
          const response = await download(safeZone, headers);
          expect(response.statusCode).toBe(403);
          expect(response.json().detail).toMatch(/safe zone/);
        }
        const preview = await t.current.app.inject({
          method: 'GET',
          url: `/api/v1/releases/${safeZone.id}/preview/data/train.csv`,
          headers: nia,
        });
        expect(preview.statusCode).toBe(403);
        expect(await usageOf(t.current.platform, safeZone.id)).toEqual([]);
      });
    });

    describe('conditional tier', () => {
      let request: AccessRequest;
      let grant: AccessGrant;

      it('refuses a download without a grant (and anonymous callers with 401)', async () => {
        expect((await download(conditional)).statusCode).toBe(401);
        const refused = await download(conditional, company);
        expect(refused.statusCode).toBe(403);
        expect(refused.json().detail).toMatch(/grant/);
      });

      it('checks the required answers (422 naming the question) and who may ask', async () => {
        const missing = await ask(company, { datasetId: conditional.datasetId, purpose: '언어모델 학습', durationDays: 30, answers: {} });
        expect(missing.statusCode).toBe(422);
        expect(missing.json().problems).toEqual([expect.objectContaining({ field: 'answers.model' })]);
        const unknown = await ask(company, {
          datasetId: conditional.datasetId,
          purpose: 'x',
          durationDays: 30,
          answers: { model: 'a', nope: 'b' },
        });
        expect(unknown.statusCode).toBe(422);
        expect(unknown.json().problems[0].field).toBe('answers.nope');
        // An agency steward is no consumer; anonymous callers are not anyone.
        expect(
          (await ask(seoul, { datasetId: conditional.datasetId, purpose: 'x', durationDays: 30, answers: { model: 'a' } })).statusCode,
        ).toBe(403);
        expect(
          (await ask({}, { datasetId: conditional.datasetId, purpose: 'x', durationDays: 30, answers: { model: 'a' } })).statusCode,
        ).toBe(401);
        // Open releases need no request.
        const notConditional = await ask(company, { datasetId: open.datasetId, purpose: 'x', durationDays: 30 });
        expect(notConditional.statusCode).toBe(422);
      });

      it('files a pending request the company and the providing agency see, and no one else', async () => {
        const created = await ask(company, {
          datasetId: conditional.datasetId,
          purpose: '한국어 언어모델 학습',
          durationDays: 30,
          answers: { model: 'LLM 7B', security: '' },
        });
        expect(created.statusCode).toBe(201);
        request = created.json();
        expect(request).toMatchObject({ status: 'pending', releaseId: conditional.id, answers: { model: 'LLM 7B' }, grant: null });
        // One pending request per organisation and dataset.
        const again = await ask(company, {
          datasetId: conditional.datasetId,
          purpose: '또 요청',
          durationDays: 30,
          answers: { model: 'x' },
        });
        expect(again.statusCode).toBe(409);
        expect(again.json().detail).toContain(request.id);

        const mine = await t.current.app.inject({ method: 'GET', url: '/api/v1/access-requests?mine=true', headers: company });
        expect(mine.json().items.map((r: AccessRequest) => r.id)).toContain(request.id);
        const incoming = await t.current.app.inject({ method: 'GET', url: '/api/v1/access-requests?incoming=true', headers: nia });
        expect(incoming.json().items.map((r: AccessRequest) => r.id)).toContain(request.id);
        const otherAgency = await t.current.app.inject({ method: 'GET', url: '/api/v1/access-requests?incoming=true', headers: seoul });
        expect(otherAgency.json().items.map((r: AccessRequest) => r.id)).not.toContain(request.id);
        const otherCompany = await t.current.app.inject({ method: 'GET', url: '/api/v1/access-requests?mine=true', headers: lab });
        expect(otherCompany.json().items).toEqual([]);
        // A company has no datasets: nothing comes in for it (its org_admin may look).
        expect(
          (await t.current.app.inject({ method: 'GET', url: '/api/v1/access-requests?incoming=true', headers: company })).json().items,
        ).toEqual([]);
        expect((await t.current.app.inject({ method: 'GET', url: `/api/v1/access-requests/${request.id}`, headers: lab })).statusCode).toBe(
          404,
        );
      });

      it('lets only the providing agency decide', async () => {
        expect((await decide(seoul, request.id, { decision: 'approve' })).statusCode).toBe(403);
        expect((await decide(company, request.id, { decision: 'approve' })).statusCode).toBe(403);
        expect((await decide(operator, request.id, { decision: 'approve' })).statusCode).toBe(403);
        const past = await decide(nia, request.id, { decision: 'approve', expiresAt: '2020-01-01T00:00:00Z' });
        expect(past.statusCode).toBe(422);
        expect(past.json().problems[0].field).toBe('expiresAt');
      });

      it('approves into a grant bound to the organisation, purpose and expiry, with its terms recorded', async () => {
        const approved = await decide(nia, request.id, { decision: 'approve', note: '보안 서약 제출 조건' });
        expect(approved.statusCode).toBe(200);
        const decided: AccessRequest = approved.json();
        expect(decided.status).toBe('approved');
        grant = decided.grant!;
        expect(grant).toMatchObject({ orgId: request.orgId, purpose: '한국어 언어모델 학습', active: true });
        expect(Date.parse(grant.expiresAt) - Date.parse(grant.startsAt)).toBe(30 * DAY);
        expect(grant.terms).toMatchObject({
          licence: 'CC-BY-4.0',
          note: '보안 서약 제출 조건',
          answers: { model: 'LLM 7B' },
          questions: QUESTIONS,
        });
        expect((await decide(nia, request.id, { decision: 'reject' })).statusCode).toBe(409);
        const grants = await t.current.app.inject({ method: 'GET', url: '/api/v1/access-grants?mine=true', headers: company });
        expect(grants.json().items.map((g: AccessGrant) => g.id)).toEqual([grant.id]);
      });

      it('serves the grantee organisation, and never another organisation', async () => {
        const served = await download(conditional, company);
        expect(served.statusCode).toBe(200);
        expect(sha256(served.rawPayload)).toBe(sha256(body));
        expect((await download(conditional, lab)).statusCode).toBe(403);
        const preview = await t.current.app.inject({
          method: 'GET',
          url: `/api/v1/releases/${conditional.id}/preview/data/train.csv`,
          headers: company,
        });
        expect(preview.statusCode).toBe(200);
        expect(
          (await t.current.app.inject({ method: 'GET', url: `/api/v1/releases/${conditional.id}/preview/data/train.csv`, headers: lab }))
            .statusCode,
        ).toBe(403);
        await expect.poll(async () => (await usageOf(t.current.platform, conditional.id)).length).toBe(1);
        const [event] = await usageOf(t.current.platform, conditional.id);
        expect(event).toMatchObject({
          kind: 'download',
          grant_id: grant.id,
          org_id: request.orgId,
          purpose: '한국어 언어모델 학습',
          quantity: body.length,
        });
      });

      it('refuses downloads once the grant has expired', async () => {
        const second = await ask(lab, { datasetId: conditional.datasetId, purpose: '연구', durationDays: 1, answers: { model: 'BERT' } });
        expect(second.statusCode).toBe(201);
        expect((await decide(nia, second.json().id, { decision: 'approve' })).statusCode).toBe(200);
        expect((await download(conditional, lab)).statusCode).toBe(200);
        skewMs = 2 * DAY;
        try {
          const expired = await download(conditional, lab);
          expect(expired.statusCode).toBe(403);
          const grants = await t.current.app.inject({ method: 'GET', url: '/api/v1/access-grants?mine=true', headers: lab });
          expect(grants.json().items[0].active).toBe(false);
        } finally {
          skewMs = 0;
        }
      });

      it('lets the providing agency or the operator revoke, and refuses downloads after', async () => {
        const revoke = (headers: Record<string, string>, id: string) =>
          t.current.app.inject({ method: 'POST', url: `/api/v1/access-grants/${id}/revoke`, headers, payload: { reason: '목적 외 이용' } });
        expect((await revoke(seoul, grant.id)).statusCode).toBe(403);
        expect((await revoke(company, grant.id)).statusCode).toBe(403);
        const revoked = await revoke(nia, grant.id);
        expect(revoked.statusCode).toBe(200);
        expect(revoked.json()).toMatchObject({ active: false, revokeReason: '목적 외 이용' });
        expect((await revoke(nia, grant.id)).statusCode).toBe(409);
        // The company's and the lab's downloads so far.
        await expect.poll(async () => (await usageOf(t.current.platform, conditional.id)).length).toBe(2);
        expect((await download(conditional, company)).statusCode).toBe(403);
        const incoming = await t.current.app.inject({ method: 'GET', url: '/api/v1/access-grants?incoming=true', headers: nia });
        expect(incoming.json().items.find((g: AccessGrant) => g.id === grant.id).revokedAt).not.toBeNull();

        // The operator may revoke too.
        const third = await ask(company, {
          datasetId: conditional.datasetId,
          purpose: '재요청',
          durationDays: 10,
          answers: { model: 'LLM' },
        });
        const regranted: AccessRequest = (await decide(nia, third.json().id, { decision: 'approve' })).json();
        expect((await download(conditional, company)).statusCode).toBe(200);
        expect((await revoke(operator, regranted.grant!.id)).statusCode).toBe(200);
        expect((await download(conditional, company)).statusCode).toBe(403);
        // Refused downloads record nothing: one more event, for the one download served in between.
        await expect.poll(async () => (await usageOf(t.current.platform, conditional.id)).length).toBe(3);
      });

      it('records rejections without a grant', async () => {
        const asked = await ask(company, { datasetId: conditional.datasetId, purpose: '기타', durationDays: 5, answers: { model: 'x' } });
        const rejected = await decide(nia, asked.json().id, { decision: 'reject', note: '목적 불충분' });
        expect(rejected.json()).toMatchObject({ status: 'rejected', decisionNote: '목적 불충분', grant: null });
      });
    });
  });
}
