import { expect } from 'chai';
import type { Feature } from '../../src/bot/feature.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { actionTitles, cardsOf, Chat, textOf, textsOf } from '../support/chat.js';

describe('AssistantBot: welcome, help and the main menu', () => {
  let app: RunningAssistant;
  const exploding: Feature = {
    name: 'exploding',
    actions: {
      'test.explode': async (turn) => {
        const preferences = await turn.preferences();
        preferences.locale = 'it';
        throw new Error('boom: stack must stay in the logs');
      },
    },
  };

  before(async () => {
    app = await startAssistant({}, { extraFeatures: [exploding] });
  });
  after(async () => app.stop());

  it('welcomes a user who joins with the menu of journeys', async () => {
    const chat = new Chat(app.baseUrl, { id: 'u-welcome', name: 'Giulia' });
    const [card] = cardsOf(await chat.join());
    expect(textOf(card)).to.include('Welcome to the CSP Partner Assistant');
    expect(actionTitles(card)).to.include('Help');
  });

  it('welcomes on a Teams installation, with Action.Execute buttons that fall back to Action.Submit', async () => {
    const chat = new Chat(app.baseUrl, { id: '29:teams-user', aadObjectId: 'aad-1', tenantId: 'tenant-1', channelId: 'msteams' });
    const [card] = cardsOf(await chat.install());
    expect(textOf(card)).to.include('Welcome to the CSP Partner Assistant');
    const help = card.actions.find((a: any) => a.title === 'Help');
    expect(help.type).to.equal('Action.Execute');
    expect(help.fallback).to.deep.include({ type: 'Action.Submit', title: 'Help' });
  });

  it('welcomes again after an upgrade of the app, and says nothing when the app is removed or a member leaves', async () => {
    const chat = new Chat(app.baseUrl, { id: '29:teams-upgrader', aadObjectId: 'aad-2', tenantId: 'tenant-1', channelId: 'msteams' });
    const [card] = cardsOf(await chat.post({ type: 'installationUpdate', action: 'add-upgrade' }));
    expect(textOf(card)).to.include('Welcome to the CSP Partner Assistant');
    expect(await chat.post({ type: 'installationUpdate', action: 'remove' })).to.deep.equal([]);
    expect(await chat.post({ type: 'conversationUpdate', membersRemoved: [{ id: '29:teams-upgrader' }] })).to.deep.equal([]);
    expect(await chat.post({ type: 'messageReaction', reactionsAdded: [{ type: 'like' }] })).to.deep.equal([]);
  });

  it('does not welcome the bot itself when only the bot is added', async () => {
    const chat = new Chat(app.baseUrl, { id: 'u-bot-added' });
    const replies = await chat.post({ type: 'conversationUpdate', membersAdded: [{ id: 'assistant' }] });
    expect(replies).to.deep.equal([]);
  });

  it('lists the commands on "help"', async () => {
    const [card] = cardsOf(await new Chat(app.baseUrl, { id: 'u-help' }).say('Help!'));
    const text = textOf(card);
    expect(text).to.include('What I can do');
    expect(text).to.include('language');
  });

  it('answers in Italian to an Italian user, and understands Italian commands', async () => {
    const [card] = cardsOf(await new Chat(app.baseUrl, { id: 'u-it', locale: 'it-IT' }).say('aiuto'));
    expect(textOf(card)).to.include('Cosa posso fare');
    expect(actionTitles(card)).to.include('Aiuto');
  });

  it('answers text it does not understand with the main menu, never silence and never an echo', async () => {
    const replies = await new Chat(app.baseUrl, { id: 'u-confused' }).say('purple elephants dance');
    const [card] = cardsOf(replies);
    expect(textOf(card)).to.include("I didn't understand that");
    expect(actionTitles(card)).to.include('Help');
    expect(JSON.stringify(replies)).to.not.include('purple elephants');
  });

  it('handles the same button through Action.Execute and Action.Submit', async () => {
    const chat = new Chat(app.baseUrl, { id: 'u-paths', channelId: 'msteams', aadObjectId: 'aad-paths', tenantId: 't' });
    const executed = await chat.execute('menu.help');
    expect(executed.card && textOf(executed.card)).to.include('What I can do');
    const [submitted] = cardsOf(await chat.submit('menu.help'));
    expect(textOf(submitted)).to.include('What I can do');
  });

  it('refuses a card action it does not know, with a way out', async () => {
    const texts = textsOf(await new Chat(app.baseUrl, { id: 'u-unknown' }).submit('no.such.verb'));
    expect(texts[0]).to.include('Type "help"');
  });

  it('remembers a chosen language across turns and conversations (user state)', async () => {
    const user = { id: 'u-lang', locale: 'en-US' };
    const chat = new Chat(app.baseUrl, user);
    expect(textsOf(await chat.say('language italiano'))[0]).to.include('italiano');
    const [card] = cardsOf(await new Chat(app.baseUrl, user).say('help'));
    expect(textOf(card)).to.include('Cosa posso fare');
  });

  it('tells the user when a turn fails, without a stack trace, and saves nothing of that turn', async () => {
    const chat = new Chat(app.baseUrl, { id: 'u-failing-turn' });
    const replies = await chat.submit('test.explode');
    const [text] = textsOf(replies);
    expect(text).to.match(/something went wrong on my side and nothing was changed.*reference [0-9a-f]{8}/);
    expect(JSON.stringify(replies)).to.not.match(/boom|Error:|\.js:\d+/);
    // The failed turn had switched the language to Italian: that change must not have been saved.
    const [card] = cardsOf(await chat.say('help'));
    expect(textOf(card)).to.include('What I can do');
  });
});
