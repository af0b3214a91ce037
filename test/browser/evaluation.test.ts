/**
 * Evaluation and selection in a real browser against the real server (issue 7). Set up through
 * the API as the demo operator: a round over six accepted census entries of the demo data, a
 * rubric (two expert criteria, volume, demand), the candidates with their costs, three of them
 * assigned to the demo evaluator, scoring opened. Then in Chromium: the evaluator opens 내 평가,
 * scores the three entries (a choice of 1–5 per criterion and a comment) and sees each marked
 * scored; the operator opens the round, runs the selection under a budget and a count, and sees
 * the status 최적, the selected entries, the greedy gap and the CSV/XLSX links (the CSV has a row
 * per candidate); the operator tries inconsistent AHP judgements and sees the judgement at fault
 * highlighted with the suggested value. Screenshots go to test-results/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ko } from '../../web/src/pages/evaluation/strings.js';
import { apiAs, DEMO_CONSUMER, DEMO_OPERATOR, login, useBrowserSuite, type ApiClient } from '../support/browser.js';

const EVALUATOR = 'evaluator@demo.datadam.kr';
const ROUND_TITLE = '2026 우선 구축 데이터 선정 (브라우저 시험)';
/** Costs of the six candidates, in won; the budget fits about three of them. */
const COSTS = [1_000_000_000, 1_500_000_000, 2_000_000_000, 800_000_000, 1_200_000_000, 2_500_000_000];
const BUDGET = 4_000_000_000;

interface EntrySummary {
  id: string;
  orgId: string;
  title: string | null;
}
interface Selection {
  id: string;
  status: string;
  selected: string[];
  entries: Array<{ entryId: string; selected: boolean }>;
  greedy: { gapPercent: number | null };
}

describe('evaluation and selection in chromium', () => {
  const suite = useBrowserSuite({ screenshotPrefix: 'evaluation', width: 1400, locale: 'ko-KR', pageTimeout: 20_000 });
  const { newPage, shot, pageErrors } = suite;
  let operatorApi: ApiClient;
  let roundId = '';
  let entries: EntrySummary[] = [];
  let assigned: EntrySummary[] = [];

  beforeAll(async () => {
    operatorApi = await apiAs(suite.server.url, DEMO_OPERATOR.email);
    const { call } = operatorApi;

    // Six accepted entries of the demo census, from as many agencies as there are.
    const deadline = Date.now() + 60_000;
    let accepted: EntrySummary[];
    for (;;) {
      accepted = (await call<{ items: EntrySummary[] }>('GET', '/api/v1/census/entries?status=accepted&limit=200')).items.filter(
        (e) => e.title,
      );
      if (accepted.length >= 6 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const byAgency = new Map<string, EntrySummary[]>();
    for (const e of accepted) byAgency.set(e.orgId, [...(byAgency.get(e.orgId) ?? []), e]);
    const spread: EntrySummary[] = [];
    for (let i = 0; spread.length < 6 && i < 6; i += 1)
      for (const list of byAgency.values()) if (list[i] && spread.length < 6) spread.push(list[i]!);
    entries = spread;
    expect(entries).toHaveLength(6);

    const round = await call<{ id: string }>('POST', '/api/v1/evaluation/rounds', { title: ROUND_TITLE, budget: BUDGET, targetCount: 3 });
    roundId = round.id;
    await call('PUT', `/api/v1/evaluation/rounds/${roundId}/rubric`, {
      criteria: [
        { key: 'usefulness', labelKo: '활용 가치', labelEn: 'Usefulness', source: 'expert' },
        { key: 'feasibility', labelKo: '구축 용이성', labelEn: 'Feasibility', source: 'expert' },
        { key: 'volume', labelKo: '데이터 규모', labelEn: 'Volume', source: 'auto' },
        { key: 'demand', labelKo: '민간 수요', labelEn: 'Demand', source: 'demand' },
      ],
      weighting: { method: 'direct', weights: { usefulness: 0.4, feasibility: 0.2, volume: 0.2, demand: 0.2 } },
    });
    await call('POST', `/api/v1/evaluation/rounds/${roundId}/candidates`, {
      entries: entries.map((e, i) => ({ entryId: e.id, estimatedCost: COSTS[i]! })),
    });
    const users = (await call<{ items: Array<{ id: string; email: string }> }>('GET', '/api/v1/users')).items;
    const evaluatorId = users.find((u) => u.email === EVALUATOR)!.id;
    assigned = entries.slice(0, 3);
    const result = await call<{ assigned: number; refused: unknown[] }>('POST', `/api/v1/evaluation/rounds/${roundId}/assignments`, {
      items: assigned.map((e) => ({ entryId: e.id, evaluatorId })),
    });
    expect(result).toMatchObject({ assigned: 3, refused: [] });
    await call('POST', `/api/v1/evaluation/rounds/${roundId}/status`, { status: 'scoring' });
  }, 240_000);

  afterAll(async () => {
    await operatorApi?.api.dispose();
  }, 30_000);

  it('lets the evaluator score the assigned entries, blind', async () => {
    const page = await newPage();
    await login(page, EVALUATOR, { next: '/evaluation/my' });
    await page.getByRole('heading', { level: 1, name: ko.my.title }).waitFor();
    const section = page.locator(`[data-my-round="${roundId}"]`);
    await section.getByRole('heading', { name: new RegExp(ROUND_TITLE.replace(/[()]/g, '\\$&')) }).waitFor();
    await section.locator('[data-assignment]').first().waitFor();
    await expect(section.locator('[data-assignment]').count()).resolves.toBe(3);

    for (const [i, entry] of assigned.entries()) {
      const card = section.locator(`[data-assignment="${entry.id}"]`);
      await expect(card.getAttribute('data-status')).resolves.toBe('assigned');
      // A choice per expert criterion: KRDS hides the radios themselves; a person clicks the label.
      const choose = (criterion: string, value: number) =>
        card
          .locator(`[data-criterion="${criterion}"] label`)
          .filter({ hasText: new RegExp(`^${value}\\s`) })
          .click();
      await choose('usefulness', 5 - i);
      await choose('feasibility', 3 + (i % 2));
      await expect(card.locator('[data-criterion="usefulness"]').getByRole('radio', { checked: true }).getAttribute('value')).resolves.toBe(
        String(5 - i),
      );
      await card.getByLabel(ko.my.comment).fill(`시험 의견 ${i + 1}: 활용 분야가 넓습니다.`);
      await card.getByRole('button', { name: ko.my.submit }).click();
      await card.locator('[data-assignment-status="scored"]').waitFor();
      await expect(card.getAttribute('data-status')).resolves.toBe('scored');
    }
    await expect(section.locator('[data-todo]').getAttribute('data-todo')).resolves.toBe('0');
    // Blind: the page never names another evaluator (the demo operator is the only other person here).
    await expect(page.locator('main').textContent()).resolves.not.toContain('김운영');
    await shot(page, 'my');

    // The scores reached the server: the candidates' expert means are there.
    const candidates = await operatorApi.call<{ items: Array<{ entryId: string; expert: Record<string, number | null> }> }>(
      'GET',
      `/api/v1/evaluation/rounds/${roundId}/candidates`,
    );
    for (const entry of assigned) expect(candidates.items.find((c) => c.entryId === entry.id)?.expert.usefulness).not.toBeNull();
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('lets a company state a need in its own words and see it matched', async () => {
    const page = await newPage();
    await login(page, DEMO_CONSUMER.email, { next: '/evaluation' });
    await page.getByRole('heading', { level: 1, name: /평가·선정/ }).waitFor();
    await page.locator(`tr[data-round="${roundId}"]`).getByRole('link', { name: ko.home.stateDemand }).click();
    await page.getByRole('heading', { level: 1, name: ko.demand.title }).waitFor();
    // A company does not see the candidates: it describes the need, and the server matches it.
    await page.getByLabel(ko.demand.need, { exact: true }).fill(`${entries[0]!.title ?? ''} 데이터가 필요합니다`);
    await page.getByLabel(ko.demand.intendedUse, { exact: true }).fill('관광 수요 예측 모델 학습');
    await page.locator('label[for="ev-urgency-high"]').click();
    await page.getByLabel(ko.demand.coInvest, { exact: true }).fill('50000000');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/rounds/${roundId}/demand`) && r.request().method() === 'POST'),
      page.getByRole('button', { name: ko.demand.submit, exact: true }).click(),
    ]);
    expect(response.status()).toBe(201);
    const { matchedEntryIds } = (await response.json()) as { matchedEntryIds: string[] };
    await page.locator('[data-demand-saved]').waitFor();
    await expect(page.locator('[data-match]').count()).resolves.toBe(matchedEntryIds.length);
    await page.locator('[data-my-demand]').first().waitFor();
    await expect(page.locator('[data-my-demand]').first().textContent()).resolves.toContain('관광 수요 예측 모델 학습');
    await shot(page, 'demand');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('lets the operator run the selection and read the report', async () => {
    const page = await newPage();
    await login(page, DEMO_OPERATOR.email, { next: `/evaluation/rounds/${roundId}` });
    await page.getByRole('heading', { level: 1, name: ROUND_TITLE }).waitFor();
    await page.getByRole('tab', { name: ko.tabs.candidates }).click();
    await page.locator('[data-candidate]').first().waitFor();
    await expect(page.locator('[data-candidate]').count()).resolves.toBe(6);

    await page.getByRole('tab', { name: ko.tabs.selection }).click();
    await page.waitForURL((url) => url.searchParams.get('tab') === 'selection');
    await page.locator('label[for="ev-count-max"]').click();
    expect(await page.getByLabel(ko.selection.countModes.max, { exact: true }).isChecked()).toBe(true);
    await page.getByLabel(ko.selection.countN, { exact: true }).fill('3');
    await expect(page.getByLabel(ko.home.budgetKrw, { exact: true }).inputValue()).resolves.toBe('4,000,000,000');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/rounds/${roundId}/selections`) && r.request().method() === 'POST', {
        timeout: 90_000,
      }),
      page.getByRole('button', { name: ko.selection.run }).click(),
    ]);
    expect(response.status()).toBe(201);
    const selection = (await response.json()) as Selection;
    expect(selection.status).toBe('optimal');

    const report = page.locator(`[data-selection="${selection.id}"]`);
    await report.waitFor();
    await expect(report.locator('[data-selection-status]').textContent()).resolves.toBe(ko.selection.status.optimal);
    const selectedRows = report.locator('tr[data-selected="true"]');
    await expect(selectedRows.count()).resolves.toBe(selection.selected.length);
    expect(selection.selected.length).toBeGreaterThan(0);
    expect(selection.selected.length).toBeLessThanOrEqual(3);
    for (const id of selection.selected)
      await expect(report.locator(`tr[data-entry="${id}"]`).getAttribute('data-selected')).resolves.toBe('true');
    await expect(report.locator('tr[data-selected="false"]').count()).resolves.toBe(6 - selection.selected.length);
    // The greedy ranking beside the optimum, with its gap.
    const gap = report.locator('[data-greedy-gap]');
    await expect(gap.getAttribute('data-greedy-gap')).resolves.toBe(
      selection.greedy.gapPercent === null ? '' : String(selection.greedy.gapPercent),
    );
    await expect(gap.textContent()).resolves.toContain('%');
    await shot(page, 'selection');

    // The downloads: one CSV row per candidate, and an XLSX workbook.
    const csvHref = await report.locator('a[data-report="csv"]').getAttribute('href');
    const xlsxHref = await report.locator('a[data-report="xlsx"]').getAttribute('href');
    const csv = await page.request.get(csvHref!);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '');
    expect(lines[0]).toContain('entry_id');
    expect(lines).toHaveLength(1 + entries.length);
    for (const entry of entries) expect(lines.filter((line) => line.startsWith(entry.id))).toHaveLength(1);
    const xlsx = await page.request.get(xlsxHref!);
    expect(xlsx.status()).toBe(200);
    expect(xlsx.headers()['content-disposition']).toContain('.xlsx');
    expect((await xlsx.body()).subarray(0, 2).toString('latin1')).toBe('PK');

    // Recomputed from the stored inputs: identical.
    await report.getByRole('button', { name: ko.selection.rerun }).click();
    await expect(report.locator('[data-rerun-identical]').getAttribute('data-rerun-identical')).resolves.toBe('true');
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('shows the inconsistent AHP judgement and the suggested value', async () => {
    const page = await newPage();
    await login(page, DEMO_OPERATOR.email, { next: `/evaluation/rounds/${roundId}` });
    await page.getByRole('heading', { level: 1, name: ROUND_TITLE }).waitFor();
    await page.locator('[data-rubric-version]').waitFor();
    await page.locator('label[for="ev-method-ahp"]').click();
    const matrix = page.locator('[data-ahp-matrix]');
    await matrix.waitFor();
    // 활용 가치 ≫ 구축 용이성 ≫ 데이터 규모, yet 데이터 규모 ≫ 활용 가치: a circle no weights can honour.
    const judge = (a: string, b: string) => page.getByLabel(`${a} 대 ${b}`, { exact: true });
    await judge('활용 가치', '구축 용이성').selectOption({ label: '9' });
    await judge('구축 용이성', '데이터 규모').selectOption({ label: '9' });
    await judge('활용 가치', '데이터 규모').selectOption({ label: '1/9' });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/rounds/${roundId}/rubric`) && r.request().method() === 'PUT'),
      page.getByRole('button', { name: ko.rubric.save }).click(),
    ]);
    expect(response.status()).toBe(422);
    const alert = page.locator('[data-ahp-rejected]');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(/CR \d/);
    const bad = matrix.locator('td[data-bad="true"]');
    expect(await bad.count()).toBeGreaterThan(0);
    await expect(bad.first().locator('[data-suggested]').textContent()).resolves.toContain(ko.rubric.suggestedShort.split(' ')[0]!);
    await shot(page, 'ahp');
    // The version did not change.
    await expect(page.locator('[data-rubric-version]').getAttribute('data-rubric-version')).resolves.toBe('1');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
