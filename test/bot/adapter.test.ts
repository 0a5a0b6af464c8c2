import { expect } from 'chai';
import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import { AssistantAdapter } from '../../src/bot/adapter.js';
import { ConnectorClientsAuthentication } from '../../src/bot/connector-clients.js';

/** A response that records what the adapter wrote. */
class Recorded {
  code = 0;
  body: unknown;
  ended = false;
  status(code: number) {
    this.code = code;
  }
  send(body?: unknown) {
    this.body = body;
  }
  /** An answer sent as bytes is recorded as the JSON they hold, with its headers. */
  headers: Record<string, string> = {};
  sendRaw(code: number, body: Buffer, headers: Record<string, string>) {
    this.code = code;
    this.body = JSON.parse(body.toString('utf8'));
    this.headers = headers;
    this.ended = true;
  }
  end() {
    this.ended = true;
  }
  header() {
    return undefined;
  }
}

const activity = (extra: Record<string, unknown> = {}) =>
  ({
    type: 'message',
    id: 'a-1',
    channelId: 'emulator',
    deliveryMode: 'expectReplies',
    timestamp: '2026-12-05T14:00:00.000Z',
    localTimestamp: '2026-12-05T15:00:00.000+01:00',
    text: 'hi',
    from: { id: 'user' },
    recipient: { id: 'bot' },
    conversation: { id: 'conv' },
    ...extra,
  }) as unknown as Activity;

describe("The assistant's adapter", () => {
  const adapter = new AssistantAdapter(new ConnectorClientsAuthentication({}, undefined));

  /** Runs `logic` on `body` through CloudAdapter.process and through processChecked; returns both answers and the activities seen. */
  async function both(make: () => Activity, logic: (context: TurnContext) => Promise<void>) {
    const seen: Activity[] = [];
    const run = async (context: TurnContext) => {
      seen.push(context.activity);
      await logic(context);
    };
    const viaProcess = new Recorded();
    await adapter.process({ method: 'POST', body: make(), headers: {} } as never, viaProcess as never, run);
    const viaChecked = new Recorded();
    await adapter.processChecked(make(), '', viaChecked, run);
    return { viaProcess, viaChecked, seen };
  }

  it('answers an expectReplies turn as CloudAdapter.process does, timestamps read as dates', async () => {
    const { viaProcess, viaChecked, seen } = await both(activity, async (context) => {
      await context.sendActivity('hello');
      await context.sendActivity('Perché è già qui… → 日本');
    });
    expect(viaChecked.code).to.equal(200).and.to.equal(viaProcess.code);
    expect(viaChecked.ended).to.equal(true);
    const texts = (r: Recorded) => (r.body as { activities: Activity[] }).activities.map((a) => a.text);
    expect(texts(viaChecked)).to.deep.equal(['hello', 'Perché è già qui… → 日本']).and.to.deep.equal(texts(viaProcess));
    // Sent as UTF-8 bytes: the length counts bytes, not characters.
    expect(viaChecked.headers).to.deep.equal({
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(JSON.stringify(viaChecked.body))),
    });
    for (const a of seen) {
      expect(a.timestamp).to.be.instanceOf(Date);
      expect((a as Activity & { rawTimestamp?: string }).rawTimestamp).to.equal('2026-12-05T14:00:00.000Z');
      expect(a.localTimestamp).to.be.instanceOf(Date);
    }
  });

  it('sends every answer as its own bytes: many at once, and one larger than the pieces answers are cut from', async () => {
    const sent: { bytes: Buffer; text: string; length: string }[] = [];
    // Two, three and four bytes a character (an emoji is two UTF-16 units), and one answer too large for a slab's share.
    const texts = [...Array.from({ length: 120 }, (_, i) => `${i} ${'è→😀'.repeat(1000 + i)}`), 'x'.repeat(300_000)];
    await Promise.all(
      texts.map((text) => {
        const raw = { status() {}, send() {}, end() {}, sendRaw: (_code: number, bytes: Buffer, headers: Record<string, string>) => sent.push({ bytes, text, length: headers['Content-Length'] }) };
        return adapter.processChecked(activity(), '', raw, async (context) => {
          await context.sendActivity(text);
        });
      }),
    );
    expect(sent).to.have.length(texts.length);
    // Read only after all were made: no answer's bytes were written over by a later one.
    for (const { bytes, text, length } of sent) {
      expect((JSON.parse(bytes.toString('utf8')) as { activities: Activity[] }).activities[0].text).to.equal(text);
      expect(length).to.equal(String(bytes.length));
    }
  });

  it('answers an invoke with its invoke response, and a failed turn with a 500, as CloudAdapter.process does', async () => {
    const invoke = () => activity({ type: ActivityTypes.Invoke, name: 'x', deliveryMode: undefined, serviceUrl: 'http://127.0.0.1:1/' });
    const answered = await both(invoke, async (context) => {
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 202, body: { ok: true } } });
    });
    expect(answered.viaChecked.code).to.equal(202).and.to.equal(answered.viaProcess.code);
    expect(answered.viaChecked.body).to.deep.equal({ ok: true }).and.to.deep.equal(answered.viaProcess.body);

    const errors = console.error;
    console.error = () => undefined;
    try {
      const failed = await both(invoke, async () => {
        throw new Error('broken');
      });
      expect(failed.viaChecked.code).to.equal(500).and.to.equal(failed.viaProcess.code);
    } finally {
      console.error = errors;
    }
  });

  it("sends a refused or failed request to the assistant's log, not the console: 401 as a warning with the reason, 500 as an error", async () => {
    const lines: { level: string; details: object; message: string }[] = [];
    const log = {
      warn: (details: object, message: string) => lines.push({ level: 'warn', details, message }),
      error: (details: object, message: string) => lines.push({ level: 'error', details, message }),
    };
    const printed: unknown[] = [];
    const errors = console.error;
    console.error = (...args: unknown[]) => printed.push(args);
    try {
      const logged = new AssistantAdapter(new ConnectorClientsAuthentication({}, undefined), log);
      const failed = new Recorded();
      await logged.processChecked(activity(), '', failed, async () => {
        throw new Error('broken');
      });
      expect(failed.code).to.equal(500);

      const withAppId = new AssistantAdapter(new ConnectorClientsAuthentication({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'secret' }, undefined), log);
      const refused = new Recorded();
      await withAppId.processChecked(activity({ channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/emea/' }), '', refused, async () => undefined);
      expect(refused.code).to.equal(401);
    } finally {
      console.error = errors;
    }
    expect(printed).to.deep.equal([]);
    expect(lines.map((l) => [l.level, l.message])).to.deep.equal([
      ['error', 'activity failed'],
      ['warn', 'activity refused: not authenticated'],
    ]);
    expect((lines[0].details as { err: Error }).err.message).to.equal('broken');
    expect((lines[1].details as { reason: string }).reason).to.be.a('string').and.not.equal('');
  });
});
