/**
 * OIDC sign-in end to end: the app (through `app.inject`) against a real OpenID Provider listening
 * on 127.0.0.1, so discovery, the token exchange and the JWKS fetch all go over HTTP for real.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/auth/policy.js';
import { loadConfig } from '../../src/core/config.js';
import type { ApiApp } from '../../src/modules/shared/http.js';
import { buildApp } from '../../src/server/http/app.js';
import { openPlatform, type Platform } from '../../src/server/platform.js';
import { startFakeOidcProvider, type FakeOidcProvider } from '../support/fake-oidc-provider.js';

const PUBLIC_URL = 'http://datadam.test';
const REDIRECT_URI = `${PUBLIC_URL}/auth/oidc/callback`;
const SESSION_COOKIE = 'datadam_session';
const CHECKS_COOKIE = 'datadam_oidc';
const SYSTEM: Actor = { kind: 'system', name: 'oidc-test' };

interface InjectReply {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json(): unknown;
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
}

interface MeReply {
  user: { id: string; email: string; displayName: string };
}

let op: FakeOidcProvider;
let platform: Platform;
let app: ApiApp;
let dataDir: string;

beforeAll(async () => {
  op = await startFakeOidcProvider();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'datadam-oidc-'));
  const config = loadConfig({
    DATADAM_DATA_DIR: dataDir,
    DATADAM_PUBLIC_URL: PUBLIC_URL,
    DATADAM_SECRET: 'oidc-test-secret-that-signs-the-checks-cookie',
    DATADAM_OIDC_ISSUER: op.issuer,
    DATADAM_OIDC_CLIENT_ID: op.clientId,
    DATADAM_OIDC_CLIENT_SECRET: op.clientSecret,
    DATADAM_OIDC_ALLOW_INSECURE: 'true',
    LOG_LEVEL: 'silent',
  });
  expect(config.oidc).toMatchObject({ issuer: op.issuer, clientId: op.clientId, allowInsecure: true });
  platform = await openPlatform(config);
  app = await buildApp({
    config,
    logger: pino({ level: 'silent' }),
    identity: platform.identity,
    census: platform.census,
    censusFiles: platform.censusFiles,
    readinessChecks: platform.readinessChecks,
    ...(platform.oidc ? { oidc: platform.oidc } : {}),
    cookieSecret: platform.secret,
    version: 'test',
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await platform?.close();
  await op?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => op.reset());

/** `name=value` pairs from the Set-Cookie headers, values exactly as sent (still encoded). */
function setCookies(res: InjectReply): Map<string, { value: string; attributes: string }> {
  const raw = res.headers['set-cookie'];
  const lines = raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
  const cookies = new Map<string, { value: string; attributes: string }>();
  for (const line of lines) {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    cookies.set(pair.slice(0, eq).trim(), { value: pair.slice(eq + 1), attributes: attributes.join(';') });
  }
  return cookies;
}

/** A session cookie that was set and not cleared (clearing sends an empty value). */
function sessionCookieOf(res: InjectReply): string | undefined {
  const value = setCookies(res).get(SESSION_COOKIE)?.value;
  return value ? value : undefined;
}

/** Step 1: the browser asks the app to sign in and is sent to the provider. */
async function startLogin(): Promise<{ authorizeUrl: URL; checksCookie: string; checksAttributes: string }> {
  const res = await app.inject({ method: 'GET', url: '/auth/oidc/login' });
  expect(res.statusCode).toBe(302);
  const checks = setCookies(res).get(CHECKS_COOKIE);
  expect(checks?.value).toBeTruthy();
  return {
    authorizeUrl: new URL(String(res.headers.location)),
    checksCookie: `${CHECKS_COOKIE}=${checks!.value}`,
    checksAttributes: checks!.attributes,
  };
}

/** Step 2: the browser visits the provider (over real HTTP), which sends it back with a code. */
async function visitProvider(authorizeUrl: URL): Promise<URL> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = res.headers.get('location');
  expect(location).toBeTruthy();
  return new URL(location!);
}

/** Step 3: the browser brings the code back to the app. */
async function callback(callbackUrl: URL, cookie: string | undefined): Promise<InjectReply> {
  expect(`${callbackUrl.origin}${callbackUrl.pathname}`).toBe(REDIRECT_URI);
  return app.inject({ method: 'GET', url: `${callbackUrl.pathname}${callbackUrl.search}`, ...(cookie ? { headers: { cookie } } : {}) });
}

/** The whole round trip; `alter` may change the callback URL the browser brings back. */
async function signIn(alter?: (callbackUrl: URL) => void): Promise<InjectReply> {
  const { authorizeUrl, checksCookie } = await startLogin();
  const callbackUrl = await visitProvider(authorizeUrl);
  alter?.(callbackUrl);
  return callback(callbackUrl, checksCookie);
}

async function me(sessionToken: string): Promise<InjectReply> {
  return app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: `${SESSION_COOKIE}=${sessionToken}` } });
}

async function userCount(): Promise<number> {
  return (await platform.identity.listUsers(SYSTEM)).length;
}

/** A refusal is problem+json with the given status and sets no session. */
function expectRefused(res: InjectReply, status: number): Problem {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(sessionCookieOf(res)).toBeUndefined();
  const problem = res.json() as Problem;
  expect(problem).toMatchObject({ status, type: expect.stringMatching(/^urn:datadam:problem:/) as unknown });
  return problem;
}

describe('OIDC sign-in against a real provider', () => {
  it('signs a new person in with code flow, PKCE (S256), state and nonce, and keeps them on the next login', async () => {
    op.behaviour.subject = 'sub-happy';
    op.behaviour.claims = { email: 'Mina.Kim@Example.org', email_verified: true, name: '김민아' };
    const usersBefore = await userCount();

    // 1. The app sends the browser to the provider's authorization endpoint.
    const { authorizeUrl, checksCookie, checksAttributes } = await startLogin();
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${op.issuer}/authorize`);
    const q = authorizeUrl.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(op.clientId);
    expect(q.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(q.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['openid', 'email', 'profile']));
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toBeTruthy();
    expect(q.get('nonce')).toBeTruthy();
    // The checks (state, nonce, PKCE verifier) ride in a signed, HttpOnly cookie scoped to /auth/oidc.
    expect(checksAttributes).toMatch(/HttpOnly/i);
    expect(checksAttributes).toMatch(/Path=\/auth\/oidc/i);
    expect(checksAttributes).toMatch(/SameSite=Lax/i);

    // 2. The provider (the simulated user consents) sends the browser back with a code and the same state.
    const callbackUrl = await visitProvider(authorizeUrl);
    const authorized = op.authorizeRequests.find((r) => r.state === q.get('state'));
    expect(authorized).toMatchObject({
      redirectUri: REDIRECT_URI,
      nonce: q.get('nonce'),
      codeChallenge: q.get('code_challenge'),
      codeChallengeMethod: 'S256',
    });
    expect(callbackUrl.searchParams.get('state')).toBe(q.get('state'));
    expect(callbackUrl.searchParams.get('code')).toBe(authorized!.code);

    // 3. The app exchanges the code at the token endpoint, verifies the ID token and opens a session.
    const res = await callback(callbackUrl, checksCookie);
    expect(res.statusCode, res.body).toBe(302);
    expect(res.headers.location).toBe('/');
    const session = setCookies(res).get(SESSION_COOKIE);
    expect(session?.value).toBeTruthy();
    expect(session!.attributes).toMatch(/HttpOnly/i);
    expect(session!.attributes).toMatch(/SameSite=Lax/i);
    expect(session!.attributes).toMatch(/Path=\//i);
    expect(op.tokenRequests).toEqual([
      {
        clientAuth: 'client_secret_post', // openid-client's default with a secret; docs/operations-oidc.md says so
        code: authorized!.code,
        redirectUri: REDIRECT_URI,
        pkceVerified: true,
        outcome: '200',
      },
    ]);

    const who = await me(session!.value);
    expect(who.statusCode).toBe(200);
    const first = (who.json() as MeReply).user;
    expect(first).toMatchObject({ email: 'mina.kim@example.org', displayName: '김민아' });
    expect(await userCount()).toBe(usersBefore + 1);

    // The same subject again (even with another email now) is the same user, with a new session.
    op.behaviour.claims = { email: 'mina@elsewhere.example', email_verified: true, name: '김민아' };
    const again = await signIn();
    expect(again.statusCode).toBe(302);
    const secondSession = sessionCookieOf(again);
    expect(secondSession).toBeTruthy();
    expect(secondSession).not.toBe(session!.value);
    const second = ((await me(secondSession!)).json() as MeReply).user;
    expect(second.id).toBe(first.id);
    expect(await userCount()).toBe(usersBefore + 1);
  });

  it('links an existing password user with the same verified email instead of making a second one', async () => {
    const existing = await platform.identity.createUser(SYSTEM, {
      email: 'jun.park@example.org',
      displayName: '박준',
      password: 'correct horse battery',
    });
    const usersBefore = await userCount();
    op.behaviour.subject = 'sub-linked';
    op.behaviour.claims = { email: 'Jun.Park@example.org', email_verified: true, name: 'Jun Park (IdP)' };

    const res = await signIn();
    expect(res.statusCode).toBe(302);
    const session = sessionCookieOf(res);
    expect(session).toBeTruthy();
    const user = ((await me(session!)).json() as MeReply).user;
    expect(user.id).toBe(existing.id);
    expect(user.displayName).toBe('박준'); // the account's own name is kept
    expect(await userCount()).toBe(usersBefore);

    // The password still works, and the link holds on the next OIDC login.
    const password = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'jun.park@example.org', password: 'correct horse battery' },
    });
    expect(password.statusCode).toBe(200);
    const again = await signIn();
    expect(((await me(sessionCookieOf(again)!)).json() as MeReply).user.id).toBe(existing.id);
  });

  describe('refuses, with problem+json and no session', () => {
    it('a new person whose email the provider has not verified (401)', async () => {
      op.behaviour.subject = 'sub-unverified';
      op.behaviour.claims = { email: 'unverified@example.org', email_verified: false, name: 'Nobody' };
      const before = await userCount();
      const problem = expectRefused(await signIn(), 401);
      expect(problem.detail).toMatch(/verified email/);
      expect(op.tokenRequests.at(-1)?.outcome).toBe('200'); // the provider answered; the app said no
      expect(await userCount()).toBe(before);
    });

    it('an unverified email that matches an existing account: no takeover (401)', async () => {
      const victim = await platform.identity.createUser(SYSTEM, {
        email: 'victim@example.org',
        displayName: 'Victim',
        password: 'a long enough password',
      });
      op.behaviour.subject = 'sub-attacker';
      op.behaviour.claims = { email: victim.email, email_verified: false, name: 'Attacker' };
      expectRefused(await signIn(), 401);
      op.behaviour.claims = { email: victim.email, name: 'Attacker' }; // no email_verified claim at all
      expectRefused(await signIn(), 401);
    });

    it('an ID token signed with a key the provider does not publish (401)', async () => {
      op.behaviour.subject = 'sub-wrong-key';
      op.behaviour.signature = 'wrong-key';
      const before = await userCount();
      expect(expectRefused(await signIn(), 401).detail).toMatch(/signature/i);
      expect(op.tokenRequests.at(-1)?.outcome).toBe('200');
      expect(await userCount()).toBe(before);
    });

    it('an ID token whose payload was changed after signing (401)', async () => {
      op.behaviour.subject = 'sub-tampered';
      op.behaviour.signature = 'tampered-payload';
      const before = await userCount();
      expect(expectRefused(await signIn(), 401).detail).toMatch(/signature/i);
      expect(await userCount()).toBe(before);
    });

    it('an ID token with another nonce than the one this browser was given (401)', async () => {
      op.behaviour.subject = 'sub-wrong-nonce';
      op.behaviour.nonceOverride = 'a-nonce-from-another-login';
      const problem = expectRefused(await signIn(), 401);
      expect(problem.detail).toMatch(/nonce/i);
    });

    it('an ID token for another client (401)', async () => {
      op.behaviour.subject = 'sub-wrong-aud';
      op.behaviour.audience = 'some-other-client';
      const problem = expectRefused(await signIn(), 401);
      expect(problem.detail).toMatch(/aud/i);
    });

    it('an expired ID token (401)', async () => {
      op.behaviour.subject = 'sub-expired';
      op.behaviour.idTokenLifetimeSeconds = -600;
      const problem = expectRefused(await signIn(), 401);
      expect(problem.detail).toMatch(/exp/i);
    });

    it('a callback whose state is not the one this browser started with, before any code exchange (401)', async () => {
      op.behaviour.subject = 'sub-wrong-state';
      const problem = expectRefused(await signIn((url) => url.searchParams.set('state', 'state-of-another-login')), 401);
      expect(problem.detail).toMatch(/state/i);
      expect(op.tokenRequests).toHaveLength(0);
    });

    it("a code and state from someone else's login, brought with this browser's checks (401)", async () => {
      // The attacker's login: a valid code and state, but checks that only the attacker's browser holds.
      const attacker = await startLogin();
      const attackerCallback = await visitProvider(attacker.authorizeUrl);
      const victim = await startLogin();
      expect(expectRefused(await callback(attackerCallback, victim.checksCookie), 401).detail).toMatch(/state/i);
      expect(op.tokenRequests).toHaveLength(0);
    });

    it('a callback without the checks cookie (400)', async () => {
      const { authorizeUrl } = await startLogin();
      const callbackUrl = await visitProvider(authorizeUrl);
      const problem = expectRefused(await callback(callbackUrl, undefined), 400);
      expect(problem.code).toBe('bad_request');
      expect(op.tokenRequests).toHaveLength(0);
    });

    it('a checks cookie that was forged rather than signed by the app (400)', async () => {
      const { authorizeUrl } = await startLogin();
      const callbackUrl = await visitProvider(authorizeUrl);
      const forged = encodeURIComponent(
        JSON.stringify({ state: callbackUrl.searchParams.get('state'), nonce: 'n', codeVerifier: 'v'.repeat(43) }),
      );
      expectRefused(await callback(callbackUrl, `${CHECKS_COOKIE}=${forged}`), 400);
      expect(op.tokenRequests).toHaveLength(0);
    });

    it('a code used a second time (401)', async () => {
      op.behaviour.subject = 'sub-replay';
      const { authorizeUrl, checksCookie } = await startLogin();
      const callbackUrl = await visitProvider(authorizeUrl);
      expect((await callback(callbackUrl, checksCookie)).statusCode).toBe(302);
      expect(expectRefused(await callback(callbackUrl, checksCookie), 401).detail).toMatch(/invalid_grant/);
      expect(op.tokenRequests.map((r) => r.outcome)).toEqual(['200', 'invalid_grant']);
    });

    it('the provider reporting that the user declined (401)', async () => {
      const { authorizeUrl, checksCookie } = await startLogin();
      const back = new URL(REDIRECT_URI);
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('state', authorizeUrl.searchParams.get('state')!);
      const problem = expectRefused(await callback(back, checksCookie), 401);
      expect(problem.detail).toMatch(/access_denied/);
    });
  });
});
