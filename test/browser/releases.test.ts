/**
 * Releases, access tiers and downloads in a real browser against the real server (issue 8). Set up
 * through the API as the demo steward of NIA: a refinery dataset, a small CSV uploaded by tus, its
 * version ready, and a conditional release of it with one required custom question. Then in
 * Chromium: the company (한강에이아이) opens the release page, has no download, fills the request
 * form (purpose, duration, the answer) and sees it pending; the steward sees the request with its
 * purpose, organisation, duration and answer, and approves; the company downloads a file (its
 * SHA-256 is the manifest's) and previews its first rows; the steward revokes the grant; the
 * company's download is refused — on the page, and a direct fetch of the file answers 403.
 * Screenshots go to test-results/releases-*.png.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ko } from '../../web/src/pages/releases/strings.js';
import { apiAs, DEMO_CONSUMER, DEMO_STEWARD, login, publishRelease, useBrowserSuite } from '../support/browser.js';
import type { ApiClient, PublishedRelease, ReleaseFile } from '../support/browser.js';

const TITLE = '지역별 관광객 통계 (브라우저 시험)';
const QUESTION = { id: 'model', labelKo: '학습할 모델', labelEn: 'The model to train', required: true };
const PURPOSE = '관광 수요 예측 모델 학습';
const ANSWER = '한국어 시계열 예측 모델 (7B)';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

interface ReleaseDetail extends PublishedRelease {
  tier: string;
  manifest: { files: ReleaseFile[] };
}

describe('releases, access and downloads in chromium', () => {
  const suite = useBrowserSuite({ screenshotPrefix: 'releases', width: 1400, locale: 'ko-KR', acceptDownloads: true, pageTimeout: 20_000 });
  const { newPage, shot, pageErrors } = suite;
  let steward: ApiClient;
  let release: ReleaseDetail;
  let dataFile: ReleaseFile;
  let companyPage: Page;
  let stewardPage: Page;

  beforeAll(async () => {
    steward = await apiAs(suite.server.url, DEMO_STEWARD.email);
    release = await publishRelease<ReleaseDetail>(steward, {
      title: TITLE,
      release: { semver: '1.0.0', tier: 'conditional', licence: 'CC-BY-4.0', requestQuestions: [QUESTION] },
    });
    expect(release.tier).toBe('conditional');
    dataFile = release.files.find((f) => f.path.startsWith('data/'))!;
    expect(dataFile).toBeDefined();
    // The file row's checksum is the manifest's.
    expect(release.manifest.files.find((f) => f.path === dataFile.path)?.sha256).toBe(dataFile.sha256);
  }, 240_000);

  afterAll(async () => {
    await steward?.api.dispose();
  }, 30_000);

  /** The status of a GET of `url` from the page (with its session cookie). */
  const fetchStatus = (page: Page, url: string) => page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).status, url);

  const fileUrl = () => `/api/v1/releases/${release.id}/files/${dataFile.path}`;

  it('lets the company see it cannot download, and ask with the request form', async () => {
    companyPage = await newPage();
    const page = companyPage;
    await login(page, DEMO_CONSUMER.email, { next: `/releases/${release.id}` });
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    const view = page.locator(`article[data-release="${release.id}"]`);
    await expect(view.locator('[data-tier]').first().textContent()).resolves.toBe(ko.tier.conditional);
    await page.locator('article[data-may-download="false"]').waitFor();
    await page.locator('[data-access="no-grant"]').waitFor();
    await expect(page.locator('[data-download]').count()).resolves.toBe(0);
    await expect(page.locator(`tr[data-file="${dataFile.path}"]`).getAttribute('data-sha256')).resolves.toBe(dataFile.sha256);
    expect(await fetchStatus(page, fileUrl())).toBe(403);

    // A required question left empty is caught before anything is sent.
    await page.getByLabel(ko.access.purpose, { exact: true }).fill(PURPOSE);
    await page.getByLabel(ko.access.duration, { exact: true }).fill('30');
    await page.getByRole('button', { name: ko.access.submit }).click();
    await page.locator('#rel-request-q-model-error').filter({ hasText: ko.access.answerRequired }).waitFor();

    await page.getByLabel(`${QUESTION.labelKo} ${ko.access.required}`, { exact: true }).fill(ANSWER);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/access-requests') && r.request().method() === 'POST'),
      page.getByRole('button', { name: ko.access.submit }).click(),
    ]);
    expect(response.status()).toBe(201);
    const created = (await response.json()) as { status: string; answers: Record<string, string>; durationDays: number };
    expect(created).toMatchObject({ status: 'pending', answers: { model: ANSWER }, durationDays: 30 });
    await page.locator('[data-access="pending"]').waitFor();
    await shot(page, 'requested');

    // The request is listed among the company's own.
    await page.goto('/releases');
    const mine = page.locator('[data-panel="mine"] tr[data-request]');
    await mine.first().waitFor();
    await expect(mine.first().getAttribute('data-status')).resolves.toBe('pending');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('lets the agency steward see the request and approve it', async () => {
    stewardPage = await newPage();
    const page = stewardPage;
    await login(page, DEMO_STEWARD.email, { next: '/releases' });
    const card = page.locator('[data-panel="incoming"] article[data-request][data-status="pending"]').filter({ hasText: TITLE });
    await card.waitFor();
    await expect(card.locator('[data-field="purpose"]').textContent()).resolves.toBe(PURPOSE);
    await expect(card.locator('[data-field="org"]').textContent()).resolves.toContain('한강에이아이');
    await expect(card.locator('[data-field="duration"]').textContent()).resolves.toBe('30일');
    // The question's label comes with the release, which may load after the request.
    await card.locator('[data-answer="model"]').filter({ hasText: QUESTION.labelKo }).waitFor();
    await expect(card.locator('[data-answer="model"]').textContent()).resolves.toContain(ANSWER);
    await card.getByLabel(ko.incoming.note, { exact: true }).fill('보안 서약서 제출 조건');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/decision') && r.request().method() === 'POST'),
      card.getByRole('button', { name: ko.incoming.approve, exact: true }).click(),
    ]);
    expect(response.status()).toBe(200);
    const decided = (await response.json()) as { status: string; grant: { active: boolean; purpose: string } };
    expect(decided).toMatchObject({ status: 'approved', grant: { active: true, purpose: PURPOSE } });
    await page.locator('[data-panel="grants"] tr[data-grant][data-active="true"]').filter({ hasText: TITLE }).waitFor();
    await shot(page, 'approved');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('lets the company download the file under the grant, checksum intact, and preview it', async () => {
    // Signed in afresh, as the brief's company would come back later.
    companyPage = await newPage();
    const page = companyPage;
    await login(page, DEMO_CONSUMER.email, { next: `/releases/${release.id}` });
    await page.locator('article[data-may-download="true"]').waitFor();
    await page.locator('[data-access="granted"]').waitFor();
    await expect(page.locator('[data-access="granted"]').textContent()).resolves.toContain(PURPOSE);

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`a[data-download="${dataFile.path}"]`).click()]);
    const bytes = readFileSync((await download.path())!);
    expect(bytes.length).toBe(dataFile.size);
    expect(sha256(bytes)).toBe(dataFile.sha256);
    expect(sha256(bytes)).toBe(release.manifest.files.find((f) => f.path === dataFile.path)!.sha256);

    // The first rows, where the tier allows.
    await page.getByRole('button', { name: `${dataFile.path} 미리보기` }).click();
    await page.locator(`[data-preview="${dataFile.path}"] [data-preview-row="0"]`).waitFor();
    await expect(page.locator(`[data-preview="${dataFile.path}"] [data-preview-row]`).count()).resolves.toBe(4);
    await expect(page.locator(`[data-preview="${dataFile.path}"]`).textContent()).resolves.toContain('제주');
    await page.locator('a[data-archive]').waitFor();
    // The machine-readable metadata: Croissant names the file with its checksum; the datasheet in both languages.
    const croissant = await page.request.get((await page.locator('a[data-link="croissant"]').getAttribute('href'))!);
    expect(croissant.status()).toBe(200);
    expect(await croissant.text()).toContain(dataFile.sha256);
    await expect(page.locator('[data-datasheet="ko"] [data-section="composition"]').textContent()).resolves.toContain('4');
    await page.locator('[data-datasheet="en"] [data-section="motivation"]').waitFor();
    await shot(page, 'granted');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('refuses the download once the agency revokes the grant', async () => {
    const page = stewardPage;
    await page.reload();
    const row = page.locator('[data-panel="grants"] tr[data-grant][data-active="true"]').filter({ hasText: TITLE });
    await row.waitFor();
    // A reason is needed.
    await row.getByRole('button', { name: ko.grants.revoke }).click();
    await row.getByText(ko.grants.reasonRequired).waitFor();
    await row.getByLabel(/이용 승인 취소 사유/).fill('이용 목적 외 사용 확인');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/revoke') && r.request().method() === 'POST'),
      row.getByRole('button', { name: ko.grants.revoke }).click(),
    ]);
    expect(response.status()).toBe(200);
    await page.locator('[data-panel="grants"] tr[data-grant][data-active="false"]').filter({ hasText: TITLE }).waitFor();
    await shot(page, 'revoked-agency');

    // The company's page still shows the link from before: following it now is refused on the page.
    const company = companyPage;
    await company.locator(`a[data-download="${dataFile.path}"]`).click();
    await company.locator('[data-download-refused="403"]').waitFor();
    await company.locator('[data-access="revoked"]').waitFor();
    await expect(company.locator('[data-download]').count()).resolves.toBe(0);
    await expect(company.locator('[data-access="revoked"]').textContent()).resolves.toContain('이용 목적 외 사용 확인');
    // And the server itself answers 403 to the file's address.
    expect(await fetchStatus(company, fileUrl())).toBe(403);
    expect(await fetchStatus(company, `/api/v1/releases/${release.id}/archive`)).toBe(403);

    await company.reload();
    await company.locator('article[data-may-download="false"]').waitFor();
    await company.locator('[data-access="revoked"]').waitFor();
    await company.locator('[data-request-form]').waitFor();
    await shot(company, 'revoked');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
