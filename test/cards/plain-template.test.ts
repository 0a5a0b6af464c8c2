import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'adaptivecards-templating';
import { expect } from 'chai';
import { compilePlain, expandPlain } from '../../src/cards/plain-template.js';
import { CardRenderer } from '../../src/cards/renderer.js';
import { catalogs, type Locale } from '../../src/i18n/catalog.js';
import { cardsDir } from '../../src/paths.js';
import { fixtures } from './fixtures.js';

const engine = (payload: unknown, root: unknown) => new Template(payload).expand({ $root: root }) as unknown;
const same = (payload: unknown, root: unknown) => {
  const plain = compilePlain(payload);
  expect(plain, 'compiled').to.not.equal(undefined);
  const fast = expandPlain(plain!, root);
  expect(fast, 'expanded without the engine').to.not.equal(undefined);
  expect(fast).to.deep.equal(engine(payload, root));
};

describe('Plain template expansion', () => {
  it('compiles every card template, and expands every fixture exactly as adaptivecards-templating does', () => {
    const names = new CardRenderer(cardsDir).names();
    for (const name of names) {
      const payload: unknown = JSON.parse(readFileSync(join(cardsDir, `${name}.json`), 'utf8'));
      expect(compilePlain(payload), name).to.not.equal(undefined);
      for (const view of fixtures[name] ?? []) {
        for (const locale of Object.keys(catalogs) as Locale[]) same(payload, { ...view, t: catalogs[locale] });
      }
    }
  });

  it('repeats, scopes and drops elements as the engine does', () => {
    const payload = {
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', $data: '${rows}', text: '${name} (${$index}) of ${$root.title}', $when: '${shown}' },
        { type: 'TextBlock', $data: '${none}', text: 'never' },
        { type: 'TextBlock', $data: '${one}', text: '${name}' },
        { type: 'Container', $data: '${group}', items: [{ type: 'TextBlock', text: '${label}', $when: '${missingFlag}' }, { type: 'TextBlock', text: '${label}' }] },
        { type: 'TextBlock', text: 'literal', $when: 'not a binding' },
        { type: 'TextBlock', text: 'kept', $when: false },
        { type: 'TextBlock', text: 'kept too', $when: '' },
        null,
        { type: 'Input.Number', value: '${count}', isRequired: '${required}' },
      ],
      actions: { $data: '${none}', type: 'Action.Submit' },
    };
    same(payload, {
      title: 'T',
      rows: [
        { name: 'a', shown: true },
        { name: 'b', shown: false },
        { name: 'c', shown: 'true' },
        { name: 'd', shown: true },
      ],
      none: [],
      one: [{ name: 'only' }],
      group: { label: 'L' },
      count: 3,
      required: true,
    });
  });

  it('leaves to the engine what it writes back or finds by ignoring case', () => {
    const payload = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'Hello ${name}' }] };
    const plain = compilePlain(payload)!;
    expect(expandPlain(plain, {})).to.equal(undefined);
    expect(expandPlain(plain, { name: null })).to.equal(undefined);
    expect(expandPlain(plain, { Name: 'x' })).to.equal(undefined);
    expect(expandPlain(plain, { name: { nested: true } })).to.equal(undefined);
    expect(expandPlain(plain, { name: 'Ann' })).to.deep.equal(engine(payload, { name: 'Ann' }));
  });

  it('does not compile expressions, escapes or literal $data', () => {
    expect(compilePlain({ text: "${if(a, 'x', 'y')}" })).to.equal(undefined);
    expect(compilePlain({ text: '${a.b[0]}' })).to.equal(undefined);
    expect(compilePlain({ text: '`${a}`' })).to.equal(undefined);
    expect(compilePlain({ $when: '${a} ${b}', text: 'x' })).to.equal(undefined);
    expect(compilePlain({ $data: [{ a: 1 }], text: '${a}' })).to.equal(undefined);
  });
});
