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
        // openid-client trusts an ID token from the token endpoint on TLS alone and skips its signature
        // unless told otherwise; the port promises a verified signature (and an http issuer has no TLS).
        {
          execute: config.allowInsecure
            ? [client.allowInsecureRequests, client.enableNonRepudiationChecks]
            : [client.enableNonRepudiationChecks],
        },
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
      const checks: OidcLoginChecks = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
      };
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
      let tokens;
      try {
        tokens = await client.authorizationCodeGrant(await configuration(), callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        throw explain(error);
      }
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

/**
 * openid-client's messages are generic ("invalid response encountered"); its cause, or the OAuth
 * error code, says which check failed, which is what an operator needs to fix a misconfiguration.
 * The provider's free-text error_description is left out: anyone can put text in a callback URL.
 */
function explain(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const parts = [error.message];
  if (
    (error instanceof client.AuthorizationResponseError || error instanceof client.ResponseBodyError) &&
    /^[\w.-]{1,64}$/.test(error.error)
  ) {
    parts.push(error.error);
  }
  if (error.cause instanceof Error && error.cause.message !== error.message) parts.push(error.cause.message);
  return new Error(parts.join(': '), { cause: error });
}
