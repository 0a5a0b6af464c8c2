import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { projectRoot } from '../../src/paths.js';
import type { CasStore, StorageBackend } from '../../src/storage/cas-store.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { cardsOf, Chat } from '../support/chat.js';

async function keysIn(store: CasStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const [key] of store.entries()) keys.push(key);
  return keys.sort();
}

describe('HTTP server', () => {
  let app: RunningAssistant;
  before(async () => {
    app = await startAssistant();
  });
  after(async () => app.stop());

  it('answers /healthz while the process is up', async () => {
    const res = await fetch(`${app.baseUrl}/healthz`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ status: 'ok' });
  });

  it('answers /readyz when SQLite is reachable', async () => {
    const res = await fetch(`${app.baseUrl}/readyz`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ status: 'ready', storage: 'sqlite' });
  });

  it('returns replies in the body for deliveryMode expectReplies', async () => {
    const res = await new Chat(app.baseUrl, { id: 'u-expect' }).raw({ type: 'message', text: 'help' });
    expect(res.status).to.equal(200);
    expect(cardsOf(res.body.activities)).to.have.length(1);
  });

  describe('bad input gets a 4xx with a reason, the process stays up and nothing stored changes', () => {
    const post = (body: string, contentType = 'application/json') =>
      fetch(`${app.baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': contentType }, body });

    let before: string[];
    beforeEach(async () => {
      await new Chat(app.baseUrl, { id: 'u-state' }).say('language italiano');
      before = await keysIn(app.assistant.storage.namespace('botstate'));
    });
    afterEach(async () => {
      expect((await fetch(`${app.baseUrl}/healthz`)).status).to.equal(200);
      expect(await keysIn(app.assistant.storage.namespace('botstate'))).to.deep.equal(before);
    });

    it('malformed JSON → 400', async () => {
      const res = await post('{"type": "message", ');
      expect(res.status).to.equal(400);
      expect((await res.json()).message).to.be.a('string').and.not.empty;
    });

    it('an activity without a type → 400 naming the field', async () => {
      const res = await post(JSON.stringify({ text: 'hi', conversation: { id: 'c' }, deliveryMode: 'expectReplies' }));
      expect(res.status).to.equal(400);
      expect(await res.json()).to.deep.equal({ code: 'BadRequest', message: 'The activity has no "type".' });
    });

    it('a JSON array or a bare string → 400', async () => {
      expect((await post('[1,2]')).status).to.equal(400);
      expect((await post('"hello"')).status).to.equal(400);
    });

    it('an activity with no conversation, or nowhere to answer → 400', async () => {
      const noConversation = await post(JSON.stringify({ type: 'message', deliveryMode: 'expectReplies' }));
      expect(noConversation.status).to.equal(400);
      const noServiceUrl = await post(JSON.stringify({ type: 'message', conversation: { id: 'c' }, from: { id: 'u' } }));
      expect(noServiceUrl.status).to.equal(400);
      expect((await noServiceUrl.json()).message).to.include('serviceUrl');
    });

    it('a body over 256 KB → 413', async () => {
      const res = await post(JSON.stringify({ type: 'message', text: 'x'.repeat(300 * 1024), conversation: { id: 'c' } }));
      expect(res.status).to.equal(413);
      expect((await res.json()).message).to.be.a('string').and.not.empty;
    });

    it('a body that is not JSON → 415', async () => {
      const res = await post('type=message', 'application/x-www-form-urlencoded');
      expect(res.status).to.equal(415);
    });

    it('an unknown route → 404', async () => {
      const res = await fetch(`${app.baseUrl}/api/nothing-here`);
      expect(res.status).to.equal(404);
      expect((await res.json()).message).to.include('does not exist');
    });

    it('a wrong method → 405', async () => {
      const res = await fetch(`${app.baseUrl}/api/messages`);
      expect(res.status).to.equal(405);
    });
  });
});

describe('HTTP server modules', () => {
  it("loads restify's server and the three plugins it uses, not the package's other plugins", async () => {
    // In a process of its own: in this one the benchmark's servers may have loaded all of restify.
    const server = pathToFileURL(join(projectRoot, 'dist', 'src', 'http', 'server.js')).href;
    const script = `await import(${JSON.stringify(server)});
      const { createRequire } = await import('node:module');
      const loaded = Object.keys(createRequire(import.meta.url).cache).map((f) => f.split('node_modules/').pop());
      console.log(JSON.stringify(loaded.filter((f) => f.startsWith('restify/lib/') || f.startsWith('sshpk/') || f.startsWith('formidable/'))));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: projectRoot });
    const loaded = JSON.parse(stdout) as string[];
    expect(loaded).to.include.members(['restify/lib/server.js', 'restify/lib/router.js', 'restify/lib/plugins/query.js', 'restify/lib/plugins/jsonBodyParser.js', 'restify/lib/plugins/formBodyParser.js']);
    expect(loaded).to.not.include('restify/lib/index.js');
    expect(loaded).to.not.include('restify/lib/plugins/index.js');
    expect(loaded.filter((f) => !f.startsWith('restify/'))).to.deep.equal([]);
  });
});

describe('HTTP server with a failing store', () => {
  it('answers /readyz with 503 and the reason', async () => {
    const healthy = KeyvBackend.memory();
    const failing: StorageBackend = {
      kind: 'memory',
      namespace: (name) => healthy.namespace(name),
      ping: async () => {
        throw new Error('connection refused');
      },
      close: () => healthy.close(),
    };
    const app = await startAssistant({}, { storage: failing });
    try {
      const res = await fetch(`${app.baseUrl}/readyz`);
      expect(res.status).to.equal(503);
      expect(await res.json()).to.deep.equal({ status: 'unavailable', storage: 'memory', reason: 'connection refused' });
      expect((await fetch(`${app.baseUrl}/healthz`)).status).to.equal(200);
    } finally {
      await app.stop();
    }
  });
});
