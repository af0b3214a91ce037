/**
 * The census in a real browser against the real server (issue 3): the operator opens a campaign
 * for 한국지능정보사회진흥원; its steward fills the form, sees the draft saved by itself, reloads,
 * submits (and is told inline what is missing), the operator returns the entry with a comment, the
 * steward fixes it and resubmits, the operator accepts it, and the dashboard counts it.
 * Screenshots go to test-results/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { FIELD_LABELS, type CensusForm } from '../../src/modules/census/census.form.js';
import { DEMO_OPERATOR, DEMO_STEWARD, login, REPO_ROOT, useBrowserSuite } from '../support/browser.js';

interface Messages {
  header: { switchTo: string };
  modules: { census: { full: string } };
  census: {
    status: Record<'draft' | 'submitted' | 'returned' | 'accepted', string>;
    assignments: { title: string; reminded: string };
    campaign: {
      create: string;
      name: string;
      deadline: string;
      submitCreate: string;
      createdMessage: string;
      remindLabel: string;
      remindedMessage_other: string;
    };
    queue: { title: string };
    entry: { saveDraft: string; submit: string; returnedTitle: string; fixBeforeSubmit: string; submittedNotice: string };
    save: { savedAt: string };
    review: { comment: string; accept: string; return: string; commentRequiredReturn: string; done: { accept: string; return: string } };
    validation: { email: string };
    history: { title: string; kinds: { return: string } };
    dashboard: { title: string; campaign: string; showTable: string; respondedOf: string; by: { domain: string } };
    home: { newEntry: string; import: string };
    import: {
      title: string;
      file: string;
      check: string;
      report: string;
      rows: string;
      valid: string;
      rejected: string;
      importAll: string;
      importValid_other: string;
      result: string;
      imported_other: string;
    };
    export: { as: string };
  };
}
const messages = (lang: 'ko' | 'en') =>
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'web', 'src', 'i18n', `${lang}.json`), 'utf8')) as Messages;
const ko = messages('ko');
const en = messages('en');
const label = (key: keyof CensusForm) => FIELD_LABELS[key].ko;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const fill = (template: string, values: Record<string, string>) => template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? '');

const NIA = '한국지능정보사회진흥원';
const CAMPAIGN = '2026 공공 AI 학습데이터 수요·보유 조사';
const TITLE = '도로 CCTV 영상 기반 교통량 학습데이터';
const COMMENT = '수집 기간(시작·종료)을 입력해 주세요.';

describe('census in chromium', () => {
  const suite = useBrowserSuite({ screenshotPrefix: 'census', locale: 'ko-KR' });
  const { newPage, shot, pageErrors } = suite;
  const saveStatus = (page: Page) => page.getByRole('status').filter({ hasText: fill(ko.census.save.savedAt, { time: '' }).trim() });
  /** A form field by its Korean label; fields required to submit carry a "*" after it. */
  const field = (page: Page, key: keyof CensusForm) => page.getByLabel(new RegExp(`^${escape(label(key))}\\*?$`));

  it('goes from campaign to accepted entry, and the dashboard counts it', async () => {
    // ── the operator opens a campaign for NIA ───────────────────────────────────────────────
    const operator = await newPage();
    await login(operator, DEMO_OPERATOR.email, { next: '/census' });
    await operator.getByRole('heading', { level: 1, name: ko.modules.census.full }).waitFor();
    await operator.getByRole('button', { name: ko.census.campaign.create }).click();
    await operator.getByLabel(ko.census.campaign.name, { exact: true }).fill(CAMPAIGN);
    const deadline = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await operator.getByLabel(ko.census.campaign.deadline, { exact: true }).fill(deadline);
    // KRDS draws the box on the label; a person clicks the label (or uses the space bar).
    await operator
      .locator('label')
      .filter({ hasText: new RegExp(`^${NIA}$`) })
      .click();
    expect(await operator.getByLabel(NIA, { exact: true }).isChecked()).toBe(true);
    await operator.getByRole('button', { name: ko.census.campaign.submitCreate }).click();
    await operator
      .getByRole('status')
      .filter({ hasText: fill(ko.census.campaign.createdMessage, { title: CAMPAIGN }) })
      .waitFor();
    await operator.getByRole('row').filter({ hasText: CAMPAIGN }).waitFor();
    // …and nudges the agencies that have not answered.
    await operator.getByRole('button', { name: fill(ko.census.campaign.remindLabel, { title: CAMPAIGN }) }).click();
    await operator
      .getByRole('status')
      .filter({ hasText: fill(ko.census.campaign.remindedMessage_other, { title: CAMPAIGN, count: '1' }) })
      .waitFor();
    await shot(operator, 'operator-home');

    // ── the steward sees the request and starts an entry for it ─────────────────────────────
    const steward = await newPage();
    await login(steward, DEMO_STEWARD.email, { next: '/census' });
    await steward.getByRole('heading', { name: ko.census.assignments.title }).waitFor();
    const card = steward.getByRole('listitem').filter({ has: steward.getByRole('heading', { name: CAMPAIGN }) });
    await card.waitFor();
    await card
      .getByRole('note')
      .filter({ hasText: ko.census.assignments.reminded.split('{{date}}')[0]!.trim() })
      .waitFor();
    await shot(steward, 'steward-home');
    await card.getByRole('link', { name: ko.census.home.newEntry }).click();
    await steward.waitForURL(/\/census\/entries\/new\?/);

    // Part of the form, with a mistake caught when leaving the field.
    await field(steward, 'title').fill(TITLE);
    await field(steward, 'description').fill('전국 고속도로와 국도 CCTV 영상에 차량 종류와 위치를 라벨링한 데이터');
    await field(steward, 'contactEmail').fill('traffic@');
    await field(steward, 'contactEmail').blur();
    const emailError = steward.getByText(ko.census.validation.email);
    await emailError.waitFor();
    const describedBy = (await field(steward, 'contactEmail').getAttribute('aria-describedby')) ?? '';
    expect(describedBy.split(' ')).toContain(await emailError.getAttribute('id'));
    expect(await field(steward, 'contactEmail').getAttribute('aria-invalid')).toBe('true');
    await field(steward, 'contactEmail').fill('traffic@nia.or.kr');
    await emailError.waitFor({ state: 'detached' });
    await field(steward, 'readiness').selectOption('ai_ready');
    await field(steward, 'structure').selectOption('unstructured');
    await field(steward, 'modality').selectOption('video');
    await field(steward, 'domain').selectOption('transport');
    await field(steward, 'provisionScope').selectOption('open');
    await field(steward, 'personalInfo').selectOption('none');

    // Saved by itself: the address becomes the entry's.
    await steward.waitForURL(/\/census\/entries\/[0-9a-f-]{36}$/);
    await saveStatus(steward).waitFor();
    const entryPath = new URL(steward.url()).pathname;
    await steward.getByRole('button', { name: ko.census.entry.saveDraft }).click();
    await saveStatus(steward).waitFor();
    await shot(steward, 'steward-draft');

    // A reload keeps what was typed.
    await steward.reload();
    expect(await field(steward, 'title').inputValue()).toBe(TITLE);
    expect(await field(steward, 'domain').inputValue()).toBe('transport');
    expect(await field(steward, 'contactEmail').inputValue()).toBe('traffic@nia.or.kr');

    // Submitting too early: the server's problems appear next to their fields.
    await steward.getByRole('button', { name: ko.census.entry.submit, exact: true }).click();
    await steward.getByRole('alert').filter({ hasText: ko.census.entry.fixBeforeSubmit }).waitFor();
    const purpose = field(steward, 'purpose');
    expect(await purpose.getAttribute('aria-invalid')).toBe('true');
    const purposeErrorId = (await purpose.getAttribute('aria-describedby'))!.split(' ')[0]!;
    expect(await steward.locator(`[id="${purposeErrorId}"]`).textContent()).toContain(label('purpose'));
    await shot(steward, 'steward-submit-problems');

    // The rest, then submit.
    await purpose.fill('도로 교통량 예측과 사고 감지 AI 모델 학습');
    await field(steward, 'formats').fill('MP4\nJSON');
    await field(steward, 'updateCycle').selectOption('monthly');
    await field(steward, 'volumeRecords').fill('120000');
    await steward.getByRole('button', { name: ko.census.entry.submit, exact: true }).click();
    await steward.getByText(ko.census.entry.submittedNotice).waitFor();
    await steward.locator('.dd-entry-meta').getByText(ko.census.status.submitted, { exact: true }).waitFor();

    // ── the operator returns it with a comment ──────────────────────────────────────────────
    await operator.goto('/census');
    const queue = operator.locator('section').filter({ has: operator.getByRole('heading', { name: ko.census.queue.title }) });
    await queue.getByRole('link', { name: TITLE }).click();
    await operator.waitForURL(`${suite.server.url}${entryPath}`);
    await operator.getByRole('button', { name: ko.census.review.return, exact: true }).click();
    await operator.getByText(ko.census.review.commentRequiredReturn).waitFor();
    await operator.getByLabel(ko.census.review.comment, { exact: true }).fill(COMMENT);
    await shot(operator, 'operator-review');
    await operator.getByRole('button', { name: ko.census.review.return, exact: true }).click();
    await operator.getByText(ko.census.review.done.return).waitFor();

    // ── the steward sees the comment, fixes the entry and resubmits ─────────────────────────
    await steward.goto('/census');
    const row = steward.locator('#entry-list').getByRole('row').filter({ hasText: TITLE });
    await row.getByText(ko.census.status.returned, { exact: true }).waitFor();
    await row.getByRole('link', { name: TITLE }).click();
    await steward.waitForURL(`${suite.server.url}${entryPath}`);
    const comment = steward.locator('section').filter({ has: steward.getByRole('heading', { name: ko.census.entry.returnedTitle }) });
    await comment.getByText(COMMENT).waitFor();
    await shot(steward, 'steward-returned');
    await field(steward, 'collectionStart').fill('2023-01');
    await field(steward, 'collectionEnd').fill('2024-12');
    await saveStatus(steward).waitFor();
    await steward.getByRole('button', { name: ko.census.entry.submit, exact: true }).click();
    await steward.getByText(ko.census.entry.submittedNotice).waitFor();

    // ── the operator accepts it ─────────────────────────────────────────────────────────────
    await operator.reload();
    await operator.getByRole('button', { name: ko.census.review.accept, exact: true }).click();
    await operator.getByText(ko.census.review.done.accept).waitFor();
    await operator.locator('.dd-entry-meta').getByText(ko.census.status.accepted, { exact: true }).waitFor();
    const history = operator.locator('section').filter({ has: operator.getByRole('heading', { name: ko.census.history.title }) });
    await history.getByRole('row').filter({ hasText: ko.census.history.kinds.return }).filter({ hasText: COMMENT }).waitFor();
    await shot(operator, 'operator-accepted');

    // ── the dashboard counts it ─────────────────────────────────────────────────────────────
    await operator.goto('/census/dashboard');
    await operator.getByRole('heading', { level: 1, name: ko.census.dashboard.title }).waitFor();
    await operator.getByLabel(ko.census.dashboard.campaign, { exact: true }).selectOption({ label: CAMPAIGN });
    await operator.getByText(fill(ko.census.dashboard.respondedOf, { targets: '1', responded: '1' })).waitFor();
    expect(await operator.getByTestId('response-rate').textContent()).toBe('100%');
    expect(await operator.getByTestId('accepted-entries').textContent()).toBe('1');
    const agencyRow = operator.locator('#per-agency').getByRole('row').filter({ hasText: NIA });
    expect((await agencyRow.locator('td').allTextContents()).at(-1)).toBe('1');
    const domainChart = operator.getByRole('figure', { name: ko.census.dashboard.by.domain });
    await domainChart.locator('.recharts-bar-rectangle').first().waitFor();
    await shot(operator, 'dashboard');
    await domainChart.getByRole('button', { name: ko.census.dashboard.showTable }).click();
    const domainRow = domainChart.getByRole('row').filter({ hasText: '교통물류' });
    expect(await domainRow.getByRole('cell').textContent()).toBe('1');

    // The same in English: our words and the form's English labels.
    await operator.getByRole('button', { name: ko.header.switchTo }).click();
    await operator.getByRole('heading', { level: 1, name: en.census.dashboard.title }).waitFor();
    await operator
      .getByRole('figure', { name: en.census.dashboard.by.domain })
      .getByRole('row')
      .filter({ hasText: 'Transport and logistics' })
      .waitFor();
    await shot(operator, 'dashboard-en');

    expect(pageErrors).toEqual([]);
  }, 240_000);

  it('imports a file after a dry run (the valid rows only) and exports the entries', async () => {
    const steward = await newPage();
    await login(steward, DEMO_STEWARD.email, { next: '/census' });
    await steward.getByRole('link', { name: ko.census.home.import }).click();
    await steward.getByRole('heading', { level: 1, name: ko.census.import.title }).waitFor();

    // Our template's columns (Korean labels; choices by their labels), two good rows and a bad one.
    const columns: Array<keyof CensusForm> = [
      'title',
      'description',
      'readiness',
      'structure',
      'modality',
      'domain',
      'provisionScope',
      'personalInfo',
      'purpose',
      'formats',
      'updateCycle',
      'volumeRecords',
    ];
    const rows = [
      [
        '기상 관측 자료 (가져오기 1)',
        '전국 관측소 시간별 기상 관측값',
        '원천 데이터',
        '정형',
        '표(정형)',
        '환경기상',
        '개방',
        '없음',
        '기상 예측 모델 학습',
        'CSV',
        '일간',
        '87600',
      ],
      [
        '민원 상담 말뭉치 (가져오기 2)',
        '민원 상담 대화 텍스트',
        '가공 데이터',
        '비정형',
        '텍스트',
        '공공행정',
        '개방',
        '없음',
        '상담 챗봇 학습',
        'JSON',
        '월간',
        '50000',
      ],
      [
        '준비 수준이 틀린 행 (가져오기 3)',
        '잘못된 값이 있는 행',
        '모름',
        '정형',
        '표(정형)',
        '교통물류',
        '개방',
        '없음',
        '검사',
        'CSV',
        '연간',
        '10',
      ],
    ];
    const csv = [columns.map(label), ...rows].map((cells) => cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\r\n');
    await steward
      .getByLabel(ko.census.import.file, { exact: true })
      .setInputFiles({ name: 'census.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await steward.getByRole('button', { name: ko.census.import.check }).click();

    const report = steward.locator('section').filter({ has: steward.getByRole('heading', { name: ko.census.import.report }) });
    const total = (name: string) =>
      report
        .locator('.dd-kpi')
        .filter({ has: steward.getByText(name, { exact: true }) })
        .locator('dd');
    await report.getByRole('table').waitFor({ timeout: 30_000 });
    expect(await total(ko.census.import.rows).textContent()).toBe('3');
    expect(await total(ko.census.import.valid).textContent()).toBe('2');
    expect(await total(ko.census.import.rejected).textContent()).toBe('1');
    const errorRow = report.getByRole('row').filter({ hasText: label('readiness') });
    expect(await errorRow.getByRole('cell').first().textContent()).toBe('4');
    expect(await report.getByRole('button', { name: ko.census.import.importAll }).isDisabled()).toBe(true);
    await shot(steward, 'import-report');

    await report.getByRole('button', { name: fill(ko.census.import.importValid_other, { count: '2' }) }).click();
    const result = steward.locator('section').filter({ has: steward.getByRole('heading', { name: ko.census.import.result }) });
    await result.getByText(fill(ko.census.import.imported_other, { count: '2' })).waitFor({ timeout: 30_000 });
    await shot(steward, 'import-done');

    // The imported entries are the agency's drafts now; the export has them.
    await steward.goto('/census');
    const list = steward.locator('#entry-list');
    await list.getByRole('link', { name: '기상 관측 자료 (가져오기 1)' }).waitFor();
    await list.getByRole('link', { name: '민원 상담 말뭉치 (가져오기 2)' }).waitFor();
    expect(await list.getByText('준비 수준이 틀린 행 (가져오기 3)').count()).toBe(0);
    const [download] = await Promise.all([
      steward.waitForEvent('download'),
      steward.getByRole('link', { name: fill(ko.census.export.as, { format: 'CSV' }) }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const exported = readFileSync((await download.path())!, 'utf8');
    expect(exported).toContain('기상 관측 자료 (가져오기 1)');

    expect(pageErrors).toEqual([]);
  }, 120_000);
});
