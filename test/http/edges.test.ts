import { createServer, type Server } from 'node:http';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { ClaimsIdentity } from 'botframework-connector';
import { expect } from 'chai';
import { pino } from 'pino';
import WebSocket from 'ws';
import { mutate } from '../../src/app/ports.js';
import { withConnectorDeadline, ConnectorTimeoutError } from '../../src/bot/connector-deadline.js';
import { ContactBook, type Contact } from '../../src/bot/contact-book.js';
import { ProactiveNotifier } from '../../src/bot/proactive-notifier.js';
import { isLoopbackServiceUrl } from '../../src/bot/service-url.js';
import { CardRenderer } from '../../src/cards/renderer.js';
import { ok } from '../../src/domain/result.js';
import { DirectLineChannel } from '../../src/http/directline/channel.js';
import { localDirectLine } from '../support/directline.js';
import { createHttpServer } from '../../src/http/server.js';
import { cardsDir } from '../../src/paths.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { CasRecordStore } from '../../src/storage/record-store.js';
import { CloudAdapter } from 'botbuilder';
import { AssistantAdapter } from '../../src/bot/adapter.js';
import { ConnectorClientsAuthentication } from '../../src/bot/connector-clients.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { Chat } from '../support/chat.js';
import { snapshot } from '../support/records.js';
import { JoseSignedLinks, signingKey } from '../../src/security/signed-links.js';

const SIGNING_KEY = 'edges-test-signing-key-0123456789abcdef';
const uploads = () => readdirSync(tmpdir()).filter((f) => f.startsWith('upload_'));

/** Sends a raw upgrade request and resolves with the status line the server answers (or '' when it just closes). */
function upgrade(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
    });
    let text = '';
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      if (text.includes('\r\n')) socket.destroy();
    });
    socket.on('close', () => resolve(text.split('\r\n')[0]));
    socket.on('error', reject);
  });
}

describe('The edges of the HTTP surface', () => {
  let app: RunningAssistant;
  let port: number;
  let channel: DirectLineChannel;
  before(async () => {
    app = await startAssistant({ INVITATION_SIGNING_KEY: SIGNING_KEY });
    port = Number(new URL(app.baseUrl).port);
    channel = localDirectLine(new JoseSignedLinks({ current: signingKey(SIGNING_KEY), previous: [] }));
  });
  after(async () => app.stop());
  afterEach(async () => expect((await fetch(`${app.baseUrl}/healthz`)).status).to.equal(200));

  describe('bodies: JSON and urlencoded only, never a temp file', () => {
    const multipart = () => {
      const form = new FormData();
      form.append('type', 'message');
      form.append('file', new Blob([Buffer.alloc(200 * 1024, 1)]), 'big.bin');
      return form;
    };
    for (const path of ['/api/messages', '/api/directline/token', '/invitations/abc.def', '/enrollment/verify/abc.def', '/v3/directline/conversations', '/v3/directline/tokens/refresh']) {
      it(`POST ${path} with a multipart body → 415 and no file in ${tmpdir()}`, async () => {
        const before = new Set(uploads());
        for (let i = 0; i < 5; i++) {
          const res = await fetch(`${app.baseUrl}${path}`, { method: 'POST', body: multipart() });
          expect(res.status).to.equal(415);
          expect((await res.json()).message).to.include('application/json');
        }
        expect(uploads().filter((f) => !before.has(f))).to.deep.equal([]);
      });
    }

    it('a text/plain or octet-stream body → 415 with the reason', async () => {
      for (const type of ['text/plain', 'application/octet-stream', 'text/csv']) {
        const res = await fetch(`${app.baseUrl}/api/directline/token`, { method: 'POST', headers: { 'content-type': type }, body: 'a,b\n1,2' });
        expect(res.status, type).to.equal(415);
      }
    });
  });

  describe('an activity with a field of the wrong shape → 400 naming the field, and nothing stored changes', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['locale', { locale: 5 }],
      ['locale', { locale: { trim: 1 } }],
      ['serviceUrl', { serviceUrl: 42 }],
      ['serviceUrl', { serviceUrl: 'javascript:alert(1)' }],
      ['text', { text: ['help'] }],
      ['channelId', { channelId: {} }],
      ['id', { id: 7 }],
      ['from', { from: { id: 'u', name: 3 } }],
      ['from', { from: { id: 5 } }],
      ['recipient', { recipient: 'bot' }],
      ['conversation', { conversation: { id: 'c', tenantId: [] } }],
      ['attachments', { attachments: 'card' }],
      ['attachments', { attachments: [{ content: {} }] }],
      ['entities', { entities: [{ type: 'mention', mentioned: 'bot', text: 'x' }] }],
      ['entities', { entities: {} }],
      ['channelData', { channelData: 'tenant' }],
      ['membersAdded', { type: 'conversationUpdate', membersAdded: [{ name: 'no id' }] }],
      ['membersRemoved', { type: 'conversationUpdate', membersRemoved: 'all' }],
      ['replyToId', { replyToId: {} }],
      ['name', { type: 'invoke', name: ['adaptiveCard/action'] }],
    ];
    for (const [field, partial] of cases) {
      it(`${JSON.stringify(partial)} → 400 about "${field}"`, async () => {
        const records = await snapshot(app.assistant.storage);
        const res = await new Chat(app.baseUrl, { id: 'u-shapes' }).raw({ type: 'message', text: 'enroll', ...partial });
        expect(res.status).to.equal(400);
        expect(res.body.code).to.equal('BadRequest');
        expect(res.body.message).to.include(`"${field}"`);
        expect(await snapshot(app.assistant.storage)).to.deep.equal(records);
      });
    }

    it('takes null fields as absent (a null "entities" used to end the turn)', async () => {
      const res = await new Chat(app.baseUrl, { id: 'u-nulls' }).raw({ type: 'message', text: 'help', entities: null, attachments: null, channelData: null, value: null, locale: null });
      expect(res.status).to.equal(200);
      expect(res.body.activities).to.have.length(1);
      expect(res.body.activities[0].attachments).to.have.length(1);
    });

    it('a well-formed activity with every optional field still works', async () => {
      const res = await new Chat(app.baseUrl, { id: 'u-full' }).raw({
        type: 'message',
        text: 'help',
        textFormat: 'plain',
        locale: 'it-IT',
        localTimezone: 'Europe/Rome',
        attachments: [],
        entities: [{ type: 'clientInfo', locale: 'it-IT' }, { type: 'mention', mentioned: { id: 'assistant', name: 'Bot' }, text: '<at>Bot</at>' }],
        channelData: { clientActivityID: 'x' },
        replyToId: null,
      });
      expect(res.status).to.equal(200);
      expect(res.body.activities).to.have.length(1);
    });
  });

  describe('without an app id, answers go only to loopback service URLs', () => {
    for (const serviceUrl of ['https://attacker.example/', 'http://10.0.0.8:3978/', 'http://169.254.169.254/latest/', 'http://127.0.0.1@attacker.example/', 'http://[::ffff:a00:1]/']) {
      it(`refuses serviceUrl ${serviceUrl} with 400 before the bot runs, for every delivery mode`, async () => {
        const records = await snapshot(app.assistant.storage);
        for (const deliveryMode of ['normal', 'expectReplies']) {
          const started = Date.now();
          const res = await new Chat(app.baseUrl, { id: 'u-foreign', serviceUrl }).raw({ type: 'message', text: 'help', deliveryMode });
          expect(res.status).to.equal(400);
          expect(res.body.message).to.include('serviceUrl').and.include('loopback');
          expect(Date.now() - started).to.be.below(1000);
        }
        expect(await snapshot(app.assistant.storage)).to.deep.equal(records);
      });
    }

    it('answers within the connector budget when a normal-delivery turn cannot reach its loopback connector', async () => {
      const started = Date.now();
      const res = await new Chat(app.baseUrl, { id: 'u-unreachable', serviceUrl: 'http://127.0.0.1:1/' }).raw({ type: 'message', text: 'help', deliveryMode: 'normal' });
      expect(res.status).to.be.below(500);
      expect(Date.now() - started).to.be.below(5000);
    });

    it('knows loopback addresses when it sees them', () => {
      for (const url of ['http://127.0.0.1:3978/', 'http://localhost/', 'https://127.1.2.3/x', 'http://[::1]:80/']) expect(isLoopbackServiceUrl(url), url).to.equal(true);
      for (const url of ['http://127.0.0.1.attacker.example/', 'ftp://127.0.0.1/', 'http://user:pw@127.0.0.1/', 'not a url', 5]) expect(isLoopbackServiceUrl(url), String(url)).to.equal(false);
    });
  });

  describe('the Direct Line stream upgrade', () => {
    let token: string;
    let conversationId: string;
    before(async () => {
      ({ token, conversationId } = await channel.issue({ userId: 'dl-edges', name: 'Edges', proof: 'portal' }));
      const res = await fetch(`${app.baseUrl}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(res.status).to.equal(201);
    });

    it('answers a malformed percent-encoding in the path with 400 and stays up (issue #10)', async () => {
      expect(await upgrade(port, `/v3/directline/conversations/%E0%A4%A/stream?t=${encodeURIComponent(token)}`)).to.equal('HTTP/1.1 400 Bad Request');
    });

    it('answers other paths 404, a bad or missing token 403, an unknown conversation 404', async () => {
      expect(await upgrade(port, '/somewhere/else')).to.equal('HTTP/1.1 404 Not Found');
      expect(await upgrade(port, '//%%/../')).to.match(/^HTTP\/1\.1 (400|404)/);
      expect(await upgrade(port, `/v3/directline/conversations/${conversationId}/stream`)).to.equal('HTTP/1.1 403 Forbidden');
      expect(await upgrade(port, `/v3/directline/conversations/${conversationId}/stream?t=abc.def`)).to.equal('HTTP/1.1 403 Forbidden');
      expect(await upgrade(port, `/v3/directline/conversations/other/stream?t=${encodeURIComponent(token)}`)).to.equal('HTTP/1.1 403 Forbidden');
      const unstarted = await channel.issue({ userId: 'dl-unstarted', name: 'U', proof: 'portal' });
      expect(await upgrade(port, `/v3/directline/conversations/${unstarted.conversationId}/stream?t=${encodeURIComponent(unstarted.token)}`)).to.equal('HTTP/1.1 404 Not Found');
    });

    it('survives a client that sends a frame over the size limit on the stream', async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/v3/directline/conversations/${conversationId}/stream?t=${encodeURIComponent(token)}&watermark=-5`);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.send(Buffer.alloc(128 * 1024, 1));
      expect(await closed).to.equal(1009);
    });

    it('hands a retried post (same clientActivityID) to the bot once and answers with the first id', async () => {
      const post = () =>
        fetch(`${app.baseUrl}/v3/directline/conversations/${conversationId}/activities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'message', text: 'help', channelData: { clientActivityID: 'web-chat-retry-1' } }),
        });
      const first = await (await post()).json();
      const second = await (await post()).json();
      expect(second.id).to.equal(first.id);
      await new Promise((r) => setTimeout(r, 500));
      const log = await (await fetch(`${app.baseUrl}/v3/directline/conversations/${conversationId}/activities`, { headers: { authorization: `Bearer ${token}` } })).json();
      const answers = log.activities.filter((a: Record<string, any>) => a.replyToId === first.id);
      expect(log.activities.filter((a: Record<string, any>) => a.text === 'help')).to.have.length(1);
      expect(answers).to.have.length(1);
    });

    it('refuses a posted activity with a field of the wrong shape with 400 naming it', async () => {
      const res = await fetch(`${app.baseUrl}/v3/directline/conversations/${conversationId}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'help', locale: 12 }),
      });
      expect(res.status).to.equal(400);
      expect((await res.json()).message).to.include('"locale"');
    });
  });
});

describe('The contact book', () => {
  const activity = (serviceUrl: string): Partial<Activity> => ({
    type: 'message',
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:approver', name: 'Anna' },
    recipient: { id: 'bot', name: 'Bot' },
    conversation: { id: 'a:approver' } as Activity['conversation'],
  });
  const contextWith = (serviceUrl: string, claim?: string) => {
    const adapter = new TestAdapter();
    const context = new TurnContext(adapter, activity(serviceUrl));
    context.turnState.set(adapter.BotIdentityKey, new ClaimsIdentity(claim ? [{ type: 'serviceurl', value: claim }] : [], Boolean(claim)));
    return context;
  };

  it('keeps the address a Bot Framework token vouches for, and ignores one it does not', async () => {
    const store = new CasRecordStore<Contact>(KeyvBackend.memory().namespace('contacts'));
    const contacts = new ContactBook(store);
    const teams = 'https://smba.trafficmanager.net/emea/';
    expect(await contacts.remember('aad-anna', contextWith(teams, teams), 'en')).to.equal(true);
    expect(await contacts.remember('aad-anna', contextWith('https://attacker.example/', teams), 'en')).to.equal(false);
    expect((await contacts.find('aad-anna'))?.reference.serviceUrl).to.equal(teams);
  });

  it('without a token, keeps loopback addresses only', async () => {
    const store = new CasRecordStore<Contact>(KeyvBackend.memory().namespace('contacts'));
    const contacts = new ContactBook(store);
    expect(await contacts.remember('u', contextWith('http://127.0.0.1:3978/directline-connector/'), 'en')).to.equal(true);
    expect(await contacts.remember('u', contextWith('https://attacker.example/'), 'en')).to.equal(false);
    expect((await contacts.find('u'))?.reference.serviceUrl).to.equal('http://127.0.0.1:3978/directline-connector/');
  });
});

describe('Connector calls have a time limit', () => {
  let silent: Server;
  let url: string;
  before(async () => {
    // Accepts connections and never answers: a stalled connector.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  });
  after(async () => {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('rejects with a ConnectorTimeoutError when the work does not settle in time', async () => {
    const error = await withConnectorDeadline(new Promise(() => undefined), 50, 'a reply').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConnectorTimeoutError);
  });

  it('gives up a proactive message to a connector that never answers within the limit', async () => {
    const store = new CasRecordStore<Contact>(KeyvBackend.memory().namespace('contacts'));
    await mutate(store, 'u-stalled', () => ok<Contact>({ reference: { serviceUrl: url, channelId: 'emulator', conversation: { id: 'c-stalled' } as never, user: { id: 'u-stalled', name: 'U' }, bot: { id: 'bot', name: 'Bot' } }, locale: 'en', name: 'U' }));
    const notifier = new ProactiveNotifier(new CloudAdapter(), '', new ContactBook(store), new CardRenderer(cardsDir), pino({ level: 'silent' }), 10, 300);
    notifier.register('test', async () => ({ card: 'provider-notice', view: { title: 't', body: 'b', buttonTitle: 'x', verb: 'menu.help' } }));
    const started = Date.now();
    expect(await notifier.notify('u-stalled', { kind: 'test', data: {} })).to.equal(undefined);
    expect(Date.now() - started).to.be.below(1500);
  });
});

describe('An unexpected failure in a route', () => {
  it('answers 500 with a generic reason and no internal message, and logs the error', async () => {
    const logged: unknown[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const { server } = createHttpServer({
      adapter: new CloudAdapter(),
      bot: undefined as never,
      storage: KeyvBackend.memory(),
      log,
      routes: [
        (s) =>
          s.get('/boom', async () => {
            throw new TypeError('raw.trim is not a function');
          }),
      ],
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${server.address().port}/boom`);
      expect(res.status).to.equal(500);
      const body = await res.json();
      expect(body.code).to.equal('Internal');
      expect(JSON.stringify(body)).not.to.include('trim');
      expect(JSON.stringify(logged)).to.include('raw.trim is not a function');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('Turns and the store', () => {
  it('tells the store, once per activity, that its turn is queued to start at the end of the pass, before it starts', async () => {
    const events: string[] = [];
    const storage = Object.assign(KeyvBackend.memory(), { sendWithThisPass: () => events.push('store told') });
    const bot = { run: async (context: TurnContext) => void (events.push('turn runs'), await context.sendActivity('hi')) };
    const adapter = new AssistantAdapter(new ConnectorClientsAuthentication({}, undefined));
    const { server } = createHttpServer({ adapter, bot: bot as never, storage, log: pino({ level: 'silent' }) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const activity = { type: 'message', text: 'hi', channelId: 'emulator', deliveryMode: 'expectReplies', from: { id: 'u' }, recipient: { id: 'bot' }, conversation: { id: 'c' } };
      const res = await fetch(`http://127.0.0.1:${server.address().port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      expect(res.status).to.equal(200);
      expect(((await res.json()) as { activities: Activity[] }).activities.map((a) => a.text)).to.deep.equal(['hi']);
      expect(events).to.deep.equal(['store told', 'turn runs']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
