import { expect } from 'chai';
import { clip, escapeMarkdown, stripControls } from '../../src/cards/inert-text.js';
import { tagsOf, visibleText, webChatHtml } from '../support/markdown.js';

describe('escapeMarkdown', () => {
  const cases: [string, string][] = [
    ['Evil [Verify](https://evil.example/login)', 'a link'],
    ['![x](https://evil.example/p.png)', 'an image'],
    ['<img src=x onerror=alert(1)>', 'HTML'],
    ['<https://evil.example>', 'an autolink'],
    ['https://evil.example/login', 'a bare URL'],
    ['www.evil.com', 'a www domain'],
    ['evil.com', 'a bare domain'],
    ['ceo@evil.com', 'an e-mail address'],
    ['mailto:ceo@evil.example', 'a mailto link'],
    ['**bold** _it_ ~~s~~ `code`', 'emphasis and code'],
    ['# Heading', 'a heading'],
    ['- item\n+ item\n1. item\n2) item', 'lists'],
    ['> quote', 'a quote'],
    ['[ref]\n\n[ref]: https://evil.example', 'a reference link'],
    ['&#91;x&#93;(https://evil.example)', 'character references'],
    ['\\[x\\](https://evil.example)', 'the user’s own escapes'],
  ];
  for (const [typed, what] of cases) {
    it(`leaves no markup from ${what}, and shows it as typed`, () => {
      const escaped = escapeMarkdown(typed);
      expect(tagsOf(webChatHtml(escaped)).filter((t) => t !== 'p' && t !== 'br')).to.deep.equal([]);
      expect(visibleText(escaped)).to.equal(typed.replace(/\s+/g, ' '));
    });
  }

  it('turns a literal `${` into text that no template can take for a binding', () => {
    const escaped = escapeMarkdown("${json('x')}");
    expect(escaped).to.not.include('${');
    expect(visibleText(escaped)).to.equal("${json('x')}");
  });

  it('leaves ordinary text alone', () => {
    expect(escapeMarkdown('Contoso Italia, Milano (MI) 20121 — 24/7 support!')).to.equal('Contoso Italia, Milano (MI) 20121 — 24/7 support!');
  });
});

describe('stripControls', () => {
  it('removes bidi overrides, isolates and marks and control characters, keeping new lines and tabs', () => {
    expect(stripControls('a\u202Eb\u202Cc\u2066d\u2069e\u200Ff\u0007g\u001b[31m\r\nh\ti')).to.equal('abcdefg[31m\nh\ti');
  });
});

describe('clip', () => {
  it('keeps short text and cuts long text with an ellipsis, never inside a surrogate pair', () => {
    expect(clip('Contoso', 7)).to.equal('Contoso');
    expect(clip('Contoso Italia', 8)).to.equal('Contoso…');
    expect(clip('ab😀cd', 4)).to.equal('ab…');
  });
});
