import { createRequire } from 'node:module';
import { walk } from './chat.js';

const require = createRequire(import.meta.url);
type MarkdownIt = { render(text: string): string };
const MarkdownIt = require('markdown-it') as new (options: object) => MarkdownIt;

/** Web Chat's own markdown settings for Adaptive Card text (botframework-webchat renderMarkdown): HTML on, linkify, typographer. */
const webChat = new MarkdownIt({ breaks: false, html: true, linkify: true, typographer: true, xhtmlOut: true });
/** The same without typographic quotes and dashes, to compare what shows with what was typed. */
const literal = new MarkdownIt({ breaks: false, html: true, linkify: true, typographer: false, xhtmlOut: true });

/** The HTML Web Chat makes of a card text. */
export function webChatHtml(text: string): string {
  return webChat.render(text);
}

/** The tags of an HTML fragment, lower case, e.g. ['p', 'a', 'img']. */
export function tagsOf(html: string): string[] {
  return [...html.matchAll(/<\/?\s*([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1].toLowerCase());
}

/** What a reader sees of a card text rendered as markdown: the HTML's text, entities decoded, whitespace collapsed. */
export function visibleText(text: string): string {
  return literal
    .render(text)
    .replace(/<br\s*\/?>/g, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A string on a card and whether the Adaptive Cards renderer shows it through markdown. */
export interface CardString {
  readonly text: string;
  readonly markdown: boolean;
  readonly where: string;
}

/**
 * Every string people read on a card, each with whether the adaptivecards renderer passes it
 * through markdown (TextBlock text, fact titles and values, Toggle titles, expanded choice titles,
 * input error messages: each is a TextBlock in its render code) or shows it as it is.
 */
export function cardStrings(card: object): CardString[] {
  const out: CardString[] = [];
  walk(card, (node) => {
    const type = typeof node.type === 'string' ? node.type : '';
    const add = (key: string, markdown: boolean) => {
      if (typeof node[key] === 'string') out.push({ text: node[key], markdown, where: `${type || 'object'}.${key}` });
    };
    if (type === 'TextBlock') add('text', true);
    if (type === 'FactSet') for (const f of node.facts ?? []) for (const key of ['title', 'value']) if (typeof f[key] === 'string') out.push({ text: f[key], markdown: true, where: `Fact.${key}` });
    if (type === 'Input.Toggle') add('title', true);
    if (type === 'Input.ChoiceSet') {
      const expanded = node.style === 'expanded' || node.isMultiSelect === true;
      for (const c of node.choices ?? []) if (typeof c.title === 'string') out.push({ text: c.title, markdown: expanded, where: 'Choice.title' });
    }
    if (type.startsWith('Input.')) {
      add('errorMessage', true);
      add('label', false);
      add('placeholder', false);
      if (type === 'Input.Text') add('value', false);
    }
    if (type.startsWith('Action.')) add('title', false);
  });
  return out;
}
