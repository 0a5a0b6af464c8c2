import { expect } from 'chai';
import fc from 'fast-check';
import { escapeMarkdown, stripControls } from '../../src/cards/inert-text.js';

/** escapeMarkdown as written before its fast path: every replacement on every line. */
function reference(text: string): string {
  return stripControls(text)
    .split('\n')
    .map((line) =>
      line
        .replace(/[\\`*_~[\]<>|]/g, '\\$&')
        .replace(/&(?=#|[A-Za-z][A-Za-z0-9]*;)/g, '\\&')
        .replace(/(?<=[\p{L}\p{N}])\.(?=[\p{L}\p{N}])|(?<=\p{L}):(?=[\p{L}\p{N}/])/gu, '\\$&')
        .replace(/\$\{/g, '$\\{')
        .replace(/^(\s*)([#+=>-])/, '$1\\$2')
        .replace(/^(\s*\d+)([.)])/, '$1\\$2'),
    )
    .join('\n');
}

describe('escapeMarkdown fast path', () => {
  it('gives exactly what every replacement gives, on any text', () => {
    const pieces = fc.constantFrom('a', 'Z', 'é', '1', '9', ' ', '\t', '\n', '\r', '.', ':', '/', '$', '{', '}', '&', '#', ';', '+', '=', '>', '-', ')', '*', '_', '`', '~', '[', ']', '<', '|', '\\', '\u202e', '\u0007', 'amp', 'www', 'x.com', '12:30', 'https:',
      // Letters and numbers beyond ASCII, astral ones (a surrogate pair), lone surrogates and marks: the dot and colon rule goes by code point.
      'ß', '中', 'Ж', '٣', '²', '\u{1D400}', '\u{1D7CE}', '\u{1F600}', '\ud835', '\udc00', '\u0301', 'ـ', 'é.fr', 'ä:ö',
      // White space beyond ASCII before a line's first sign (the line-start rule's \s): no-break, Ogham, ideographic.
      '\u00a0', '\u1680', '\u3000', '\u2007');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }).map((p) => p.join('')), (text) => {
        expect(escapeMarkdown(text)).to.equal(reference(text));
      }),
      { numRuns: 5000 },
    );
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => escapeMarkdown(text) === reference(text)), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => escapeMarkdown(text) === reference(text)), { numRuns: 2000 });
  });
});
