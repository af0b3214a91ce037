/**
 * The operator's harvest page in a real browser against the real server (its worker runs the
 * queued harvests): the operator finds the page in the menu, adds a source with a mistake and sees
 * the inline error, adds a source pointing at a local CKAN (the recorded EnviDat replies), runs it
 * and sees the count and the log; a broken source shows its error. Screenshots go to test-results/.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR, login, REPO_ROOT, useBrowserSuite } from '../support/browser.js';

interface Messages {
  nav: { harvest: string };
  harvest: {
    title: string;
    kinds: { ckan: string };
    run: { button: string; labelFor: string };
    log: { title: string; labelFor: string };
    add: { name: string; kind: string; url: string; scheduleMinutes: string; submit: string; errors: { url: string } };
  };
}
const ko = JSON.parse(readFileSync(path.join(REPO_ROOT, 'web', 'src', 'i18n', 'ko.json'), 'utf8')) as Messages;
const fill = (template: string, values: Record<string, string>) => template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? '');

const REPLAY = path.join(REPO_ROOT, 'test/fixtures/ckan-replay/envidat');
const replay = (name: string) => JSON.parse(readFileSync(path.join(REPLAY, `${name}.json`), 'utf8')) as { result: Record<string, unknown> };
const PACKAGES = [...(replay('package_search').result.results as Array<{ title: string }>), replay('package_show').result];

/** A CKAN under /good (the EnviDat replay) and a broken one under /broken (always 500). */
function startCkan(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/broken')) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      return;
    }
    if (url.pathname.endsWith('/package_search')) {
      const start = Number(url.searchParams.get('start') ?? 0);
      const rows = Number(url.searchParams.get('rows') ?? 10);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ success: true, result: { count: PACKAGES.length, results: PACKAGES.slice(start, start + rows) } }));
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })),
  );
}

describe('harvest page in chromium', () => {
  const suite = useBrowserSuite({
    screenshotPrefix: 'harvest',
    // The fixture CKAN is on 127.0.0.1: this deployment allows private addresses, as the demo does.
    serverEnv: { DATADAM_HARVEST_ALLOW_PRIVATE: 'true' },
    width: 1400,
    locale: 'ko-KR',
    pageTimeout: 20_000,
  });
  const { newPage, shot, pageErrors } = suite;
  let ckan: { url: string; server: Server };

  beforeAll(async () => {
    ckan = await startCkan();
  });

  afterAll(async () => {
    ckan?.server.closeAllConnections();
    await new Promise<void>((resolve) => (ckan ? ckan.server.close(() => resolve()) : resolve()));
  });

  async function addSource(page: Page, name: string, url: string) {
    await page.getByLabel(ko.harvest.add.name, { exact: true }).fill(name);
    await page.getByLabel(ko.harvest.add.kind, { exact: true }).selectOption('ckan');
    await page.getByLabel(ko.harvest.add.url, { exact: true }).fill(url);
    await page.getByLabel(ko.harvest.add.scheduleMinutes, { exact: true }).fill('1440');
    await page.getByRole('button', { name: ko.harvest.add.submit, exact: true }).click();
    await page.getByRole('row').filter({ hasText: name }).waitFor();
  }

  it('adds a CKAN source, runs it, and shows the count, the log and a broken source’s error', async () => {
    const page = await newPage();
    await login(page, DEMO_OPERATOR.email, { next: '/' });
    await page.getByRole('navigation').getByRole('link', { name: ko.nav.harvest, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: ko.harvest.title }).waitFor();

    // A mistake first: the error sits next to the field.
    await page.getByLabel(ko.harvest.add.name, { exact: true }).fill('틀린 주소');
    await page.getByLabel(ko.harvest.add.url, { exact: true }).fill('ftp://example.org/');
    await page.getByRole('button', { name: ko.harvest.add.submit, exact: true }).click();
    const urlField = page.getByLabel(ko.harvest.add.url, { exact: true });
    expect(await urlField.getAttribute('aria-invalid')).toBe('true');
    await page.locator('#harvest-url-error').filter({ hasText: ko.harvest.add.errors.url }).waitFor();

    // The server's own refusal shows there too: it checks the host before storing anything.
    await urlField.fill('http://no-such-host.invalid/api/3/action');
    await page.getByRole('button', { name: ko.harvest.add.submit, exact: true }).click();
    await page.locator('#harvest-url-error').filter({ hasText: 'no-such-host.invalid does not resolve' }).waitFor();

    await addSource(page, 'EnviDat 재현', `${ckan.url}/good/api/3/action`);
    await addSource(page, '고장 난 포털', `${ckan.url}/broken`);
    const good = page.getByRole('row').filter({ hasText: 'EnviDat 재현' });
    const broken = page.getByRole('row').filter({ hasText: '고장 난 포털' });
    await good.getByRole('cell', { name: ko.harvest.kinds.ckan }).waitFor();
    expect(await good.locator('.dd-harvest-count').textContent()).toBe('0');

    await page.getByRole('button', { name: fill(ko.harvest.run.labelFor, { name: 'EnviDat 재현' }) }).click();
    await good
      .locator('.dd-harvest-count')
      .filter({ hasText: String(PACKAGES.length) })
      .waitFor({ timeout: 30_000 });
    const log = page.getByRole('list', { name: fill(ko.harvest.log.title, { name: 'EnviDat 재현' }) });
    await log
      .getByRole('listitem')
      .filter({ hasText: `full harvest done: ${PACKAGES.length} read, ${PACKAGES.length} stored, 0 removed` })
      .waitFor({ timeout: 30_000 });
    expect(await good.locator('.dd-harvest-error').textContent()).toBe('');
    await shot(page, 'ran');

    await page.getByRole('button', { name: fill(ko.harvest.run.labelFor, { name: '고장 난 포털' }) }).click();
    await broken.locator('.dd-harvest-error').filter({ hasText: 'HTTP 500' }).waitFor({ timeout: 30_000 });
    const brokenLog = page.getByRole('list', { name: fill(ko.harvest.log.title, { name: '고장 난 포털' }) });
    await brokenLog.getByRole('listitem').filter({ hasText: 'harvest failed: HTTP 500' }).waitFor({ timeout: 30_000 });
    await shot(page, 'broken');

    // The good source's log is still there when asked for.
    await page.getByRole('button', { name: fill(ko.harvest.log.labelFor, { name: 'EnviDat 재현' }) }).click();
    await log.getByRole('listitem').filter({ hasText: 'full harvest done' }).waitFor();

    // What was harvested is on the data map.
    const search = await fetch(`${suite.server.url}/api/v1/catalog/search?q=${encodeURIComponent('avalanche accidents')}`);
    const titles = ((await search.json()) as { results: Array<{ title: string }> }).results.map((r) => r.title);
    expect(titles).toContain(PACKAGES[2]!.title);
    expect(pageErrors).toEqual([]);
  });
});
