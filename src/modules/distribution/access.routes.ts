/**
 * HTTP for access to releases (issue 8, point 2): accepting a licence, conditional access requests
 * and their decisions, grants and their revocation.
 */
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { commonErrors, problemSchema, type ApiApp } from '../shared/http.js';
import {
  accessGrantSchema,
  accessRequestSchema,
  decisionSchema,
  grantListSchema,
  idParamsSchema,
  licenceAcceptanceSchema,
  listFilterSchema,
  newAccessRequestSchema,
  requestListSchema,
  revokeSchema,
} from './access.schema.js';
import type { AccessService } from './access.service.js';

export function registerAccessRoutes(app: ApiApp, { access }: { access: AccessService }): void {
  const tags = ['access'];
  const scope = app.withTypeProvider<ZodTypeProvider>();
  const withConflict = { 409: problemSchema, ...commonErrors };

  scope.post(
    '/api/v1/releases/:id/accept-licence',
    {
      schema: {
        tags,
        summary: "Accept a release's licence (needed before downloading an open release that requires an account)",
        params: idParamsSchema,
        response: { 200: licenceAcceptanceSchema, 201: licenceAcceptanceSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { acceptance, created } = await access.acceptLicence(request.actor, request.params.id);
      return reply.code(created ? 201 : 200).send(acceptance);
    },
  );

  scope.post(
    '/api/v1/access-requests',
    {
      schema: {
        tags,
        summary: 'Ask for conditional access on behalf of a company or research organisation (a member of it)',
        description:
          'Every required custom question of the release must be answered: a 422 names the missing ones as answers.<questionId>.',
        body: newAccessRequestSchema,
        response: { 201: accessRequestSchema, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await access.createRequest(request.actor, request.body)),
  );
  scope.get(
    '/api/v1/access-requests',
    {
      schema: {
        tags,
        summary: "Requests: mine=true (your organisation's, with their grants) or incoming=true (for your agency's datasets)",
        querystring: listFilterSchema,
        response: { 200: requestListSchema, ...commonErrors },
      },
    },
    async (request) => ({ items: await access.listRequests(request.actor, request.query) }),
  );
  scope.get(
    '/api/v1/access-requests/:id',
    {
      schema: {
        tags,
        summary: 'One request (the requesting organisation and the providing agency)',
        params: idParamsSchema,
        response: { 200: accessRequestSchema, ...commonErrors },
      },
    },
    async (request) => access.getRequest(request.actor, request.params.id),
  );
  scope.post(
    '/api/v1/access-requests/:id/decision',
    {
      schema: {
        tags,
        summary:
          "Approve (a grant bound to the organisation, purpose and expiry) or reject a pending request (the providing agency's stewards)",
        params: idParamsSchema,
        body: decisionSchema,
        response: { 200: accessRequestSchema, ...withConflict },
      },
    },
    async (request) => access.decide(request.actor, request.params.id, request.body),
  );

  scope.get(
    '/api/v1/access-grants',
    {
      schema: {
        tags,
        summary: "Grants: mine=true (your organisation's) or incoming=true (those your agency gave)",
        querystring: listFilterSchema,
        response: { 200: grantListSchema, ...commonErrors },
      },
    },
    async (request) => ({ items: await access.listGrants(request.actor, request.query) }),
  );
  scope.post(
    '/api/v1/access-grants/:id/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke a grant at once (the providing agency or the operator)',
        params: idParamsSchema,
        body: revokeSchema,
        response: { 200: accessGrantSchema, ...withConflict },
      },
    },
    async (request) => access.revoke(request.actor, request.params.id, request.body.reason),
  );
}
