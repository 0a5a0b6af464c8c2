import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../src/paths.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(projectRoot, 'test-results');

/** Web Chat and the tab in Debian's Chromium, driven by playwright-core (no browser download). */
describe('In a real browser', function () {
  this.timeout(60_000);
  let browser: Browser;
  let app: RunningAssistant;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      const reason = `${CHROMIUM} is missing (apt-get install chromium)`;
      if (process.env.CI === 'true') throw new Error(`${reason}; CI must install it`);
      console.warn(`      skipped: ${reason}`);
      this.skip();
    }
    mkdirSync(SHOTS, { recursive: true });
    app = await startAssistant();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function signIn(persona: string, locale = 'en-US', width = 1000): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused/.test(message.text())) problems.push(message.text());
    });
    await page.goto(app.baseUrl);
    await page.selectOption('#persona', persona);
    await page.getByRole('button', { name: locale.startsWith('it') ? 'Inizia la chat' : 'Start chatting' }).click();
    (page as Page & { problems?: string[] }).problems = problems;
    return page;
  }

  async function type(page: Page, text: string): Promise<void> {
    const box = page.locator('[data-id="webchat-sendbox-input"]');
    await box.fill(text);
    await box.press('Enter');
  }

  it('signs in as a demo reseller, answers "help", and follows a card button', async () => {
    const page = await signIn('persona-new-reseller');
    await page.getByText('Welcome to the CSP Partner Assistant').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'webchat-welcome.png') });
    await type(page, 'help');
    await page.getByText('What I can do').first().waitFor();
    await page.locator('button.ac-pushButton', { hasText: 'Help' }).last().click();
    await page.waitForFunction(() => document.body.innerText.split('What I can do').length > 2);
    await page.screenshot({ path: join(SHOTS, 'webchat-help.png') });
    expect((page as Page & { problems?: string[] }).problems).to.deep.equal([]);
  });

  it('starts each journey: enroll, find a provider, invite a customer', async () => {
    const newcomer = await signIn('persona-new-reseller');
    await type(newcomer, 'enroll');
    await newcomer.getByText('Is your organization already enrolled').waitFor();
    await newcomer.locator('button.ac-pushButton', { hasText: 'No, we are new to CSP' }).last().click();
    await newcomer.getByText('Before you begin').waitFor();
    await newcomer.screenshot({ path: join(SHOTS, 'journey-enroll.png') });

    const admin = await signIn('persona-reseller-admin');
    await type(admin, 'find a provider');
    await admin.getByText('Find an indirect provider').first().waitFor();
    await admin.getByRole('button', { name: 'Request to connect' }).first().waitFor();
    await admin.screenshot({ path: join(SHOTS, 'journey-provider.png') });
    await type(admin, 'invite customer');
    await admin.getByText("Customer's company name").waitFor();
    await admin.screenshot({ path: join(SHOTS, 'journey-customer.png') });
  });

  it('opens a link that carries a command, and sends it once connected', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/#say=${encodeURIComponent('find a provider')}`);
    await page.selectOption('#persona', 'persona-reseller-admin');
    await page.getByRole('button', { name: 'Start chatting' }).click();
    await page.getByRole('button', { name: 'Request to connect' }).first().waitFor();
  });

  it('fits a phone-width screen, in Italian', async () => {
    const page = await signIn('persona-reseller-sales', 'it-IT', 390);
    await page.getByText('Cosa vuoi fare?').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).to.be.at.most(0);
    await page.screenshot({ path: join(SHOTS, 'webchat-phone-it.png') });
  });

  it('the Dashboard tab outside Teams says to open it in Teams, and the demo view works', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.baseUrl}/tab`);
    await page.getByText('This dashboard runs inside Microsoft Teams').waitFor();
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('Enrollment', { exact: true }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'tab-outside-teams.png') });
  });
});
