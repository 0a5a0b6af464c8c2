import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { pino } from 'pino';
import { TestAdapter, type Activity } from 'botbuilder';
import { createAssistant, type Assistant } from '../../src/assistant.js';
import type { Feature } from '../../src/bot/feature.js';
import { createTurnErrorHandler } from '../../src/bot/turn-error.js';
import { loadConfig } from '../../src/config.js';
import { textOf } from '../support/chat.js';

/** What a reply shows a person: its text, or the text of its card. */
function shown(activity: Partial<Activity>): string {
  const card = activity.attachments?.[0]?.content as Record<string, unknown> | undefined;
  return card ? textOf(card) : (activity.text ?? '');
}

/**
 * The in-process tier: the real bot (every feature, the memory store) driven turn by turn with
 * botbuilder's TestAdapter, no HTTP server and no SQLite. Routing, commands, unknown text and
 * error mapping are checked here in milliseconds; journeys run over HTTP and in Chromium.
 */
describe('The bot in process (botbuilder TestAdapter)', () => {
  let assistant: Assistant;
  let dataDir: string;
  let calls = 0;
  const failing: Feature = {
    name: 'failing',
    actions: {
      'test.fails': async () => {
        calls++;
        throw new Error('a failure nobody expected');
      },
    },
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'csp-in-process-'));
    const config = loadConfig({ STORAGE_URL: 'memory:', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    assistant = await createAssistant(config, { log: pino({ level: 'silent' }), extraFeatures: [failing] });
  });
  after(async () => {
    await assistant.storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const adapter = (locale = 'en-US') => {
    // A conversation of its own: activity ids restart at 0 in every TestAdapter, and the bot answers an id once per conversation.
    const test = new TestAdapter((context) => assistant.bot.run(context), {
      channelId: 'test',
      conversation: { id: `in-process-${randomUUID()}`, isGroup: false, conversationType: 'personal', name: 'test' },
      from: { id: 'user', name: 'User' },
      recipient: { id: 'bot', name: 'Bot' },
      locale,
    });
    test.onTurnError = createTurnErrorHandler(pino({ level: 'silent' }), 'en');
    return test;
  };

  it('routes a typed command to its card', async () => {
    await adapter()
      .send('help')
      .assertReply((reply) => expect(shown(reply)).to.include('What I can do'));
  });

  it('routes the Italian command words in Italian', async () => {
    await adapter('it-IT')
      .send('aiuto')
      .assertReply((reply) => expect(shown(reply)).to.include('Cosa posso fare'));
  });

  it('answers text outside its work with the menu, never with an echo', async () => {
    await adapter()
      .send('what is the weather in Milan tomorrow?')
      .assertReply((reply) => {
        expect(shown(reply)).to.not.include('weather in Milan');
        expect(shown(reply).toLowerCase()).to.match(/enrol|provider|customer/);
      });
  });

  it('tells a caller with no proven identity why a card action is refused, and changes nothing', async () => {
    await adapter()
      .send({ type: 'message', value: { verb: 'provider.approve', linkId: 'x|y' } })
      .assertReply((reply) => expect(shown(reply)).to.include("I can't tell who you are yet"));
  });

  it('maps an unexpected failure to an apology with a reference, without the internal message', async () => {
    await adapter()
      .send({ type: 'message', value: { verb: 'test.fails' } })
      .assertReply((reply) => {
        expect(shown(reply)).to.include('something went wrong').and.include('reference');
        expect(shown(reply)).to.not.include('a failure nobody expected');
      });
    expect(calls).to.equal(1);
  });
});
