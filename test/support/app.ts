/**
 * A real platform (database, blob store, services) and its HTTP app for API tests, driven through
 * Fastify's inject(): the whole stack but the socket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/core/config.js';
import type { ApiApp } from '../../src/modules/shared/http.js';
import { buildApp } from '../../src/server/http/app.js';
import { seedDemo } from '../../src/server/demo.js';
import { appServices } from '../../src/server/serve.js';
import { startWorker, type RunningWorker } from '../../src/platform/queue/worker.js';
import { openPlatform, type OpenPlatformOptions, type Platform } from '../../src/server/platform.js';
import { createEmptyDatabase, type Engine } from './databases.js';

export interface TestApp {
  app: ApiApp;
  platform: Platform;
  /** Starts a worker on the app's queue for these jobs (one at a time, polling every 20 ms); stop it when done. */
  startWorker(workerId: string, names: readonly string[]): RunningWorker;
  /** Signs in through the API; returns the cookie header and CSRF token to send back. */
  login(email: string, password?: string): Promise<{ cookie: string; csrf: string }>;
  /** Signs in and makes an API token for `org`; returns the Authorization header to send. */
  bearer(email: string, org: string, scopes?: string[]): Promise<Record<string, string>>;
  /** Uploads `bytes` into a refinery dataset in one tus PATCH through inject(); returns the upload id. */
  upload(headers: Record<string, string>, datasetId: string, bytes: Buffer, fileName: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  clock?: Clock;
  env?: Record<string, string>;
  /** A built web app's folder (an index.html will do). */
  webRoot?: string;
  /** Harvesting's limits and HTTP, shortened for tests. */
  harvest?: OpenPlatformOptions['harvest'];
}

export async function createTestApp(engine: Engine, options: TestAppOptions = {}): Promise<TestApp> {
  const { config: dbConfig, drop } = await createEmptyDatabase(engine);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'datadam-app-'));
  const config = { ...loadConfig({ DATADAM_DATA_DIR: dataDir, ...options.env }), db: dbConfig };
  const platform = await openPlatform(config, {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.harvest ? { harvest: options.harvest } : {}),
  });
  await seedDemo(platform.identity);
  const app = await buildApp({
    config,
    logger: pino({ level: 'silent' }),
    ...appServices(platform),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    readinessChecks: platform.readinessChecks,
    cookieSecret: platform.secret,
    version: 'test',
  });
  await app.ready();
  const testApp: TestApp = {
    app,
    platform,
    startWorker: (workerId, names) =>
      startWorker({
        queue: platform.queue,
        registry: platform.registry,
        workerId,
        names: [...names],
        concurrency: 1,
        pollIntervalMs: 20,
        leaseMs: 60_000,
        logger: pino({ level: 'silent' }),
      }),
    async login(email, password = 'datadam-demo') {
      const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
      if (response.statusCode !== 200) throw new Error(`login of ${email} failed: ${response.statusCode} ${response.body}`);
      const cookie = response.cookies.find((c) => c.name === 'datadam_session');
      if (!cookie) throw new Error('no session cookie');
      return { cookie: `datadam_session=${cookie.value}`, csrf: (response.json() as { csrfToken: string }).csrfToken };
    },
    async bearer(email, org, scopes = ['read', 'write']) {
      const { cookie, csrf } = await testApp.login(email);
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: { cookie, 'x-csrf-token': csrf },
        payload: { org, name: 'test token', scopes },
      });
      if (response.statusCode !== 201) throw new Error(`token for ${email} in ${org}: ${response.statusCode} ${response.body}`);
      return { authorization: `Bearer ${(response.json() as { token: string }).token}` };
    },
    async upload(headers, datasetId, bytes, fileName) {
      const tus = { 'tus-resumable': '1.0.0' };
      const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/uploads',
        headers: {
          ...headers,
          ...tus,
          'upload-length': String(bytes.length),
          'upload-metadata': `filename ${b64(fileName)},datasetId ${b64(datasetId)}`,
        },
      });
      if (created.statusCode !== 201) throw new Error(`upload of ${fileName}: ${created.statusCode} ${created.body}`);
      const location = created.headers.location as string;
      const patched = await app.inject({
        method: 'PATCH',
        url: location,
        headers: { ...headers, ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
        payload: bytes,
      });
      if (patched.statusCode !== 204 || patched.headers['upload-offset'] !== String(bytes.length)) {
        throw new Error(`upload of ${fileName}: PATCH ${patched.statusCode} ${patched.body}`);
      }
      return location.split('/').pop()!;
    },
    async close() {
      await app.close();
      await platform.close();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return testApp;
}

/** A test app for the enclosing describe. */
export function useTestApp(engine: Engine, options: TestAppOptions = {}): { readonly current: TestApp } {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await createTestApp(engine, options);
  });
  afterAll(async () => {
    await current?.close();
  });
  return {
    get current() {
      if (!current) throw new Error('test app not ready');
      return current;
    },
  };
}
