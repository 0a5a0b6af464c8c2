import { expect } from 'chai';
import { stripControls } from '../../src/cards/inert-text.js';
import { CardRenderer, MAX_CARD_BYTES } from '../../src/cards/renderer.js';
import { catalogs } from '../../src/i18n/catalog.js';
import { cardsDir } from '../../src/paths.js';
import { rendererProblems, schemaErrors } from '../support/card-schema.js';
import { cardStrings, tagsOf, visibleText, webChatHtml } from '../support/markdown.js';
import { fixtures } from './fixtures.js';

const renderer = new CardRenderer(cardsDir);

/** What people type to make a card lie: links, images, HTML, template expressions, bidi tricks, markdown blocks, sheer size. */
export const HOSTILE: Record<string, string> = {
  link: 'Evil [Verify your account](https://evil.example/login)',
  image: '![logo](https://evil.example/pixel.png) Contoso',
  html: '<img src="https://evil.example/x.png"> <a href="https://evil.example">click</a> <script>alert(1)</script>',
  expressions: '${foo} ${json(\'{"a":1}\')} ${t.common.menu.help} ${$root.t} $ {spaced}',
  autolinks: 'See https://evil.example/login, www.evil.com, evil.com, ftp://evil.example and ceo@evil.com',
  bidi: 'Invoice \u202Efdp.exe\u202C and \u2066isolated\u2069 \u200Fmarked\u0007\u001b[31m',
  blocks: '# Heading\n- item\n+ other\n1. first\n2) second\n> quote\n***bold*** _it_ ~~gone~~ `code`\n[ref]: https://evil.example\n[ref] [ref][]\n---\n| a | b |\n|---|---|',
  entities: '&lt;img src=x&gt; &#91;x&#93;(https://evil.example) &amp; Co',
  escapes: '\\[escaped\\](https://evil.example) <https://evil.example> \\',
  long: '€ [x](https://evil.example/p) '.repeat(350).slice(0, 10 * 1024),
  huge: 'Contoso Distribution '.repeat(5000),
};

/** Keys whose values are not text: URLs the assistant builds, and enums. */
const NOT_TEXT = new Set(['url', 'mailto', 'color', 'globalAdminColor', 'signInUrl', 'csvUrl']);

/** The same view with every string replaced by `text`. */
function hostileView(view: unknown, text: string): unknown {
  if (typeof view === 'string') return text;
  if (Array.isArray(view)) return view.map((v) => hostileView(v, text));
  if (view && typeof view === 'object') {
    return Object.fromEntries(Object.entries(view).map(([k, v]) => [k, NOT_TEXT.has(k) ? v : hostileView(v, text)]));
  }
  return view;
}

/** Every string anywhere in a card, data included. */
function allStrings(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) for (const n of node) allStrings(n, out);
  else if (node && typeof node === 'object') for (const v of Object.values(node)) allStrings(v, out);
  return out;
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Whether `shown` holds `typed` as it was (or its beginning cut with an ellipsis) wherever it starts to show it. */
function isTypedOrCut(shown: string, typed: string): boolean {
  const rest = shown.slice(shown.indexOf(typed.slice(0, 12)));
  if (rest.startsWith(typed)) return true;
  const cut = rest.indexOf('…');
  return cut > 0 && typed.startsWith(rest.slice(0, cut));
}

/** The catalog's own texts (the assistant's words, not user text), as templates show them. */
const CATALOG_TEXTS = new Set(allStrings(catalogs.en));

describe('User text on cards', () => {
  for (const [kind, typed] of Object.entries(HOSTILE)) {
    describe(`with ${kind} text in every field`, () => {
      const clean = stripControls(typed);
      for (const name of renderer.names()) {
        it(`${name} shows it inert, valid and within the size limit`, () => {
          for (const view of fixtures[name] ?? []) {
            // Teams cards are the bigger ones (each action has its fallback); the 100 KB case runs there alone, to keep the suite quick.
            for (const channel of kind === 'huge' ? (['msteams'] as const) : (['msteams', 'other'] as const)) {
              const card = renderer.render(name, hostileView(view, typed) as object, { locale: 'en', channel });
              const json = JSON.stringify(card);
              expect(schemaErrors(card), 'schema errors').to.deep.equal([]);
              expect(rendererProblems(card), 'what the Adaptive Cards renderer refuses').to.deep.equal([]);
              expect(Buffer.byteLength(json), 'bytes').to.be.below(MAX_CARD_BYTES);
              for (const s of allStrings(card)) {
                expect(s, 'control characters').to.not.match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ue000\ue001]/);
                // A literal `${` may stay only where the text shows as typed (an input's value, action data).
                expect(s.split(clean).join(''), 'a `${` that is not the typed text').to.not.include('${');
              }
              for (const { text, markdown, where } of cardStrings(card)) {
                if (markdown && !CATALOG_TEXTS.has(text)) {
                  const tags = tagsOf(webChatHtml(text));
                  expect(tags.filter((t) => t !== 'p' && t !== 'br'), `markup from ${where}: ${text.slice(0, 120)}`).to.deep.equal([]);
                  const shown = visibleText(text);
                  if (shown.includes(collapse(clean).slice(0, 12))) {
                    expect(isTypedOrCut(shown, collapse(clean)), `${where} shows the text as typed: ${shown.slice(0, 120)}`).to.equal(true);
                  }
                } else if (!markdown && text.includes(clean.slice(0, 12))) {
                  expect(isTypedOrCut(text, clean), `${where} shows the text as typed, without escapes: ${text.slice(0, 120)}`).to.equal(true);
                }
              }
            }
          }
        });
      }
    });
  }

  it('leaves template expressions in user text unevaluated', () => {
    const card = renderer.render('provider-notice', { title: '${t.common.menu.help}', body: "${json('x')}", buttonTitle: '${buttonTitle}', verb: '${verb}' }, { locale: 'en', channel: 'other' });
    const body = card.body as { text: string }[];
    expect(visibleText(body[0].text)).to.equal('${t.common.menu.help}');
    expect(visibleText(body[1].text)).to.equal("${json('x')}");
    const action = (card.actions as { title: string; data: { verb: string } }[])[0];
    expect(action.title).to.equal('${buttonTitle}');
    expect(action.data.verb).to.equal('${verb}');
  });

  it('shows the assistant\'s own markdown as written when it is marked trusted', async () => {
    const { trusted } = await import('../../src/cards/renderer.js');
    const card = renderer.render('provider-notice', { title: trusted('**Authorize indirect provider**'), body: '**not bold**', buttonTitle: 'Go', verb: 'x' }, { locale: 'en', channel: 'other' });
    const body = card.body as { text: string }[];
    expect(tagsOf(webChatHtml(body[0].text))).to.include('strong');
    expect(tagsOf(webChatHtml(body[1].text))).to.not.include('strong');
    expect(visibleText(body[1].text)).to.equal('**not bold**');
  });

  it('cuts the longest texts first, with an ellipsis, only when a card would be too big', () => {
    const short = renderer.render('provider-list', { title: 'Providers', empty: false, emptyText: '', items: [{ linkId: 'p|r', name: 'N'.repeat(5000), detail: 'Since today', authorized: true, waiting: false }] }, { locale: 'en', channel: 'other' });
    expect(JSON.stringify(short)).to.include('N'.repeat(5000));
    const items = Array.from({ length: 10 }, (_, i) => ({ linkId: `p|r${i}`, name: `${i}${'N'.repeat(5000)}`, detail: 'Since today', authorized: true, waiting: false }));
    const long = renderer.render('provider-list', { title: 'Providers', empty: false, emptyText: '', items }, { locale: 'en', channel: 'other' });
    const json = JSON.stringify(long);
    expect(Buffer.byteLength(json)).to.be.below(MAX_CARD_BYTES);
    expect(json).to.include('Since today');
    expect(json).to.match(/9N+…/);
    // Ids in action data are never cut.
    for (let i = 0; i < 10; i++) expect(json).to.include(`"linkId":"p|r${i}"`);
  });
});
