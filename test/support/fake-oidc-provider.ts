/**
 * A small but real OpenID Provider for tests: discovery, an authorization endpoint that consents at
 * once, a token endpoint that checks client authentication, the code and PKCE, and an RS256-signed
 * ID token whose key is published at /jwks. Loopback only, node:http and node:crypto only.
 *
 *   const op = await startFakeOidcProvider();
 *   op.behaviour.claims.email_verified = false;   // per test; op.reset() restores the defaults
 *   …
 *   await op.close();
 *
 * Each behaviour knob simulates one way a provider (or someone in the middle) can go wrong, so tests
 * can prove the relying party refuses it.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOidcBehaviour {
  /** The `sub` claim of the next ID tokens. */
  subject: string;
  /** Extra claims of the ID token; a claim set to `undefined` is left out. */
  claims: { email?: string | undefined; email_verified?: boolean | undefined; name?: string | undefined; [claim: string]: unknown };
  /** Sends this nonce instead of the one the relying party asked for. */
  nonceOverride: string | undefined;
  /** Seconds from now until the ID token expires; negative for a token that expired already. */
  idTokenLifetimeSeconds: number;
  /**
   * `valid`: signed with the published key. `wrong-key`: signed with another key under the same kid.
   * `tampered-payload`: validly signed, then the payload swapped for one with another subject.
   */
  signature: 'valid' | 'wrong-key' | 'tampered-payload';
  /** Audience of the ID token; defaults to the client id. */
  audience: string | undefined;
}

export interface AuthorizeRecord {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  nonce: string;
  codeChallenge: string;
  codeChallengeMethod: string;
  code: string;
}

export interface TokenRecord {
  /** How the client authenticated: `client_secret_basic` or `client_secret_post`. */
  clientAuth: string;
  code: string;
  redirectUri: string;
  /** Whether S256(code_verifier) matched the stored code_challenge. */
  pkceVerified: boolean;
  /** What the endpoint answered: 200, or the OAuth error code. */
  outcome: string;
}

export interface FakeOidcProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  behaviour: FakeOidcBehaviour;
  readonly authorizeRequests: AuthorizeRecord[];
  readonly tokenRequests: TokenRecord[];
  /** Restores the default behaviour and forgets the recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeOidcOptions {
  clientId?: string;
  clientSecret?: string;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string;
  used: boolean;
}

const KID = 'fake-op-key-1';

export function defaultBehaviour(): FakeOidcBehaviour {
  return {
    subject: 'op-user-1',
    claims: { email: 'mina.kim@example.org', email_verified: true, name: '김민아' },
    nonceOverride: undefined,
    idTokenLifetimeSeconds: 300,
    signature: 'valid',
    audience: undefined,
  };
}

/** Starts the provider on 127.0.0.1 on a free port. */
export async function startFakeOidcProvider(options: FakeOidcOptions = {}): Promise<FakeOidcProvider> {
  const clientId = options.clientId ?? 'datadam-test';
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const codes = new Map<string, PendingCode>();
  const authorizeRequests: AuthorizeRecord[] = [];
  const tokenRequests: TokenRecord[] = [];
  let issuer = '';

  const provider: FakeOidcProvider = {
    get issuer() {
      return issuer;
    },
    clientId,
    clientSecret,
    behaviour: defaultBehaviour(),
    authorizeRequests,
    tokenRequests,
    reset() {
      provider.behaviour = defaultBehaviour();
      authorizeRequests.length = 0;
      tokenRequests.length = 0;
      codes.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };

  const discovery = () => ({
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    grant_types_supported: ['authorization_code'],
    scopes_supported: ['openid', 'email', 'profile'],
    claims_supported: ['iss', 'aud', 'sub', 'exp', 'iat', 'nonce', 'email', 'email_verified', 'name'],
  });

  const jwks = () => ({ keys: [{ ...signingKey.publicKey.export({ format: 'jwk' }), kid: KID, use: 'sig', alg: 'RS256' }] });

  function authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri');
    if (q.get('client_id') !== clientId || !redirectUri) {
      // Never redirect to an unverified address: show the error here, as a real provider does.
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'unknown client_id or no redirect_uri' });
    }
    const back = new URL(redirectUri);
    const state = q.get('state') ?? '';
    const fail = (error: string, description: string) => {
      back.searchParams.set('error', error);
      back.searchParams.set('error_description', description);
      if (state) back.searchParams.set('state', state);
      redirect(res, back.href);
    };
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'only code');
    if (!(q.get('scope') ?? '').split(' ').includes('openid')) return fail('invalid_scope', 'openid is required');
    const codeChallenge = q.get('code_challenge');
    const codeChallengeMethod = q.get('code_challenge_method') ?? 'plain';
    if (!codeChallenge || codeChallengeMethod !== 'S256') return fail('invalid_request', 'PKCE with S256 is required');

    const code = randomBytes(24).toString('base64url');
    const nonce = q.get('nonce') ?? '';
    codes.set(code, { clientId, redirectUri, codeChallenge, nonce, used: false });
    authorizeRequests.push({ clientId, redirectUri, scope: q.get('scope') ?? '', state, nonce, codeChallenge, codeChallengeMethod, code });
    // The simulated user is signed in and consents at once.
    back.searchParams.set('code', code);
    if (state) back.searchParams.set('state', state);
    redirect(res, back.href);
  }

  function token(req: IncomingMessage, body: string, res: ServerResponse): void {
    const form = new URLSearchParams(body);
    const record: TokenRecord = {
      clientAuth: 'none',
      code: form.get('code') ?? '',
      redirectUri: form.get('redirect_uri') ?? '',
      pkceVerified: false,
      outcome: '',
    };
    tokenRequests.push(record);
    const refuse = (status: number, error: string, description: string) => {
      record.outcome = error;
      if (status === 401) res.setHeader('www-authenticate', 'Basic realm="fake-op"');
      sendJson(res, status, { error, error_description: description });
    };

    const client = clientCredentials(req, form);
    record.clientAuth = client?.method ?? 'none';
    if (!client || client.id !== clientId || client.secret !== clientSecret)
      return refuse(401, 'invalid_client', 'client authentication failed');
    if (form.get('grant_type') !== 'authorization_code') return refuse(400, 'unsupported_grant_type', 'only authorization_code');
    const pending = codes.get(record.code);
    if (!pending || pending.used || pending.clientId !== client.id) return refuse(400, 'invalid_grant', 'unknown, used or foreign code');
    pending.used = true; // single use, even when the rest of this request fails
    if (record.redirectUri !== pending.redirectUri)
      return refuse(400, 'invalid_grant', 'redirect_uri differs from the authorization request');
    const verifier = form.get('code_verifier') ?? '';
    record.pkceVerified = verifier.length >= 43 && s256(verifier) === pending.codeChallenge;
    if (!record.pkceVerified) return refuse(400, 'invalid_grant', 'PKCE verification failed');

    record.outcome = '200';
    res.setHeader('cache-control', 'no-store');
    sendJson(res, 200, {
      access_token: randomBytes(24).toString('base64url'),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid email profile',
      id_token: idToken(pending.nonce),
    });
  }

  function idToken(requestedNonce: string): string {
    const b = provider.behaviour;
    const now = Math.floor(Date.now() / 1000);
    const lifetime = b.idTokenLifetimeSeconds;
    const payload: Record<string, unknown> = {
      iss: issuer,
      aud: b.audience ?? clientId,
      sub: b.subject,
      // An expired token was also issued in the past, as a replayed one would be.
      iat: lifetime > 0 ? now : now + lifetime - 300,
      exp: now + lifetime,
      nonce: b.nonceOverride ?? requestedNonce,
    };
    for (const [claim, value] of Object.entries(b.claims)) if (value !== undefined) payload[claim] = value;
    const key = b.signature === 'wrong-key' ? otherKey.privateKey : signingKey.privateKey;
    const jwt = signJwt(payload, key);
    if (b.signature !== 'tampered-payload') return jwt;
    const [header, , signature] = jwt.split('.');
    return [header, b64url(JSON.stringify({ ...payload, sub: `${b.subject}-someone-else` })), signature].join('.');
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const url = new URL(req.url ?? '/', issuer);
        const route = `${req.method ?? 'GET'} ${url.pathname}`;
        switch (route) {
          case 'GET /.well-known/openid-configuration':
            return sendJson(res, 200, discovery());
          case 'GET /jwks':
            return sendJson(res, 200, jwks());
          case 'GET /authorize':
            return authorize(url, res);
          case 'POST /token':
            return token(req, Buffer.concat(chunks).toString('utf8'), res);
          default:
            return sendJson(res, 404, { error: 'not_found' });
        }
      } catch (error) {
        sendJson(res, 500, { error: 'server_error', error_description: String(error) });
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return provider;
}

/** Client credentials from HTTP Basic (RFC 6749 §2.3.1: each part form-urlencoded) or from the body. */
function clientCredentials(req: IncomingMessage, form: URLSearchParams): { method: string; id: string; secret: string } | undefined {
  const authorization = req.headers.authorization;
  if (authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { method: 'client_secret_basic', id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  }
  const id = form.get('client_id');
  const secret = form.get('client_secret');
  if (id !== null && secret !== null) return { method: 'client_secret_post', id, secret };
  return undefined;
}

function signJwt(payload: Record<string, unknown>, key: KeyObject): string {
  const signingInput = `${b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: KID }))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(signingInput), key); // RSASSA-PKCS1-v1_5 with SHA-256
  return `${signingInput}.${signature.toString('base64url')}`;
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }); // merged with any setHeader() before
  res.end(JSON.stringify(body));
}
