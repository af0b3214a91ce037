/** The OidcProvider port over openid-client: authorization code flow with PKCE, state and nonce. */
import * as client from 'openid-client';
import type { OidcConfig } from '../../core/config.js';
import type { OidcLoginChecks, OidcProvider, OidcVerifiedClaims } from '../../core/ports.js';

/**
 * Creates the provider. Discovery happens on first use, so a provider that is down does not stop
 * the platform from starting; it only stops OIDC sign-in until it answers.
 */
export async function createOidcProvider(config: OidcConfig): Promise<OidcProvider> {
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = () => {
    discovered ??= client
      .discovery(
        new URL(config.issuer),
        config.clientId,
        config.clientSecret,
        undefined,
        config.allowInsecure ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };

  return {
    issuer: config.issuer,
    async beginLogin(redirectUri: string) {
      const checks: OidcLoginChecks = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
      const url = client.buildAuthorizationUrl(await configuration(), {
        redirect_uri: redirectUri,
        scope: config.scopes,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
        state: checks.state,
        nonce: checks.nonce,
      });
      return { url: url.href, checks };
    },
    async finishLogin(callbackUrl: URL, checks: OidcLoginChecks): Promise<OidcVerifiedClaims> {
      const tokens = await client.authorizationCodeGrant(await configuration(), callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('The identity provider returned no ID token');
      return {
        subject: claims.sub,
        email: typeof claims.email === 'string' ? claims.email : undefined,
        emailVerified: claims.email_verified === true,
        name: typeof claims.name === 'string' ? claims.name : undefined,
      };
    },
  };
}
