import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../../src/config.js';
import { CluClassifier, FallbackClassifier, OpenAiClassifier } from '../../src/understanding/hosted-classifiers.js';
import type { TextClassifier } from '../../src/bot/understanding/classifier.port.js';
import { startAssistant } from '../support/assistant.js';
import { cardsOf, Chat, inputsOf, textOf } from '../support/chat.js';

/** A local stand-in for Azure AI Language and Azure OpenAI: records requests, answers what the test says. */
class StandIn {
  requests: { url: string; headers: IncomingMessage['headers']; body: any }[] = [];
  answer: (body: any) => { status: number; json: unknown } = () => ({ status: 500, json: {} });
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        const body = JSON.parse(raw || '{}');
        this.requests.push({ url: req.url ?? '', headers: req.headers, body });
        const { status, json } = this.answer(body);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

const clu = (intents: [string, number][], entities: { category: string; text: string }[] = []) => ({
  status: 200,
  json: { kind: 'ConversationResult', result: { query: 'q', prediction: { topIntent: intents[0][0], projectKind: 'Conversation', intents: intents.map(([category, confidenceScore]) => ({ category, confidenceScore })), entities } } },
});

describe('Hosted understanding (against a local stand-in)', () => {
  const standIn = new StandIn();
  before(() => standIn.start());
  after(() => standIn.stop());
  beforeEach(() => (standIn.requests = []));

  const model = () => ({ endpoint: standIn.url, key: 'secret-key', project: 'csp', deployment: 'prod', timeoutMs: 1000 });

  it('asks Azure AI Language CLU with the project, the deployment and the key, and reads intents and entities', async () => {
    standIn.answer = () => clu([['provider.find', 0.93], ['provider.providers', 0.04]], [{ category: 'country', text: 'DE' }]);
    const result = await new CluClassifier(model()).classify('distributore in Germania', 'it');
    const [request] = standIn.requests;
    expect(request.url).to.equal('/language/:analyze-conversations?api-version=2023-04-01');
    expect(request.headers['ocp-apim-subscription-key']).to.equal('secret-key');
    expect(request.body.parameters).to.deep.include({ projectName: 'csp', deploymentName: 'prod' });
    expect(request.body.analysisInput.conversationItem).to.deep.include({ text: 'distributore in Germania', language: 'it' });
    expect(result.intents[0]).to.deep.equal({ intent: 'provider.find', score: 0.93 });
    expect(result.entities).to.deep.equal({ country: 'DE' });
  });

  it('asks an Azure OpenAI deployment for JSON and reads its intent', async () => {
    standIn.answer = () => ({ status: 200, json: { choices: [{ message: { content: '{"intent":"customer.list","confidence":0.9}' } }] } });
    const result = await new OpenAiClassifier(model(), { 'customer.list': 'list our customers' }).classify('elenca i clienti', 'it');
    const [request] = standIn.requests;
    expect(request.url).to.equal('/openai/deployments/prod/chat/completions?api-version=2024-10-21');
    expect(request.headers['api-key']).to.equal('secret-key');
    expect(request.body.messages[0].content).to.include('customer.list');
    expect(result.intents).to.deep.equal([{ intent: 'customer.list', score: 0.9 }]);
  });

  it('falls back to the embedded model when the hosted one fails', async () => {
    standIn.answer = () => ({ status: 503, json: {} });
    const embedded: TextClassifier = { classify: async () => ({ intents: [{ intent: 'menu.help', score: 1 }] }) };
    const result = await new FallbackClassifier(new CluClassifier(model()), embedded, pino({ level: 'silent' })).classify('help', 'en');
    expect(result.intents[0].intent).to.equal('menu.help');
  });

  it('is chosen by configuration and leads the conversation, with the embedded model when it fails', async () => {
    const app = await startAssistant({ UNDERSTANDING: 'azure-clu', UNDERSTANDING_ENDPOINT: standIn.url, UNDERSTANDING_KEY: 'k', UNDERSTANDING_PROJECT: 'csp', UNDERSTANDING_DEPLOYMENT: 'prod' });
    try {
      standIn.answer = () => clu([['provider.find', 0.97]], [{ category: 'country', text: 'FR' }]);
      const [card] = cardsOf(await new Chat(app.baseUrl, { id: 'u-hosted' }).say('a sentence only the hosted model knows'));
      expect(textOf(card)).to.include('Find an indirect provider');
      expect(inputsOf(card).country.value).to.equal('FR');
      standIn.answer = () => ({ status: 500, json: {} });
      const [fallback] = cardsOf(await new Chat(app.baseUrl, { id: 'u-hosted-2' }).say('I need a distributor'));
      expect(textOf(fallback)).to.include('Find an indirect provider');
    } finally {
      await app.stop();
    }
  });

  it('refuses a hosted model without its endpoint, key, project and deployment, naming each', () => {
    expect(() => loadConfig({ UNDERSTANDING: 'azure-clu' })).to.throw(ConfigError, /UNDERSTANDING_ENDPOINT[^]*UNDERSTANDING_KEY[^]*UNDERSTANDING_DEPLOYMENT[^]*UNDERSTANDING_PROJECT/);
    expect(loadConfig({}).understanding).to.deep.equal({ kind: 'embedded' });
  });
});
