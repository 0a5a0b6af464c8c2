import { expect } from 'chai';
import { IntlMessageFormat } from 'intl-messageformat';
import { catalogs, isIcu, resolveLocale, translate } from '../../src/i18n/catalog.js';

function leaves(node: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof node === 'string') out.set(prefix, node);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) for (const [p, s] of leaves(v, prefix ? `${prefix}.${k}` : k)) out.set(p, s);
  }
  return out;
}

type Element = { type: number; value?: string; options?: Record<string, { value: Element[] }> };

/** The arguments of a message, with the kind of each (plain, plural, select), read from its ICU syntax tree when it has one. */
function placeholders(text: string): string[] {
  if (!isIcu(text)) return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
  const names = new Set<string>();
  const walk = (elements: Element[]) => {
    for (const e of elements) {
      if (e.value !== undefined && e.type !== 0 && e.type !== 7) names.add(`${e.value}${e.type === 6 ? ':plural' : e.type === 5 ? ':select' : ''}`);
      for (const option of Object.values(e.options ?? {})) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(text, 'en').getAst());
  return [...names].sort();
}

/** Every plural and select of a message has an "other" form, so no count is ever left unsaid. */
function missingOther(text: string): boolean {
  let missing = false;
  const walk = (elements: Element[]) => {
    for (const e of elements) {
      if ((e.type === 5 || e.type === 6) && !e.options?.other) missing = true;
      for (const option of Object.values(e.options ?? {})) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(text, 'en').getAst());
  return missing;
}

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

  it('write counts as ICU plurals in both languages alike, each with an "other" form', () => {
    const icu = [...en.keys()].filter((k) => isIcu(en.get(k)!) || isIcu(it_.get(k) ?? ''));
    expect(icu.length, 'messages with plurals').to.be.greaterThan(5);
    expect(icu.filter((k) => isIcu(en.get(k)!) !== isIcu(it_.get(k)!)), 'plural in one language only').to.deep.equal([]);
    expect(icu.filter((k) => missingOther(en.get(k)!) || missingOther(it_.get(k)!)), 'a plural without "other"').to.deep.equal([]);
  });

  it('say one and many as each language does', () => {
    const cases: [string, Record<string, number | string>, string, string][] = [
      ['enrollmentUi.verify.wrong', { remaining: 1 }, '1 try left', 'Resta 1 tentativo'],
      ['enrollmentUi.verify.wrong', { remaining: 4 }, '4 tries left', 'Restano 4 tentativi'],
      ['provider.directory.results', { total: 1, page: 1, pages: 1 }, '1 provider found,', '1 provider trovato,'],
      ['provider.directory.results', { total: 3, page: 1, pages: 1 }, '3 providers found,', '3 provider trovati,'],
      ['customer.list.count', { total: 1, page: 1, pages: 1 }, '1 customer,', '1 cliente,'],
      ['customer.list.count', { total: 12, page: 1, pages: 2 }, '12 customers,', '12 clienti,'],
      ['customer.page.gdap', { days: 1, roles: 'Helpdesk Administrator' }, 'for 1 day', 'per 1 giorno'],
    ];
    for (const [key, params, english, italian] of cases) {
      expect(translate('en', key, params), key).to.include(english);
      expect(translate('it', key, params), key).to.include(italian);
    }
    // A count that arrives as text still picks the right form.
    expect(translate('en', 'enrollmentUi.verify.wrong', { remaining: '1' })).to.include('1 try left');
  });

  it('use the same placeholders in both languages', () => {
    const differing = [...en.keys()].filter((k) => it_.has(k) && placeholders(en.get(k)!).join() !== placeholders(it_.get(k)!).join());
    expect(differing).to.deep.equal([]);
  });

  it('fills placeholders and refuses unknown keys', () => {
    expect(translate('en', 'common.errors.generic', { reference: 'abc123' })).to.include('abc123');
    expect(() => translate('it', 'common.no.such.key')).to.throw(/Missing message/);
  });

  it('fills every plain message of both languages as written, any value taken as it is and a placeholder without one left as written', () => {
    // What substitution means, written out once: each {name} with its value, or kept.
    const expected = (text: string, params: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
    const values = ['$& $1 $$ $<x>', '{name}', 'Già “fatto” 😀', '', 42];
    for (const [locale, messages] of [['en', en], ['it', it_]] as const) {
      for (const [key, text] of messages) {
        if (isIcu(text)) continue;
        const names = placeholders(text);
        // Every placeholder but the last has a value (a tricky one); the last has none.
        const params = Object.fromEntries(names.slice(0, -1).map((name, i) => [name, values[i % values.length]]));
        expect(translate(locale, key, params), `${locale} ${key}`).to.equal(expected(text, params));
        expect(translate(locale, key), `${locale} ${key} without values`).to.equal(text);
      }
    }
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
