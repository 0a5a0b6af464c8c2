import { expect } from 'chai';
import { catalogs, resolveLocale, translate } from '../../src/i18n/catalog.js';

function leaves(node: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof node === 'string') out.set(prefix, node);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) for (const [p, s] of leaves(v, prefix ? `${prefix}.${k}` : k)) out.set(p, s);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('Message catalogs', () => {
  const en = leaves(catalogs.en);
  const it_ = leaves(catalogs.it);

  it('have the same keys in English and Italian', () => {
    expect([...en.keys()].filter((k) => !it_.has(k)), 'missing in Italian').to.deep.equal([]);
    expect([...it_.keys()].filter((k) => !en.has(k)), 'missing in English').to.deep.equal([]);
  });

  it('have no empty message', () => {
    expect([...en, ...it_].filter(([, v]) => v.trim() === '').map(([k]) => k)).to.deep.equal([]);
  });

  it('use no markdown: messages go out as plain text and cards show them as typed, so asterisks would show', () => {
    const marked = [...en, ...it_].filter(([, v]) => /\*\*|__|\]\(|^#|`/m.test(v)).map(([k]) => k);
    expect(marked).to.deep.equal([]);
  });

  it('use the same placeholders in both languages', () => {
    const differing = [...en.keys()].filter((k) => it_.has(k) && placeholders(en.get(k)!).join() !== placeholders(it_.get(k)!).join());
    expect(differing).to.deep.equal([]);
  });

  it('fills placeholders and refuses unknown keys', () => {
    expect(translate('en', 'common.errors.generic', { reference: 'abc123' })).to.include('abc123');
    expect(() => translate('it', 'common.no.such.key')).to.throw(/Missing message/);
  });

  const cases: [string | undefined, 'en' | 'it', 'en' | 'it'][] = [
    ['it', 'en', 'it'],
    ['it-IT', 'en', 'it'],
    ['IT-ch', 'en', 'it'],
    ['en-US', 'it', 'en'],
    ['fr-FR', 'it', 'en'],
    ['de', 'en', 'en'],
    [undefined, 'it', 'it'],
    ['', 'en', 'en'],
  ];
  for (const [raw, fallback, expected] of cases) {
    it(`maps locale ${JSON.stringify(raw)} to ${expected} (default ${fallback})`, () => {
      expect(resolveLocale(raw, fallback)).to.equal(expected);
    });
  }
});
