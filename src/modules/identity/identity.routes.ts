/** HTTP for identity: validate, call the service, shape the reply. */
import { z } from 'zod';

import { commonErrors, SESSION_COOKIE, setSessionCookie, type ApiApp } from '../shared/http.js';
import {
  apiTokenSchema,
  createOrgBodySchema,
  createTokenBodySchema,
  createUserBodySchema,
  grantRoleBodySchema,
  idParamsSchema,
  loginBodySchema,
  memberSchema,
  meSchema,
  membershipSchema,
  organizationSchema,
  userSchema,
} from './identity.schema.js';
import { SESSION_IDLE_MS, type IdentityService } from './identity.service.js';

export interface IdentityRouteOptions {
  identity: IdentityService;
  cookieSecure: boolean;
  /** Stricter than the global limit: password guessing is the attack to slow down. */
  loginRateLimitPerMinute: number;
  /** Whether /auth/oidc/login exists, so the web app can offer it. */
  oidcEnabled: boolean;
}

export function registerIdentityRoutes(
  app: ApiApp,
  { identity, cookieSecure, loginRateLimitPerMinute, oidcEnabled }: IdentityRouteOptions,
): void {
  const tags = ['identity'];

  app.get(
    '/api/v1/auth/providers',
    {
      schema: {
        tags,
        summary: 'How people can sign in here',
        response: { 200: z.object({ password: z.boolean(), oidc: z.object({ enabled: z.boolean(), loginUrl: z.string().nullable() }) }) },
      },
    },
    async () => ({ password: true, oidc: { enabled: oidcEnabled, loginUrl: oidcEnabled ? '/auth/oidc/login' : null } }),
  );

  app.post(
    '/api/v1/auth/login',
    {
      config: { rateLimit: { max: loginRateLimitPerMinute, timeWindow: '1 minute' } },
      schema: { tags, summary: 'Sign in with email and password', body: loginBodySchema, response: { 200: meSchema, ...commonErrors } },
    },
    async (request, reply) => {
      const { sessionToken, csrfToken, me } = await identity.login(request.body.email, request.body.password);
      setSessionCookie(reply, sessionToken, { secure: cookieSecure, maxAgeSeconds: Math.floor(SESSION_IDLE_MS / 1000) });
      return { ...me, csrfToken };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { schema: { tags, summary: 'Sign out (ends the session)', response: { 204: z.null(), ...commonErrors } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await identity.logout(token);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get('/api/v1/auth/me', { schema: { tags, summary: 'Who am I', response: { 200: meSchema, ...commonErrors } } }, async (request) => {
    const me = await identity.me(request.actor);
    return { ...me, ...(request.csrfToken ? { csrfToken: request.csrfToken } : {}) };
  });

  app.get(
    '/api/v1/orgs',
    {
      schema: {
        tags,
        summary: 'Organisations taking part (public facts)',
        response: { 200: z.object({ items: z.array(organizationSchema) }) },
      },
    },
    async () => ({ items: await identity.listOrganizations() }),
  );

  app.post(
    '/api/v1/orgs',
    {
      schema: {
        tags,
        summary: 'Create an organisation (operator)',
        body: createOrgBodySchema,
        response: { 201: organizationSchema, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await identity.createOrganization(request.actor, request.body)),
  );

  app.get(
    '/api/v1/orgs/:id',
    {
      schema: {
        tags,
        summary: 'One organisation (public facts)',
        params: idParamsSchema,
        response: { 200: organizationSchema, ...commonErrors },
      },
    },
    async (request) => identity.getOrganization(request.params.id),
  );

  app.get(
    '/api/v1/orgs/:id/members',
    {
      schema: {
        tags,
        summary: "An organisation's members (its members, operators and auditors only)",
        params: idParamsSchema,
        response: { 200: z.object({ items: z.array(memberSchema) }), ...commonErrors },
      },
    },
    async (request) => ({ items: await identity.listMembers(request.actor, request.params.id) }),
  );

  app.post(
    '/api/v1/orgs/:id/members',
    {
      schema: {
        tags,
        summary: 'Give a user a role in an organisation (its admins and operators)',
        params: idParamsSchema,
        body: grantRoleBodySchema,
        response: { 201: membershipSchema, ...commonErrors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await identity.grantRole(request.actor, { org: request.params.id, user: request.body.user, role: request.body.role })),
  );

  app.get(
    '/api/v1/orgs/:id/tokens',
    {
      schema: {
        tags,
        summary: "An organisation's API tokens (never the secrets)",
        params: idParamsSchema,
        response: { 200: z.object({ items: z.array(apiTokenSchema) }), ...commonErrors },
      },
    },
    async (request) => ({ items: await identity.listApiTokens(request.actor, request.params.id) }),
  );

  app.post(
    '/api/v1/tokens',
    {
      schema: {
        tags,
        summary: 'Create an API token acting for one organisation; the secret is shown once',
        body: createTokenBodySchema,
        response: { 201: z.object({ token: z.string(), info: apiTokenSchema }), ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await identity.createApiToken(request.actor, request.body)),
  );

  app.delete(
    '/api/v1/tokens/:id',
    { schema: { tags, summary: 'Revoke an API token', params: idParamsSchema, response: { 204: z.null(), ...commonErrors } } },
    async (request, reply) => {
      await identity.revokeApiToken(request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/users',
    {
      schema: {
        tags,
        summary: 'Every user (operators and auditors)',
        response: { 200: z.object({ items: z.array(userSchema) }), ...commonErrors },
      },
    },
    async (request) => ({ items: await identity.listUsers(request.actor) }),
  );

  app.post(
    '/api/v1/users',
    { schema: { tags, summary: 'Create a user (operator)', body: createUserBodySchema, response: { 201: userSchema, ...commonErrors } } },
    async (request, reply) => reply.code(201).send(await identity.createUser(request.actor, request.body)),
  );

  app.post(
    '/api/v1/users/:id/disable',
    {
      schema: {
        tags,
        summary: 'Disable a user: no more sign-ins, sessions end (operator)',
        params: idParamsSchema,
        response: { 204: z.null(), ...commonErrors },
      },
    },
    async (request, reply) => {
      await identity.disableUser(request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags,
        summary: 'Recent audit events (operators and auditors)',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                at: z.string(),
                actor: z.string(),
                org_id: z.string().nullable(),
                action: z.string(),
                target: z.string().nullable(),
                detail: z.string().nullable(),
              }),
            ),
          }),
          ...commonErrors,
        },
      },
    },
    async (request) => ({ items: await identity.listAuditEvents(request.actor, request.query.limit) }),
  );
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The session's CSRF token when the request came with a session cookie. */
    csrfToken?: string;
  }
}
