/**
 * HTTP for de-identification runs on refinery versions: start one (202 and a job), follow it, list
 * them, and — for authorised reviewers only — see its before/after samples.
 */
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { commonErrors, problemSchema, type ApiApp } from '../shared/http.js';
import {
  deidRunListQuerySchema,
  deidRunListSchema,
  deidRunSchema,
  deidSamplesSchema,
  idParamsSchema,
  newDeidRunSchema,
} from './deid.schema.js';
import type { DeidService } from './deid.service.js';

export function registerDeidRoutes(app: ApiApp, { deid }: { deid: DeidService }): void {
  const tags = ['deid'];
  const base = '/api/v1/deid';
  const scope = app.withTypeProvider<ZodTypeProvider>();

  scope.post(
    `${base}/runs`,
    {
      schema: {
        tags,
        summary: 'De-identify a ready refinery version under a policy: 202 and a job (deid.run) that stores the output as a new version',
        description:
          "A policy that is not valid is a 422 whose problems name the field (policy.types.KR_RRN.operator, policy.secret_env, tables[0].quasi[1]). Secrets come from the server's environment (DATADAM_DEID_…), never from the request.",
        body: newDeidRunSchema,
        response: { 202: deidRunSchema, 409: problemSchema, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(202).send(await deid.startRun(request.actor, request.body)),
  );

  scope.get(
    `${base}/runs`,
    {
      schema: {
        tags,
        summary: 'The de-identification runs you may see, newest first (?versionId= for one version)',
        querystring: deidRunListQuerySchema,
        response: { 200: deidRunListSchema, ...commonErrors },
      },
    },
    async (request) => ({ items: await deid.listRuns(request.actor, request.query) }),
  );

  scope.get(
    `${base}/runs/:id`,
    {
      schema: {
        tags,
        summary: 'A run: status, progress (bytes, records), error, the version it made and its report (counts, residual risk; no samples)',
        params: idParamsSchema,
        response: { 200: deidRunSchema, ...commonErrors },
      },
    },
    async (request) => deid.getRun(request.actor, request.params.id),
  );

  scope.get(
    `${base}/runs/:id/samples`,
    {
      schema: {
        tags,
        summary: "The run's before/after samples, personal data in clear: the organisation's stewards and org_admins and the operator only",
        params: idParamsSchema,
        response: { 200: deidSamplesSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      return deid.getSamples(request.actor, request.params.id);
    },
  );
}
