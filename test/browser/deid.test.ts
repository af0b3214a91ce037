/**
 * De-identification in a real browser against the real server (issue 6): a steward uploads a JSON
 * Lines file of counselling notes and a CSV of people as a version, opens the version, starts
 * "비식별 처리" with the default policy and a k for the CSV's quasi-identifiers, follows the run to
 * its end, sees the counts per type (chart and table), the residual risk, the before/after samples
 * (a reviewer), and opens the de-identified version. Screenshots go to test-results/.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRefineryDataset, REPO_ROOT, useBrowserSuite } from '../support/browser.js';

interface Messages {
  modules: { deid: { full: string } };
  refinery: { upload: { file: string; submit: string } };
  deid: {
    start: { open: string; policy: string; addTable: string; quasi: string; k: string; submit: string };
    samples: { show: string };
  };
}
const ko = JSON.parse(readFileSync(path.join(REPO_ROOT, 'web', 'src', 'i18n', 'ko.json'), 'utf8')) as Messages;
const TITLE = '민원 상담 기록 (비식별 시험)';

/** A resident registration number whose check digit is right. */
function rrn(birth: string, serial: string): string {
  const digits = `${birth}${serial}`;
  const weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
  const sum = weights.reduce((s, w, i) => s + w * Number(digits[i]), 0);
  return `${birth}-${serial}${(11 - (sum % 11)) % 10}`;
}

const PEOPLE = Array.from({ length: 12 }, (_, i) => ({
  name: `${['김', '이', '박', '최'][i % 4]}${['민준', '서연', '도윤'][i % 3]}`,
  rrn: rrn(`${70 + i}0${(i % 9) + 1}1${i % 10}`, `${1 + (i % 2)}${String(23456 + i * 11).slice(-5)}`),
  phone: `010-${String(3100 + i * 7)}-${String(4200 + i * 13)}`,
  address: ['서울특별시 강남구 테헤란로 12', '서울특별시 송파구 올림픽로 30', '경기도 수원시 영통구 광교로 15'][i % 3]!,
  age: 25 + ((i * 11) % 40),
}));

describe('de-identification in chromium', () => {
  const { newPage, shot, pageErrors } = useBrowserSuite({
    screenshotPrefix: 'deid',
    serverEnv: { DATADAM_DEID_SECRET: 'the browser test secret, long enough' },
    locale: 'ko-KR',
    pageTimeout: 20_000,
  });
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'datadam-deid-web-'));
    writeFileSync(
      path.join(dir, '상담.jsonl'),
      PEOPLE.map((p, i) => JSON.stringify({ id: i + 1, 내용: `${p.name} 고객(주민등록번호 ${p.rrn}) 연락처 ${p.phone}` })).join('\n') +
        '\n',
    );
    writeFileSync(
      path.join(dir, 'people.csv'),
      `성명,연락처,주소,나이\n${PEOPLE.map((p) => `${p.name},${p.phone},${p.address},${p.age}`).join('\n')}\n`,
    );
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts a run from the version page and shows its counts, residual risk, samples and the new version', async () => {
    const page = await newPage();

    // ── a version of two files ─────────────────────────────────────────────────────────────────
    await createRefineryDataset(page, TITLE);
    await page
      .getByLabel(ko.refinery.upload.file, { exact: true })
      .setInputFiles([path.join(dir, '상담.jsonl'), path.join(dir, 'people.csv')]);
    await page.getByRole('button', { name: ko.refinery.upload.submit }).click();
    const row = page.locator('tr[data-version="1"]');
    await row.getByRole('link').waitFor({ timeout: 60_000 });
    await row.getByRole('link').click();

    // ── "비식별 처리": the default policy, and k = 3 on the CSV's address and age ───────────────────
    await page.getByRole('button', { name: ko.deid.start.open, exact: true }).click();
    await expect(page.getByLabel(ko.deid.start.policy).inputValue()).resolves.toContain('PHONE: { operator: mask');
    const policy = await page.getByLabel(ko.deid.start.policy).inputValue();
    await page
      .getByLabel(ko.deid.start.policy)
      .fill(
        policy.replace(
          '# fields:',
          'fields:\n  성명: { operator: pseudonym, as: PERSON }\n  연락처: { operator: mask, as: PHONE, keep_first: 3, keep_last: 4 }\n  주소: { operator: generalize, to: sigungu, as: ADDRESS }\n  나이: { operator: generalize, to: age_band }\n# (examples)',
        ),
      );
    await page.getByRole('button', { name: ko.deid.start.addTable }).click();
    await page.getByLabel(ko.deid.start.quasi).fill('주소, 나이');
    await page.getByLabel(ko.deid.start.k).fill('3');
    await shot(page, 'start');
    await page.getByRole('button', { name: ko.deid.start.submit }).click();

    // ── the run page: progress, then counts per type, residual risk ──────────────────────────────
    await page.waitForURL(/\/deid\/runs\//);
    await page.locator('[data-run-status="done"]').first().waitFor({ timeout: 90_000 });
    await expect(page.locator('[data-count="records-in"]').textContent()).resolves.toBe(String(PEOPLE.length * 2));
    await expect(page.locator('[data-entity="KR_RRN"] td').textContent()).resolves.toBe(String(PEOPLE.length));
    await expect(page.locator('[data-entity="PHONE"] td').textContent()).resolves.toBe(String(PEOPLE.length * 2));
    await page.locator('.dd-deid-chart .recharts-bar-rectangle').first().waitFor();
    const kAfter = Number(await page.locator('[data-table="people.csv"] [data-k-after]').getAttribute('data-k-after'));
    expect(kAfter).toBeGreaterThanOrEqual(3);

    // ── the samples: a steward is a reviewer; the originals are shown in clear ─────────────────
    await page.getByRole('button', { name: ko.deid.samples.show }).click();
    await page.locator('[data-sample]').first().waitFor();
    await expect(page.locator('.dd-deid-samples').textContent()).resolves.toMatch(/\d{6}-\d{7}/);
    await shot(page, 'run');

    // ── the new version ────────────────────────────────────────────────────────────────────────
    await page.locator('[data-output-version]').click();
    await page.waitForURL(/\/refinery\/versions\//);
    await page.getByRole('heading', { level: 1, name: /v2/ }).waitFor();

    // ── the module page lists the run ──────────────────────────────────────────────────────────
    await page.goto('/deid');
    await page.getByRole('heading', { level: 1, name: ko.modules.deid.full }).waitFor();
    await page.locator('tr[data-run]').first().waitFor();
    await expect(page.locator('tr[data-run]').first().textContent()).resolves.toContain(TITLE);
    await shot(page, 'home');
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
