/**
 * A release built in the background, in a real browser against the real server and its worker:
 * with DATADAM_RELEASE_INLINE_BYTES=0 every version counts as large. The steward of NIA picks a
 * ready version in the new-release form and submits; the page shows the build (waiting or files
 * done of all) and opens the release once the worker has built it. Then the census entry the
 * refinery dataset came from shows the release on its data-map page: the lineage, the quality
 * summary of the release's version, and its first rows. Screenshots go to
 * test-results/release-builds-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ko } from '../../web/src/pages/releases/strings.js';
import { apiAs, DEMO_STEWARD, login, readyVersion, useBrowserSuite, type ApiClient } from '../support/browser.js';

const TITLE = '지역별 관광객 통계 (백그라운드 배포)';

describe('a release built in the background, in chromium', () => {
  const suite = useBrowserSuite({
    screenshotPrefix: 'release-builds',
    serverEnv: { DATADAM_RELEASE_INLINE_BYTES: '0' },
    width: 1400,
    locale: 'ko-KR',
    pageTimeout: 20_000,
  });
  const { newPage, shot, pageErrors } = suite;
  let steward: ApiClient;
  let version: { datasetId: string; versionId: string };
  let entryId: string;
  let releaseId: string;

  beforeAll(async () => {
    steward = await apiAs(suite.server.url, DEMO_STEWARD.email);
    const me = await steward.call<{ memberships: Array<{ orgId: string; orgKind: string }> }>('GET', '/api/v1/auth/me');
    const entry = await steward.call<{ id: string }>('POST', '/api/v1/census/entries', {
      orgId: me.memberships.find((m) => m.orgKind === 'agency')!.orgId,
      form: { title: TITLE, description: '지역별 연간 관광객 수', domain: 'transport', modality: 'tabular', personalInfo: 'none' },
    });
    entryId = entry.id;
    version = await readyVersion(steward, TITLE, { censusEntryId: entryId, measured: true });
  }, 240_000);

  afterAll(async () => {
    await steward?.api.dispose();
  }, 30_000);

  it('shows the build while the worker converts the version, then opens the release', async () => {
    const page = await newPage();
    await login(page, DEMO_STEWARD.email, { next: '/releases' });
    const form = page.locator('[data-panel="create"]');
    await form.getByLabel(ko.create.dataset, { exact: true }).selectOption(version.datasetId);
    await form.getByLabel(ko.create.version, { exact: true }).selectOption(version.versionId);
    await form.getByLabel(ko.create.semver, { exact: true }).fill('1.0.0');
    const [accepted] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/releases') && r.request().method() === 'POST'),
      form.getByRole('button', { name: ko.create.submit }).click(),
    ]);
    expect(accepted.status()).toBe(202);
    const buildId = ((await accepted.json()) as { id: string }).id;
    // The build shows until the worker is done, then the release page opens.
    await page.waitForURL(/\/releases\/[^/]+$/, { timeout: 60_000 });
    const build = await steward.call<{ status: string; releaseId: string; progress: { filesDone: number; filesTotal: number } }>(
      'GET',
      `/api/v1/release-builds/${buildId}`,
    );
    expect(build).toMatchObject({ status: 'done', progress: { filesDone: 1, filesTotal: 1 } });
    expect(page.url()).toContain(`/releases/${build.releaseId}`);
    releaseId = build.releaseId;
    await page.getByRole('heading', { level: 1 }).filter({ hasText: TITLE }).waitFor();
    await shot(page, 'released');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it("shows the release on the census entry's page: lineage, quality summary and sample rows", async () => {
    const page = await newPage();
    await login(page, DEMO_STEWARD.email, { next: `/datasets/${entryId}` });
    await page.locator(`[data-section="lineage"] tr[data-release="${releaseId}"]`).filter({ hasText: '1.0.0' }).waitFor();
    const indicators = page.locator('[data-section="quality"] tr[data-indicator]');
    await indicators.first().waitFor();
    expect(await indicators.count()).toBeGreaterThan(2);
    await expect(page.locator('[data-section="quality"] tr[data-indicator="completeness"]').textContent()).resolves.toContain('100.0%');
    const rows = page.locator('[data-section="samples"] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(4);
    await expect(rows.first().textContent()).resolves.toContain('서울');
    await expect(page.locator('[data-section="samples"] thead').textContent()).resolves.toContain('관광객수');
    await shot(page, 'dataset-page');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
