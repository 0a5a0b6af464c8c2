import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, SHOTS } from '../support/chromium.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { persona as demoPersona } from '../support/demo-sign-in.js';

const personaName = (id: string) => demoPersona(id).name;


/** Web Chat and the tab in Debian's Chromium, driven by playwright-core (no browser download). */
describe('In a real browser', function () {
  this.timeout(60_000);
  let browser: Browser;
  let app: RunningAssistant;

  before(async function () {
    browser = await launchChromium(this);
    app = await startAssistant();
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
    await chooseOnProviderLogin(page, persona, locale);
    (page as Page & { problems?: string[] }).problems = problems;
    return page;
  }

  /** Sign in on the page, then pick the persona on the embedded OpenID provider's login page, as a person does. */
  async function chooseOnProviderLogin(page: Page, persona: string, locale = 'en-US'): Promise<void> {
    await page.getByRole('link', { name: locale.startsWith('it') ? 'Accedi' : 'Sign in' }).click();
    await page.getByRole('button', { name: personaName(persona) }).click();
    await page.waitForURL((url) => url.pathname === '/' || url.pathname === '/webchat');
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
    const page = await signIn('persona-reseller-admin');
    await page.getByText('Welcome to the CSP Partner Assistant').first().waitFor();
    // Signed in already: a link opened later starts the chat at once and sends its command.
    await page.goto(`${app.baseUrl}/webchat#say=${encodeURIComponent('find a provider')}`);
    await page.getByRole('button', { name: 'Request to connect' }).first().waitFor();
  });

  it('two people in two browsers: a reseller asks to connect, the provider approves, the reseller gets the consent card', async () => {
    const marco = await signIn('persona-reseller-admin');
    await marco.getByText('Welcome to the CSP Partner Assistant').first().waitFor();
    const anna = await signIn('provider-approver-contoso');
    await anna.getByText('Welcome to the CSP Partner Assistant').first().waitFor();
    await type(marco, 'find a provider contoso');
    await marco.getByText(/^1 provider/).first().waitFor();
    await marco.getByRole('button', { name: 'Request to connect' }).first().click();
    await marco.getByText('was sent to').first().waitFor();
    // Anna's open chat receives the request card by itself (proactive, over the Direct Line stream).
    await anna.getByText('Demo Reseller S.r.l.').first().waitFor();
    await anna.screenshot({ path: join(SHOTS, 'two-browsers-request.png') });
    await anna.getByRole('button', { name: 'Approve' }).last().click();
    await marco.getByText('Authorize indirect provider').first().waitFor();
    await marco.screenshot({ path: join(SHOTS, 'two-browsers-consent.png') });
  });

  it('shows the whole consent statement at phone width: the toggle title wraps instead of being cut off', async () => {
    const marco = await signIn('persona-reseller-admin', 'en-US', 390);
    await marco.getByText('Welcome to the CSP Partner Assistant').first().waitFor();
    const anna = await signIn('provider-approver-contoso');
    await anna.getByText('Welcome to the CSP Partner Assistant').first().waitFor();
    await type(marco, 'find a provider contoso');
    await marco.getByRole('button', { name: 'Request to connect' }).first().click();
    // Asked before (another test) the answer is the consent card itself; else Anna approves first.
    const consent = marco.getByText('I understand and authorize').last();
    const sent = marco.getByText('was sent to').first();
    await Promise.race([consent.waitFor(), sent.waitFor()]);
    if (!(await consent.isVisible())) {
      await anna.getByText('Demo Reseller S.r.l.').first().waitFor();
      await anna.getByRole('button', { name: 'Approve' }).last().click();
      await consent.waitFor();
    }
    await consent.scrollIntoViewIfNeeded();
    const shown = await consent.evaluate((el) => ({ text: (el as HTMLElement).innerText, cut: el.scrollWidth > el.clientWidth + 1, style: getComputedStyle(el).whiteSpace }));
    expect(shown.text).to.include('as described above');
    expect(shown.cut, `white-space: ${shown.style}`).to.equal(false);
    await marco.screenshot({ path: join(SHOTS, 'consent-phone.png') });
  });

  it('a typed tenant, a persona id or a tampered token gets nothing', async () => {
    const page = await browser.newPage();
    await page.goto(app.baseUrl);
    const answers = await page.evaluate(async () => {
      const post = (body: object) => fetch('/api/directline/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.status);
      const noSession = await post({ persona: 'persona-reseller-admin', tenantId: '5d3c8a71-2e4f-4b6a-9c1d-7f8e9a0b1c2d', user: { id: 'a1b2c3d4-0002-4a7e-8b1c-1f2e3d4c5b6a' } });
      const forged = await fetch('/v3/directline/conversations', { method: 'POST', headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' } }).then((r) => r.status);
      return { noSession, forged };
    });
    expect(answers).to.deep.equal({ noSession: 401, forged: 403 });
    // A real token with one character changed stops working too.
    const signedIn = await signIn('persona-reseller-sales');
    await signedIn.getByText('Welcome to the CSP Partner Assistant').first().waitFor();
    const tampered = await signedIn.evaluate(async () => {
      const { token } = await fetch('/api/directline/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.json());
      const changed = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
      return fetch('/v3/directline/conversations', { method: 'POST', headers: { authorization: `Bearer ${changed}` } }).then((r) => r.status);
    });
    expect(tampered).to.equal(403);
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
