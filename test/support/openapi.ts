import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/core/config.js';
import { buildApp } from '../../src/server/http/app.js';
import { openPlatform } from '../../src/server/platform.js';
import { appServices, packageVersion } from '../../src/server/serve.js';

/** The OpenAPI document of the app as built, pretty-printed, with a final newline. */
export async function renderOpenApi(): Promise<string> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'datadam-openapi-'));
  const config = loadConfig({ DATADAM_DATA_DIR: dataDir });
  const platform = await openPlatform(config);
  try {
    const app = await buildApp({
      config,
      logger: pino({ level: 'silent' }),
      ...appServices(platform),
      readinessChecks: {},
      cookieSecret: 'openapi',
      version: packageVersion(),
    });
    await app.ready();
    const document = app.swagger();
    await app.close();
    return `${JSON.stringify(document, null, 2)}\n`;
  } finally {
    await platform.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
