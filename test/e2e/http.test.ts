/**
 * The HTTP platform every module stands on: problem documents, request ids, security headers,
 * OpenAPI, health, metrics, body limits and the web app's caching.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { renderApiSchema } from '../../scripts/openapi-types.js';
import { buildApp } from '../../src/server/http/app.js';
import { useTestApp } from '../support/app.js';
import { renderOpenApi } from '../support/openapi.js';

describe('HTTP platform', () => {
  const t = useTestApp('sqlite');

  it('answers unknown API routes with an RFC 9457 problem document and the request id', async () => {
    const response = await t.current.app.inject({ url: '/api/v1/nothing-here', headers: { 'x-request-id': 'trace-123' } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['x-request-id']).toBe('trace-123');
    expect(response.json()).toEqual({
      type: 'urn:datadam:problem:not_found',
      title: 'Not found',
      status: 404,
      detail: 'No route for GET /api/v1/nothing-here',
      instance: '/api/v1/nothing-here',
      code: 'not_found',
      requestId: 'trace-123',
    });
  });

  it('makes its own request id when the incoming one is unsafe', async () => {
    const response = await t.current.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id\nwith newline' } });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers', async () => {
    const response = await t.current.app.inject({ url: '/api/v1/orgs' });
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-ratelimit-limit']).toBeDefined();
  });

  it('refuses an oversized body with 413', async () => {
    const response = await t.current.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('reports health, readiness and metrics', async () => {
    expect((await t.current.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.current.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', blobs: 'ok' } });
    await t.current.app.inject({ url: '/api/v1/orgs' });
    const metrics = await t.current.app.inject({ url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/datadam_http_requests_total\{method="GET",route="\/api\/v1\/orgs",status="200"\} \d+/);
    expect(metrics.body).toContain('# TYPE datadam_http_request_duration_seconds histogram');
  });

  it('reports not ready, naming the dependency, when one fails', async () => {
    const app = await buildApp({
      config: t.current.platform.config,
      logger: pino({ level: 'silent' }),
      identity: t.current.platform.identity,
      census: t.current.platform.census,
      censusFiles: t.current.platform.censusFiles,
      readinessChecks: { database: async () => undefined, blobs: async () => Promise.reject(new Error('disk full')) },
      cookieSecret: 'x',
      version: 'test',
    });
    const response = await app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'not ready', checks: { database: 'ok', blobs: 'disk full' } });
    await app.close();
  });

  it('publishes OpenAPI 3.1 and a browsable docs page; the checked-in copy matches the code', async () => {
    const response = await t.current.app.inject({ url: '/api/openapi.json' });
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/orgs/{id}/members', '/api/v1/tokens']),
    );
    expect(document.components.schemas.Problem).toBeDefined();
    const docs = await t.current.app.inject({ url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
    expect(docs.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    const rendered = await renderOpenApi();
    const checkedIn = readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
    expect(checkedIn, 'docs/openapi.json is out of date: run `npm run openapi`').toBe(rendered);
    const webTypes = readFileSync(new URL('../../web/src/api-schema.ts', import.meta.url), 'utf8');
    expect(webTypes, 'web/src/api-schema.ts is out of date: run `npm run openapi`').toBe(await renderApiSchema(JSON.parse(rendered)));
  });

  it('serves the web app: hashed assets cached for a year, index.html revalidated, deep links get the app', async () => {
    const webRoot = mkdtempSync(path.join(os.tmpdir(), 'datadam-web-'));
    mkdirSync(path.join(webRoot, 'assets'));
    writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>datadam</title>');
    writeFileSync(path.join(webRoot, 'assets', 'app-abc123.js'), 'console.log(1)');
    const app = await buildApp({
      config: t.current.platform.config,
      logger: pino({ level: 'silent' }),
      identity: t.current.platform.identity,
      census: t.current.platform.census,
      censusFiles: t.current.platform.censusFiles,
      readinessChecks: {},
      cookieSecret: 'x',
      version: 'test',
      webRoot,
    });
    const index = await app.inject({ url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['cache-control']).toBe('no-cache');
    const asset = await app.inject({ url: '/assets/app-abc123.js' });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const deep = await app.inject({ url: '/census/entries/42', headers: { accept: 'text/html' } });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('<title>datadam</title>');
    const traversal = await app.inject({ url: '/assets/..%2f..%2fetc%2fpasswd' });
    expect(traversal.statusCode).toBeGreaterThanOrEqual(400);
    expect(traversal.body).not.toContain('root:');
    const apiMiss = await app.inject({ url: '/api/v1/missing', headers: { accept: 'text/html' } });
    expect(apiMiss.statusCode).toBe(404);
    await app.close();
  });
});
