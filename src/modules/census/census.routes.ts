/** HTTP for the census: validate, call the service, shape the reply. */
import { z } from 'zod';

import { commonErrors, problemSchema, type ApiApp } from '../shared/http.js';
import {
  assignmentSchema,
  campaignSchema,
  createCampaignBodySchema,
  createEntryBodySchema,
  dashboardQuerySchema,
  dashboardSchema,
  entrySchema,
  entrySummarySchema,
  formDescriptionSchema,
  historyItemSchema,
  idParamsSchema,
  listEntriesQuerySchema,
  optionalCommentBodySchema,
  requiredCommentBodySchema,
  updateEntryBodySchema,
} from './census.schema.js';
import type { CensusService } from './census.service.js';

export interface CensusRouteOptions {
  census: CensusService;
}

/** Changes of entries and campaigns can also meet a newer version or a state that forbids them. */
const changeErrors = { ...commonErrors, 409: problemSchema } as const;

export function registerCensusRoutes(app: ApiApp, { census }: CensusRouteOptions): void {
  const tags = ['census'];
  const base = '/api/v1/census';

  app.get(
    `${base}/form`,
    { schema: { tags, summary: 'The standard census form: fields, labels, choices (public)', response: { 200: formDescriptionSchema } } },
    async () => census.describeForm(),
  );

  app.get(
    `${base}/entries`,
    {
      schema: {
        tags,
        summary: 'Census entries the caller may see, newest first (accepted ones for everyone signed in)',
        querystring: listEntriesQuerySchema,
        response: { 200: z.object({ items: z.array(entrySummarySchema), nextCursor: z.string().nullable() }), ...commonErrors },
      },
    },
    async (request) => census.listEntries(request.actor, request.query),
  );

  app.post(
    `${base}/entries`,
    {
      schema: {
        tags,
        summary: "Start an entry (a draft) for one of the caller's agencies",
        body: createEntryBodySchema,
        response: { 201: entrySchema, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await census.createEntry(request.actor, request.body)),
  );

  app.get(
    `${base}/entries/:id`,
    {
      schema: {
        tags,
        summary: 'One entry, with what is still missing to submit it',
        params: idParamsSchema,
        response: { 200: entrySchema, ...commonErrors },
      },
    },
    async (request) => census.getEntry(request.actor, request.params.id),
  );

  app.put(
    `${base}/entries/:id`,
    {
      schema: {
        tags,
        summary: 'Save a draft or returned entry; 409 when someone saved a newer version meanwhile',
        params: idParamsSchema,
        body: updateEntryBodySchema,
        response: { 200: entrySchema, ...changeErrors },
      },
    },
    async (request) => census.updateEntry(request.actor, request.params.id, request.body),
  );

  app.post(
    `${base}/entries/:id/submit`,
    {
      schema: {
        tags,
        summary: 'Submit an entry for review; 422 names every field still missing',
        params: idParamsSchema,
        response: { 200: entrySchema, ...changeErrors },
      },
    },
    async (request) => census.submitEntry(request.actor, request.params.id),
  );

  app.post(
    `${base}/entries/:id/return`,
    {
      schema: {
        tags,
        summary: 'Return a submitted entry to its agency with what to fix (operator)',
        params: idParamsSchema,
        body: requiredCommentBodySchema,
        response: { 200: entrySchema, ...changeErrors },
      },
    },
    async (request) => census.returnEntry(request.actor, request.params.id, request.body.comment),
  );

  app.post(
    `${base}/entries/:id/accept`,
    {
      schema: {
        tags,
        summary: 'Accept a submitted entry (operator)',
        params: idParamsSchema,
        body: optionalCommentBodySchema.nullish(),
        response: { 200: entrySchema, ...changeErrors },
      },
    },
    async (request) => census.acceptEntry(request.actor, request.params.id, request.body?.comment),
  );

  app.post(
    `${base}/entries/:id/reopen`,
    {
      schema: {
        tags,
        summary: 'Reopen an accepted entry for correction: it goes back to its agency as returned (operator)',
        params: idParamsSchema,
        body: requiredCommentBodySchema,
        response: { 200: entrySchema, ...changeErrors },
      },
    },
    async (request) => census.reopenEntry(request.actor, request.params.id, request.body.comment),
  );

  app.get(
    `${base}/entries/:id/history`,
    {
      schema: {
        tags,
        summary: 'Every version of an entry, newest first: who, when, what kind of change, which fields',
        params: idParamsSchema,
        response: { 200: z.object({ items: z.array(historyItemSchema) }), ...commonErrors },
      },
    },
    async (request) => census.entryHistory(request.actor, request.params.id),
  );

  app.get(
    `${base}/campaigns`,
    {
      schema: {
        tags,
        summary: "Campaigns (all for operators and auditors; a steward's those that ask their agencies)",
        response: { 200: z.object({ items: z.array(campaignSchema) }), ...commonErrors },
      },
    },
    async (request) => census.listCampaigns(request.actor),
  );

  app.post(
    `${base}/campaigns`,
    {
      schema: {
        tags,
        summary: 'Open a campaign asking agencies to answer by a deadline (operator)',
        body: createCampaignBodySchema,
        response: { 201: campaignSchema, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await census.createCampaign(request.actor, request.body)),
  );

  app.get(
    `${base}/campaigns/:id`,
    { schema: { tags, summary: 'One campaign', params: idParamsSchema, response: { 200: campaignSchema, ...commonErrors } } },
    async (request) => census.getCampaign(request.actor, request.params.id),
  );

  app.post(
    `${base}/campaigns/:id/close`,
    {
      schema: { tags, summary: 'Close a campaign (operator)', params: idParamsSchema, response: { 200: campaignSchema, ...commonErrors } },
    },
    async (request) => census.closeCampaign(request.actor, request.params.id),
  );

  app.post(
    `${base}/campaigns/:id/remind`,
    {
      schema: {
        tags,
        summary: 'Remind the targets that have not answered yet (operator)',
        params: idParamsSchema,
        response: { 200: z.object({ reminded: z.number().int() }), ...changeErrors },
      },
    },
    async (request) => census.remindCampaign(request.actor, request.params.id),
  );

  app.get(
    `${base}/assignments`,
    {
      schema: {
        tags,
        summary: "The open campaigns that ask the caller's agencies, and where each agency stands",
        response: { 200: z.object({ items: z.array(assignmentSchema) }), ...commonErrors },
      },
    },
    async (request) => census.listAssignments(request.actor),
  );

  app.get(
    `${base}/dashboard`,
    {
      schema: {
        tags,
        summary: 'Response rate per agency and coverage of accepted entries (operators and auditors)',
        querystring: dashboardQuerySchema,
        response: { 200: dashboardSchema, ...commonErrors },
      },
    },
    async (request) => census.dashboard(request.actor, request.query),
  );
}
