/** HTTP for releases: create (immutable), read, list per dataset, withdraw, and their metadata (Croissant, DCAT, datasheet). */
import { commonErrors, problemSchema, type ApiApp } from '../shared/http.js';
import {
  datasetReleasesParamsSchema,
  jsonLdObjectSchema,
  newReleaseSchema,
  publishedReleasesQuerySchema,
  releaseBuildSchema,
  publishedReleasesSchema,
  releaseDetailSchema,
  releaseListSchema,
  releaseParamsSchema,
} from './releases.schema.js';
import type { ReleasesService } from './releases.service.js';

export interface ReleaseRouteOptions {
  releases: ReleasesService;
}

export function registerReleaseRoutes(app: ApiApp, { releases }: ReleaseRouteOptions): void {
  const tags = ['releases'];
  const base = '/api/v1/releases';

  app.post(
    base,
    {
      schema: {
        tags,
        summary: "Release a ready refinery version under a semantic version (the dataset's agency stewards, or the operator)",
        description:
          'Computed once and never changed: tabular files as Parquet under data/ (Hugging Face layout), a dataset card README.md, ' +
          'the manifest and its SHA-256, the datasheet (ko, en), the citation and the changelog against the previous release. ' +
          'A version up to DATADAM_RELEASE_INLINE_BYTES (64 MiB) is released at once (201, the release); a larger one is built in ' +
          'the background (202, the build: follow it at /api/v1/release-builds/{id}). ' +
          '409 when the semantic version exists or is not above the latest release, the version is not ready, or a build of the ' +
          'dataset is under way.',
        body: newReleaseSchema,
        response: { 201: releaseDetailSchema, 202: releaseBuildSchema, 409: problemSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      const made = await releases.create(request.actor, request.body);
      return 'release' in made ? reply.code(201).send(made.release) : reply.code(202).send(made.build);
    },
  );

  app.get(
    '/api/v1/release-builds/:id',
    {
      schema: {
        tags,
        summary:
          "A release built in the background: queued, running (files done of all), done (its release) or failed (why); the dataset's agency and the operator",
        params: releaseParamsSchema,
        response: { 200: releaseBuildSchema, ...commonErrors },
      },
    },
    async (request) => releases.getBuild(request.actor, request.params.id),
  );

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'Every published release, newest first (?tier=, ?orgId=; cursor pages); metadata is public whatever the tier',
        querystring: publishedReleasesQuerySchema,
        response: { 200: publishedReleasesSchema, ...commonErrors },
      },
    },
    async (request) => releases.listPublished(request.actor, request.query),
  );

  app.get(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'A release: manifest, datasheet, changelog, tier, licence, files and quality report (public unless withdrawn)',
        params: releaseParamsSchema,
        response: { 200: releaseDetailSchema, ...commonErrors },
      },
    },
    async (request) => releases.get(request.actor, request.params.id),
  );

  app.get(
    '/api/v1/datasets/:datasetId/releases',
    {
      schema: {
        tags,
        summary: "A refinery dataset's releases you may see, newest version first",
        params: datasetReleasesParamsSchema,
        response: { 200: releaseListSchema, ...commonErrors },
      },
    },
    async (request) => ({ items: await releases.listForDataset(request.actor, request.params.datasetId) }),
  );

  app.post(
    `${base}/:id/withdraw`,
    {
      schema: {
        tags,
        summary: 'Withdraw a release: it stays, hidden from all but its agency and oversight (nothing else ever changes)',
        params: releaseParamsSchema,
        response: { 200: releaseDetailSchema, 409: problemSchema, ...commonErrors },
      },
    },
    async (request) => releases.withdraw(request.actor, request.params.id),
  );

  app.get(
    `${base}/:id/croissant`,
    {
      schema: {
        tags,
        summary: 'Croissant 1.1 JSON-LD of a release (application/ld+json): a FileObject per file, a RecordSet per tabular file',
        params: releaseParamsSchema,
        response: { 200: jsonLdObjectSchema, ...commonErrors },
      },
    },
    async (request, reply) => reply.type('application/ld+json').send(await releases.croissant(request.actor, request.params.id)),
  );

  app.get(
    `${base}/:id/dcat`,
    {
      schema: {
        tags,
        summary: 'DCAT-AP 3 JSON-LD of a release (application/ld+json): a dcat:Dataset with a dcat:Distribution per file',
        params: releaseParamsSchema,
        response: { 200: jsonLdObjectSchema, ...commonErrors },
      },
    },
    async (request, reply) => reply.type('application/ld+json').send(await releases.dcat(request.actor, request.params.id)),
  );

  app.get(
    `${base}/:id/datasheet.md`,
    {
      schema: {
        tags,
        summary: 'The datasheet as Markdown (text/markdown), Korean then English',
        params: releaseParamsSchema,
      },
    },
    async (request, reply) =>
      reply.type('text/markdown; charset=utf-8').send(await releases.datasheetMarkdown(request.actor, request.params.id)),
  );
}
