/** HTTP for the refinery: datasets, their versions (made from uploads by the ingest job), manifests and files. */
import { commonErrors, problemSchema, type ApiApp } from '../shared/http.js';
import { attachment, registerAnalysisRoutes } from './analysis.routes.js';
import {
  datasetVersionListSchema,
  fileParamsSchema,
  fileQuerySchema,
  idParamsSchema,
  newRefineryDatasetSchema,
  newVersionSchema,
  queuedVersionSchema,
  refineryDatasetListSchema,
  refineryDatasetSchema,
  versionManifestSchema,
} from './refinery.schema.js';
import type { RefineryService } from './refinery.service.js';

export interface RefineryRouteOptions {
  refinery: RefineryService;
}

const TEXT_MEDIA = /^(text\/|application\/(json|x-ndjson|jsonl))/;

export function registerRefineryRoutes(app: ApiApp, { refinery }: RefineryRouteOptions): void {
  const tags = ['refinery'];
  const base = '/api/v1/refinery';
  registerAnalysisRoutes(app, { refinery });

  app.post(
    `${base}/datasets`,
    {
      schema: {
        tags,
        summary: "Create a dataset to refine (the organisation's stewards, or the operator)",
        body: newRefineryDatasetSchema,
        response: { 201: refineryDatasetSchema, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await refinery.createDataset(request.actor, request.body)),
  );

  app.get(
    `${base}/datasets`,
    { schema: { tags, summary: 'The refinery datasets you may see', response: { 200: refineryDatasetListSchema, ...commonErrors } } },
    async (request) => ({ items: await refinery.listDatasets(request.actor) }),
  );

  app.get(
    `${base}/datasets/:id`,
    {
      schema: { tags, summary: 'One refinery dataset', params: idParamsSchema, response: { 200: refineryDatasetSchema, ...commonErrors } },
    },
    async (request) => refinery.getDataset(request.actor, request.params.id),
  );

  app.post(
    `${base}/datasets/:id/versions`,
    {
      schema: {
        tags,
        summary: 'Make a new version from complete uploads: queued for the ingest job (202)',
        description:
          'The job unpacks archives safely, finds each file’s format, stores text as UTF-8 NFC (keeping the bytes as uploaded) ' +
          'and every file by its SHA-256; the version turns ready with its manifest, or failed with an error naming the file or entry.',
        params: idParamsSchema,
        body: newVersionSchema,
        response: { 202: queuedVersionSchema, 409: problemSchema, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(202).send(await refinery.createVersion(request.actor, request.params.id, request.body)),
  );

  app.get(
    `${base}/datasets/:id/versions`,
    {
      schema: {
        tags,
        summary: "A dataset's versions, newest first",
        params: idParamsSchema,
        response: { 200: datasetVersionListSchema, ...commonErrors },
      },
    },
    async (request) => ({ items: await refinery.listVersions(request.actor, request.params.id) }),
  );

  app.get(
    `${base}/versions/:id`,
    {
      schema: {
        tags,
        summary: 'A version and its manifest (its files, sorted by path, once it is ready)',
        params: idParamsSchema,
        response: { 200: versionManifestSchema, ...commonErrors },
      },
    },
    async (request) => refinery.getVersion(request.actor, request.params.id),
  );

  app.get(
    `${base}/versions/:id/files/*`,
    {
      schema: {
        tags,
        summary: 'Download a file of a ready version by its manifest path (as stored, or as uploaded with original=true)',
        params: fileParamsSchema,
        querystring: fileQuerySchema,
      },
    },
    async (request, reply) => {
      const { file, body, size } = await refinery.openFile(request.actor, request.params.id, request.params['*'], {
        original: request.query.original,
      });
      const asStored = !request.query.original || file.originalBlobKey === null;
      const type =
        asStored && TEXT_MEDIA.test(file.mediaType)
          ? `${file.mediaType}; charset=utf-8`
          : asStored
            ? file.mediaType
            : 'application/octet-stream';
      return reply
        .type(type)
        .header('content-length', String(size))
        .header('content-disposition', attachment(file.path.slice(file.path.lastIndexOf('/') + 1)))
        .header('x-content-sha256', asStored ? file.blobKey : (file.originalBlobKey ?? file.blobKey))
        .send(body);
    },
  );
}
