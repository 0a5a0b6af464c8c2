import { translate, type Locale } from '../i18n/catalog.js';
import type { Feature, MenuEntry } from './feature.js';
import type { Turn } from './turn.js';

/** Verbs of the main menu's own buttons. */
export const MENU_VERBS = { help: 'menu.help', welcome: 'menu.welcome' } as const;

/**
 * The welcome card, help, the language choice and the answer to text nobody understood.
 * Its buttons are the menu entries of every feature, so the menu offers what exists.
 */
export class MainMenu {
  private readonly entries: () => readonly MenuEntry[];

  constructor(features: () => readonly Feature[]) {
    this.entries = () => features().flatMap((f) => f.menu ?? []);
  }

  /** The welcome card: what the assistant is for and the journeys on offer. */
  welcome(turn: Turn): Promise<void> {
    return this.menuCard(turn, 'common.welcome');
  }

  /** A short answer to text that matched nothing, with a phrasing to try and the main menu. */
  notUnderstood(turn: Turn): Promise<void> {
    return this.menuCard(turn, 'common.notUnderstood', { example: turn.t('understanding.suggestions.find') });
  }

  /** The answer to text about something else (weather, jokes): what the assistant helps with, and the main menu. */
  outOfScope(turn: Turn): Promise<void> {
    return this.menuCard(turn, 'understanding.outOfScope');
  }

  /** The menu card with the texts under `texts` (and only language-dependent parameters): the same for every user of a language. */
  private async menuCard(turn: Turn, texts: string, params?: Record<string, string>): Promise<void> {
    await turn.showConstant('welcome', texts, () => ({
      title: turn.t(`${texts}.title`),
      body: turn.t(`${texts}.body`, params),
      prompt: turn.t('common.welcome.prompt'),
      menu: this.menuButtons(turn),
    }));
  }

  /** Suggests phrasings in the user's language, each with the journey it leads to, and the buttons. */
  async help(turn: Turn): Promise<void> {
    await turn.showConstant('help', 'help', () => this.helpView(turn));
  }

  private helpView(turn: Turn): object {
    const { t } = turn;
    const examples: [string, string][] = [
      ['find', 'provider.menu.find'],
      ['customers', 'customer.menu.customers'],
      ['invite', 'customer.menu.invite'],
      ['enroll', 'enrollmentUi.menu.enroll'],
      ['status', 'understanding.journeys.enrollmentStatus'],
      ['question', 'understanding.suggestions.questionDoes'],
    ];
    const commands = examples.map(([example, does]) => ({ word: `"${t(`understanding.suggestions.${example}`)}"`, description: t(does) }));
    return { commands, menu: this.menuButtons(turn) };
  }

  /** The feature that carries the menu's own commands and buttons. */
  feature(): Feature {
    return {
      name: 'menu',
      commands: [
        { wordsKey: 'common.commands.help', descriptionKey: 'common.commands.helpDescription', run: (turn) => this.help(turn) },
        { wordsKey: 'common.commands.menu', descriptionKey: 'common.commands.menuDescription', run: (turn) => this.welcome(turn) },
        {
          wordsKey: 'common.commands.language',
          descriptionKey: 'common.commands.languageDescription',
          takesText: true,
          run: (turn, rest) => this.language(turn, rest),
        },
      ],
      actions: {
        [MENU_VERBS.help]: (turn) => this.help(turn),
        [MENU_VERBS.welcome]: (turn) => this.welcome(turn),
      },
    };
  }

  private async language(turn: Turn, rest: string): Promise<void> {
    const wanted = languageOf(rest);
    if (!wanted) {
      await turn.say('common.language.unknown');
      return;
    }
    const preferences = await turn.preferences();
    preferences.locale = wanted;
    await turn.context.sendActivity(translate(wanted, 'common.language.changed'));
  }

  private menuButtons(turn: Turn): { title: string; verb: string }[] {
    return [
      ...this.entries().map((e) => ({ title: turn.t(e.titleKey), verb: e.verb })),
      { title: turn.t('common.menu.help'), verb: MENU_VERBS.help },
    ];
  }
}

function languageOf(text: string): Locale | undefined {
  const word = text.trim().toLowerCase();
  if (['it', 'italian', 'italiano', 'ita'].includes(word)) return 'it';
  if (['en', 'english', 'inglese', 'eng'].includes(word)) return 'en';
  return undefined;
}
