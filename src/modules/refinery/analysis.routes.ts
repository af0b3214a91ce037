/**
 * HTTP for what the refinery does with a ready version: its reports (JSON, or a standalone HTML
 * file), the dataset's rules and settings, recipes (a job making a new version) and sampling
 * inspections. Rule files and recipes may be sent as YAML (application/yaml, text/yaml, text/plain)
 * or inside JSON.
 */
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { commonErrors, problemSchema, type ApiApp } from '../shared/http.js';
import {
  analysisSettingsSchema,
  decisionSchema,
  idParamsSchema,
  inspectionListSchema,
  inspectionSchema,
  itemParamsSchema,
  newInspectionSchema,
  queuedRecipeSchema,
  recipeBodySchema,
  reportParamsSchema,
  reportQuerySchema,
  reportSchema,
  rulesBodySchema,
  rulesResultSchema,
} from './refinery.schema.js';
import type { RefineryService } from './refinery.service.js';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** `attachment` with the name in both forms browsers understand (RFC 6266, RFC 5987 for Korean). */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function registerAnalysisRoutes(app: ApiApp, { refinery }: { refinery: RefineryService }): void {
  const tags = ['refinery'];
  const base = '/api/v1/refinery';

  void app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser(YAML_TYPES, { parseAs: 'string', bodyLimit: 256 * 1024 }, (_request, body, done) => done(null, body));

    scope.get(
      `${base}/versions/:id/reports/:kind`,
      {
        schema: {
          tags,
          summary: "A version's report: profile, quality or recipe_run (?download=1: as a file)",
          params: reportParamsSchema,
          querystring: reportQuerySchema,
          response: { 200: reportSchema, ...commonErrors },
        },
      },
      async (request, reply) => {
        const report = await refinery.getReport(request.actor, request.params.id, request.params.kind);
        if (request.query.download === '1' || request.query.download === 'true') {
          const version = await refinery.getVersion(request.actor, request.params.id);
          void reply.header('content-disposition', attachment(`version-${version.number}-${request.params.kind}.json`));
        }
        return report;
      },
    );

    scope.get(
      `${base}/versions/:id/report.html`,
      {
        schema: {
          tags,
          summary: 'The quality report as one standalone HTML file (inline CSS and SVG charts, no scripts), to save',
          params: idParamsSchema,
        },
      },
      async (request, reply) => {
        const { fileName, html } = await refinery.reportHtml(request.actor, request.params.id);
        return reply
          .type('text/html; charset=utf-8')
          .header('content-disposition', attachment(fileName))
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
          .header('x-content-type-options', 'nosniff')
          .send(html);
      },
    );

    scope.put(
      `${base}/datasets/:id/rules`,
      {
        schema: {
          tags,
          summary: "Replace the dataset's rule file (YAML; empty removes it); 422 names each rule and field at fault",
          params: idParamsSchema,
          body: rulesBodySchema,
          response: { 200: rulesResultSchema, ...commonErrors },
        },
      },
      async (request) => {
        const text = typeof request.body === 'string' ? request.body : request.body.rules;
        return refinery.setRules(request.actor, request.params.id, text);
      },
    );

    scope.put(
      `${base}/datasets/:id/settings`,
      {
        schema: {
          tags,
          summary: 'Replace what the dataset declares for its quality checks (label column, attributes, text field)',
          params: idParamsSchema,
          body: analysisSettingsSchema,
          response: { 200: analysisSettingsSchema, ...commonErrors },
        },
      },
      async (request) => refinery.setSettings(request.actor, request.params.id, request.body),
    );

    scope.post(
      `${base}/versions/:id/recipe`,
      {
        schema: {
          tags,
          summary: 'Apply a recipe to a ready version: 202 and a job (refinery.recipe) that stores the output as a new version',
          description: 'A recipe that is not valid is a 422 whose problems name the step and field, e.g. steps[2].columns.',
          params: idParamsSchema,
          body: recipeBodySchema,
          response: { 202: queuedRecipeSchema, 409: problemSchema, ...commonErrors },
        },
      },
      async (request, reply) => {
        const input = typeof request.body === 'string' ? request.body : request.body.recipe;
        return reply.code(202).send(await refinery.requestRecipe(request.actor, request.params.id, input));
      },
    );

    scope.post(
      `${base}/versions/:id/inspections`,
      {
        schema: {
          tags,
          summary: "Start a sampling inspection (ISO 2859-1 single sampling, normal inspection) of a profiled version's records",
          params: idParamsSchema,
          body: newInspectionSchema,
          response: { 201: inspectionSchema, 409: problemSchema, ...commonErrors },
        },
      },
      async (request, reply) => reply.code(201).send(await refinery.createInspection(request.actor, request.params.id, request.body)),
    );

    scope.get(
      `${base}/versions/:id/inspections`,
      {
        schema: {
          tags,
          summary: "A version's inspections, newest first",
          params: idParamsSchema,
          response: { 200: inspectionListSchema, ...commonErrors },
        },
      },
      async (request) => ({ items: await refinery.listInspections(request.actor, request.params.id) }),
    );

    scope.get(
      `${base}/inspections/:id`,
      {
        schema: {
          tags,
          summary: 'An inspection, its plan, items (with their records) and result',
          params: idParamsSchema,
          response: { 200: inspectionSchema, ...commonErrors },
        },
      },
      async (request) => refinery.getInspection(request.actor, request.params.id),
    );

    scope.post(
      `${base}/inspections/:id/items/:no`,
      {
        schema: {
          tags,
          summary: 'Judge one sampled record (pass or fail, with a note); the last verdict closes the inspection',
          params: itemParamsSchema,
          body: decisionSchema,
          response: { 200: inspectionSchema, 409: problemSchema, ...commonErrors },
        },
      },
      async (request) => refinery.decideItem(request.actor, request.params.id, request.params.no, request.body),
    );
  });
}
