/** HTTP for the census's files: bulk import (upload, dry run, commit), export and templates. */
import { PassThrough, type Readable } from 'node:stream';
import type { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { commonErrors, problemSchema, type ApiApp } from '../shared/http.js';
import type { CensusFilesService } from './census-files.service.js';
import { commitImportBodySchema, exportQuerySchema, idParamsSchema, importSchema, startImportQuerySchema } from './census.schema.js';
import type { CensusService } from './census.service.js';
import { writeCsv, writeJson, writeXlsx } from './export/writers.js';
import { templateCsv, templateXlsx } from './import/template.js';

export interface CensusFileRouteOptions {
  census: CensusService;
  files: CensusFilesService;
}

const UPLOAD_TYPES = [
  'application/octet-stream',
  'text/csv',
  'text/tab-separated-values',
  'application/json',
  'application/x-ndjson',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
} as const;

/** `attachment` with the name in both forms browsers understand (RFC 6266, RFC 5987 for Korean). */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function registerCensusFileRoutes(app: ApiApp, { census, files }: CensusFileRouteOptions): void {
  const tags = ['census'];
  const base = '/api/v1/census';

  // Uploads stream straight into the blob store; they are never buffered whole. Scoped to this
  // plugin so that no other route accepts raw bodies.
  void app.register(async (scope) => {
    scope.addContentTypeParser(UPLOAD_TYPES, (_request, payload, done) => done(null, payload));
    scope.withTypeProvider().post(
      `${base}/imports`,
      {
        schema: {
          tags,
          summary: 'Upload a file (CSV in UTF-8, CP949 or UTF-16; XLSX; JSON; JSONL) and import it, or check it first with dryRun',
          querystring: startImportQuerySchema,
          response: { 202: importSchema, 413: problemSchema, ...commonErrors },
        },
      },
      async (request, reply) => {
        const body = request.body as Readable | undefined;
        if (!body || typeof (body as Partial<Readable>).pipe !== 'function') {
          throw new AppError('bad_request', `Send the file as the request body with Content-Type ${UPLOAD_TYPES.join(', ')}`);
        }
        const started = await files.startImport(request.actor, { body, ...(request.query as z.output<typeof startImportQuerySchema>) });
        return reply.code(202).send(started);
      },
    );
  });

  app.get(
    `${base}/imports/:id`,
    {
      schema: {
        tags,
        summary: 'An import: its state and its report',
        params: idParamsSchema,
        response: { 200: importSchema, ...commonErrors },
      },
    },
    async (request) => files.getImport(request.actor, request.params.id),
  );

  app.post(
    `${base}/imports/:id/commit`,
    {
      schema: {
        tags,
        summary: 'Import for real the file a finished dry run checked',
        params: idParamsSchema,
        body: commitImportBodySchema,
        response: { 202: importSchema, ...commonErrors, 409: problemSchema },
      },
    },
    async (request, reply) => reply.code(202).send(await files.commitImport(request.actor, request.params.id, request.body)),
  );

  app.get(`${base}/template.csv`, { schema: { tags, summary: 'The import template (CSV, UTF-8 with BOM)' } }, async (_request, reply) =>
    reply.type(CONTENT_TYPES.csv).header('content-disposition', attachment('datadam-census-template.csv')).send(templateCsv('ko')),
  );

  app.get(
    `${base}/template.xlsx`,
    { schema: { tags, summary: 'The import template (XLSX, with the allowed values)' } },
    async (_request, reply) =>
      reply
        .type(CONTENT_TYPES.xlsx)
        .header('content-disposition', attachment('datadam-census-template.xlsx'))
        .send(await templateXlsx()),
  );

  app.get(
    `${base}/export`,
    { schema: { tags, summary: 'The entries you may see, filtered, as CSV, XLSX or JSON (streamed)', querystring: exportQuerySchema } },
    async (request, reply) => {
      const { format, lang, ...filter } = request.query;
      const rows = census.exportRows(request.actor, filter);
      // Read the first row before answering, so that a refusal is a proper error reply, not a broken download.
      const first = await rows.next();
      async function* all() {
        if (!first.done) yield first.value;
        yield* rows;
      }
      const out = new PassThrough();
      const written =
        format === 'csv' ? writeCsv(all(), out, { lang }) : format === 'xlsx' ? writeXlsx(all(), out, { lang }) : writeJson(all(), out);
      written.catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
      const stamp = new Date().toISOString().slice(0, 10);
      return reply
        .type(CONTENT_TYPES[format])
        .header('content-disposition', attachment(`datadam-census-${stamp}.${format}`))
        .send(out);
    },
  );
}
