/** HTTP for federation: the operator's harvest sources, their runs and logs. */
import { commonErrors, type ApiApp } from '../shared/http.js';
import {
  harvestIdParamsSchema,
  harvestLogSchema,
  harvestOutcomeSchema,
  harvestRunQuerySchema,
  harvestSourceListSchema,
  harvestSourceSchema,
  newHarvestSourceSchema,
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
        summary: 'Register a CKAN portal to harvest (operator)',
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

  app.post(
    `${base}/:id/run`,
    {
      schema: {
        tags,
        summary: "Harvest a source now; a failure is the run's outcome, and goes to the source's log (operator)",
        params: harvestIdParamsSchema,
        querystring: harvestRunQuerySchema,
        response: { 200: harvestOutcomeSchema, ...commonErrors },
      },
    },
    async (request) => harvest.runSource(request.actor, request.params.id, { full: request.query.full }),
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
