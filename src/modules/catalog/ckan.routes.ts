/**
 * A read-only CKAN Action API under /api/3/action/ (issue 4), so CKAN clients and harvesters work
 * against datadam: package_search, package_show, package_list, organization_list,
 * organization_show, tag_list and status_show, by GET (query string) or POST (JSON body), answering
 * in CKAN's own envelope — `{help, success, result}`, or `{help, success: false, error: {__type,
 * message}}` with CKAN's status codes — never in problem+json. Callers see what the data map shows
 * them: anonymous callers the accepted entries; a token or a session its actor's visibility.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../core/auth/policy.js';
import { isAppError } from '../../core/errors.js';
import type { CensusService } from '../census/census.service.js';
import type { IdentityService, Organization } from '../identity/identity.service.js';
import type { ApiApp } from '../shared/http.js';
import { CKAN_VERSION, ckanOrganization, ckanPackage, ckanTag, formatTag, type CkanPackage } from './ckan.js';
import { canSee, FACETS, MAX_WINDOW, type CatalogService, type FacetCount, type FacetName, type SearchQuery } from './catalog.service.js';

export interface CkanRouteOptions {
  catalog: CatalogService;
  census: CensusService;
  identity: IdentityService;
  /** The site's public URL: `help` links and status_show's site_url. */
  publicUrl: string;
}

export const CKAN_PREFIX = '/api/3/action';
const PLATFORM: Actor = { kind: 'system', name: 'ckan-api' };
const DEFAULT_ROWS = 10;
const DEFAULT_FACET_LIMIT = 50;
const SORTS = {
  'score desc, metadata_modified desc': 'relevance',
  'metadata_modified desc': 'newest',
  'title_string asc': 'title',
} as const;
/** CKAN's facet fields and ours, and the facet of the data map each reads. */
const FACET_FIELDS: Record<string, FacetName> = {
  organization: 'agency',
  groups: 'domain',
  tags: 'format',
  res_format: 'format',
  ...Object.fromEntries(FACETS.map((f) => [f, f])),
};
/** fq fields and the search filter each sets. */
const FQ_FIELDS: Record<string, keyof SearchQuery> = {
  organization: 'agency',
  owner_org: 'agency',
  groups: 'domain',
  tags: 'format',
  res_format: 'format',
  provision_scope: 'provisionScope',
  personal_info: 'personalInfo',
  ...Object.fromEntries(FACETS.map((f) => [f, f])),
};

/** An error in CKAN's terms: its `__type`, its HTTP status, and for validation the fields at fault. */
export class CkanError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly fields: Record<string, string[]> = {},
  ) {
    super(message);
    this.name = 'CkanError';
  }
}

const validation = (field: string, message: string) =>
  new CkanError(409, 'Validation Error', `${field}: ${message}`, { [field]: [message] });
const notFoundError = () => new CkanError(404, 'Not Found Error', 'Not found');

function toCkanError(error: unknown): CkanError {
  if (error instanceof CkanError) return error;
  if (isAppError(error)) {
    if (error.status === 404) return notFoundError();
    if (error.status === 401 || error.status === 403) return new CkanError(403, 'Authorization Error', error.message);
    if (error.status === 400 || error.status === 422) return new CkanError(409, 'Validation Error', error.message);
    if (error.status === 429) return new CkanError(429, 'Rate Limit Error', error.message);
    return new CkanError(error.status >= 500 ? 500 : error.status, 'Internal Server Error', error.message);
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields: Record<string, string[]> = {};
    for (const issue of error.validation) {
      const field = issue.instancePath.replace(/^\//, '').replace(/\//g, '.') || String(issue.params?.missingProperty ?? 'body');
      (fields[field] ??= []).push(issue.message ?? 'invalid');
    }
    return new CkanError(
      409,
      'Validation Error',
      Object.entries(fields)
        .map(([f, m]) => `${f}: ${m.join(', ')}`)
        .join('; '),
      fields,
    );
  }
  const status = (error as Partial<FastifyError>).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new CkanError(status, 'Bad Request', `Bad request - ${(error as Error).message}`);
  }
  return new CkanError(500, 'Internal Server Error', 'An unexpected error happened; the request id identifies it in the logs');
}

// ------------------------------------------------------------------ parameters

type Params = Record<string, unknown>;

function paramsOf(request: FastifyRequest): Params {
  const body = request.body;
  return {
    ...(request.query as Params | undefined),
    ...(body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Params) : {}),
  };
}

function stringParam(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw validation(name, 'Must be a string');
}

function intParam(params: Params, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = stringParam(params, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw validation(name, 'Invalid integer');
  const value = Number(raw);
  if (value < min) throw validation(name, min === 0 ? 'Must be a natural number' : `Must be at least ${min}`);
  return Math.min(value, max);
}

function boolParam(params: Params, name: string, fallback: boolean): boolean {
  const raw = stringParam(params, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw validation(name, 'Value must be one of: true, false');
}

/** A list given as a JSON list string (CKAN's way in a query string) or a JSON array (in a body). */
function listParam(params: Params, name: string): string[] | undefined {
  let value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw validation(name, 'Must be a JSON list of strings');
    }
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw validation(name, 'Must be a JSON list of strings');
  return value as string[];
}

/** The `field:value` clauses of `fq` (Solr's syntax as CKAN clients write it: `+organization:"x" tags:CSV`). */
export function parseFq(fq: string): Array<{ field: string; value: string }> {
  const clauses: Array<{ field: string; value: string }> = [];
  const pattern = /\s*(?:(AND)\b|\+?([A-Za-z_][A-Za-z0-9_]*):(?:"((?:[^"\\]|\\.)*)"|([^\s"]+)))/y;
  let rest = fq.trim();
  while (rest !== '') {
    pattern.lastIndex = 0;
    const match = pattern.exec(rest);
    if (!match) throw validation('fq', `Only field:value clauses are understood, not "${rest.split(/\s+/)[0]}"`);
    if (match[2] !== undefined) clauses.push({ field: match[2], value: (match[3] ?? match[4] ?? '').replace(/\\(.)/g, '$1') });
    rest = rest.slice(match[0].length).trim();
  }
  return clauses;
}

// ------------------------------------------------------------------ the routes

interface ActionSpec {
  summary: string;
  params: Record<string, string>;
}

const ACTIONS: Record<string, ActionSpec> = {
  package_search: {
    summary: 'Search datasets (census entries the caller may see), as CKAN does',
    params: {
      q: 'Words to find (Korean and/or English); empty or *:* for everything',
      fq: 'Filter clauses field:value, e.g. organization:<slug> groups:<domain> tags:CSV res_format:CSV, or our facet names',
      rows: `Results per page, default ${DEFAULT_ROWS}, at most ${MAX_WINDOW}`,
      start: 'Offset of the first result, default 0',
      sort: `One of: ${Object.keys(SORTS).join('; ')}`,
      'facet.field': `JSON list of facet fields: ${Object.keys(FACET_FIELDS).join(', ')}`,
      'facet.limit': `Values per facet, default ${DEFAULT_FACET_LIMIT}; -1 for all`,
      include_private: 'Accepted and ignored: callers always see what they may see',
    },
  },
  package_show: { summary: 'One dataset by id or name', params: { id: 'The dataset id or name (the same here)' } },
  package_list: {
    summary: 'Names of the active (accepted) datasets',
    params: { limit: 'At most this many names', offset: 'Skip this many names' },
  },
  organization_list: {
    summary: 'Agencies, by name, or as dicts with all_fields=true',
    params: {
      all_fields: 'true: organization dicts instead of names',
      sort: "'title asc' (default), 'name asc', 'package_count desc' and the reverse orders",
      limit: 'At most this many',
      offset: 'Skip this many',
    },
  },
  organization_show: {
    summary: 'One agency by id or name, with the number of datasets the caller may see',
    params: { id: 'The organization id or name', include_datasets: 'true: up to 10 of its datasets as package dicts' },
  },
  tag_list: {
    summary: 'Tags (file formats) of the datasets the caller may see',
    params: { query: 'Only tags containing this (case-insensitive)', all_fields: 'true: tag dicts instead of names' },
  },
  status_show: { summary: 'The site and the CKAN API version it speaks', params: {} },
};

const ckanErrorSchema = z
  .object({
    help: z.string(),
    success: z.literal(false),
    error: z.looseObject({ __type: z.string(), message: z.string() }),
  })
  .meta({ id: 'CkanError', description: "CKAN's error envelope" });

const ckanResponseSchema = z
  .object({ help: z.string(), success: z.literal(true), result: z.unknown() })
  .meta({ id: 'CkanResponse', description: "CKAN's envelope; result as CKAN 2.10's action gives it" });

export async function registerCkanRoutes(app: ApiApp, options: CkanRouteOptions): Promise<void> {
  const { catalog, census, identity, publicUrl } = options;
  const helpOf = (action: string) => `${publicUrl}${CKAN_PREFIX}/help_show?name=${action}`;

  async function agencies(): Promise<Organization[]> {
    return (await identity.listOrganizations()).filter((org) => org.kind === 'agency');
  }

  async function packagesOf(actor: Actor, ids: readonly string[], orgs?: Map<string, Organization>): Promise<CkanPackage[]> {
    const byId = orgs ?? new Map((await identity.listOrganizations()).map((o) => [o.id, o]));
    const out: CkanPackage[] = [];
    for (const id of ids) {
      // The census API is for signed-in users; the data map (and so this API) shows accepted entries to
      // everyone. So read as the platform, then apply the data map's rule to the live entry.
      const entry = await census.getEntry(PLATFORM, id).catch((error: unknown) => {
        throw isAppError(error) && error.status === 404 ? notFoundError() : error;
      });
      if (!canSee(actor, entry)) {
        if (ids.length === 1) throw notFoundError();
        continue;
      }
      const org = byId.get(entry.orgId) ?? (await identity.getOrganization(entry.orgId));
      out.push(ckanPackage(entry, org));
    }
    return out;
  }

  /** Counts of what the actor may see, per agency id. */
  async function packageCounts(actor: Actor): Promise<Map<string, number>> {
    const { facets } = await catalog.searchWindow(actor, {}, { offset: 0, limit: 0 });
    return new Map(facets.agency.map((f) => [f.value, f.count]));
  }

  const handlers: Record<string, (actor: Actor, params: Params) => Promise<unknown>> = {
    async package_search(actor, params) {
      let q = stringParam(params, 'q')?.trim();
      if (q === '*:*' || q === '*') q = undefined;
      const rows = intParam(params, 'rows', DEFAULT_ROWS, 0, MAX_WINDOW);
      const start = intParam(params, 'start', 0, 0);
      const sortParam = (stringParam(params, 'sort') ?? 'score desc, metadata_modified desc').trim().replace(/\s+/g, ' ');
      if (!(sortParam in SORTS)) throw validation('sort', `Must be one of: ${Object.keys(SORTS).join('; ')}`);
      const sort = SORTS[sortParam as keyof typeof SORTS];
      const facetFields = listParam(params, 'facet.field') ?? [];
      for (const field of facetFields) {
        if (!(field in FACET_FIELDS))
          throw validation('facet.field', `Unknown facet field ${field}; known: ${Object.keys(FACET_FIELDS).join(', ')}`);
      }
      const facetLimit = intParam(params, 'facet.limit', DEFAULT_FACET_LIMIT, -1);

      const orgs = await identity.listOrganizations();
      const orgById = new Map(orgs.map((o) => [o.id, o]));
      const query: Omit<SearchQuery, 'limit' | 'cursor'> = { ...(q !== undefined ? { q } : {}), ...(sort === 'relevance' ? {} : { sort }) };
      const filters = query as Record<string, unknown>;
      let impossible = false;
      for (const { field, value } of parseFq(stringParam(params, 'fq') ?? '')) {
        const key = FQ_FIELDS[field];
        if (key === undefined) throw validation('fq', `Unknown filter field ${field}; known: ${Object.keys(FQ_FIELDS).join(', ')}`);
        let v: string | number = value;
        if (key === 'agency') v = orgs.find((o) => o.slug === value || o.id === value)?.id ?? `unknown:${value}`;
        if (key === 'format') v = formatTag(value);
        if (key === 'year') {
          if (!/^\d{4}$/.test(value)) throw validation('fq', `year must be four digits, not ${value}`);
          v = Number(value);
        }
        if (filters[key] !== undefined && filters[key] !== v) impossible = true;
        filters[key] = v;
      }
      const found = impossible
        ? { total: 0, results: [], facets: Object.fromEntries(FACETS.map((f) => [f, []])) as unknown as Record<FacetName, FacetCount[]> }
        : await catalog.searchWindow(actor, query, { offset: start, limit: rows });

      const facets: Record<string, Record<string, number>> = {};
      const searchFacets: Record<string, { title: string; items: Array<{ name: string; display_name: string; count: number }> }> = {};
      for (const field of facetFields) {
        const counts = found.facets[FACET_FIELDS[field]!];
        const items = (facetLimit < 0 ? counts : counts.slice(0, facetLimit)).map((c) => {
          const org = field === 'organization' ? orgById.get(c.value) : undefined;
          return { name: org?.slug ?? c.value, display_name: org?.name ?? c.label ?? c.value, count: c.count };
        });
        facets[field] = Object.fromEntries(items.map((i) => [i.name, i.count]));
        searchFacets[field] = { title: field, items };
      }
      return {
        count: found.total,
        facets,
        results: await packagesOf(
          actor,
          found.results.map((r) => r.id),
          orgById,
        ),
        sort: sortParam,
        search_facets: searchFacets,
      };
    },

    async package_show(actor, params) {
      const id = stringParam(params, 'id') ?? stringParam(params, 'name');
      if (id === undefined) throw validation('id', 'Missing value');
      const [pkg] = await packagesOf(actor, [id]);
      return pkg;
    },

    async package_list(_actor, params) {
      const limit = intParam(params, 'limit', Number.MAX_SAFE_INTEGER, 0);
      const offset = intParam(params, 'offset', 0, 0);
      // Like CKAN: the public, active datasets, by name.
      const names: string[] = [];
      for (let at = 0; ; at += MAX_WINDOW) {
        const page = await catalog.searchWindow({ kind: 'anonymous' }, { sort: 'newest' }, { offset: at, limit: MAX_WINDOW });
        names.push(...page.results.map((r) => r.id));
        if (page.results.length < MAX_WINDOW) break;
      }
      return names.sort().slice(offset, offset + limit);
    },

    async organization_list(actor, params) {
      const allFields = boolParam(params, 'all_fields', false);
      const sort = (stringParam(params, 'sort') ?? 'title asc').trim().toLowerCase();
      const sortMatch = /^(name|title|package_count)(?: (asc|desc))?$/.exec(sort);
      if (!sortMatch) throw validation('sort', 'Must be name, title or package_count, then asc or desc');
      const limit = intParam(params, 'limit', Number.MAX_SAFE_INTEGER, 0);
      const offset = intParam(params, 'offset', 0, 0);
      const counts = await packageCounts(actor);
      const dicts = (await agencies()).map((org) => ckanOrganization(org, counts.get(org.id) ?? 0));
      const field = sortMatch[1] as 'name' | 'title' | 'package_count';
      const direction = sortMatch[2] === 'desc' ? -1 : 1;
      dicts.sort((a, b) => {
        const x = a[field];
        const y = b[field];
        return direction * (x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
      });
      const page = dicts.slice(offset, offset + limit);
      return allFields ? page : page.map((d) => d.name);
    },

    async organization_show(actor, params) {
      const id = stringParam(params, 'id');
      if (id === undefined) throw validation('id', 'Missing value');
      const org = (await agencies()).find((o) => o.id === id || o.slug === id);
      if (!org) throw notFoundError();
      const includeDatasets = boolParam(params, 'include_datasets', false);
      const counts = await packageCounts(actor);
      const packages = includeDatasets
        ? await packagesOf(
            actor,
            (await catalog.searchWindow(actor, { agency: org.id, sort: 'newest' }, { offset: 0, limit: 10 })).results.map((r) => r.id),
          )
        : [];
      return { ...ckanOrganization(org, counts.get(org.id) ?? 0), extras: [], groups: [], tags: [], users: [], packages };
    },

    async tag_list(actor, params) {
      const needle = stringParam(params, 'query')?.toLowerCase();
      const allFields = boolParam(params, 'all_fields', false);
      const { facets } = await catalog.searchWindow(actor, {}, { offset: 0, limit: 0 });
      const names = facets.format
        .map((f) => f.value)
        .filter((name) => needle === undefined || name.toLowerCase().includes(needle))
        .sort();
      return allFields ? names.map(ckanTag) : names;
    },

    async status_show() {
      return {
        site_title: 'datadam',
        site_description: 'The national AI-training-data platform: census, evaluation, refinery, release',
        site_url: publicUrl,
        ckan_version: CKAN_VERSION,
        error_emails_to: null,
        locale_default: 'ko',
        extensions: [],
      };
    },
  };

  await app.register(
    async (scope) => {
      scope.setErrorHandler((error: FastifyError, request, reply) => sendError(request, reply, error));
      scope.setNotFoundHandler((request, reply) => {
        const action = request.url.split('?')[0]!.slice(CKAN_PREFIX.length + 1);
        return sendError(request, reply, new CkanError(400, 'Bad Request', `Bad request - Action name not known: ${action}`));
      });

      function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
        const ckan = toCkanError(error);
        if (ckan.status >= 500) request.log.error({ err: error }, 'CKAN action failed');
        const action = request.url.split('?')[0]!.slice(CKAN_PREFIX.length + 1);
        return reply
          .code(ckan.status)
          .type('application/json; charset=utf-8')
          .send({ help: helpOf(action), success: false, error: { __type: ckan.type, message: ckan.message, ...ckan.fields } });
      }

      for (const [action, spec] of Object.entries(ACTIONS)) {
        const handler = handlers[action]!;
        const paramNames = Object.keys(spec.params);
        const querystring = z.looseObject(
          Object.fromEntries(paramNames.map((p) => [p, z.string().optional().describe(spec.params[p]!)])) as Record<
            string,
            z.ZodOptional<z.ZodString>
          >,
        );
        const body = z
          .looseObject(
            Object.fromEntries(paramNames.map((p) => [p, z.unknown().optional().describe(spec.params[p]!)])) as Record<
              string,
              z.ZodOptional<z.ZodUnknown>
            >,
          )
          .optional();
        const response = {
          200: ckanResponseSchema,
          400: ckanErrorSchema,
          403: ckanErrorSchema,
          404: ckanErrorSchema,
          409: ckanErrorSchema,
        };
        const run = async (request: FastifyRequest) => ({
          help: helpOf(action),
          success: true as const,
          result: await handler(request.actor, paramsOf(request)),
        });
        scope.get(`/${action}`, { schema: { hide: false, tags: ['ckan'], summary: spec.summary, querystring, response } }, run);
        scope.post(
          `/${action}`,
          { schema: { hide: false, tags: ['ckan'], summary: `${spec.summary} (parameters in a JSON body)`, body, response } },
          run,
        );
      }
    },
    { prefix: CKAN_PREFIX },
  );
}
