import { readFileSync } from 'node:fs';
import { serialize } from 'node:v8';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { compilePlain, expandPlain, expandShaped, type PlainTemplate } from '../../src/cards/plain-template.js';
import { CardRenderer, trustedCatalog } from '../../src/cards/renderer.js';
import { fitCard, jsonBytes, markUserText, shape, Trusted, trusted, type Json, type Shaping } from '../../src/cards/shaping.js';
import { catalogs, LOCALES, translate, type Locale } from '../../src/i18n/catalog.js';
import { cardsDir } from '../../src/paths.js';
import { fixtures } from './fixtures.js';

const templates = new CardRenderer(cardsDir).names().map((name) => ({ name, plain: compilePlain(JSON.parse(readFileSync(join(cardsDir, `${name}.json`), 'utf8'))) as PlainTemplate }));

function shapingFor(locale: Locale, channel: Shaping['channel']): Shaping {
  return { channel, nonce: 'the-nonce', requiredMessage: (label) => translate(locale, 'common.validation.requiredField', { label }) };
}

/** The card as the renderer made it before expansion and shaping were one walk: strings marked, expanded, then shaped and fitted. */
function twoWalks(plain: PlainTemplate, view: object, locale: Locale, how: Shaping): Json | undefined {
  const expanded = expandPlain(plain, { ...(markUserText(view) as object), t: catalogs[locale] });
  if (expanded === undefined) return undefined;
  return fitCard((cap, longest) => shape(expanded as Json, how, cap, longest), 'card');
}

/** As the renderer does: the bytes counted while expanding spare the exact count when they are under the budget. */
function oneWalk(plain: PlainTemplate, view: object, locale: Locale, how: Shaping): Json | undefined {
  return fitCard((cap, longest, size) => expandShaped(plain, { ...view, t: trustedCatalog(locale) }, how, cap, longest, size), 'card');
}

/** The card in one walk without fitting, with the bytes counted while it was made. */
function counted(plain: PlainTemplate, view: object, locale: Locale, how: Shaping, cap = 26 * 1024): { card: Json | undefined; bytes: number } {
  const size = { bytes: 0 };
  const card = expandShaped(plain, { ...view, t: trustedCatalog(locale) }, how, cap, { chars: 0 }, size);
  return { card, bytes: size.bytes };
}

/** The view with every string (user text, not the assistant's Trusted text) replaced by `text(i)`. */
function withStrings(view: unknown, text: (i: number) => string, counter = { i: 0 }): unknown {
  if (typeof view === 'string') return text(counter.i++);
  if (Array.isArray(view)) return view.map((v) => withStrings(v, text, counter));
  if (view instanceof Trusted || view === null || typeof view !== 'object') return view;
  return Object.fromEntries(Object.entries(view).map(([k, v]) => [k, withStrings(v, text, counter)]));
}

describe('Cards expanded and shaped in one walk', () => {
  it('makes every fixture of every template exactly as expanding and then shaping does, in both languages and channels', () => {
    let compared = 0;
    for (const { name, plain } of templates) {
      for (const view of fixtures[name] ?? []) {
        for (const locale of LOCALES) {
          for (const channel of ['msteams', 'other'] as const) {
            const how = shapingFor(locale, channel);
            const expected = twoWalks(plain, view, locale, how);
            expect(expected, `${name} expands without the engine`).to.not.equal(undefined);
            expect(oneWalk(plain, view, locale, how), name).to.deep.equal(expected);
            compared++;
          }
        }
      }
    }
    expect(compared).to.be.greaterThan(150);
  });

  it('treats hostile and oversized user text the same way: escaped where markdown renders, cut until the card fits', () => {
    const pieces = fc.constantFrom('a', 'Ü', '😀', ' ', '\n', '\r', '\t', '*', '_', '[', ']', '(', ')', '<b>', '&amp;', '#', '1.', 'x.com', 'http://e.x', '${t.common.appName}', '\u202e', '\u0000', '\ue000', '\ue001', '"', '\\', '\ud800');
    const text = fc.oneof(
      { weight: 4, arbitrary: fc.array(pieces, { maxLength: 12 }).map((p) => p.join('')) },
      { weight: 1, arbitrary: fc.tuple(pieces, fc.integer({ min: 200, max: 3000 })).map(([p, n]) => p.repeat(n)) },
    );
    const cases = templates.flatMap(({ name, plain }) => (fixtures[name] ?? []).map((view) => ({ name, plain, view })));
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.array(text, { minLength: 1, maxLength: 8 }), fc.constantFrom(...LOCALES), fc.constantFrom('msteams' as const, 'other' as const), ({ name, plain, view }, texts, locale, channel) => {
        const hostile = withStrings(view, (i) => texts[i % texts.length]) as object;
        const how = shapingFor(locale, channel);
        let expected: Json | undefined;
        try {
          expected = twoWalks(plain, hostile, locale, how);
        } catch (error) {
          // A card that cannot fit fails the same way on both paths.
          expect(() => oneWalk(plain, hostile, locale, how), name).to.throw((error as Error).message);
          return;
        }
        const got = oneWalk(plain, hostile, locale, how);
        // The one walk may leave to the engine what the two walks did not (never the reverse).
        if (got !== undefined) expect(got, name).to.deep.equal(expected);
        else expect(expected, name).to.not.equal(undefined);
      }),
      { numRuns: 600 },
    );
  });

  it('shapes objects bound from the view, elements of a list, required inputs and refreshes as the two walks do', () => {
    const payload = {
      type: 'AdaptiveCard',
      refresh: { action: { type: 'Action.Execute', title: '${title}', verb: 'x.refresh', data: { id: '${id}' } } },
      body: [
        { type: 'FactSet', facts: '${facts}' },
        { type: 'FactSet', facts: [{ $data: '${rows}', title: '${name}', value: 'n° ${$index}: ${count}' }] },
        { type: 'Input.Text', id: 'name', label: 'Name of ${who}', isRequired: true },
        { type: 'Input.Text', id: 'note', label: '${t.common.appName}', isRequired: '${required}' },
        { type: 'Input.ChoiceSet', id: 'pick', style: 'expanded', label: '${who}', choices: '${choices}', isRequired: true },
        { type: 'TextBlock', text: '${when}' },
        { type: 'Container', $data: '${group}', items: ['${name}', { type: 'TextBlock', text: '${name} **bold**' }] },
      ],
      actions: [{ type: 'Action.Execute', title: 'Open ${who}', verb: 'x.open', data: { who: '${who}', payload: '${payload}' } }],
    };
    const plain = compilePlain(payload)!;
    const view = {
      title: 'Status of *mine*',
      id: 'abc',
      facts: [{ title: '[x](http://evil)', value: trusted('**mine**') }],
      rows: [
        { name: '_one_', count: 1 },
        { name: '<two>', count: 2 },
      ],
      who: 'Ann & <Bob>',
      required: true,
      choices: [{ title: '# heading', value: 'h' }],
      when: new Date(Date.UTC(2026, 11, 5)),
      group: { name: 'group.example' },
      payload: { nested: ['x*y', trusted('kept')] },
    };
    for (const locale of LOCALES) {
      for (const channel of ['msteams', 'other'] as const) {
        const how = shapingFor(locale, channel);
        const expected = twoWalks(plain, view, locale, how);
        expect(expected).to.not.equal(undefined);
        expect(oneWalk(plain, view, locale, how)).to.deep.equal(expected);
        const { card, bytes } = counted(plain, view, locale, how);
        expect(bytes).to.be.at.least(jsonBytes(card));
      }
    }
  });

  it('counts while expanding at least the bytes of the card it makes, close enough to spare the exact count of every fixture', () => {
    let compared = 0;
    for (const { name, plain } of templates) {
      for (const view of fixtures[name] ?? []) {
        for (const locale of LOCALES) {
          for (const channel of ['msteams', 'other'] as const) {
            const { card, bytes } = counted(plain, view, locale, shapingFor(locale, channel));
            const exact = jsonBytes(card);
            expect(bytes, `${name} ${locale} ${channel}`).to.be.at.least(exact);
            // Within half again: a card whose bound passes the budget is counted exactly, so a loose bound only costs time.
            expect(bytes, `${name} ${locale} ${channel}`).to.be.at.most(exact * 1.5);
            compared++;
          }
        }
      }
    }
    expect(compared).to.be.greaterThan(150);
  });

  it('never counts fewer bytes than the card has, whatever users typed (escapes, surrogates, controls, cut text)', () => {
    const pieces = fc.constantFrom('a', 'Ü', '😀', '\ud83d', '\ude00', ' ', '\n', '\r', '\t', '*', '_', '<b>', '&amp;', '#', '1.', 'x.com', 'http://e.x', '\u202e', '\u0000', '\u0008', '\ue000', '"', '\\', '€');
    const text = fc.oneof(
      { weight: 4, arbitrary: fc.array(pieces, { maxLength: 16 }).map((p) => p.join('')) },
      { weight: 1, arbitrary: fc.tuple(pieces, fc.integer({ min: 50, max: 2000 })).map(([p, n]) => p.repeat(n)) },
    );
    const cases = templates.flatMap(({ name, plain }) => (fixtures[name] ?? []).map((view) => ({ name, plain, view })));
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.array(text, { minLength: 1, maxLength: 8 }), fc.constantFrom(...LOCALES), fc.constantFrom('msteams' as const, 'other' as const), fc.integer({ min: 24, max: 26 * 1024 }), ({ name, plain, view }, texts, locale, channel, cap) => {
        const { card, bytes } = counted(plain, withStrings(view, (i) => texts[i % texts.length]) as object, locale, shapingFor(locale, channel), cap);
        if (card !== undefined) expect(bytes, name).to.be.at.least(Buffer.byteLength(JSON.stringify(card)));
      }),
      { numRuns: 800 },
    );
  });

  it('leaves to the engine an element type or a choice style that is a binding', () => {
    const how = shapingFor('en', 'msteams');
    const bound = (element: object) => expandShaped(compilePlain({ type: 'AdaptiveCard', body: [element] })!, { kind: 'TextBlock', style: 'expanded', t: {} }, how, 1000, { chars: 0 });
    expect(bound({ type: '${kind}', text: 'x' })).to.equal(undefined);
    expect(bound({ type: 'Input.ChoiceSet', id: 'c', style: '${style}', choices: [] })).to.equal(undefined);
    expect(bound({ type: 'TextBlock', text: 'x' })).to.not.equal(undefined);
  });
});

describe('jsonBytes', () => {
  it('counts exactly the UTF-8 bytes of JSON.stringify, without making the text', () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 });
    const json = fc.letrec<{ value: Json }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.double(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(text, tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(fc.property(json, (value) => jsonBytes(value) === Buffer.byteLength(JSON.stringify(value))), { numRuns: 3000 });
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii' }), (value) => jsonBytes(value) === Buffer.byteLength(JSON.stringify(value))), { numRuns: 1000 });
    expect(jsonBytes({ a: undefined, b: [undefined, 1] } as unknown as Json)).to.equal(Buffer.byteLength(JSON.stringify({ a: undefined, b: [undefined, 1] })));
    expect(jsonBytes('\ud800x\udc00')).to.equal(Buffer.byteLength(JSON.stringify('\ud800x\udc00')));
    // Any UTF-16 units: lone and paired surrogates, controls, quotes, text with nothing to escape.
    const units = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 });
    fc.assert(fc.property(units, (value) => jsonBytes(value) === Buffer.byteLength(JSON.stringify(value))), { numRuns: 3000 });
    for (const text of ['', 'città', 'Approvato da Anna — 5 € 💼', 'a "quote"', 'back\\slash', 'tab\there', '\u0000', '\udbff', '\udfff\ud800']) {
      expect(jsonBytes(text), JSON.stringify(text)).to.equal(Buffer.byteLength(JSON.stringify(text)));
    }
  });

  it("keeps a list's answer one byte a character: its buttons' data (the cursor) is not taken out of marked text", () => {
    // V8 stores a string taken out of one with a private-use character (the user-text markers) two
    // bytes a character, and one such string makes the whole answer's JSON twice its size in memory.
    const oneByte = (text: string) => serialize(text)[2] === 0x22;
    const list = templates.find((t) => t.name === 'customer-list')!;
    const view = { ...fixtures['customer-list'][0], next: { search: 'litware', page: '2', cursor: Buffer.from('{"d":0,"s":"litware","i":"r|litware.example"}').toString('base64url') } };
    for (const channel of ['msteams', 'other'] as const) {
      const card = oneWalk(list.plain, view, 'en', shapingFor('en', channel));
      const json = JSON.stringify(card);
      expect(json).to.include(view.next.cursor);
      expect(oneByte(json), channel).to.equal(true);
    }
  });
});
