/** HTTP for the data map's search: validate, call the service, shape the reply. */
import { commonErrors, type ApiApp } from '../shared/http.js';
import { searchQuerySchema, searchResultSchema, suggestQuerySchema, suggestResultSchema } from './catalog.schema.js';
import type { CatalogService } from './catalog.service.js';

export interface CatalogRouteOptions {
  catalog: CatalogService;
}

export function registerCatalogRoutes(app: ApiApp, { catalog }: CatalogRouteOptions): void {
  app.get(
    '/api/v1/catalog/search',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Search the data map: accepted entries for everyone; drafts too for their agency, and everything for oversight',
        querystring: searchQuerySchema,
        response: { 200: searchResultSchema, ...commonErrors },
      },
    },
    async (request) => catalog.search(request.actor, request.query),
  );

  app.get(
    '/api/v1/catalog/suggest',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Autocomplete: titles the caller may see that hold what was typed, the most used first',
        querystring: suggestQuerySchema,
        response: { 200: suggestResultSchema, ...commonErrors },
      },
    },
    async (request) => ({ suggestions: await catalog.suggest(request.actor, request.query.q) }),
  );
}
