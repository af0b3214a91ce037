/**
 * HTTP for dataset pages (issue 4): the page's data, its Croissant 1.1 JSON-LD, the DCAT-AP 3
 * catalog (JSON-LD and Turtle, paged with Link headers), and the web app's dataset page with
 * schema.org JSON-LD, title and description rendered on the server for search engines.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { commonErrors, type ApiApp } from '../shared/http.js';
import { datasetParamsSchema, datasetSchema, dcatQuerySchema, jsonLdSchema } from './datasets.schema.js';
import type { DatasetsService, DcatPage } from './datasets.service.js';
import { jsonLdScriptTag } from './metadata/schemaorg.js';

export interface DatasetRouteOptions {
  datasets: DatasetsService;
  /** The built web app; its index.html is the page the dataset route fills in. */
  webRoot?: string | undefined;
}

const tags = ['catalog'];

/** `&`, `<`, `>` and quotes as HTML character references, for text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The web app's index.html with a dataset's `<title>`, `<meta name="description">` and schema.org
 * JSON-LD in its head (an existing `<title>` is replaced).
 *
 * @example withDatasetHead('<html><head><title>datadam</title></head>…', { name: '주차장', description: '…' })
 */
export function withDatasetHead(html: string, schemaOrg: Record<string, unknown>): string {
  const name = typeof schemaOrg.name === 'string' ? schemaOrg.name : '';
  const description = typeof schemaOrg.description === 'string' ? schemaOrg.description : '';
  const head = [
    `<title>${escapeHtml(name)} | datadam</title>`,
    `<meta name="description" content="${escapeHtml(description.slice(0, 300))}">`,
    jsonLdScriptTag(schemaOrg),
  ].join('\n');
  const page = html.replace(/<title>[\s\S]*?<\/title>/i, '');
  const close = page.search(/<\/head>/i);
  if (close >= 0) return `${page.slice(0, close)}${head}\n${page.slice(close)}`;
  const doctype = /^\s*<!doctype[^>]*>/i.exec(page);
  return doctype ? `${doctype[0]}\n${head}${page.slice(doctype[0].length)}` : `${head}\n${page}`;
}

function setPageHeaders(reply: FastifyReply, request: FastifyRequest, page: DcatPage): void {
  const url = request.url.split('?')[0]!;
  const link = (p: number, rel: string) => `<${url}?page=${p}&pageSize=${page.pageSize}>; rel="${rel}"`;
  const links = [link(1, 'first')];
  if (page.page > 1) links.push(link(page.page - 1, 'prev'));
  if (page.nextPage !== null) links.push(link(page.nextPage, 'next'));
  void reply.header('link', links.join(', ')).header('x-total-count', String(page.total));
}

export function registerDatasetRoutes(app: ApiApp, { datasets, webRoot }: DatasetRouteOptions): void {
  app.get(
    '/api/v1/catalog/datasets/:id',
    {
      schema: {
        tags,
        summary: 'One dataset page: every field, access tier, lineage, related datasets, history (for its stewards), metadata',
        params: datasetParamsSchema,
        response: { 200: datasetSchema, ...commonErrors },
      },
    },
    async (request) => datasets.getDataset(request.actor, request.params.id),
  );

  app.get(
    '/api/v1/catalog/datasets/:id/croissant.json',
    {
      schema: {
        tags,
        summary: 'Croissant 1.1 JSON-LD of a dataset (application/ld+json; metadata only until it is released)',
        params: datasetParamsSchema,
        response: { 200: jsonLdSchema, ...commonErrors },
      },
    },
    async (request, reply) => reply.type('application/ld+json').send(await datasets.croissant(request.actor, request.params.id)),
  );

  const dcatDescription =
    'The DCAT-AP 3 catalog of the datasets anyone may see (accepted census entries), by title, in pages; ' +
    'Link headers give first, prev and next pages, x-total-count the number of datasets';
  app.get(
    '/api/v1/catalog/dcat.jsonld',
    {
      schema: {
        tags,
        summary: 'DCAT-AP 3 catalog as JSON-LD (application/ld+json)',
        description: dcatDescription,
        querystring: dcatQuerySchema,
        response: { 200: jsonLdSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      const page = await datasets.dcatPage(request.query);
      setPageHeaders(reply, request, page);
      return reply.type('application/ld+json').send(datasets.dcatJsonLd(page));
    },
  );
  app.get(
    '/api/v1/catalog/dcat.ttl',
    {
      schema: {
        tags,
        summary: 'DCAT-AP 3 catalog as Turtle (text/turtle)',
        description: dcatDescription,
        querystring: dcatQuerySchema,
        response: { 200: z.string().describe('Turtle'), ...commonErrors },
      },
    },
    async (request, reply) => {
      const page = await datasets.dcatPage(request.query);
      setPageHeaders(reply, request, page);
      return reply.type('text/turtle; charset=utf-8').send(datasets.dcatTurtle(page));
    },
  );

  // The web app's dataset page, with its metadata in the HTML for crawlers that run no script.
  app.get('/datasets/:id', { schema: { hide: true, params: datasetParamsSchema } }, async (request, reply) => {
    const wantsHtml = (request.headers.accept ?? '').includes('text/html');
    if (!wantsHtml || !webRoot) return reply.callNotFound();
    let html: string;
    try {
      html = await readFile(path.join(webRoot, 'index.html'), 'utf8');
    } catch {
      return reply.callNotFound();
    }
    const schemaOrg = await datasets.publicSchemaOrg(request.params.id);
    return reply
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(schemaOrg ? withDatasetHead(html, schemaOrg) : html);
  });
}
