/** HTTP for federation: the operator's harvest sources, their runs and logs. */
import { conflict } from '../../core/errors.js';
import { commonErrors, problemSchema, type ApiApp } from '../shared/http.js';
import {
  harvestIdParamsSchema,
  harvestLogSchema,
  harvestOutcomeSchema,
  harvestRunQuerySchema,
  harvestSourceListSchema,
  harvestSourceSchema,
  newHarvestSourceSchema,
  queuedHarvestRunSchema,
} from './harvest.schema.js';
import type { HarvestService } from './harvest.service.js';

export interface HarvestRouteOptions {
  harvest: HarvestService;
}

export function registerHarvestRoutes(app: ApiApp, { harvest }: HarvestRouteOptions): void {
  const tags = ['catalog'];
  const base = '/api/v1/catalog/harvest/sources';

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Register a CKAN portal or a DCAT catalog to harvest (operator)',
        body: newHarvestSourceSchema,
        response: { 201: harvestSourceSchema, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await harvest.addSource(request.actor, request.body)),
  );

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'Harvest sources and how their last runs went (operator)',
        response: { 200: harvestSourceListSchema, ...commonErrors },
      },
    },
    async (request) => ({ sources: await harvest.listSources(request.actor) }),
  );

  app.get(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'One harvest source and how its last run went (operator)',
        params: harvestIdParamsSchema,
        response: { 200: harvestSourceSchema, ...commonErrors },
      },
    },
    async (request) => harvest.getSource(request.actor, request.params.id),
  );

  app.post(
    `${base}/:id/run`,
    {
      schema: {
        tags,
        summary: 'Harvest a source: queued for the workers (202), or run now with ?wait=true (operator)',
        description:
          '202: the run is queued; the source (`running`, `lastRunAt`, `lastOkAt`, `lastError`) and its log say how it goes. ' +
          "With wait=true: the run's outcome (a failure of the source is an outcome, and goes to its log). " +
          'Either way 409 while another run holds the source (two runs of one source never overlap).',
        params: harvestIdParamsSchema,
        querystring: harvestRunQuerySchema,
        response: { 200: harvestOutcomeSchema, 202: queuedHarvestRunSchema, 409: problemSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!request.query.wait) return reply.code(202).send(await harvest.enqueueRun(request.actor, id, { full: request.query.full }));
      const outcome = await harvest.runSource(request.actor, id, { full: request.query.full });
      if (outcome.alreadyRunning) throw conflict('This source is being harvested now; wait for that run to end (see its log)');
      return outcome;
    },
  );

  app.get(
    `${base}/:id/log`,
    {
      schema: {
        tags,
        summary: "A source's log, newest first (operator)",
        params: harvestIdParamsSchema,
        response: { 200: harvestLogSchema, ...commonErrors },
      },
    },
    async (request) => ({ entries: await harvest.sourceLog(request.actor, request.params.id) }),
  );
}
