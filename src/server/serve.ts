/** `datadam serve`: API, web app and (unless told otherwise) a worker, in one process. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../core/config.js';
import { buildApp, type AppDeps } from './http/app.js';
import { MetricsRegistry, renderGauge } from './http/metrics.js';
import { createLogger } from './logger.js';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo, seedDemoCensus } from './demo.js';
import { openPlatform, type Platform } from './platform.js';
import { startPlatformWorker, type RunningWorker } from './worker.js';

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// From src/server (tsx) or dist/server (compiled), the package root is two folders up.
const packageRoot = existsSync(path.join(PACKAGE_ROOT, 'package.json')) ? PACKAGE_ROOT : path.resolve(PACKAGE_ROOT, '..');

export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

type AppServices = Pick<
  AppDeps,
  | 'identity'
  | 'census'
  | 'censusFiles'
  | 'catalog'
  | 'datasets'
  | 'harvest'
  | 'refinery'
  | 'uploads'
  | 'deid'
  | 'evaluation'
  | 'ledger'
  | 'releases'
  | 'access'
  | 'downloads'
  | 'downloadShares'
>;

/** The platform's services as the HTTP app takes them: the server, the API tests and the OpenAPI document serve the same API. */
export function appServices(platform: Platform): AppServices {
  return {
    identity: platform.identity,
    census: platform.census,
    censusFiles: platform.censusFiles,
    catalog: platform.catalog,
    datasets: platform.datasets,
    harvest: platform.harvest,
    refinery: platform.refinery,
    uploads: platform.uploads,
    deid: platform.deid,
    evaluation: platform.evaluation,
    ledger: platform.ledger,
    releases: platform.releases,
    access: platform.access,
    downloads: platform.downloads,
    downloadShares: platform.downloadShares,
  };
}

export interface ServeOptions {
  worker: boolean;
  demo: boolean;
  /** Where the built web app is; defaults to dist/web in the package. */
  webRoot?: string;
  onListening?: (address: string) => void;
}

export interface RunningServer {
  address: string;
  stop(): Promise<void>;
}

export async function serve(config: Config, options: ServeOptions): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const platform = await openPlatform(config);
  if (options.demo) {
    const { createdUsers } = await seedDemo(platform.identity);
    const { imported } = await seedDemoCensus(platform, path.join(packageRoot, 'demo', 'census', 'data-go-kr-demo.csv'));
    if (createdUsers > 0 || imported > 0) logger.info({ createdUsers, censusEntries: imported }, 'demo data created');
  }

  const metrics = new MetricsRegistry();
  metrics.collectAsync(async () => {
    const counts = await platform.queue.counts();
    return renderGauge(
      'datadam_jobs',
      'Jobs in the queue by status',
      Object.entries(counts).map(([status, value]) => ({ labels: { status }, value })),
    );
  });

  const app = await buildApp({
    config,
    logger,
    ...appServices(platform),
    readinessChecks: platform.readinessChecks,
    metrics,
    webRoot: options.webRoot ?? path.join(packageRoot, 'dist', 'web'),
    ...(platform.oidc ? { oidc: platform.oidc } : {}),
    cookieSecret: platform.secret,
    version: packageVersion(),
  });
  const address = await app.listen({ port: config.port, host: config.host });
  const worker: RunningWorker | undefined = options.worker ? startPlatformWorker(platform, logger) : undefined;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await app.close();
      await worker?.stop();
      await platform.close();
      logger.flush();
    })());

  if (options.demo) printDemoBanner(config, address);
  options.onListening?.(address);
  return { address, stop };
}

function printDemoBanner(config: Config, address: string): void {
  const url = config.publicUrl ?? address;
  const lines = [
    '',
    `  datadam is running at ${url}`,
    `  API docs: ${url}/api/docs`,
    '',
    '  Sign in with a demo account (password for all: ' + DEMO_PASSWORD + ')',
    '  데모 계정으로 로그인하세요 (모든 계정의 비밀번호: ' + DEMO_PASSWORD + ')',
    ...DEMO_USERS.map((u) => `    ${u.email.padEnd(34)} ${u.roles.join(', ')}`),
    '',
    `  Data: ${config.db.kind === 'sqlite' ? config.db.file : 'PostgreSQL'}; stop with Ctrl-C`,
    '',
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
}
