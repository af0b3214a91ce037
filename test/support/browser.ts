/**
 * For browser tests: the real server as a child process (on a free port, a fresh data folder, demo
 * data), the web app built if it is missing or older than its sources, and Debian's chromium driven
 * by playwright-core.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, request, type APIRequestContext, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './postgres-server.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB_SOURCES = path.join(REPO_ROOT, 'web');
const WEB_INDEX = path.join(REPO_ROOT, 'dist', 'web', 'index.html');
/** Where browser tests leave their screenshots. */
export const SCREENSHOTS = path.join(REPO_ROOT, 'test-results');

export const DEMO_PASSWORD = 'datadam-demo';
export const DEMO_OPERATOR = { email: 'operator@demo.datadam.kr', password: DEMO_PASSWORD } as const;
/** Steward (and org_admin) of the agency 'nia', 한국지능정보사회진흥원. */
export const DEMO_STEWARD = { email: 'steward@demo.datadam.kr', password: DEMO_PASSWORD } as const;
/** Consumer and org_admin of the company 한강에이아이. */
export const DEMO_CONSUMER = { email: 'consumer@demo.datadam.kr', password: DEMO_PASSWORD } as const;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds dist/web when it is missing or older than anything under web/. */
export function ensureWebBuilt(): void {
  if (existsSync(WEB_INDEX) && statSync(WEB_INDEX).mtimeMs >= newestMtime(WEB_SOURCES)) return;
  const vite = path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (result.status !== 0) throw new Error(`vite build failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** What the server printed so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `datadam serve --demo` from source on a free port with its own temporary data folder;
 * `extraEnv` adds settings (say DATADAM_HARVEST_ALLOW_PRIVATE=true to harvest a local fixture).
 */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  ensureWebBuilt();
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'datadam-web-'));
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  // The data folder decides where everything goes; settings meant for other tests must not leak in.
  for (const name of ['DATADAM_DB', 'DATADAM_BLOB', 'DATADAM_DATA_DIR', 'PORT']) delete env[name];
  Object.assign(env, extraEnv);
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', String(port), '--data-dir', dataDir, '--demo'],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`datadam serve exited before it was healthy (${child.exitCode ?? child.signalCode}):\n${log}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`datadam serve did not answer /healthz within 90 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, output: () => log, stop };
}

/** Debian's chromium (or CHROMIUM_PATH), headless. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface BrowserSuiteOptions {
  /** Screenshots are test-results/<prefix>-<name>.png. */
  screenshotPrefix: string;
  /** Settings for the server (see startServer). */
  serverEnv?: Record<string, string>;
  /** The window's width (1280 unless told); it is 900 high. */
  width?: number;
  locale?: string;
  acceptDownloads?: boolean;
  /** How long a page waits for an element or a navigation; 15 s unless told. */
  pageTimeout?: number;
}

export interface BrowserSuite {
  readonly server: RunningServer;
  readonly browser: Browser;
  /** Uncaught errors of every page so far: a test ends by expecting none. */
  readonly pageErrors: string[];
  /** A page in a new browser context: a person of their own, with their own cookies. */
  newPage: () => Promise<Page>;
  /** A screenshot from the top, so that the sticky header is where a person sees it. */
  shot: (page: Page, name: string, fullPage?: boolean) => Promise<void>;
}

/**
 * For the enclosing describe: the server and a chromium before its tests, and every browser context,
 * the browser and the server closed after them. Hooks the describe adds run after these start and
 * before they close, so that they may use the server.
 */
export function useBrowserSuite(options: BrowserSuiteOptions): BrowserSuite {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startServer(options.serverEnv);
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  }, 30_000);

  const started = <T>(what: T | undefined, name: string): T => {
    if (what === undefined) throw new Error(`the browser suite's ${name} has not started`);
    return what;
  };

  return {
    get server() {
      return started(server, 'server');
    },
    get browser() {
      return started(browser, 'browser');
    },
    pageErrors,
    newPage: async () => {
      const context = await started(browser, 'browser').newContext({
        baseURL: started(server, 'server').url,
        viewport: { width: options.width ?? 1280, height: 900 },
        ...(options.locale === undefined ? {} : { locale: options.locale }),
        ...(options.acceptDownloads === undefined ? {} : { acceptDownloads: options.acceptDownloads }),
      });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(options.pageTimeout ?? 15_000);
      page.on('pageerror', (error) => pageErrors.push(error.message));
      return page;
    },
    shot: async (page, name, fullPage = true) => {
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: path.join(SCREENSHOTS, `${options.screenshotPrefix}-${name}.png`), fullPage });
    },
  };
}

/**
 * Signs in through the login page and waits until the app has taken the browser to `next`
 * (a path on the site, `/` by default).
 */
export async function login(page: Page, email: string, options: { password?: string; next?: string } = {}): Promise<void> {
  const next = options.next ?? '/';
  await page.goto(`/login?${new URLSearchParams({ redirect: next }).toString()}`);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(options.password ?? DEMO_PASSWORD);
  const target = new URL(next, 'http://x');
  await Promise.all([
    page.waitForURL((url) => url.pathname === target.pathname, { timeout: 15_000 }),
    page.locator('form button[type="submit"]').click(),
  ]);
}

/**
 * Signs the demo steward in at the refinery and creates a dataset titled `title` through the page,
 * as a person would; the page is on the new dataset after.
 */
export async function createRefineryDataset(page: Page, title: string): Promise<void> {
  const ko = JSON.parse(readFileSync(path.join(REPO_ROOT, 'web', 'src', 'i18n', 'ko.json'), 'utf8')) as {
    modules: { refinery: { full: string } };
    refinery: { home: { title: string; create: string } };
  };
  await login(page, DEMO_STEWARD.email, { next: '/refinery' });
  await page.getByRole('heading', { level: 1, name: ko.modules.refinery.full }).waitFor();
  await page.getByLabel(ko.refinery.home.title, { exact: true }).fill(title);
  await page.getByRole('button', { name: ko.refinery.home.create }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

export type ApiClient = Awaited<ReturnType<typeof apiAs>>;

/** An API client signed in as `email` (demo password), sending the session's CSRF token on unsafe requests. */
export async function apiAs(baseURL: string, email: string) {
  const api = await request.newContext({ baseURL });
  const res = await api.post('/api/v1/auth/login', { data: { email, password: DEMO_PASSWORD } });
  if (!res.ok()) throw new Error(`login ${email}: ${res.status()} ${await res.text()}`);
  const me = (await res.json()) as { csrfToken: string; memberships: Array<{ orgId: string; orgKind: string }> };
  const call = async <T>(method: string, url: string, data?: unknown): Promise<T> => {
    const reply = await api.fetch(url, { method, headers: { 'x-csrf-token': me.csrfToken }, ...(data === undefined ? {} : { data }) });
    if (!reply.ok()) throw new Error(`${method} ${url}: ${reply.status()} ${await reply.text()}`);
    return (reply.status() === 204 ? undefined : await reply.json()) as T;
  };
  return { api, csrfToken: me.csrfToken, memberships: me.memberships, call };
}

/** Uploads `bytes` into a refinery dataset by tus (one PATCH); returns the upload id. */
export async function tusUpload(
  client: APIRequestContext,
  csrf: string,
  datasetId: string,
  bytes: Buffer,
  fileName: string,
): Promise<string> {
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  const created = await client.post('/api/v1/uploads', {
    headers: {
      'x-csrf-token': csrf,
      'tus-resumable': '1.0.0',
      'upload-length': String(bytes.length),
      'upload-metadata': `filename ${b64(fileName)},datasetId ${b64(datasetId)}`,
    },
  });
  if (created.status() !== 201) throw new Error(`upload: ${created.status()} ${await created.text()}`);
  const location = created.headers().location!;
  const patched = await client.fetch(location, {
    method: 'PATCH',
    headers: { 'x-csrf-token': csrf, 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
    data: bytes,
  });
  if (patched.status() !== 204) throw new Error(`upload PATCH: ${patched.status()} ${await patched.text()}`);
  return location.split('/').pop()!;
}

export interface ReleaseFile {
  path: string;
  sha256: string;
  size: number;
}

export interface PublishedRelease {
  id: string;
  datasetId: string;
  files: ReleaseFile[];
}

/** A header and four rows of tourist counts by region. */
export const TOURISTS_CSV = '지역,연도,관광객수\n서울,2024,1200\n부산,2024,800\n제주,2024,950\n강원,2024,400\n';

export interface PublishOptions {
  /** The new refinery dataset's title. */
  title: string;
  /** The release's settings but its version: semver, tier, licence… */
  release: Record<string, unknown>;
}

/**
 * As `steward` through the API: a new refinery dataset, TOURISTS_CSV uploaded into it by tus as
 * tourists.csv, the version once ready (at most 90 s), and a release of that version; returns the
 * release as the API answers it.
 */
export async function publishRelease<Release extends PublishedRelease = PublishedRelease>(
  steward: ApiClient,
  options: PublishOptions,
): Promise<Release> {
  const { versionId } = await readyVersion(steward, options.title);
  return steward.call<Release>('POST', '/api/v1/releases', { versionId, ...options.release });
}

/**
 * A refinery dataset titled `title` (linked to a census entry, if given) with one ready version of
 * TOURISTS_CSV, made through the API; with `measured`, also its profile and quality report.
 */
export async function readyVersion(
  steward: ApiClient,
  title: string,
  options: { censusEntryId?: string; measured?: boolean } = {},
): Promise<{ datasetId: string; versionId: string }> {
  const { call } = steward;
  const dataset = await call<{ id: string }>('POST', '/api/v1/refinery/datasets', {
    title,
    ...(options.censusEntryId ? { censusEntryId: options.censusEntryId } : {}),
  });
  const uploadId = await tusUpload(steward.api, steward.csrfToken, dataset.id, Buffer.from(TOURISTS_CSV, 'utf8'), 'tourists.csv');
  const { version } = await call<{ version: { id: string } }>('POST', `/api/v1/refinery/datasets/${dataset.id}/versions`, {
    uploads: [uploadId],
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    const v = await call<{ status: string; error: string | null; tasks: { quality?: { status: string } } }>(
      'GET',
      `/api/v1/refinery/versions/${version.id}`,
    );
    if (v.status === 'ready' && (!options.measured || v.tasks.quality?.status === 'done')) break;
    if (v.status === 'failed') throw new Error(`version failed: ${v.error}`);
    if (v.tasks.quality?.status === 'failed') throw new Error('the quality report failed');
    if (Date.now() > deadline) throw new Error(`version not ready in 90 s: ${v.status}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { datasetId: dataset.id, versionId: version.id };
}
