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
import { openPlatform, type OpenPlatformOptions, type Platform } from '../../src/server/platform.js';
import { createEmptyDatabase, type Engine } from './databases.js';

export interface TestApp {
  app: ApiApp;
  platform: Platform;
  /** Signs in through the API; returns the cookie header and CSRF token to send back. */
  login(email: string, password?: string): Promise<{ cookie: string; csrf: string }>;
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
    identity: platform.identity,
    census: platform.census,
    censusFiles: platform.censusFiles,
    catalog: platform.catalog,
    datasets: platform.datasets,
    harvest: platform.harvest,
    refinery: platform.refinery,
    uploads: platform.uploads,
    deid: platform.deid,
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    readinessChecks: platform.readinessChecks,
    cookieSecret: platform.secret,
    version: 'test',
  });
  await app.ready();
  return {
    app,
    platform,
    async login(email, password = 'datadam-demo') {
      const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
      if (response.statusCode !== 200) throw new Error(`login of ${email} failed: ${response.statusCode} ${response.body}`);
      const cookie = response.cookies.find((c) => c.name === 'datadam_session');
      if (!cookie) throw new Error('no session cookie');
      return { cookie: `datadam_session=${cookie.value}`, csrf: (response.json() as { csrfToken: string }).csrfToken };
    },
    async close() {
      await app.close();
      await platform.close();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
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
