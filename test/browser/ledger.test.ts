/**
 * The usage record (issue 9) in a real browser against the real server. Set up through the API as
 * the demo steward of NIA: a refinery dataset, a small CSV uploaded by tus, its version ready, and
 * an open release that needs an account. The company (한강에이아이) accepts the licence and
 * downloads the data file twice through the API (each a usage event); the operator signs a tree
 * head. Then in Chromium: the steward sees the company with the exact bytes and a monthly chart,
 * and the CSV link answers with that row; the company sees the dataset with the same bytes and
 * verifies an event's inclusion from its canonical bytes; an anonymous visitor sees the signed head,
 * the public key and the command, and verifies the same event from the proof's leaf hash; the
 * operator groups everything by dataset. The page's RFC 9162 verifier (web/src/pages/ledger/verify.ts)
 * is also checked here against the server's proof and tampered copies of it.
 * Screenshots go to test-results/ledger-*.png.
 */
import { type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ko } from '../../web/src/pages/ledger/strings.js';
import { fromBase64, leafHashHex, verifyInclusion } from '../../web/src/pages/ledger/verify.js';
import { apiAs, DEMO_CONSUMER, DEMO_OPERATOR, DEMO_STEWARD, login, publishRelease, useBrowserSuite } from '../support/browser.js';
import type { ApiClient, PublishedRelease, ReleaseFile } from '../support/browser.js';

const TITLE = '지역별 관광객 통계 (이용 기록 시험)';
const DOWNLOADS = 2;

interface TreeHead {
  treeSize: number;
  rootHash: string;
  keyId: string;
}
interface InclusionProof {
  seq: number;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  auditPath: string[];
  treeHead: TreeHead | null;
}
interface LedgerEvent {
  seq: number;
  canonical: string;
  leafHash: string;
  event: { dataset_id: string; org_id: string | null; quantity: number; unit: string };
}

describe('the usage record in chromium', () => {
  const suite = useBrowserSuite({ screenshotPrefix: 'ledger', width: 1400, locale: 'ko-KR', pageTimeout: 20_000 });
  const { newPage, shot, pageErrors } = suite;
  let steward: ApiClient;
  let company: ApiClient;
  let operator: ApiClient;
  let release: PublishedRelease;
  let dataFile: ReleaseFile;
  let companyOrgId: string;
  let expectedBytes: number;
  let head: TreeHead;
  let seq: number;

  beforeAll(async () => {
    steward = await apiAs(suite.server.url, DEMO_STEWARD.email);
    company = await apiAs(suite.server.url, DEMO_CONSUMER.email);
    operator = await apiAs(suite.server.url, DEMO_OPERATOR.email);
    companyOrgId = company.memberships.find((m) => m.orgKind === 'company')!.orgId;

    release = await publishRelease(steward, {
      title: TITLE,
      release: { semver: '1.0.0', tier: 'open', accountRequired: true, licence: 'CC-BY-4.0' },
    });
    dataFile = release.files.find((f) => f.path.startsWith('data/'))!;
    expect(dataFile).toBeDefined();

    // The company accepts the licence and downloads the data file: each complete download is a usage event.
    await company.call('POST', `/api/v1/releases/${release.id}/accept-licence`);
    for (let i = 0; i < DOWNLOADS; i++) {
      const reply = await company.api.get(`/api/v1/releases/${release.id}/files/${dataFile.path}`);
      expect(reply.status()).toBe(200);
      expect((await reply.body()).length).toBe(dataFile.size);
    }
    expectedBytes = DOWNLOADS * dataFile.size;

    // The event is recorded once the response has finished: wait until the steward's aggregate has both.
    const until = Date.now() + 20_000;
    for (;;) {
      const usage = await steward.call<{ rows: Array<{ key: string | null; unit: string; quantity: number; events: number }> }>(
        'GET',
        '/api/v1/ledger/usage?groupBy=org&side=provider',
      );
      const row = usage.rows.find((r) => r.key === companyOrgId && r.unit === 'bytes');
      if (row?.events === DOWNLOADS) {
        expect(row.quantity).toBe(expectedBytes);
        break;
      }
      if (Date.now() > until) throw new Error(`usage not recorded in 20 s: ${JSON.stringify(usage.rows)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    // The operator integrates and signs a head now (the job would within a minute).
    head = await operator.call<TreeHead>('POST', '/api/v1/ledger/tree-heads', {});
    expect(head.treeSize).toBeGreaterThanOrEqual(DOWNLOADS);
    // Our first download's event: the operator may read every event.
    for (let s = 1; s <= head.treeSize + 50; s++) {
      const reply = await operator.api.get(`/api/v1/ledger/events/${s}`);
      if (!reply.ok()) continue;
      const event = (await reply.json()) as LedgerEvent;
      if (event.event.dataset_id === release.datasetId) {
        seq = s;
        break;
      }
    }
    expect(seq).toBeGreaterThan(0);
  }, 240_000);

  afterAll(async () => {
    await steward?.api.dispose();
    await company?.api.dispose();
    await operator?.api.dispose();
  }, 30_000);

  /** Enters `seq` in the inclusion check and waits for the verdict. */
  async function checkInclusion(page: Page, eventSeq: number) {
    await page.getByLabel(ko.check.seq, { exact: true }).fill(String(eventSeq));
    await page.getByRole('button', { name: ko.check.submit, exact: true }).click();
    const result = page.locator(`.dd-led-result[data-seq="${eventSeq}"]`);
    await result.waitFor();
    return result;
  }

  it("verifies the server's inclusion proof with the page's RFC 9162 verifier, and rejects tampered ones", async () => {
    const proof = (await (await operator.api.get(`/api/v1/ledger/proofs/inclusion?seq=${seq}`)).json()) as InclusionProof;
    const event = await operator.call<LedgerEvent>('GET', `/api/v1/ledger/events/${seq}`);
    expect(proof.treeHead?.rootHash).toBe(head.rootHash);
    // RFC 9162 §2.1.1: the leaf of the empty entry, and the event's leaf from its canonical bytes.
    await expect(leafHashHex(new Uint8Array())).resolves.toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    await expect(leafHashHex(fromBase64(event.canonical))).resolves.toBe(proof.leafHash);
    expect(event.leafHash).toBe(proof.leafHash);

    const input = {
      leafIndex: proof.leafIndex,
      treeSize: proof.treeSize,
      leafHash: proof.leafHash,
      auditPath: proof.auditPath,
      rootHash: head.rootHash,
    };
    await expect(verifyInclusion(input)).resolves.toEqual({ ok: true, root: head.rootHash });
    const flipped = (hex: string) => `${hex[0] === '0' ? '1' : '0'}${hex.slice(1)}`;
    await expect(verifyInclusion({ ...input, leafHash: flipped(input.leafHash) })).resolves.toMatchObject({
      ok: false,
      reason: 'root-mismatch',
    });
    await expect(verifyInclusion({ ...input, rootHash: flipped(input.rootHash) })).resolves.toMatchObject({
      ok: false,
      reason: 'root-mismatch',
    });
    await expect(verifyInclusion({ ...input, leafIndex: input.treeSize })).resolves.toMatchObject({
      ok: false,
      reason: 'index-out-of-range',
    });
    await expect(verifyInclusion({ ...input, auditPath: [...input.auditPath, input.leafHash] })).resolves.toMatchObject({ ok: false });
    await expect(verifyInclusion({ ...input, auditPath: ['xyz'] })).resolves.toMatchObject({ ok: false, reason: 'bad-hash' });
    if (input.auditPath.length > 0) {
      await expect(verifyInclusion({ ...input, auditPath: input.auditPath.slice(1) })).resolves.toMatchObject({ ok: false });
    }
  });

  it('shows the agency steward who used its data: the company with the exact bytes, a chart, and the CSV', async () => {
    const page = await newPage();
    await login(page, DEMO_STEWARD.email, { next: '/ledger' });
    await page.getByRole('heading', { level: 1, name: new RegExp(ko.title) }).waitFor();
    const panel = page.locator('[data-panel="provider"]');
    await expect(page.getByRole('tab', { selected: true }).getAttribute('data-tab')).resolves.toBe('provider');

    const orgRow = panel.locator(`[data-table="org"] tr[data-key="${companyOrgId}"][data-unit="bytes"]`);
    await orgRow.waitFor();
    await expect(orgRow.getAttribute('data-quantity')).resolves.toBe(String(expectedBytes));
    await expect(orgRow.getAttribute('data-events')).resolves.toBe(String(DOWNLOADS));
    await expect(orgRow.textContent()).resolves.toContain('한강에이아이');
    await expect(orgRow.textContent()).resolves.toContain(expectedBytes.toLocaleString('ko-KR'));
    await expect(orgRow.textContent()).resolves.toContain(`${ko.units.bytes} ${ko.unitsOther.bytes}`);

    const datasetRow = panel.locator(`[data-table="dataset"] tr[data-key="${release.datasetId}"][data-unit="bytes"]`);
    await datasetRow.waitFor();
    await expect(datasetRow.textContent()).resolves.toContain(TITLE);
    await expect(datasetRow.getAttribute('data-quantity')).resolves.toBe(String(expectedBytes));

    // The monthly chart is drawn (an svg with a bar) in its container.
    const chart = panel.locator('[data-chart="month"][data-chart-unit="bytes"]');
    await chart.locator('svg.recharts-surface').first().waitFor();
    await chart.locator('.recharts-bar-rectangle').first().waitFor();
    await expect(panel.locator('[data-total="bytes"]').getAttribute('data-quantity')).resolves.toBe(String(expectedBytes));

    // The CSV link, with the same filters, answers with the company's row.
    const href = await panel.locator('a[data-csv="org"]').getAttribute('href');
    expect(href).toContain('side=provider');
    expect(href).toContain('groupBy=org');
    const csv = await page.request.get(href!);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    const lines = (await csv.text()).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('org,name,unit,quantity,events');
    expect(lines.some((line) => line.startsWith(`${companyOrgId},`) && line.endsWith(`,bytes,${expectedBytes},${DOWNLOADS}`))).toBe(true);

    // A period that ends before the downloads has nothing in it.
    await panel.getByLabel(ko.filter.to, { exact: true }).fill('2020-01-31');
    await panel.getByRole('button', { name: ko.filter.apply }).click();
    await panel.locator('[data-table="org"]').getByText(ko.table.empty).waitFor();
    expect(await panel.locator('a[data-csv="org"]').getAttribute('href')).toContain('to=');
    await panel.getByRole('button', { name: ko.filter.reset }).click();
    await orgRow.waitFor();
    await shot(page, 'provider');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('shows the company what it used, and verifies its own event from the canonical bytes', async () => {
    const page = await newPage();
    await login(page, DEMO_CONSUMER.email, { next: '/ledger' });
    const panel = page.locator('[data-panel="consumer"]');
    const datasetRow = panel.locator(`[data-table="dataset"] tr[data-key="${release.datasetId}"][data-unit="bytes"]`);
    await datasetRow.waitFor();
    await expect(datasetRow.getAttribute('data-quantity')).resolves.toBe(String(expectedBytes));
    // The dataset's title is looked up after the usage rows arrive.
    await datasetRow.filter({ hasText: TITLE }).waitFor();
    await expect(datasetRow.textContent()).resolves.toContain(expectedBytes.toLocaleString('ko-KR'));
    const month = new Date().toISOString().slice(0, 7);
    await panel.locator(`[data-table="month"] tr[data-key="${month}"][data-quantity="${expectedBytes}"]`).waitFor();
    await panel.locator('[data-chart="month"] svg.recharts-surface').first().waitFor();
    expect(await panel.locator('a[data-csv="dataset"]').getAttribute('href')).toContain('side=consumer');
    await shot(page, 'consumer');

    await page.getByRole('tab', { name: new RegExp(ko.tabs.public) }).click();
    const result = await checkInclusion(page, seq);
    await expect(result.getAttribute('data-verify')).resolves.toBe('ok');
    await expect(result.locator('[data-leaf-source]').getAttribute('data-leaf-source')).resolves.toBe('event');
    await expect(result.textContent()).resolves.toContain(ko.check.ok);
    await expect(result.locator(`[data-event="${seq}"]`).textContent()).resolves.toContain(String(dataFile.size));
    await shot(page, 'consumer-verified');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('lets anyone see the signed head and the key, and verify an event from the proof alone', async () => {
    const page = await newPage();
    await page.goto('/ledger');
    await page.locator('[data-panel="public"]').waitFor();
    await expect(page.getByRole('tab').count()).resolves.toBe(1);
    await page.locator(`[data-tree-size="${head.treeSize}"]`).waitFor();
    await expect(page.locator('[data-section="tree-head"] [data-field="rootHash"]').textContent()).resolves.toBe(head.rootHash);
    await expect(page.locator('[data-section="tree-head"] [data-field="keyId"]').textContent()).resolves.toBe(head.keyId);
    await expect(page.locator('[data-pem]').textContent()).resolves.toContain('-----BEGIN PUBLIC KEY-----');
    await expect(page.locator('[data-command]').textContent()).resolves.toBe('datadam ledger verify --public-key key.pem --json');

    const result = await checkInclusion(page, seq);
    await expect(result.getAttribute('data-verify')).resolves.toBe('ok');
    await expect(result.locator('[data-leaf-source]').getAttribute('data-leaf-source')).resolves.toBe('proof');
    await expect(result.textContent()).resolves.toContain(head.rootHash);
    await shot(page, 'public-verified');

    // An event that is not in the log: the server's answer, not a verdict.
    await page.getByLabel(ko.check.seq, { exact: true }).fill('999999');
    await page.getByRole('button', { name: ko.check.submit, exact: true }).click();
    await page.locator('[data-section="inclusion"] [role="alert"]').waitFor();
    await expect(page.locator('.dd-led-result').count()).resolves.toBe(0);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('lets the operator see all use, grouped by dataset', async () => {
    const page = await newPage();
    await login(page, DEMO_OPERATOR.email, { next: '/ledger' });
    const panel = page.locator('[data-panel="all"]');
    await panel.getByLabel(ko.filter.groupBy, { exact: true }).selectOption('dataset');
    const row = panel.locator(`[data-table="dataset"] tr[data-key="${release.datasetId}"][data-unit="bytes"]`);
    await row.waitFor();
    await expect(row.getAttribute('data-quantity')).resolves.toBe(String(expectedBytes));
    await shot(page, 'operator');
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
