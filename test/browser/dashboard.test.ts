import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, SHOTS } from '../support/chromium.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { persona } from '../support/demo-sign-in.js';
import { FakeConnector } from '../support/fake-connector.js';
import { SEEDED, seedPipeline } from '../support/pipeline.js';


/** What a chart offers assistive technology and the eye, read in the page. */
interface ChartView {
  id: string;
  name: string;
  svgName: string;
  svgTitle: string;
  drawn: number[];
  listed: number[];
  listText: string[];
}

/** The Dashboard tab's charts in Debian's Chromium, driven by playwright-core, in each Teams theme and at phone width. */
describe('Dashboard charts in a real browser', function () {
  this.timeout(90_000);
  let browser: Browser;
  let app: RunningAssistant;
  let connector: FakeConnector;
  let offset = 0;

  before(async function () {
    browser = await launchChromium(this);
    connector = new FakeConnector();
    await connector.start();
    const marco = persona('persona-reseller-admin');
    const luca = persona('persona-reviewer');
    app = await startAssistant({ REVIEWER_IDS: luca.oid }, { clock: { now: () => new Date(Date.now() - offset) } });
    await seedPipeline(app, {
      reseller: { tenantId: marco.tid, adminId: marco.oid, adminName: marco.name },
      approverId: persona('provider-approver-contoso').oid,
      serviceUrl: connector.serviceUrl,
      travel: (ms) => (offset = ms),
    });
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    await connector?.stop();
  });

  /** Opens the demo dashboard outside Teams as a persona, in a theme and language, at a width. */
  async function open(personaId: string, options: { theme?: string; locale?: string; width?: number } = {}): Promise<Page & { problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: options.width ?? 1000, height: 900 }, locale: options.locale === 'it' ? 'it-IT' : 'en-US' });
    const page = (await context.newPage()) as Page & { problems: string[] };
    page.problems = [];
    page.on('pageerror', (error) => page.problems.push(error.message));
    page.on('console', (message) => {
      // Teams JS looks up its list of valid domains on Microsoft's CDN, which the page's CSP keeps out; outside Teams that changes nothing.
      const teamsJsDomainList = /validDomains/.test(message.text());
      if (message.type() === 'error' && /Content Security Policy|Refused/.test(message.text()) && !teamsJsDomainList) page.problems.push(message.text());
    });
    const query = new URLSearchParams({ ...(options.theme ? { theme: options.theme } : {}), ...(options.locale ? { locale: options.locale } : {}) });
    await page.goto(`${app.baseUrl}/tab?${query}`);
    await page.locator('#persona').selectOption(personaId);
    await page.locator('#demo button[type=submit]').click();
    await page.locator('figure.chart svg').first().waitFor();
    return page;
  }

  /** Every chart's accessible name (aria-labelledby), its SVG's text alternative, the numbers drawn on it and those in its data list. */
  function charts(page: Page): Promise<ChartView[]> {
    return page.$$eval('figure.chart', (figures) =>
      figures.map((f) => {
        const svg = f.querySelector('svg')!;
        const byId = (ids: string | null) => (ids ?? '').split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim();
        return {
          id: f.id,
          name: byId(f.getAttribute('aria-labelledby')),
          svgName: svg.getAttribute('aria-label') ?? '',
          svgTitle: svg.querySelector('title')?.textContent ?? '',
          drawn: Array.from(svg.querySelectorAll('text.value')).map((t) => Number(t.textContent)),
          listed: Array.from(document.getElementById(f.getAttribute('aria-describedby') ?? '')?.querySelectorAll('li') ?? []).map((li) => Number(li.getAttribute('data-value'))),
          listText: Array.from(document.getElementById(f.getAttribute('aria-describedby') ?? '')?.querySelectorAll('li') ?? []).map((li) => li.textContent ?? ''),
        };
      }),
    );
  }

  /** Text or boxes that stick out of the page, or SVG text that sticks out of its chart. */
  function overflows(page: Page): Promise<string[]> {
    return page.evaluate(() => {
      const found: string[] = [];
      const width = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth > width) found.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
      for (const el of Array.from(document.querySelectorAll('main *'))) {
        const box = el.getBoundingClientRect();
        if (box.width > 1 && (box.right > width + 0.5 || box.left < -0.5)) found.push(`${el.tagName}#${el.id}.${el.getAttribute('class')} ${box.left}–${box.right}`);
      }
      for (const svg of Array.from(document.querySelectorAll('figure.chart svg'))) {
        const frame = svg.getBoundingClientRect();
        for (const text of Array.from(svg.querySelectorAll('text'))) {
          const box = text.getBoundingClientRect();
          if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5 || box.top < frame.top - 0.5 || box.bottom > frame.bottom + 0.5) {
            found.push(`"${text.textContent}" leaves its chart: ${JSON.stringify([box.left, box.right, box.top, box.bottom])} in ${JSON.stringify([frame.left, frame.right, frame.top, frame.bottom])}`);
          }
        }
      }
      return found;
    });
  }

  const themes = [
    ['light', undefined],
    ['dark', 'dark'],
    ['contrast', 'contrast'],
  ] as const;
  for (const [name, theme] of themes) {
    it(`draws the provider's charts in the ${name} theme with names, text alternatives and data lists that hold the drawn numbers`, async () => {
      const page = await open('provider-approver-contoso', { theme });
      expect(await page.evaluate(() => document.body.className)).to.equal(theme ?? '');
      const seen = await charts(page);
      expect(seen.map((c) => c.id)).to.deep.equal(['chart-relationships', 'chart-requests-by-age', 'chart-shared-customers']);
      expect(seen[0].name).to.equal('Resellers by relationship state');
      expect(seen[0].drawn).to.deep.equal(SEEDED.provider.relationships);
      expect(seen[1].drawn).to.deep.equal(SEEDED.provider.requestsByAge);
      expect(seen[2].drawn.slice(-2)).to.deep.equal(SEEDED.provider.sharedLastTwoMonths);
      for (const chart of seen) {
        expect(chart.name, chart.id).to.not.equal('');
        expect(chart.listed, chart.id).to.deep.equal(chart.drawn);
        expect(chart.svgTitle, chart.id).to.equal(chart.svgName);
        for (const line of chart.listText) expect(chart.svgName, chart.id).to.include(line.replace(': ', ' '));
      }
      expect(seen[0].listText).to.deep.equal(['Requested: 3', 'Waiting for authorization: 1', 'Authorized: 1', 'Ended: 1']);
      expect(await page.locator('#summary li').allTextContents()).to.deep.equal(['3 resellers waiting for your decision', '1 indirect reseller authorized you']);
      // The bars take their colour from the theme's variables.
      const colours = await page.evaluate(() => ({
        bar: getComputedStyle(document.querySelector('.plot .bar')!).fill,
        variable: getComputedStyle(document.body).getPropertyValue('--bar').trim(),
      }));
      expect(colours.bar).to.equal(await page.evaluate((hex) => {
        const probe = document.createElement('span');
        probe.style.color = hex;
        document.body.appendChild(probe);
        const rgb = getComputedStyle(probe).color;
        probe.remove();
        return rgb;
      }, colours.variable));
      await page.screenshot({ path: join(SHOTS, `dashboard-${name}.png`), fullPage: true });
      expect(await overflows(page)).to.deep.equal([]);
      expect(page.problems).to.deep.equal([]);
      await page.context().close();
    });
  }

  it('reaches every chart with Tab, with a visible focus outline', async () => {
    const page = await open('provider-approver-contoso');
    const ids = await page.$$eval('figure.chart', (figures) => figures.map((f) => f.id));
    const reached: string[] = [];
    for (let i = 0; i < 12 && reached.length < ids.length; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return { id: el.id, tag: el.tagName, outline: getComputedStyle(el).outlineStyle, width: getComputedStyle(el).outlineWidth };
      });
      if (focused.tag === 'FIGURE') {
        reached.push(focused.id);
        expect(focused.outline, focused.id).to.equal('solid');
        expect(parseFloat(focused.width), focused.id).to.be.at.least(2);
      }
    }
    expect(reached).to.deep.equal(ids);
    await page.screenshot({ path: join(SHOTS, 'dashboard-focus.png') });
    await page.context().close();
  });

  it("shows a reseller's and a reviewer's charts from the same data", async () => {
    const reseller = await open('persona-reseller-admin');
    const mine = await charts(reseller);
    expect(mine.map((c) => c.drawn)).to.deep.equal([SEEDED.reseller.providers, SEEDED.reseller.invitations, [0, 0, 0, 0, ...SEEDED.reseller.customersLastTwoMonths]]);
    for (const chart of mine) expect(chart.listed, chart.id).to.deep.equal(chart.drawn);
    await reseller.screenshot({ path: join(SHOTS, 'dashboard-reseller.png'), fullPage: true });
    await reseller.context().close();
    const reviewer = await open('persona-reviewer', { theme: 'dark' });
    const queue = await charts(reviewer);
    expect(queue.map((c) => [c.name, c.drawn])).to.deep.equal([['Applications under review, by age', SEEDED.reviews]]);
    await reviewer.context().close();
  });

  it('fits a 390 px phone in Italian: nothing overflows, the months are Italian', async () => {
    const page = await open('provider-approver-contoso', { locale: 'it', width: 390 });
    const seen = await charts(page);
    expect(seen[0].name).to.equal('Rivenditori per stato della relazione');
    expect(seen[0].listText[1]).to.equal('In attesa di autorizzazione: 1');
    expect(seen[2].listText.at(-1)).to.match(/^[a-z]+ \d{4}: 1$/);
    await page.screenshot({ path: join(SHOTS, 'dashboard-phone-it.png'), fullPage: true });
    expect(await overflows(page)).to.deep.equal([]);
    const reseller = await open('persona-reseller-admin', { locale: 'it', width: 390, theme: 'contrast' });
    await reseller.screenshot({ path: join(SHOTS, 'dashboard-phone-it-reseller-contrast.png'), fullPage: true });
    expect(await overflows(reseller)).to.deep.equal([]);
    expect([...page.problems, ...reseller.problems]).to.deep.equal([]);
    await page.context().close();
    await reseller.context().close();
  });
});
