/**
 * The refinery in a real browser against the real server (issue 5): a steward creates a dataset,
 * uploads a CP949 CSV from data.go.kr through the page (tus in chunks), watches the version become
 * ready and its profile and quality jobs finish, opens the quality report (charts, an indicator's
 * formula), downloads the standalone HTML report, and runs a sampling inspection to its result.
 * Screenshots go to test-results/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRefineryDataset, REPO_ROOT, useBrowserSuite } from '../support/browser.js';

interface Messages {
  refinery: {
    upload: { file: string; submit: string };
    rules: { yaml: string; save: string; saved: string };
    report: { downloadHtml: string };
    inspection: { aql: string; start: string; pass: string; fail: string; accepted: string; rejected: string };
  };
}
const ko = JSON.parse(readFileSync(path.join(REPO_ROOT, 'web', 'src', 'i18n', 'ko.json'), 'utf8')) as Messages;
const CSV = path.join(REPO_ROOT, 'test/fixtures/datago-tabular/경찰청_범죄 발생 장소별 통계/경찰청_범죄 발생 장소별 통계_20201231.csv');
const TITLE = '경찰청 범죄 발생 장소별 통계';

describe('refinery in chromium', () => {
  const { newPage, shot, pageErrors } = useBrowserSuite({
    screenshotPrefix: 'refinery',
    locale: 'ko-KR',
    acceptDownloads: true,
    pageTimeout: 20_000,
  });

  it('goes from a new dataset to an uploaded version, its quality report and an inspection', async () => {
    const page = await newPage();

    // ── a new dataset ───────────────────────────────────────────────────────────────────────
    await createRefineryDataset(page, TITLE);

    // ── a rule file: the server's problems are shown by rule and field, then a good one is kept ──
    await page.getByLabel(ko.refinery.rules.yaml).fill('rules:\n  - kind: not_null\n');
    await page.getByRole('button', { name: ko.refinery.rules.save }).click();
    await page.locator('#refinery-rules-error').filter({ hasText: 'rules[0].column' }).waitFor();
    await page.getByLabel(ko.refinery.rules.yaml).fill('rules:\n  - kind: not_null\n    column: 범죄대분류\n');
    await page.getByRole('button', { name: ko.refinery.rules.save }).click();
    await page
      .getByRole('status')
      .filter({ hasText: ko.refinery.rules.saved.replace('{{count}}', '1') })
      .waitFor();

    // ── upload through the page; the version becomes ready, then profiled and measured ──────────
    await page.getByLabel(ko.refinery.upload.file, { exact: true }).setInputFiles(CSV);
    await page.getByRole('button', { name: ko.refinery.upload.submit }).click();
    const row = page.locator('tr[data-version="1"]');
    await row.waitFor();
    await row.locator('[data-task="quality"][data-status="done"]').waitFor({ timeout: 90_000 });
    await row.locator('[data-task="profile"][data-status="done"]').waitFor();
    await shot(page, 'dataset');

    // ── the quality report: indicator cards with formulas, charts ───────────────────────────────
    await row.getByRole('link').click();
    const completeness = page.locator('[data-indicator="completeness"]');
    await completeness.waitFor();
    await expect(completeness.locator('code').textContent()).resolves.toContain('completeness = 1 − (missing cells');
    await page.locator('[data-indicator="uniqueness"]').waitFor();
    await page.locator('[data-indicator="rule_conformance"]').waitFor();
    await page.locator('.dd-nulls-chart .recharts-surface').first().waitFor();
    // This file has no nulls; the distinct values draw a bar per column.
    await page.locator('.dd-distinct-chart .recharts-bar-rectangle').first().waitFor();
    await shot(page, 'report');

    // ── the standalone HTML report ─────────────────────────────────────────────────────────────
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: ko.refinery.report.downloadHtml }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/quality\.html$/);
    const html = readFileSync((await download.path())!, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('완전성');
    expect(html).toContain('범죄대분류');
    expect(html).not.toMatch(/<script/i);

    // ── a sampling inspection, record by record, to its result ─────────────────────────────────
    await page.getByLabel(ko.refinery.inspection.aql).selectOption('1');
    await page.getByRole('button', { name: ko.refinery.inspection.start }).click();
    const n = Number(await page.locator('[data-plan="n"]').textContent());
    expect(n).toBeGreaterThan(0);
    await page.locator('.dd-record th').first().waitFor();
    for (let i = 0; i < n; i++) {
      const button = page.getByRole('button', { name: ko.refinery.inspection.pass, exact: true });
      await button.click();
      await page
        .locator('#inspection-progress')
        .and(page.locator(`[value="${i + 1}"]`))
        .waitFor();
    }
    await page.locator('[data-result="accepted"]').waitFor();
    await expect(page.locator('.dd-inspection-result').textContent()).resolves.toContain('Clopper–Pearson');
    await shot(page, 'inspection');
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
