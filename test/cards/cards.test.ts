import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { CardRenderer } from '../../src/cards/renderer.js';
import { LOCALES } from '../../src/i18n/catalog.js';
import { cardsDir } from '../../src/paths.js';
import { MAX_CARD_BYTES, rendererProblems, schemaErrors } from '../support/card-schema.js';
import { walk } from '../support/chat.js';
import { fixtures } from './fixtures.js';

const renderer = new CardRenderer(cardsDir);
const TEXT_KEYS = ['text', 'title', 'label', 'placeholder', 'errorMessage', 'altText'];

describe('Card templates', () => {
  const names = renderer.names();

  it('has a fixture for every template, so every card is checked', () => {
    expect(names).to.not.be.empty;
    expect(names.filter((n) => !fixtures[n])).to.deep.equal([]);
  });

  for (const name of names) {
    describe(name, () => {
      it('takes its text from the catalogs, not from the template', () => {
        const template = JSON.parse(readFileSync(join(cardsDir, `${name}.json`), 'utf8'));
        const literal: string[] = [];
        walk(template, (node) => {
          for (const key of TEXT_KEYS) {
            const value = node[key];
            if (typeof value === 'string' && value.replace(/\$\{[^}]+\}/g, '').trim() !== '') literal.push(`${key}: ${value}`);
          }
        });
        expect(literal, 'literal text in the template').to.deep.equal([]);
      });

      it('wraps every text, toggle title and choice title, so nothing a person must read is cut off', () => {
        const template = JSON.parse(readFileSync(join(cardsDir, `${name}.json`), 'utf8'));
        const unwrapped: string[] = [];
        walk(template, (node) => {
          if (['TextBlock', 'Input.Toggle', 'Input.ChoiceSet'].includes(node.type) && node.wrap !== true) unwrapped.push(`${node.type} ${node.id ?? node.text}`);
        });
        expect(unwrapped).to.deep.equal([]);
      });

      for (const locale of LOCALES) {
        for (const channel of ['msteams', 'other'] as const) {
          it(`expands to a valid card in ${locale} for ${channel}`, () => {
            for (const view of fixtures[name] ?? []) {
              const card = renderer.render(name, view, { locale, channel });
              const json = JSON.stringify(card);
              expect(schemaErrors(card), 'schema errors').to.deep.equal([]);
              expect(rendererProblems(card), 'what the Adaptive Cards renderer refuses').to.deep.equal([]);
              expect(json, 'unexpanded binding').to.not.include('${');
              expect(Buffer.byteLength(json), 'bytes').to.be.below(MAX_CARD_BYTES);
              walk(card, (node, key) => {
                if (typeof node.type !== 'string') return;
                if (node.type.startsWith('Input.')) {
                  expect(node.label, `label of input ${node.id}`).to.be.a('string').and.not.empty;
                }
                if (node.type.startsWith('Action.')) {
                  expect(node.title, `title of an action under ${key}`).to.be.a('string').and.not.empty;
                }
                // The Universal Actions refresh action (under "action") is Teams-only and needs no fallback.
                if (node.type === 'Action.Execute' && key !== 'action') {
                  expect(channel, 'Action.Execute outside Teams').to.equal('msteams');
                  expect(node.fallback?.type, 'fallback of Action.Execute').to.equal('Action.Submit');
                  expect(node.fallback?.data?.verb).to.equal(node.verb);
                }
                if (node.type === 'Action.Submit' && key !== 'fallback') {
                  expect(node.data?.verb, 'verb of Action.Submit').to.be.a('string');
                }
              });
              for (const text of collectTexts(card)) expect(text, 'empty text').to.not.equal('');
            }
          });
        }
      }
    });
  }
});

describe('Cards rendered once (help, the main menu)', () => {
  const nonces = (card: object) => {
    const found: string[] = [];
    walk(card, (node) => {
      if (typeof node.actionNonce === 'string') found.push(node.actionNonce);
    });
    return found;
  };

  for (const channel of ['msteams', 'other'] as const) {
    it(`serve the same card as a rendering, with a new nonce each time, for ${channel}`, () => {
      const kept = new CardRenderer(cardsDir);
      const view = fixtures.help[0];
      let made = 0;
      const make = () => {
        made++;
        return view;
      };
      const first = kept.renderConstant('help', 'help', make, { locale: 'it', channel });
      const second = kept.renderConstant('help', 'help', make, { locale: 'it', channel });
      expect(made, 'views made').to.equal(1);
      const fresh = renderer.render('help', view, { locale: 'it', channel });
      const [a, b, c] = [nonces(first), nonces(second), nonces(fresh)];
      expect(a).to.not.be.empty;
      expect(new Set(a).size, 'one nonce per rendering').to.equal(1);
      expect(new Set(b).size).to.equal(1);
      expect(a[0]).to.not.equal(b[0]);
      const same = (card: object, nonce: string) => JSON.stringify(card).replaceAll(nonce, 'N');
      expect(same(first, a[0])).to.equal(same(fresh, c[0]));
      expect(same(second, b[0])).to.equal(same(fresh, c[0]));
      // Each call gets its own object: changing one changes nothing kept.
      (first as Record<string, unknown>).changed = true;
      expect(kept.renderConstant('help', 'help', make, { locale: 'it', channel })).to.not.have.property('changed');
      // Another language is another card.
      kept.renderConstant('help', 'help', make, { locale: 'en', channel });
      expect(made).to.equal(2);
    });
  }
});

function collectTexts(card: object): string[] {
  const texts: string[] = [];
  walk(card, (node) => {
    if (node.type === 'TextBlock') texts.push(String(node.text ?? ''));
  });
  return texts;
}
