/**
 * The HTTP application: Fastify with zod schemas (and the OpenAPI document they make), problem+json
 * errors, request ids, security headers, rate limits, the actor of each request, CSRF protection,
 * health and metrics, the module routes and the web app.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Config } from '../../core/config.js';
import { AppError, isAppError, type FieldProblem } from '../../core/errors.js';
import { uuidv7 } from '../../core/ids.js';
import { registerCatalogRoutes } from '../../modules/catalog/catalog.routes.js';
import type { CatalogService } from '../../modules/catalog/catalog.service.js';
import { registerCkanRoutes } from '../../modules/catalog/ckan.routes.js';
import { registerDatasetRoutes } from '../../modules/catalog/dataset.routes.js';
import type { DatasetsService } from '../../modules/catalog/datasets.service.js';
import { registerDeidRoutes } from '../../modules/deid/deid.routes.js';
import type { DeidService } from '../../modules/deid/deid.service.js';
import { registerEvaluationRoutes } from '../../modules/evaluation/evaluation.routes.js';
import { registerAccessRoutes } from '../../modules/distribution/access.routes.js';
import { registerReleaseRoutes } from '../../modules/distribution/releases.routes.js';
import type { ReleasesService } from '../../modules/distribution/releases.service.js';
import type { AccessService } from '../../modules/distribution/access.service.js';
import type { BandwidthShares } from '../../modules/distribution/bandwidth.js';
import { registerDownloadRoutes } from '../../modules/distribution/downloads.routes.js';
import type { DownloadsService } from '../../modules/distribution/downloads.service.js';
import type { EvaluationService } from '../../modules/evaluation/evaluation.service.js';
import { registerLedgerRoutes } from '../../modules/ledger/ledger.routes.js';
import type { LedgerService } from '../../modules/ledger/ledger.service.js';
import { registerHarvestRoutes } from '../../modules/catalog/harvest.routes.js';
import type { HarvestService } from '../../modules/catalog/harvest.service.js';
import { registerCensusFileRoutes } from '../../modules/census/census-files.routes.js';
import type { CensusFilesService } from '../../modules/census/census-files.service.js';
import { registerCensusRoutes } from '../../modules/census/census.routes.js';
import type { CensusService } from '../../modules/census/census.service.js';
import { registerIdentityRoutes } from '../../modules/identity/identity.routes.js';
import type { IdentityService } from '../../modules/identity/identity.service.js';
import { registerOidcRoutes, type OidcProvider } from '../../modules/identity/oidc.routes.js';
import { safeEqual } from '../../modules/identity/secrets.js';
import { registerRefineryRoutes } from '../../modules/refinery/refinery.routes.js';
import type { RefineryService } from '../../modules/refinery/refinery.service.js';
import { registerUploadRoutes } from '../../modules/refinery/uploads.routes.js';
import type { UploadService } from '../../modules/refinery/uploads.service.js';
import { SESSION_COOKIE, type ApiApp } from '../../modules/shared/http.js';
import { MetricsRegistry } from './metrics.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  identity: IdentityService;
  census: CensusService;
  censusFiles: CensusFilesService;
  /** The data map's search; its routes are left out without it. */
  catalog?: CatalogService;
  /** Dataset pages and their metadata (schema.org, Croissant, DCAT); their routes are left out without it. */
  datasets?: DatasetsService;
  /** Federation: harvest sources; their routes are left out without it. */
  harvest?: HarvestService;
  /** The refinery's datasets and versions, and resumable uploads (tus); their routes are left out without them. */
  refinery?: RefineryService;
  uploads?: UploadService;
  /** De-identification runs on refinery versions; their routes are left out without it. */
  deid?: DeidService;
  /** Evaluation and selection; its routes are left out without it. */
  evaluation?: EvaluationService;
  /** The usage ledger; its routes are left out without it. */
  ledger?: LedgerService;
  /** Releases and their metadata; their routes are left out without it. */
  releases?: ReleasesService;
  /** Access to releases (licences, requests, grants); its routes are left out without it. */
  access?: AccessService;
  /** Downloads of released files, with the per-person bandwidth shares; their routes are left out without them. */
  downloads?: DownloadsService;
  downloadShares?: BandwidthShares;
  /** Each resolves when its dependency answers; /readyz runs them all. */
  readinessChecks: Record<string, () => Promise<void>>;
  metrics?: MetricsRegistry;
  /** The built web app (dist/web); when absent, `/` explains how to build it. */
  webRoot?: string;
  oidc?: OidcProvider;
  /** Signs short-lived cookies (the OIDC checks). */
  cookieSecret: string;
  version: string;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

export async function buildApp(deps: AppDeps): Promise<ApiApp> {
  const { config, identity } = deps;
  const metrics = deps.metrics ?? new MetricsRegistry();

  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : uuidv7();
    },
    bodyLimit: MAX_JSON_BODY_BYTES,
    trustProxy: process.env.DATADAM_TRUST_PROXY === 'true',
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const requests = metrics.counter('datadam_http_requests_total', 'HTTP requests by method, route and status');
  const latency = metrics.histogram('datadam_http_request_duration_seconds', 'HTTP request latency by method and route');
  metrics.gauge('datadam_process_resident_memory_bytes', 'Resident memory of this process', () => [
    { labels: {}, value: process.memoryUsage().rss },
  ]);
  metrics.gauge('datadam_process_uptime_seconds', 'Seconds since this process started', () => [{ labels: {}, value: process.uptime() }]);

  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-request-id', request.id);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    requests.inc(labels);
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: config.publicUrl.startsWith('https:') ? [] : null,
      },
    },
    strictTransportSecurity: config.publicUrl.startsWith('https:'),
    crossOriginEmbedderPolicy: false,
  });
  await app.register(fastifyRateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    // Probes and scrapers must never be throttled out of telling the truth.
    allowList: (request) => ['/healthz', '/readyz', '/metrics'].includes(request.url),
    errorResponseBuilder: (_request, context) =>
      new AppError(
        'rate_limited',
        `Too many requests: at most ${context.max} per ${context.after === '' ? 'minute' : 'window'}; try again in ${context.after}`,
      ),
  });
  await app.register(fastifyCookie, { secret: deps.cookieSecret });
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'datadam API',
        version: deps.version,
        description:
          'The national AI-training-data platform: census, evaluation, refinery, de-identification, release, safe zone, usage ledger.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          token: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token (ddm_…) from POST /api/v1/tokens or `datadam admin create-token`',
          },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    // Its default policy upgrades to https, which breaks the page on a plain-http deployment.
    transformStaticCSP: (header) => (config.publicUrl.startsWith('https:') ? header : header.replace(/\s*upgrade-insecure-requests;?/, '')),
  });

  // Who is asking, for every request; a bad bearer token is an error rather than a silent anonymous.
  app.decorateRequest('actor', null as never);
  app.addHook('onRequest', async (request) => {
    request.actor = { kind: 'anonymous' };
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match?.[1]) throw new AppError('unauthenticated', 'The Authorization header must be "Bearer <token>"');
      const actor = await identity.authenticateToken(match[1]);
      if (!actor) throw new AppError('unauthenticated', 'The API token is unknown, expired or revoked');
      request.actor = actor;
      return;
    }
    const sessionToken = request.cookies[SESSION_COOKIE];
    if (sessionToken) {
      const session = await identity.authenticateSession(sessionToken);
      if (session) {
        request.actor = session.actor;
        request.csrfToken = session.csrfToken;
      }
    }
  });

  // CSRF: a cookie rides along on any cross-site request, so a cookie-authenticated change must also
  // show the session's token, which another site cannot read. Bearer tokens are not sent by browsers.
  app.addHook('preHandler', async (request) => {
    if (!UNSAFE_METHODS.has(request.method)) return;
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== 'null' && !isSameOrigin(origin, request, config.publicUrl)) {
      throw new AppError('forbidden', `Cross-origin request from ${origin} refused`);
    }
    if (request.csrfToken === undefined) return;
    const sent = request.headers['x-csrf-token'] ?? (request.body as Record<string, unknown> | undefined)?._csrf;
    if (typeof sent !== 'string' || !safeEqual(sent, request.csrfToken)) {
      throw new AppError('forbidden', 'The CSRF token is missing or wrong: send the x-csrf-token header from /api/v1/auth/me');
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => sendProblem(error, request, reply));
  app.setNotFoundHandler((request, reply) => notFound(request, reply, deps.webRoot));

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const checks: Record<string, string> = {};
    let ready = true;
    for (const [name, check] of Object.entries(deps.readinessChecks)) {
      try {
        await check();
        checks[name] = 'ok';
      } catch (error) {
        ready = false;
        checks[name] = error instanceof Error ? error.message : String(error);
      }
    }
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(await metrics.render()),
  );
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerIdentityRoutes(app, {
    identity,
    cookieSecure: config.cookieSecure,
    loginRateLimitPerMinute: 20,
    oidcEnabled: deps.oidc !== undefined,
  });
  registerCensusRoutes(app, { census: deps.census });
  registerCensusFileRoutes(app, { census: deps.census, files: deps.censusFiles });
  if (deps.catalog) registerCatalogRoutes(app, { catalog: deps.catalog });
  if (deps.catalog) await registerCkanRoutes(app, { catalog: deps.catalog, census: deps.census, identity, publicUrl: config.publicUrl });
  if (deps.harvest) registerHarvestRoutes(app, { harvest: deps.harvest });
  if (deps.refinery) registerRefineryRoutes(app, { refinery: deps.refinery });
  if (deps.uploads) registerUploadRoutes(app, { uploads: deps.uploads });
  if (deps.deid) registerDeidRoutes(app, { deid: deps.deid });
  if (deps.evaluation) registerEvaluationRoutes(app, { evaluation: deps.evaluation });
  if (deps.ledger) registerLedgerRoutes(app, { ledger: deps.ledger });
  if (deps.releases) registerReleaseRoutes(app, { releases: deps.releases });
  if (deps.access) registerAccessRoutes(app, { access: deps.access });
  if (deps.downloads && deps.downloadShares) registerDownloadRoutes(app, { downloads: deps.downloads, shares: deps.downloadShares });
  if (deps.datasets) registerDatasetRoutes(app, { datasets: deps.datasets, webRoot: deps.webRoot });
  if (deps.oidc) registerOidcRoutes(app, { identity, provider: deps.oidc, cookieSecure: config.cookieSecure, publicUrl: config.publicUrl });

  if (deps.webRoot && existsSync(path.join(deps.webRoot, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: deps.webRoot,
      wildcard: false,
      index: false,
      // Our setHeaders decides caching; @fastify/static's default would override it.
      cacheControl: false,
      setHeaders: (res, filePath) => {
        // Vite names assets by their content hash, so they never change; index.html always may.
        const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
        res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    app.get('/', { schema: { hide: true } }, (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
  } else {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send('datadam API is running. The web app is not built: run `npm run build:web`. API docs: /api/docs\n'),
    );
  }

  return app;
}

function isSameOrigin(origin: string, request: FastifyRequest, publicUrl: string): boolean {
  try {
    const { host } = new URL(origin);
    return host === request.headers.host || host === new URL(publicUrl).host;
  } catch {
    return false;
  }
}

function notFound(request: FastifyRequest, reply: FastifyReply, webRoot: string | undefined) {
  const isApi = request.url.startsWith('/api/') || request.url.startsWith('/auth/');
  const wantsHtml = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
  if (!isApi && wantsHtml && webRoot && existsSync(path.join(webRoot, 'index.html'))) {
    // The web app routes on the client; any deep link gets the app.
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  }
  return sendProblem(new AppError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`), request, reply);
}

/** Turns any error into an RFC 9457 problem document. */
function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const problem = toProblem(error);
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: problem.code, status: problem.status }, problem.detail);
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send({
      type: `urn:datadam:problem:${problem.code}`,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      instance: request.url.split('?')[0],
      code: problem.code,
      requestId: request.id,
      ...(problem.problems.length > 0 ? { problems: problem.problems } : {}),
    });
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  416: 'Range not satisfiable',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

function toProblem(error: unknown): { status: number; code: string; title: string; detail: string; problems: FieldProblem[] } {
  if (isAppError(error)) {
    return {
      status: error.status,
      code: error.code,
      title: TITLES[error.status] ?? 'Error',
      detail: error.message,
      problems: error.problems,
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const problems = error.validation.map((issue) => ({
      field: `${error.validationContext ?? 'body'}${issue.instancePath.replace(/\//g, '.')}`,
      message: issue.message ?? 'invalid',
    }));
    return {
      status: 400,
      code: 'validation',
      title: 'Bad request',
      detail: `The request is not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      problems,
    };
  }
  if (isResponseSerializationError(error)) {
    return {
      status: 500,
      code: 'internal',
      title: TITLES[500]!,
      detail: 'The server produced a reply that does not match its schema',
      problems: [],
    };
  }
  const fastifyError = error as Partial<FastifyError>;
  const status = typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 ? fastifyError.statusCode : 500;
  const code =
    status === 413
      ? 'payload_too_large'
      : status === 429
        ? 'rate_limited'
        : status === 415
          ? 'unsupported_media_type'
          : status >= 500
            ? 'internal'
            : 'bad_request';
  const detail =
    status >= 500 ? 'An unexpected error happened; the request id identifies it in the logs' : (fastifyError.message ?? 'Bad request');
  return { status, code, title: TITLES[status] ?? 'Error', detail, problems: [] };
}
