/**
 * The web app in a real browser against the real server: Korean by default, English on request
 * (and remembered), sign-in and sign-out, a wrong password explained, protected pages sent to the
 * login and back. Screenshots go to test-results/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_OPERATOR, REPO_ROOT, useBrowserSuite } from '../support/browser.js';

interface Messages {
  header: { login: string; logout: string; switchTo: string; mainNav: string };
  home: { title: string; welcome: string };
  login: { title: string; email: string; password: string; submit: string; wrongCredentials: string };
  modules: Record<string, { full: string }>;
  module: { comingSoonTitle: string };
}
const messages = (lang: 'ko' | 'en') =>
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'web', 'src', 'i18n', `${lang}.json`), 'utf8')) as Messages;
const ko = messages('ko');
const en = messages('en');

describe('web app in chromium', () => {
  const suite = useBrowserSuite({ screenshotPrefix: 'web' });
  const { newPage, shot, pageErrors } = suite;

  async function signIn(page: Page, password: string) {
    await page.getByLabel(ko.login.email, { exact: true }).fill(DEMO_OPERATOR.email);
    await page.getByLabel(ko.login.password, { exact: true }).fill(password);
    const response = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
    await page.getByRole('button', { name: ko.login.submit, exact: true }).click();
    return response;
  }

  const heading = (page: Page) => page.getByRole('heading', { level: 1 });

  it('signs in, shows the home page in Korean, switches to English for good, and signs out', async () => {
    const page = await newPage();
    await page.goto('/');
    expect(await page.locator('html').getAttribute('lang')).toBe('ko');
    await heading(page).filter({ hasText: ko.home.title }).waitFor();

    await page.locator('#krds-header').getByRole('link', { name: ko.header.login, exact: true }).click();
    await page.waitForURL(/\/login$/);
    await heading(page).filter({ hasText: ko.login.title }).waitFor();

    const response = await signIn(page, DEMO_OPERATOR.password);
    expect(response.status()).toBe(200);
    const { user } = (await response.json()) as { user: { displayName: string } };
    await page.waitForURL(`${suite.server.url}/`);
    await heading(page).filter({ hasText: ko.home.title }).waitFor();
    expect(await heading(page).textContent()).toMatch(/[가-힣]/);
    await page.getByText(ko.home.welcome.replace('{{name}}', user.displayName)).waitFor();
    await shot(page, 'home-ko');

    await page.getByRole('button', { name: ko.header.switchTo }).click();
    await heading(page).filter({ hasText: en.home.title }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByText(en.home.welcome.replace('{{name}}', user.displayName)).waitFor();

    await page.reload();
    await heading(page).filter({ hasText: en.home.title }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await shot(page, 'home-en');

    await page.getByRole('button', { name: en.header.logout, exact: true }).click();
    await page.waitForURL(/\/login$/);
    await heading(page).filter({ hasText: en.login.title }).waitFor();
    expect((await page.request.get('/api/v1/auth/me')).status()).toBe(401);
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('explains a wrong password next to the form', async () => {
    const page = await newPage();
    await page.goto('/login');
    const response = await signIn(page, 'not-the-password');
    expect(response.status()).toBe(401);
    const { detail } = (await response.json()) as { detail?: string };
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: ko.login.wrongCredentials }).waitFor();
    if (detail) expect(await alert.textContent()).toContain(detail);
    expect(new URL(page.url()).pathname).toBe('/login');
    await shot(page, 'login-error');
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('sends a visitor of a module page to the login and back, to an honest "coming soon"', async () => {
    const page = await newPage();
    await page.goto('/vouchers');
    await page.waitForURL(/\/login\?redirect=%2Fvouchers$/);
    const response = await signIn(page, DEMO_OPERATOR.password);
    expect(response.status()).toBe(200);
    await page.waitForURL(`${suite.server.url}/vouchers`);
    await heading(page).filter({ hasText: ko.modules.vouchers!.full }).waitFor();
    await page.getByRole('heading', { name: ko.module.comingSoonTitle }).waitFor();
    // The main menu reaches every module with the keyboard alone (and, for an operator, harvesting).
    const nav = page.getByRole('navigation', { name: ko.header.mainNav });
    expect(await nav.getByRole('link').count()).toBe(11);
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
