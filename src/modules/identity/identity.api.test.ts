/**
 * Identity over HTTP on both engines: sign-in, sessions, CSRF, API tokens, and who may read what.
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { ENGINES } from '../../../test/support/databases.js';
import { useTestApp } from '../../../test/support/app.js';

const OPERATOR = 'operator@demo.datadam.kr';
const NIA_STEWARD = 'steward@demo.datadam.kr'; // org_admin and steward of nia
const SEOUL_STEWARD = 'steward.seoul@demo.datadam.kr';

for (const engine of ENGINES) {
  describe(`identity API: ${engine}`, () => {
    const clock = manualClock('2026-11-21T00:00:00.000Z');
    const t = useTestApp(engine, { clock });

    async function orgId(slug: string) {
      const response = await t.current.app.inject({ url: `/api/v1/orgs/${slug}` });
      return (response.json() as { id: string }).id;
    }

    async function tokenFor(email: string, org: string, scopes: string[] = ['read'], expiresInDays = 30) {
      const { cookie, csrf } = await t.current.login(email);
      const response = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: { cookie, 'x-csrf-token': csrf },
        payload: { org, name: 'test', scopes, expiresInDays },
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json() as { token: string; info: { id: string; expiresAt: string } };
    }

    it('signs in and tells who I am; a wrong password is a 401 problem document', async () => {
      const { cookie } = await t.current.login(OPERATOR);
      const me = await t.current.app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({
        user: { email: OPERATOR, displayName: '김운영' },
        memberships: expect.arrayContaining([expect.objectContaining({ role: 'operator' })]),
      });

      const wrong = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: OPERATOR, password: 'not-the-password' },
      });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.headers['content-type']).toContain('application/problem+json');
      expect(wrong.json()).toMatchObject({ status: 401, title: 'Unauthenticated', detail: 'The email or the password is wrong' });
      const unknown = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'nobody@example.org', password: 'x' },
      });
      expect(unknown.json().detail).toBe(wrong.json().detail);
    });

    it('answers anonymous requests for private things with 401', async () => {
      const me = await t.current.app.inject({ url: '/api/v1/auth/me' });
      expect(me.statusCode).toBe(401);
      const members = await t.current.app.inject({ url: '/api/v1/orgs/nia/members' });
      expect(members.statusCode).toBe(401);
    });

    it('validates bodies and names the field', async () => {
      const response = await t.current.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: OPERATOR } });
      expect(response.statusCode).toBe(400);
      expect(response.json().problems).toEqual([expect.objectContaining({ field: 'body.password' })]);
    });

    it('refuses a cookie-authenticated change without the CSRF token, as JSON and as a form post', async () => {
      const { cookie, csrf } = await t.current.login(NIA_STEWARD);
      const json = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: { cookie },
        payload: { org: 'nia', name: 'x', scopes: ['read'] },
      });
      expect(json.statusCode).toBe(403);
      expect(json.json().detail).toMatch(/CSRF/);

      const form = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'x=1',
      });
      expect(form.statusCode).toBe(403);
      const wrongToken = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `_csrf=${csrf.slice(1)}x`,
      });
      expect(wrongToken.statusCode).toBe(403);
      // The session survived the forged attempts…
      expect((await t.current.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(200);
      // …and a form with the right token works.
      const ok = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `_csrf=${encodeURIComponent(csrf)}`,
      });
      expect(ok.statusCode).toBe(204);
      expect((await t.current.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(401);
    });

    it('refuses unsafe requests from another origin', async () => {
      const response = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { origin: 'https://evil.example' },
        payload: { email: OPERATOR, password: 'datadam-demo' },
      });
      expect(response.statusCode).toBe(403);
    });

    it("never lets one organisation's token read another organisation's private objects", async () => {
      const nia = await orgId('nia');
      const seoul = await orgId('seoul');
      const { token } = await tokenFor(NIA_STEWARD, 'nia');
      const auth = { authorization: `Bearer ${token}` };

      const own = await t.current.app.inject({ url: `/api/v1/orgs/${nia}/members`, headers: auth });
      expect(own.statusCode).toBe(200);
      expect(own.json().items.map((m: { email: string }) => m.email)).toContain(NIA_STEWARD);

      for (const url of [`/api/v1/orgs/${seoul}/members`, `/api/v1/orgs/${seoul}/tokens`, '/api/v1/orgs/seoul/members']) {
        const other = await t.current.app.inject({ url, headers: auth });
        expect(other.statusCode, url).toBe(403);
        expect(other.json().status).toBe(403);
      }
      // Public facts stay public.
      expect((await t.current.app.inject({ url: `/api/v1/orgs/${seoul}`, headers: auth })).statusCode).toBe(200);

      // A session of Seoul's steward cannot see NIA's tokens either.
      const seoulSession = await t.current.login(SEOUL_STEWARD);
      expect((await t.current.app.inject({ url: `/api/v1/orgs/${nia}/tokens`, headers: { cookie: seoulSession.cookie } })).statusCode).toBe(
        403,
      );
    });

    it('keeps a token to its organisation even when its user belongs to several', async () => {
      // The operator's user also becomes a steward of Seoul; a token made for the operator org must not act for Seoul.
      const operatorSession = await t.current.login(OPERATOR);
      const grant = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/orgs/seoul/members',
        headers: { cookie: operatorSession.cookie, 'x-csrf-token': operatorSession.csrf },
        payload: { user: NIA_STEWARD, role: 'evaluator' },
      });
      expect(grant.statusCode).toBe(201);
      const { token } = await tokenFor(NIA_STEWARD, 'nia');
      const seoul = await orgId('seoul');
      const response = await t.current.app.inject({ url: `/api/v1/orgs/${seoul}/members`, headers: { authorization: `Bearer ${token}` } });
      expect(response.statusCode).toBe(403);
      const viaSession = await t.current.login(NIA_STEWARD);
      expect(
        (await t.current.app.inject({ url: `/api/v1/orgs/${seoul}/members`, headers: { cookie: viaSession.cookie } })).statusCode,
      ).toBe(200);
    });

    it('refuses expired and revoked tokens, and tokens used beyond their scopes', async () => {
      const { token, info } = await tokenFor(NIA_STEWARD, 'nia', ['read'], 1);
      const auth = { authorization: `Bearer ${token}` };
      expect((await t.current.app.inject({ url: '/api/v1/auth/me', headers: auth })).statusCode).toBe(200);

      // read scope cannot create tokens (admin)
      const escalate = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: auth,
        payload: { org: 'nia', name: 'more', scopes: ['admin'] },
      });
      expect(escalate.statusCode).toBe(403);

      clock.set(new Date(Date.parse(info.expiresAt) + 1000));
      const expired = await t.current.app.inject({ url: '/api/v1/auth/me', headers: auth });
      expect(expired.statusCode).toBe(401);
      expect(expired.json().detail).toMatch(/expired or revoked/);
      clock.set('2026-11-21T00:00:00.000Z');

      const second = await tokenFor(NIA_STEWARD, 'nia', ['read', 'write', 'admin']);
      const { cookie, csrf } = await t.current.login(NIA_STEWARD);
      const revoke = await t.current.app.inject({
        method: 'DELETE',
        url: `/api/v1/tokens/${second.info.id}`,
        headers: { cookie, 'x-csrf-token': csrf },
      });
      expect(revoke.statusCode).toBe(204);
      expect(
        (await t.current.app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${second.token}` } })).statusCode,
      ).toBe(401);
      // Garbage and malformed headers are refused, not treated as anonymous.
      expect((await t.current.app.inject({ url: '/api/v1/orgs', headers: { authorization: 'Bearer ddm_nope' } })).statusCode).toBe(401);
      expect((await t.current.app.inject({ url: '/api/v1/orgs', headers: { authorization: 'Basic abc' } })).statusCode).toBe(401);
    });

    it('stops a session once it has been idle too long', async () => {
      const { cookie } = await t.current.login(SEOUL_STEWARD);
      clock.advance(13 * 60 * 60 * 1000);
      expect((await t.current.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(401);
      clock.set('2026-11-21T00:00:00.000Z');
    });

    it('lets only operators create organisations and users', async () => {
      const steward = await t.current.login(SEOUL_STEWARD);
      const denied = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/orgs',
        headers: { cookie: steward.cookie, 'x-csrf-token': steward.csrf },
        payload: { slug: 'busan', name: '부산광역시', kind: 'agency' },
      });
      expect(denied.statusCode).toBe(403);
      const operator = await t.current.login(OPERATOR);
      const created = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/orgs',
        headers: { cookie: operator.cookie, 'x-csrf-token': operator.csrf },
        payload: { slug: 'busan', name: '부산광역시', kind: 'agency' },
      });
      expect(created.statusCode).toBe(201);
      const again = await t.current.app.inject({
        method: 'POST',
        url: '/api/v1/orgs',
        headers: { cookie: operator.cookie, 'x-csrf-token': operator.csrf },
        payload: { slug: 'busan', name: '부산광역시', kind: 'agency' },
      });
      expect(again.statusCode).toBe(409);
    });

    it('tells the web app how people can sign in', async () => {
      const response = await t.current.app.inject({ url: '/api/v1/auth/providers' });
      expect(response.json()).toEqual({ password: true, oidc: { enabled: false, loginUrl: null } });
    });

    it('ends the sessions of a disabled user and refuses their sign-in', async () => {
      const supplier = await t.current.login('supplier@demo.datadam.kr');
      const me = (await t.current.app.inject({ url: '/api/v1/auth/me', headers: { cookie: supplier.cookie } })).json() as {
        user: { id: string };
      };
      const denied = await t.current.app.inject({
        method: 'POST',
        url: `/api/v1/users/${me.user.id}/disable`,
        headers: { cookie: supplier.cookie, 'x-csrf-token': supplier.csrf },
      });
      expect(denied.statusCode).toBe(403);
      const operator = await t.current.login(OPERATOR);
      const disabled = await t.current.app.inject({
        method: 'POST',
        url: `/api/v1/users/${me.user.id}/disable`,
        headers: { cookie: operator.cookie, 'x-csrf-token': operator.csrf },
      });
      expect(disabled.statusCode).toBe(204);
      expect((await t.current.app.inject({ url: '/api/v1/auth/me', headers: { cookie: supplier.cookie } })).statusCode).toBe(401);
      await expect(t.current.login('supplier@demo.datadam.kr')).rejects.toThrow(/401/);
    });

    it('rate-limits password guessing', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) {
        const response = await t.current.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress: '203.0.113.7',
          payload: { email: 'nobody@example.org', password: 'guess' },
        });
        statuses.push(response.statusCode);
      }
      expect(statuses).toContain(429);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(20);
    });
  });
}
