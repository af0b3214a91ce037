/**
 * HTTP for resumable uploads: the tus 1.0.0 protocol (core, creation, termination, expiration) at
 * /api/v1/uploads, for tus clients (tus-js-client, Uppy, tusd's own CLI) and the web app. The
 * bodies of PATCH requests are streamed to the staging area as they arrive, never held in memory.
 */
import type { Readable } from 'node:stream';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { commonErrors, problemSchema, type ApiApp } from '../shared/http.js';
import { idParamsSchema } from './refinery.schema.js';
import { parseUploadMetadata, TUS_EXTENSIONS, TUS_VERSION, UPLOADS_PATH, type UploadService, type UploadState } from './uploads.service.js';

export interface UploadRouteOptions {
  uploads: UploadService;
}

const OFFSET_OCTET_STREAM = 'application/offset+octet-stream';

/** An error with an HTTP status no service code maps to (412, 415); the problem handler keeps the status. */
function httpError(statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { statusCode });
}

/** A whole number of bytes from a header, or a 400 naming the header. */
function byteCount(value: string | string[] | undefined, header: string): number {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d{1,16}$/.test(text)) {
    throw new AppError('bad_request', `${header} must be a whole number of bytes`, {
      problems: [{ field: header, message: text === undefined ? 'missing' : 'not a non-negative integer' }],
    });
  }
  return Number(text);
}

const httpDate = (iso: string) => new Date(iso).toUTCString();

export function registerUploadRoutes(app: ApiApp, { uploads }: UploadRouteOptions): void {
  const tags = ['refinery'];

  void app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    // The body of a PATCH is handed over as the raw stream: it goes to disk as it arrives.
    scope.addContentTypeParser(OFFSET_OCTET_STREAM, (_request, payload, done) => done(null, payload));
    scope.addHook('onRequest', async (request) => {
      if (request.method === 'OPTIONS') return;
      if (request.headers['tus-resumable'] !== TUS_VERSION)
        throw httpError(412, `Send Tus-Resumable: ${TUS_VERSION} (the only tus version this server speaks)`);
    });
    scope.addHook('onSend', async (_request, reply, payload) => {
      void reply.header('tus-resumable', TUS_VERSION);
      if (reply.statusCode === 412) void reply.header('tus-version', TUS_VERSION);
      return payload;
    });

    const uploadHeaders = (reply: { header(name: string, value: string): unknown }, state: UploadState) => {
      reply.header('upload-offset', String(state.offset));
      reply.header('upload-expires', httpDate(state.expiresAt));
    };

    scope.options(
      UPLOADS_PATH,
      { schema: { tags, summary: 'What the tus server supports: version, extensions, largest upload', response: { 204: z.null() } } },
      async (_request, reply) =>
        reply
          .code(204)
          .header('tus-version', TUS_VERSION)
          .header('tus-extension', TUS_EXTENSIONS.join(','))
          .header('tus-max-size', String(uploads.maxBytes))
          .send(null),
    );

    scope.post(
      UPLOADS_PATH,
      {
        schema: {
          tags,
          summary: "Start a resumable upload (tus creation) into a refinery dataset (the dataset's stewards)",
          description:
            'Headers: Tus-Resumable: 1.0.0; Upload-Length (bytes; at most Tus-Max-Size, else 413); Upload-Metadata with ' +
            '`filename` and `datasetId`, each base64. Answers 201 with the upload URL in Location; send the bytes with PATCH.',
          response: { 201: z.null(), 412: problemSchema, 413: problemSchema, ...commonErrors },
        },
      },
      async (request, reply) => {
        if (request.headers['upload-defer-length'] !== undefined) {
          throw new AppError('bad_request', 'Upload-Defer-Length is not supported: say the Upload-Length', {
            problems: [{ field: 'Upload-Defer-Length', message: 'not supported' }],
          });
        }
        const length = byteCount(request.headers['upload-length'], 'Upload-Length');
        const metadata = parseUploadMetadata(request.headers['upload-metadata'] as string | undefined);
        const state = await uploads.create(request.actor, { length, metadata });
        uploadHeaders(reply, state);
        return reply.code(201).header('location', `${UPLOADS_PATH}/${state.id}`).send(null);
      },
    );

    scope.head(
      `${UPLOADS_PATH}/:id`,
      {
        schema: {
          tags,
          summary: 'How many bytes of an upload the server holds (tus Upload-Offset)',
          params: idParamsSchema,
          response: { 200: z.null(), 404: problemSchema },
        },
      },
      async (request, reply) => {
        const state = await uploads.status(request.actor, request.params.id);
        uploadHeaders(reply, state);
        return reply.code(200).header('upload-length', String(state.length)).header('cache-control', 'no-store').send(null);
      },
    );

    scope.patch(
      `${UPLOADS_PATH}/:id`,
      {
        schema: {
          tags,
          summary: 'Send bytes of an upload at its current offset (tus PATCH, body application/offset+octet-stream)',
          description:
            'Upload-Offset must be the offset HEAD reports, else 409. The body is streamed to disk; if the connection breaks, ' +
            'the bytes that arrived are kept and HEAD tells where to resume. When the last byte arrives the file is stored by its SHA-256.',
          params: idParamsSchema,
          response: { 204: z.null(), 409: problemSchema, 412: problemSchema, 413: problemSchema, 415: problemSchema, ...commonErrors },
        },
      },
      async (request, reply) => {
        const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (contentType !== OFFSET_OCTET_STREAM) throw httpError(415, `A PATCH body must be sent as ${OFFSET_OCTET_STREAM}`);
        const offset = byteCount(request.headers['upload-offset'], 'Upload-Offset');
        const contentLength =
          request.headers['content-length'] === undefined ? undefined : byteCount(request.headers['content-length'], 'Content-Length');
        const body = (request.body as Readable | undefined) ?? request.raw;
        const state = await uploads.append(request.actor, request.params.id, offset, body, contentLength);
        uploadHeaders(reply, state);
        return reply.code(204).send(null);
      },
    );

    scope.delete(
      `${UPLOADS_PATH}/:id`,
      {
        schema: {
          tags,
          summary: 'Stop an upload and discard its bytes (tus termination)',
          params: idParamsSchema,
          response: { 204: z.null(), 409: problemSchema, ...commonErrors },
        },
      },
      async (request, reply) => {
        await uploads.terminate(request.actor, request.params.id);
        return reply.code(204).send(null);
      },
    );
  });
}
