/** Sign-in through an OpenID Connect provider (authorization code flow with PKCE), when one is configured. */
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { OidcLoginChecks, OidcProvider } from '../../core/ports.js';
import { setSessionCookie, type ApiApp } from '../shared/http.js';
import { SESSION_IDLE_MS, type IdentityService } from './identity.service.js';

export type { OidcProvider } from '../../core/ports.js';

const CHECKS_COOKIE = 'datadam_oidc';

export interface OidcRouteOptions {
  identity: IdentityService;
  provider: OidcProvider;
  cookieSecure: boolean;
  publicUrl: string;
}

export function registerOidcRoutes(app: ApiApp, { identity, provider, cookieSecure, publicUrl }: OidcRouteOptions): void {
  const redirectUri = `${publicUrl}/auth/oidc/callback`;
  const tags = ['identity'];

  app.get('/auth/oidc/login', { schema: { tags, summary: 'Start signing in with the identity provider' } }, async (_request, reply) => {
    const { url, checks } = await provider.beginLogin(redirectUri);
    // The checks ride in a signed, short-lived cookie: nothing to store, and only this browser has them.
    void reply.setCookie(CHECKS_COOKIE, JSON.stringify(checks), {
      path: '/auth/oidc',
      httpOnly: true,
      sameSite: 'lax',
      secure: cookieSecure,
      signed: true,
      maxAge: 600,
    });
    return reply.redirect(url, 302);
  });

  app.get(
    '/auth/oidc/callback',
    { schema: { tags, summary: 'Where the identity provider sends the browser back', querystring: z.record(z.string(), z.string()) } },
    async (request, reply) => {
      const raw = request.cookies[CHECKS_COOKIE];
      const unsigned = raw ? request.unsignCookie(raw) : undefined;
      if (!unsigned?.valid || unsigned.value === null) {
        throw new AppError('bad_request', 'The sign-in took too long or was started in another browser: start again at /auth/oidc/login');
      }
      const checks = JSON.parse(unsigned.value) as OidcLoginChecks;
      const callbackUrl = new URL(request.url, publicUrl);
      let claims;
      try {
        claims = await provider.finishLogin(callbackUrl, checks);
      } catch (error) {
        throw new AppError(
          'unauthenticated',
          `The identity provider's answer was refused: ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
          },
        );
      }
      const { sessionToken } = await identity.loginWithOidc({ issuer: provider.issuer, ...claims });
      void reply.clearCookie(CHECKS_COOKIE, { path: '/auth/oidc' });
      setSessionCookie(reply, sessionToken, { secure: cookieSecure, maxAgeSeconds: Math.floor(SESSION_IDLE_MS / 1000) });
      return reply.redirect('/', 302);
    },
  );
}
