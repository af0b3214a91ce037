/**
 * The census over HTTP on both engines: the form, the entry workflow with its history, who may see
 * and change which entries, campaigns, reminders and the dashboard.
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { silentLogger } from '../../platform/queue/registry.js';
import { ENGINES } from '../../../test/support/databases.js';
import { useTestApp } from '../../../test/support/app.js';
import { REMIND_DUE } from './census.jobs.js';

const OPERATOR = 'operator@demo.datadam.kr';
const NIA_STEWARD = 'steward@demo.datadam.kr'; // steward and org_admin of nia
const SEOUL_STEWARD = 'steward.seoul@demo.datadam.kr';
const CONSUMER = 'consumer@demo.datadam.kr';
const AUDITOR = 'auditor@demo.datadam.kr';

/** Everything a submission needs. */
const COMPLETE = {
  title: '응급실 위치 정보',
  description: '전국 응급실의 위치와 병상 수',
  readiness: 'processed',
  structure: 'structured',
  modality: 'tabular',
  domain: 'healthcare',
  purpose: '응급의료 안내 서비스',
  formats: ['CSV'],
  updateCycle: 'monthly',
  volumeRecords: 520,
  provisionScope: 'open',
  personalInfo: 'none',
};

interface Session {
  headers: Record<string, string>;
}
interface EntryJson {
  id: string;
  orgId: string;
  status: string;
  version: number;
  title: string | null;
  form: Record<string, unknown>;
  problems: Array<{ field: string; message: string; messageKo: string }>;
  reviewComment: string | null;
  duplicateCount: number;
  duplicates: Array<{ id: string; title: string | null }>;
}
interface CampaignJson {
  id: string;
  status: string;
  responded: number;
  targetCount: number;
  targets: Array<{ orgId: string; orgName: string }>;
}

for (const engine of ENGINES) {
  describe(`census API: ${engine}`, () => {
    const clock = manualClock('2026-11-21T09:00:00.000Z');
    const t = useTestApp(engine, { clock, env: { DATADAM_RATE_LIMIT: '100000' } });

    // Sign-ins are rate limited per address, so each person signs in once for the whole file.
    const sessions = new Map<string, Session>();
    async function as(email: string): Promise<Session> {
      let session = sessions.get(email);
      if (!session) {
        const { cookie, csrf } = await t.current.login(email);
        session = { headers: { cookie, 'x-csrf-token': csrf } };
        sessions.set(email, session);
      }
      return session;
    }
    const anonymous: Session = { headers: {} };

    async function call(who: Session, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
      return t.current.app.inject({
        method,
        url: `/api/v1/census${url}`,
        headers: who.headers,
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
    }

    const orgIds = new Map<string, string>();
    async function org(slug: string): Promise<string> {
      if (!orgIds.has(slug)) orgIds.set(slug, (await t.current.app.inject({ url: `/api/v1/orgs/${slug}` })).json<{ id: string }>().id);
      return orgIds.get(slug)!;
    }

    async function openCampaign(
      targets: string[],
      deadline = '2026-12-15',
      title = '2026 AI 학습용 데이터 전수조사',
    ): Promise<CampaignJson> {
      const response = await call(await as(OPERATOR), 'POST', '/campaigns', {
        title,
        description: '공공기관 보유 데이터 조사',
        deadline,
        targetOrgIds: await Promise.all(targets.map(org)),
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<CampaignJson>();
    }

    async function draft(email: string, slug: string, form: Record<string, unknown>, campaignId?: string): Promise<EntryJson> {
      const response = await call(await as(email), 'POST', '/entries', {
        orgId: await org(slug),
        form,
        ...(campaignId ? { campaignId } : {}),
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<EntryJson>();
    }

    /** A draft taken through submission to acceptance by the operator. */
    async function accepted(email: string, slug: string, form: Record<string, unknown>, campaignId?: string): Promise<EntryJson> {
      const entry = await draft(email, slug, form, campaignId);
      expect((await call(await as(email), 'POST', `/entries/${entry.id}/submit`)).statusCode).toBe(200);
      // No body at all: the comment is optional.
      const response = await call(await as(OPERATOR), 'POST', `/entries/${entry.id}/accept`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<EntryJson>();
    }

    it('describes the form for the web app, without signing in', async () => {
      const response = await call(anonymous, 'GET', '/form');
      expect(response.statusCode).toBe(200);
      const form = response.json<{
        version: string;
        fields: Array<{ key: string; type: string; required: boolean; labels: { ko: string }; choices?: Array<{ value: string }> }>;
        domains: Array<{ value: string }>;
      }>();
      expect(form.version).toBe('2026.1');
      const field = (key: string) => form.fields.find((f) => f.key === key)!;
      expect(field('title')).toMatchObject({ type: 'text', required: true, labels: { ko: '데이터명' } });
      expect(field('titleEn')).toMatchObject({ required: false });
      // Required to submit although a draft may leave it empty.
      expect(field('purpose')).toMatchObject({ type: 'textarea', required: true });
      expect(field('contactEmail').type).toBe('email');
      expect(field('volumeBytes').type).toBe('number');
      expect(field('formats')).toMatchObject({ type: 'list', required: true });
      expect(field('sensitiveCategories').type).toBe('multi');
      expect(field('modality').choices?.map((c) => c.value)).toContain('tabular');
      expect(field('domain').choices?.map((c) => c.value)).toContain('healthcare');
      expect(form.domains.map((d) => d.value)).toContain('healthcare');
    });

    it('takes an entry from draft to accepted, with every step in its history', async () => {
      const nia = await as(NIA_STEWARD);
      const operator = await as(OPERATOR);
      const campaign = await openCampaign(['nia', 'seoul']);
      expect(campaign).toMatchObject({ status: 'open', targetCount: 2, responded: 0 });

      const assignments = (await call(nia, 'GET', '/assignments')).json<{ items: Array<{ campaign: { id: string }; orgId: string }> }>();
      expect(assignments.items).toEqual([
        expect.objectContaining({ campaign: expect.objectContaining({ id: campaign.id }), orgId: await org('nia'), draft: 0 }),
      ]);

      // A partial draft is fine; it says what is still missing.
      const created = await draft(NIA_STEWARD, 'nia', { title: '응급실 위치 정보', description: '전국 응급실' }, campaign.id);
      expect(created).toMatchObject({ status: 'draft', version: 1, title: '응급실 위치 정보' });
      expect(created.problems.map((p) => p.field)).toEqual(expect.arrayContaining(['readiness', 'modality', 'purpose', 'formats']));
      expect(created.problems.find((p) => p.field === 'purpose')).toMatchObject({
        message: 'Purpose of construction is required to submit',
        messageKo: '구축 목적을(를) 입력하세요',
      });

      // Autosave; then a second tab still on version 1 is told, not silently overwritten.
      clock.advance(60_000);
      const saved = await call(nia, 'PUT', `/entries/${created.id}`, {
        form: { title: '응급실 위치 정보', description: '전국 응급실의 위치', modality: 'tabular' },
        version: 1,
      });
      expect(saved.statusCode, saved.body).toBe(200);
      expect(saved.json()).toMatchObject({ version: 2, modality: 'tabular' });
      const stale = await call(nia, 'PUT', `/entries/${created.id}`, { form: { title: '다른 제목' }, version: 1 });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().detail).toMatch(/version 1.*version 2/);
      // Saving the same form again is no change.
      const same = await call(nia, 'PUT', `/entries/${created.id}`, {
        form: { title: '응급실 위치 정보', description: '전국 응급실의 위치', modality: 'tabular' },
        version: 2,
      });
      expect(same.json().version).toBe(2);

      // Each given field must be valid even in a draft.
      const invalid = await call(nia, 'PUT', `/entries/${created.id}`, {
        form: { title: 'x', modality: 'smell', domain: 'astrology' },
        version: 2,
      });
      expect(invalid.statusCode).toBe(422);
      expect(invalid.json().problems.map((p: { field: string }) => p.field)).toEqual(['title', 'modality', 'domain']);

      const refused = await call(nia, 'POST', `/entries/${created.id}/submit`);
      expect(refused.statusCode).toBe(422);
      const problems = refused.json().problems as Array<{ field: string; message: string; messageKo?: string }>;
      expect(problems.map((p) => p.field)).toEqual(expect.arrayContaining(['readiness', 'purpose', 'updateCycle', 'volumeRecords']));
      expect(problems.every((p) => p.messageKo !== undefined && !p.message.includes('입력'))).toBe(true);

      clock.advance(60_000);
      const complete = await call(nia, 'PUT', `/entries/${created.id}`, { form: { ...COMPLETE, volumeRecords: 500 }, version: 2 });
      expect(complete.json()).toMatchObject({ version: 3, problems: [] });
      const submitted = await call(nia, 'POST', `/entries/${created.id}/submit`);
      expect(submitted.statusCode, submitted.body).toBe(200);
      expect(submitted.json()).toMatchObject({ status: 'submitted', version: 4 });

      // Submitted is locked for the steward; review is the operator's.
      expect((await call(nia, 'PUT', `/entries/${created.id}`, { form: COMPLETE, version: 4 })).statusCode).toBe(409);
      expect((await call(nia, 'POST', `/entries/${created.id}/accept`, {})).statusCode).toBe(403);
      expect((await call(operator, 'POST', `/entries/${created.id}/return`, { comment: ' ' })).statusCode).toBe(400);
      clock.advance(60_000);
      const returned = await call(operator, 'POST', `/entries/${created.id}/return`, { comment: '규모를 다시 확인해 주세요' });
      expect(returned.statusCode, returned.body).toBe(200);
      expect(returned.json()).toMatchObject({ status: 'returned', version: 5, reviewComment: '규모를 다시 확인해 주세요' });

      clock.advance(60_000);
      const fixed = await call(nia, 'PUT', `/entries/${created.id}`, { form: COMPLETE, version: 5 });
      expect(fixed.json()).toMatchObject({ status: 'returned', version: 6 });
      expect((await call(nia, 'POST', `/entries/${created.id}/submit`)).json()).toMatchObject({ status: 'submitted', version: 7 });
      clock.advance(60_000);
      const done = await call(operator, 'POST', `/entries/${created.id}/accept`, { comment: '확인했습니다' });
      expect(done.json()).toMatchObject({ status: 'accepted', version: 8, reviewComment: '확인했습니다' });
      expect((await call(nia, 'PUT', `/entries/${created.id}`, { form: COMPLETE, version: 8 })).statusCode).toBe(409);

      const dashboard = await call(operator, 'GET', `/dashboard?campaign=${campaign.id}`);
      expect(dashboard.statusCode, dashboard.body).toBe(200);
      expect(dashboard.json()).toMatchObject({
        campaign: { id: campaign.id, responded: 1, targetCount: 2 },
        responseRate: { targets: 2, responded: 1, rate: 0.5 },
        perAgency: expect.arrayContaining([
          expect.objectContaining({ orgId: await org('nia'), accepted: 1, draft: 0, responded: true }),
          expect.objectContaining({ orgId: await org('seoul'), accepted: 0, responded: false }),
        ]),
        coverage: {
          domain: [{ key: 'healthcare', count: 1 }],
          modality: [{ key: 'tabular', count: 1 }],
          readiness: [{ key: 'processed', count: 1 }],
          provisionScope: [{ key: 'open', count: 1 }],
        },
        totals: { entries: 1, accepted: 1 },
      });

      // Without a campaign: every agency, every entry.
      const overall = await call(await as(AUDITOR), 'GET', '/dashboard');
      expect(overall.statusCode, overall.body).toBe(200);
      expect(overall.json()).toMatchObject({
        campaign: null,
        responseRate: { targets: 2, responded: 1, rate: 0.5 },
        coverage: { domain: [{ key: 'healthcare', count: 1 }] },
        totals: { entries: 1, accepted: 1 },
      });
      expect((await call(nia, 'GET', '/dashboard')).statusCode).toBe(403);
      expect((await call(operator, 'GET', '/dashboard?campaign=nope')).statusCode).toBe(404);

      const history = await call(nia, 'GET', `/entries/${created.id}/history`);
      expect(history.statusCode, history.body).toBe(200);
      const items = history.json().items as Array<{
        version: number;
        kind: string;
        status: string;
        comment: string | null;
        changedBy: { name: string } | null;
        changes: Array<{ field: string; before: unknown; after: unknown }>;
      }>;
      expect(items.map((i) => [i.version, i.kind, i.status, i.changedBy?.name])).toEqual([
        [8, 'accept', 'accepted', '김운영'],
        [7, 'submit', 'submitted', '이담당'],
        [6, 'update', 'returned', '이담당'],
        [5, 'return', 'returned', '김운영'],
        [4, 'submit', 'submitted', '이담당'],
        [3, 'update', 'draft', '이담당'],
        [2, 'update', 'draft', '이담당'],
        [1, 'create', 'draft', '이담당'],
      ]);
      expect(items.find((i) => i.version === 5)!.comment).toBe('규모를 다시 확인해 주세요');
      expect(items.find((i) => i.version === 6)!.changes).toEqual([{ field: 'volumeRecords', before: 500, after: 520 }]);
      expect(items.find((i) => i.version === 2)!.changes).toEqual([
        { field: 'description', before: '전국 응급실', after: '전국 응급실의 위치' },
        { field: 'modality', before: null, after: 'tabular' },
      ]);
      expect(items.find((i) => i.version === 1)!.changes).toEqual(
        expect.arrayContaining([{ field: 'title', before: null, after: '응급실 위치 정보' }]),
      );
      expect(items.find((i) => i.version === 7)!.changes).toEqual([]);

      // Everyone signed in sees the accepted entry, but its drafts along the way stay the agency's.
      const consumer = await as(CONSUMER);
      expect((await call(consumer, 'GET', `/entries/${created.id}`)).json()).toMatchObject({
        status: 'accepted',
        title: '응급실 위치 정보',
      });
      expect((await call(consumer, 'GET', `/entries/${created.id}/history`)).statusCode).toBe(403);
      expect((await call(await as(AUDITOR), 'GET', `/entries/${created.id}/history`)).statusCode).toBe(200);

      // The operator can reopen an accepted entry, with a reason; it goes back as returned.
      expect((await call(operator, 'POST', `/entries/${created.id}/reopen`, { comment: '' })).statusCode).toBe(400);
      const reopened = await call(operator, 'POST', `/entries/${created.id}/reopen`, { comment: '분야를 재분류합니다' });
      expect(reopened.json()).toMatchObject({ status: 'returned', version: 9 });
      expect((await call(consumer, 'GET', `/entries/${created.id}`)).statusCode).toBe(404);
    });

    it("keeps one agency's drafts from another agency's steward, by session and by token", async () => {
      const seoulDraft = await draft(SEOUL_STEWARD, 'seoul', { title: '서울시 따릉이 대여 이력', modality: 'tabular' });
      const nia = await as(NIA_STEWARD);
      const tokenResponse = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: nia.headers,
        payload: { org: 'nia', name: 'census', scopes: ['read', 'write'] },
      });
      expect(tokenResponse.statusCode, tokenResponse.body).toBe(201);
      const niaToken: Session = { headers: { authorization: `Bearer ${tokenResponse.json<{ token: string }>().token}` } };

      for (const who of [nia, niaToken]) {
        // Reading says nothing about whether the draft exists…
        expect((await call(who, 'GET', `/entries/${seoulDraft.id}`)).statusCode).toBe(404);
        expect((await call(who, 'GET', `/entries/${seoulDraft.id}/history`)).statusCode).toBe(404);
        // …and acting on it is forbidden.
        expect((await call(who, 'PUT', `/entries/${seoulDraft.id}`, { form: { title: '덮어쓰기' }, version: 1 })).statusCode).toBe(403);
        expect((await call(who, 'POST', `/entries/${seoulDraft.id}/submit`)).statusCode).toBe(403);
        expect((await call(who, 'POST', '/entries', { orgId: await org('seoul'), form: { title: '서울 데이터' } })).statusCode).toBe(403);
        const listed = await call(who, 'GET', `/entries?org=${await org('seoul')}`);
        expect(listed.statusCode).toBe(200);
        expect(listed.json().items.every((e: { status: string }) => e.status === 'accepted')).toBe(true);
        const all = (await call(who, 'GET', '/entries?limit=500')).json().items as Array<{ id: string; orgId: string; status: string }>;
        expect(all.map((e) => e.id)).not.toContain(seoulDraft.id);
        expect(all.filter((e) => e.orgId === (orgIds.get('seoul') ?? '')).every((e) => e.status === 'accepted')).toBe(true);
      }
      // The token still works for its own agency.
      const own = await call(niaToken, 'POST', '/entries', { orgId: await org('nia'), form: { title: '토큰으로 만든 항목' } });
      expect(own.statusCode, own.body).toBe(201);
      const read = await call(niaToken, 'GET', `/entries/${own.json<EntryJson>().id}`);
      expect(read.statusCode).toBe(200);

      // The draft is unchanged, and its own steward, the operator and the auditor all see it.
      const seoul = await as(SEOUL_STEWARD);
      expect((await call(seoul, 'GET', `/entries/${seoulDraft.id}`)).json()).toMatchObject({
        version: 1,
        title: '서울시 따릉이 대여 이력',
      });
      expect((await call(await as(OPERATOR), 'GET', `/entries/${seoulDraft.id}`)).statusCode).toBe(200);
      expect((await call(await as(AUDITOR), 'GET', `/entries/${seoulDraft.id}`)).statusCode).toBe(200);
      // Not even the operator fills in an agency's census for it.
      expect(
        (await call(await as(OPERATOR), 'PUT', `/entries/${seoulDraft.id}`, { form: { title: '운영자' }, version: 1 })).statusCode,
      ).toBe(403);
    });

    it('shows consumers accepted entries only, and nothing to anonymous callers', async () => {
      const hidden = await draft(SEOUL_STEWARD, 'seoul', { title: '서울시 비공개 초안' });
      const shown = await accepted(SEOUL_STEWARD, 'seoul', { ...COMPLETE, title: '서울시 공공자전거 현황', domain: 'transport' });
      const consumer = await as(CONSUMER);
      const items = (await call(consumer, 'GET', '/entries?limit=500')).json().items as Array<{ id: string; status: string }>;
      expect(items.map((e) => e.id)).toContain(shown.id);
      expect(items.every((e) => e.status === 'accepted')).toBe(true);
      expect((await call(consumer, 'GET', `/entries/${hidden.id}`)).statusCode).toBe(404);
      expect((await call(consumer, 'GET', '/entries?status=draft')).json().items).toEqual([]);
      expect((await call(consumer, 'GET', '/dashboard')).statusCode).toBe(403);
      expect((await call(consumer, 'GET', '/assignments')).json().items).toEqual([]);
      // Entries are for agencies: a company's own admin cannot file one, nor anyone for another organisation.
      expect(
        (await call(consumer, 'POST', '/entries', { orgId: await org('hangang-ai'), form: { title: '회사 데이터' } })).statusCode,
      ).toBe(422);
      expect((await call(consumer, 'POST', '/entries', { orgId: await org('seoul'), form: { title: '서울 데이터' } })).statusCode).toBe(
        403,
      );

      for (const [method, url] of [
        ['GET', '/entries'],
        ['GET', `/entries/${shown.id}`],
        ['GET', `/entries/${shown.id}/history`],
        ['GET', '/campaigns'],
        ['GET', '/assignments'],
        ['GET', '/dashboard'],
        ['POST', `/entries/${hidden.id}/submit`],
      ] as const) {
        expect((await call(anonymous, method, url)).statusCode, `${method} ${url}`).toBe(401);
      }
      expect((await call(anonymous, 'POST', '/entries', { orgId: await org('seoul'), form: {} })).statusCode).toBe(401);
      expect((await call(anonymous, 'PUT', `/entries/${hidden.id}`, { form: {}, version: 1 })).statusCode).toBe(401);
    });

    it('lets only one of two simultaneous saves of the same version through', async () => {
      const nia = await as(NIA_STEWARD);
      const entry = await draft(NIA_STEWARD, 'nia', { title: '동시 저장' });
      const responses = await Promise.all(
        ['첫 번째 탭', '두 번째 탭'].map((title) => call(nia, 'PUT', `/entries/${entry.id}`, { form: { title }, version: 1 })),
      );
      expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      const history = (await call(nia, 'GET', `/entries/${entry.id}/history`)).json().items as Array<{ kind: string }>;
      expect(history.map((h) => h.kind)).toEqual(['update', 'create']);
    });

    it('refuses a cookie-authenticated save without the CSRF token', async () => {
      const entry = await draft(NIA_STEWARD, 'nia', { title: 'CSRF 확인용' });
      const { cookie } = (await as(NIA_STEWARD)).headers as { cookie: string };
      const response = await call({ headers: { cookie } }, 'PUT', `/entries/${entry.id}`, { form: { title: '위조' }, version: 1 });
      expect(response.statusCode).toBe(403);
      expect(response.json().detail).toMatch(/CSRF/);
      expect((await call(await as(NIA_STEWARD), 'GET', `/entries/${entry.id}`)).json()).toMatchObject({ version: 1, title: 'CSRF 확인용' });
    });

    it('opens campaigns for agencies only, and takes entries only from their targets while open', async () => {
      const operator = await as(OPERATOR);
      const nia = await as(NIA_STEWARD);
      const base = { title: '조사', deadline: '2026-12-31' };
      expect((await call(nia, 'POST', '/campaigns', { ...base, targetOrgIds: [await org('nia')] })).statusCode).toBe(403);
      const company = await call(operator, 'POST', '/campaigns', { ...base, targetOrgIds: [await org('nia'), await org('hangang-ai')] });
      expect(company.statusCode).toBe(422);
      expect(company.json().problems).toEqual([
        expect.objectContaining({ field: 'targetOrgIds', message: expect.stringMatching(/not an agency/) }),
      ]);
      expect((await call(operator, 'POST', '/campaigns', { ...base, targetOrgIds: ['no-such-org'] })).statusCode).toBe(422);
      expect(
        (await call(operator, 'POST', '/campaigns', { ...base, deadline: '2026-02-30', targetOrgIds: [await org('nia')] })).statusCode,
      ).toBe(422);
      expect(
        (await call(operator, 'POST', '/campaigns', { ...base, deadline: '2026-01-01', targetOrgIds: [await org('nia')] })).statusCode,
      ).toBe(422);
      expect((await call(operator, 'POST', '/campaigns', { ...base, targetOrgIds: [] })).statusCode).toBe(400);

      const seoulOnly = await openCampaign(['seoul'], '2026-12-31', '서울만');
      const notTarget = await call(nia, 'POST', '/entries', {
        orgId: await org('nia'),
        campaignId: seoulOnly.id,
        form: { title: '대상 아님' },
      });
      expect(notTarget.statusCode).toBe(422);
      expect(notTarget.json().problems).toEqual([expect.objectContaining({ field: 'campaignId' })]);
      expect((await call(nia, 'POST', '/entries', { orgId: await org('nia'), campaignId: 'nope', form: {} })).statusCode).toBe(422);

      // Stewards see the campaigns that ask them; consumers none; operators and auditors all.
      const niaCampaigns = (await call(nia, 'GET', '/campaigns')).json().items.map((c: { id: string }) => c.id);
      expect(niaCampaigns).not.toContain(seoulOnly.id);
      expect((await call(nia, 'GET', `/campaigns/${seoulOnly.id}`)).statusCode).toBe(404);
      expect((await call(await as(SEOUL_STEWARD), 'GET', `/campaigns/${seoulOnly.id}`)).statusCode).toBe(200);
      expect((await call(await as(CONSUMER), 'GET', '/campaigns')).json().items).toEqual([]);
      expect((await call(await as(AUDITOR), 'GET', '/campaigns')).json().items.map((c: { id: string }) => c.id)).toContain(seoulOnly.id);

      // A closed campaign takes no new entries, reminds nobody and leaves the assignments.
      const closed = await call(operator, 'POST', `/campaigns/${seoulOnly.id}/close`);
      expect(closed.json()).toMatchObject({ status: 'closed' });
      expect((await call(operator, 'POST', `/campaigns/${seoulOnly.id}/close`)).statusCode).toBe(200);
      expect((await call(operator, 'POST', `/campaigns/${seoulOnly.id}/remind`)).statusCode).toBe(409);
      const late = await call(await as(SEOUL_STEWARD), 'POST', '/entries', {
        orgId: await org('seoul'),
        campaignId: seoulOnly.id,
        form: {},
      });
      expect(late.statusCode).toBe(422);
      const seoulAssignments = (await call(await as(SEOUL_STEWARD), 'GET', '/assignments')).json().items;
      expect(seoulAssignments.map((a: { campaign: { id: string } }) => a.campaign.id)).not.toContain(seoulOnly.id);
    });

    it('reminds the agencies that have not answered, by hand and by the daily job', async () => {
      const operator = await as(OPERATOR);
      const campaign = await openCampaign(['nia', 'seoul'], '2026-11-25', '마감 임박 조사');
      await accepted(NIA_STEWARD, 'nia', { ...COMPLETE, title: '마감 임박 응답' }, campaign.id);

      expect((await call(await as(NIA_STEWARD), 'POST', `/campaigns/${campaign.id}/remind`)).statusCode).toBe(403);
      const reminded = await call(operator, 'POST', `/campaigns/${campaign.id}/remind`);
      expect(reminded.statusCode, reminded.body).toBe(200);
      expect(reminded.json()).toEqual({ reminded: 1 });

      const remindedAt = async (email: string) =>
        (
          (await call(await as(email), 'GET', '/assignments')).json().items as Array<{
            campaign: { id: string };
            remindedAt: string | null;
          }>
        ).find((a) => a.campaign.id === campaign.id)?.remindedAt;
      expect(await remindedAt(SEOUL_STEWARD)).toBe(clock.now().toISOString());
      expect(await remindedAt(NIA_STEWARD)).toBeNull();

      // The job reminds again on a later day, once per day however often it runs.
      const job = t.current.platform.registry.get(REMIND_DUE)!;
      expect(t.current.platform.schedules).toContainEqual({ name: REMIND_DUE, everyMs: 24 * 60 * 60 * 1000 });
      const run = () =>
        job.handler(
          {},
          { jobId: 'test', name: REMIND_DUE, attempt: 1, maxAttempts: 3, signal: new AbortController().signal, logger: silentLogger },
        ) as Promise<{ campaigns: number; reminded: number }>;
      expect((await run()).reminded).toBe(0); // reminded by hand today already
      // A day later (sessions would have expired by then, so the checks come after turning the clock back).
      const day = 24 * 60 * 60 * 1000;
      const tomorrow = new Date(clock.now().getTime() + day).toISOString();
      clock.advance(day);
      let nextDay: { campaigns: number; reminded: number };
      let again: { campaigns: number; reminded: number };
      try {
        nextDay = await run();
        again = await run();
      } finally {
        clock.advance(-day);
      }
      expect(nextDay.campaigns).toBeGreaterThanOrEqual(1);
      expect(nextDay.reminded).toBeGreaterThanOrEqual(1);
      expect(again.reminded).toBe(0);
      expect(await remindedAt(SEOUL_STEWARD)).toBe(tomorrow);
      expect(await remindedAt(NIA_STEWARD)).toBeNull();
    });

    it('flags entries of an agency with the same title, and clears the flag when the title changes', async () => {
      const first = await draft(NIA_STEWARD, 'nia', { title: '지능정보 말뭉치 (2025)' });
      const second = await draft(NIA_STEWARD, 'nia', { title: '한국지능정보사회진흥원_지능정보 말뭉치 2025' });
      expect(second.duplicates).toEqual([{ id: first.id, title: '지능정보 말뭉치 (2025)' }]);
      expect((await call(await as(NIA_STEWARD), 'GET', `/entries/${first.id}`)).json().duplicateCount).toBe(1);
      const listed = (await call(await as(NIA_STEWARD), 'GET', `/entries?org=${await org('nia')}&status=draft&limit=500`)).json()
        .items as Array<{
        id: string;
        duplicateCount: number;
      }>;
      expect(listed.find((e) => e.id === second.id)!.duplicateCount).toBe(1);

      const renamed = await call(await as(NIA_STEWARD), 'PUT', `/entries/${second.id}`, {
        form: { title: '공공 말뭉치 2025' },
        version: 1,
      });
      expect(renamed.json()).toMatchObject({ duplicateCount: 0, duplicates: [] });
      expect((await call(await as(NIA_STEWARD), 'GET', `/entries/${first.id}`)).json().duplicateCount).toBe(0);
    });

    it('pages through entries with a cursor', async () => {
      const nia = await as(NIA_STEWARD);
      for (const title of ['페이지 하나', '페이지 둘', '페이지 셋']) await draft(NIA_STEWARD, 'nia', { title });
      const seen = new Set<string>();
      let cursor: string | null = null;
      let pages = 0;
      do {
        const response = await call(nia, 'GET', `/entries?org=${await org('nia')}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(response.statusCode, response.body).toBe(200);
        const page = response.json<{ items: Array<{ id: string }>; nextCursor: string | null }>();
        expect(page.items.length).toBeLessThanOrEqual(2);
        for (const item of page.items) {
          expect(seen.has(item.id)).toBe(false);
          seen.add(item.id);
        }
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== null);
      const all = (await call(nia, 'GET', `/entries?org=${await org('nia')}&limit=500`)).json().items as unknown[];
      expect(seen.size).toBe(all.length);
      expect(pages).toBe(Math.max(1, Math.ceil(all.length / 2)));
      expect((await call(nia, 'GET', '/entries?cursor=bm9wZQ')).statusCode).toBe(400);
      expect((await call(nia, 'GET', '/entries?limit=501')).statusCode).toBe(400);
    });
  });
}
