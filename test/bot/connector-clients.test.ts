import { expect } from 'chai';
import { ClaimsIdentity, MicrosoftAppCredentials, ServiceClientCredentialsFactory } from 'botframework-connector';
import { ConnectorClientsAuthentication } from '../../src/bot/connector-clients.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { Chat } from '../support/chat.js';
import { FakeConnector } from '../support/fake-connector.js';

type Client = { baseUri?: string; credentials?: { appId?: string | null } };

const activity = (serviceUrl?: string) => ({ type: 'message', channelId: 'emulator', ...(serviceUrl ? { serviceUrl } : {}) }) as never;
const asClient = (value: unknown) => value as Client;

/** Credentials for any app id, recording what it was asked for. */
class RecordingCredentials extends ServiceClientCredentialsFactory {
  readonly made: string[] = [];
  override async isValidAppId(): Promise<boolean> {
    return true;
  }
  override async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }
  override async createCredentials(appId: string, audience: string): Promise<MicrosoftAppCredentials> {
    this.made.push(`${appId} ${audience}`);
    return new MicrosoftAppCredentials(appId, 'secret', undefined, audience);
  }
}

describe('Bot Connector clients', () => {
  it('builds one client per service URL, audience and app id, and uses it again', async () => {
    const auth = new ConnectorClientsAuthentication({}, undefined);
    const first = await auth.authenticateRequest(activity('http://127.0.0.1:1/'), '');
    const a = asClient(await first.connectorFactory!.create('http://127.0.0.1:1/', first.audience));
    expect(a.baseUri).to.equal('http://127.0.0.1:1/');
    // Another turn (another factory) to the same service URL gets the same client.
    const second = await auth.authenticateRequest(activity('http://127.0.0.1:1/'), '');
    expect(await second.connectorFactory!.create('http://127.0.0.1:1/', second.audience)).to.equal(a);
    // Another service URL, even one that differs only in its path or a trailing slash, is another client.
    for (const other of ['http://127.0.0.1:2/', 'http://127.0.0.1:1', 'http://127.0.0.1:1/x', 'HTTP://127.0.0.1:1/']) {
      const client = asClient(await second.connectorFactory!.create(other, second.audience));
      expect(client, other).to.not.equal(a);
      expect(client.baseUri).to.equal(other);
    }
    // Another audience is another client (its credentials are for that audience).
    expect(await second.connectorFactory!.create('http://127.0.0.1:1/', 'https://other.example/')).to.not.equal(a);
    // An expectReplies activity without a service URL gets a client of its own.
    const none = await auth.authenticateRequest(activity(), '');
    const noUrl = await none.connectorFactory!.create(undefined as unknown as string, none.audience);
    expect(noUrl).to.not.equal(a);
    expect(await none.connectorFactory!.create(undefined as unknown as string, none.audience)).to.equal(noUrl);
  });

  it('never gives a client made for one app id to another', async () => {
    const credentials = new RecordingCredentials();
    const auth = new ConnectorClientsAuthentication({}, credentials);
    const anonymous = await auth.createConnectorFactory(new ClaimsIdentity([], 'anonymous')).create('http://127.0.0.1:1/');
    const ours = asClient(await auth.createConnectorFactory(new ClaimsIdentity([{ type: 'aud', value: 'app-1' }], true)).create('http://127.0.0.1:1/'));
    const theirs = asClient(await auth.createConnectorFactory(new ClaimsIdentity([{ type: 'aud', value: 'app-2' }], true)).create('http://127.0.0.1:1/'));
    expect(ours).to.not.equal(anonymous);
    expect(theirs).to.not.equal(ours);
    expect(ours.credentials?.appId).to.equal('app-1');
    expect(theirs.credentials?.appId).to.equal('app-2');
    // The Emulator's tokens name the app in "appid".
    const emulator = asClient(await auth.createConnectorFactory(new ClaimsIdentity([{ type: 'appid', value: 'app-1' }], true)).create('http://127.0.0.1:1/'));
    expect(emulator.credentials?.appId).to.equal('app-1');
    // A call from another bot (a skill's caller, named in "azp") to the same app id never shares a channel's client.
    const skill = asClient(await auth.createConnectorFactory(new ClaimsIdentity([{ type: 'aud', value: 'app-1' }, { type: 'azp', value: 'caller-bot' }], true)).create('http://127.0.0.1:1/'));
    expect(skill).to.not.equal(ours);
    expect(asClient(await auth.createConnectorFactory(new ClaimsIdentity([{ type: 'aud', value: 'app-1' }], true)).create('http://127.0.0.1:1/'))).to.equal(ours);
    // Each client's credentials were made once, for its own app id and caller.
    expect(credentials.made.filter((m) => m.startsWith('app-1 '))).to.have.length(3);
    expect(credentials.made.filter((m) => m.startsWith('app-2 '))).to.have.length(1);
    // User token clients likewise, one per app id.
    const tokensOurs = await auth.createUserTokenClient(new ClaimsIdentity([{ type: 'aud', value: 'app-1' }], true));
    expect(await auth.createUserTokenClient(new ClaimsIdentity([{ type: 'aud', value: 'app-1' }], true))).to.equal(tokensOurs);
    expect(await auth.createUserTokenClient(new ClaimsIdentity([{ type: 'aud', value: 'app-2' }], true))).to.not.equal(tokensOurs);
  });

  it('keeps a bounded number of clients, the least recently used going first', async () => {
    const auth = new ConnectorClientsAuthentication({}, undefined, { max: 2 });
    const factory = auth.createConnectorFactory(new ClaimsIdentity([], 'anonymous'));
    const one = await factory.create('http://127.0.0.1:1/');
    await factory.create('http://127.0.0.1:2/');
    expect(await factory.create('http://127.0.0.1:1/')).to.equal(one);
    await factory.create('http://127.0.0.1:3/');
    await factory.create('http://127.0.0.1:4/');
    const again = asClient(await factory.create('http://127.0.0.1:1/'));
    expect(again).to.not.equal(one);
    expect(again.baseUri).to.equal('http://127.0.0.1:1/');
  });

  it('sends proactive messages where the rewrite says, keyed by the rewritten address', async () => {
    const auth = new ConnectorClientsAuthentication({}, undefined, { proactiveServiceUrl: (url) => (url === 'http://127.0.0.1:9/old/' ? 'http://127.0.0.1:8/own/' : url) });
    const proactive = asClient(await auth.createConnectorFactory(new ClaimsIdentity([], 'anonymous')).create('http://127.0.0.1:9/old/'));
    expect(proactive.baseUri).to.equal('http://127.0.0.1:8/own/');
    // An inbound turn answers where its activity says, as before.
    const inbound = await auth.authenticateRequest(activity('http://127.0.0.1:9/old/'), '');
    const reply = asClient(await inbound.connectorFactory!.create('http://127.0.0.1:9/old/', undefined));
    expect(reply.baseUri).to.equal('http://127.0.0.1:9/old/');
  });

  describe('through the running assistant', () => {
    let running: RunningAssistant;
    const connectors = [new FakeConnector(), new FakeConnector()];
    before(async () => {
      await Promise.all(connectors.map((c) => c.start()));
      running = await startAssistant();
    });
    after(async () => {
      await running?.stop();
      await Promise.all(connectors.map((c) => c.stop()));
    });

    it("sends each turn's replies to that turn's service URL, turn after turn, and proactive messages too", async () => {
      const [a, b] = connectors;
      const chats = [new Chat(running.baseUrl, { id: 'user-a', serviceUrl: a.serviceUrl }), new Chat(running.baseUrl, { id: 'user-b', serviceUrl: b.serviceUrl })];
      for (let round = 0; round < 2; round++) {
        for (const chat of chats) {
          const { status } = await chat.raw({ type: 'message', text: 'help', deliveryMode: 'normal' });
          expect(status).to.equal(200);
        }
      }
      const conversations = (c: FakeConnector) => [...new Set(c.received.map((r) => r.conversationId))];
      expect(conversations(a)).to.deep.equal([chats[0].conversationId]);
      expect(conversations(b)).to.deep.equal([chats[1].conversationId]);
      expect(a.received.length).to.equal(b.received.length).and.to.be.greaterThan(1);

      // A proactive message to each user, through the adapter's continueConversation.
      const { adapter } = running.assistant;
      for (const [i, chat] of chats.entries()) {
        const reference = { channelId: 'emulator', serviceUrl: connectors[i].serviceUrl, conversation: { id: chat.conversationId }, user: { id: chat.user.id }, bot: { id: 'assistant' } };
        await adapter.continueConversationAsync('', reference as never, async (context) => {
          await context.sendActivity(`proactive ${i}`);
        });
      }
      expect((await a.waitFor((r) => r.activity.text === 'proactive 0')).conversationId).to.equal(chats[0].conversationId);
      expect((await b.waitFor((r) => r.activity.text === 'proactive 1')).conversationId).to.equal(chats[1].conversationId);
      expect(a.received.some((r) => r.activity.text === 'proactive 1')).to.equal(false);
    });
  });
});
