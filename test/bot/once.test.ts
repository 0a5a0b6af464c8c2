import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { STATE_CHANGING_VERBS } from '../../src/bot/once-verbs.js';
import type { Feature } from '../../src/bot/feature.js';
import type { CasStore, StorageBackend } from '../../src/storage/cas-store.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { cardsOf, Chat, inputsOf, textOf, textsOf, type Activity, type Card } from '../support/chat.js';
import { FakeConnector } from '../support/fake-connector.js';
import { countIn, snapshot } from '../support/records.js';
import { seedReseller } from '../support/organizations.js';

const CONTOSO = '11111111-1111-4111-8111-111111111111';
const ALREADY_DONE = 'That button was already used: nothing changed the second time.';
const lastCard = (activities: Activity[]): Card => {
  const cards = cardsOf(activities);
  if (!cards.length) throw new Error(`expected a card, got: ${JSON.stringify(textsOf(activities))}`);
  return cards[cards.length - 1];
};

describe('Once only: redeliveries and double clicks', () => {
  let app: RunningAssistant;
  let connector: FakeConnector;
  let counter = 0;

  before(async () => {
    connector = new FakeConnector();
    await connector.start();
    app = await startAssistant();
  });
  after(async () => {
    await app.stop();
    await connector.stop();
  });

  const user = (id: string, extra: Record<string, string> = {}) => new Chat(app.baseUrl, { id, name: id, serviceUrl: connector.serviceUrl, ...extra });
  /** Contoso's approver, a Teams user of Contoso's tenant. */
  const approverChat = () => user('provider-approver-contoso', { aadObjectId: 'provider-approver-contoso', tenantId: CONTOSO, channelId: 'msteams' });
  const mails = () => {
    const dir = join(app.dataDir, 'outbox');
    return existsSync(dir) ? readdirSync(dir).length : 0;
  };
  /** Background work (mail, notices) finishes shortly after the turn answers. */
  const settle = () => new Promise((r) => setTimeout(r, 100));

  async function reseller(name: string): Promise<Chat> {
    const tenantId = `dddddddd-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
    const admin = user(`29:${name}`, { tenantId, aadObjectId: `aad-${name}`, channelId: 'msteams' });
    await seedReseller(app, { tenantId, name, admin: { userId: `aad-${name}`, name: `29:${name}` } });
    return admin;
  }

  async function withContoso(admin: Chat): Promise<string> {
    const approver = approverChat();
    await approver.say('help');
    await admin.submit('provider.request', { providerTenantId: CONTOSO });
    const request = lastCard(await approver.say('requests'));
    const linkId = request.actions.find((a: Card) => a.title === 'Approve').data.linkId;
    await approver.submit('provider.approve', { linkId });
    await admin.submit('provider.authorize', { linkId, consent: 'true' });
    return linkId;
  }

  it('a customer invitation delivered twice (same activity id) is drafted once and marked sent once', async () => {
    const admin = await reseller('redelivered');
    const linkId = await withContoso(admin);
    const draft = { id: 'teams-redelivery-1', type: 'message', value: { verb: 'customer.draft', companyName: 'Litware', adminEmail: 'admin@litware.example', providerLinkId: linkId } };
    const before = await countIn(app.assistant.storage, 'customer-invitations');
    const first = await admin.post(draft);
    const again = await admin.post(draft);
    expect(await countIn(app.assistant.storage, 'customer-invitations')).to.equal(before + 1);
    expect(again).to.deep.equal([]);

    const card = lastCard(first);
    const invitationId = card.actions.find((a: Card) => a.title === 'Done').data.invitationId;
    const done = { id: 'teams-redelivery-2', type: 'message', value: { verb: 'customer.done', invitationId, subject: 'Invitation', body: inputsOf(card).body.value } };
    expect(textsOf(await admin.post(done)).join()).to.include('Litware');
    const records = await snapshot(app.assistant.storage);
    expect(await admin.post(done)).to.deep.equal([]);
    expect(await snapshot(app.assistant.storage)).to.deep.equal(records);
  });

  it('a reseller invitation clicked twice on the same card creates one invitation; the second click is told so', async () => {
    const anna = approverChat();
    const form = lastCard(await anna.say('invite reseller'));
    const button = form.actions.find((a: Card) => (a.verb ?? a.data?.verb) === 'provider.invite');
    expect(button.data.actionNonce).to.be.a('string');
    const before = await countIn(app.assistant.storage, 'reseller-invitations');
    const first = await anna.click(form, button.title, { email: 'twice@reseller.example' });
    expect(textOf(lastCard(first))).to.include('twice@reseller.example');
    const second = await anna.click(form, button.title, { email: 'twice@reseller.example' });
    // Submit answers "already used"; Teams' Action.Execute gets the first answer's card back.
    const answered = [...textsOf(second), ...cardsOf(second).map(textOf)].join();
    expect(answered === ALREADY_DONE || answered === textOf(lastCard(first))).to.equal(true);
    expect(await countIn(app.assistant.storage, 'reseller-invitations')).to.equal(before + 1);
  });

  it('a corrected resubmit of a form with a validation error still works', async () => {
    const anna = approverChat();
    const form = lastCard(await anna.say('invite reseller'));
    const title = form.actions.find((a: Card) => (a.verb ?? a.data?.verb) === 'provider.invite').title;
    const bad = lastCard(await anna.click(form, title, { email: 'not-an-email' }));
    expect(textOf(bad)).to.include('not a valid e-mail address');
    const before = await countIn(app.assistant.storage, 'reseller-invitations');
    const good = lastCard(await anna.click(form, title, { email: 'fixed@reseller.example' }));
    expect(textOf(good)).to.include('fixed@reseller.example');
    expect(await countIn(app.assistant.storage, 'reseller-invitations')).to.equal(before + 1);
  });

  it('an Action.Execute redelivered (same activity id) is answered with the first response and changes nothing', async () => {
    const anna = approverChat();
    const invoke = {
      id: 'teams-invoke-redelivery',
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'provider.invite', data: { email: 'invoke@reseller.example', actionNonce: 'n-invoke' } }, trigger: 'manual' },
    };
    const before = await countIn(app.assistant.storage, 'reseller-invitations');
    const first = (await anna.post(invoke)).find((a) => a.type === 'invokeResponse')!;
    const again = (await anna.post(invoke)).find((a) => a.type === 'invokeResponse')!;
    expect(first.value.body.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(again.value).to.deep.equal(first.value);
    expect(await countIn(app.assistant.storage, 'reseller-invitations')).to.equal(before + 1);
    // A double click in Teams (another activity id, the same card) gets the first card back too.
    const click = (await anna.post({ ...invoke, id: 'teams-invoke-second-click' })).find((a) => a.type === 'invokeResponse')!;
    expect(click.value.body).to.deep.equal(first.value.body);
    expect(await countIn(app.assistant.storage, 'reseller-invitations')).to.equal(before + 1);
  });

  it('an Action.Execute delivered twice at the same moment makes one invitation; the other delivery gets the same card or "still working"', async () => {
    const anna = approverChat();
    const invoke = {
      id: 'teams-invoke-twice-at-once',
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'provider.invite', data: { email: 'twice@reseller.example', actionNonce: 'n-twice' } }, trigger: 'manual' },
    };
    const before = await countIn(app.assistant.storage, 'reseller-invitations');
    const answers = (await Promise.all([anna.post(invoke), anna.post(invoke)])).map((activities) => activities.find((a) => a.type === 'invokeResponse')!.value.body);
    expect(await countIn(app.assistant.storage, 'reseller-invitations')).to.equal(before + 1);
    const cards = answers.filter((body) => body.type === 'application/vnd.microsoft.card.adaptive');
    expect(cards.length).to.be.at.least(1);
    // The Universal Actions message answer: the text itself is the value, as Teams shows it.
    for (const body of answers.filter((b) => !cards.includes(b))) expect(body).to.deep.equal({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'I am still working on your previous click; the answer will follow.' });
  });

  it('an approver role update clicked again on its old card changes nothing the second time, even after the role was taken back', async () => {
    const ANNA = 'a1b2c3d4-0004-4a7e-8b1c-1f2e3d4c5b6a';
    const anna = user(`29:${ANNA}`, { aadObjectId: ANNA, tenantId: CONTOSO, channelId: 'msteams', name: 'Anna Weber' });
    const colleague = user('29:aad-contoso-twice', { aadObjectId: 'aad-contoso-twice', tenantId: CONTOSO, channelId: 'msteams' });
    await colleague.say('requests');
    const card = lastCard(await anna.say('approvers'));
    const row = card.body.find((b: Card) => b.type === 'Container' && textOf(b).includes('29:aad-contoso-twice'));
    const index = row.items.find((i: Card) => i.type === 'Input.Toggle').id.split('_')[1];
    const title = 'Update roles of 29:aad-contoso-twice';
    const provider = async () => JSON.parse((await app.assistant.storage.namespace('providers').get(CONTOSO))!).value;
    const before = ((await provider()).history ?? []).length;
    const granted = lastCard(await anna.click(card, title, { [`approver_${index}`]: 'true' }));
    expect(textOf(granted)).to.include('updated: Approver');
    expect(textOf(lastCard(await anna.click(granted, title, { [`approver_${index}`]: 'false' })))).to.include('updated: No role');
    const records = await snapshot(app.assistant.storage);
    // The first card's button again (a double click, or Teams redelivering it): the first answer, no new grant.
    const again = await anna.click(card, title, { [`approver_${index}`]: 'true' });
    expect(textOf(lastCard(again))).to.equal(textOf(granted));
    expect(await snapshot(app.assistant.storage)).to.deep.equal(records);
    expect((await provider()).approverIds).to.not.include('aad-contoso-twice');
    expect((await provider()).history).to.have.length(before + 2);
  });

  describe('every state-changing verb', () => {
    let admin: Chat;
    let linkId: string;
    before(async () => {
      admin = await reseller('every-verb');
      linkId = await withContoso(admin);
    });
    for (const verb of [...STATE_CHANGING_VERBS].sort()) {
      it(`${verb}: a redelivered Submit and a redelivered Execute change no record and send no notice the second time`, async () => {
        const data = { linkId, providerLinkId: linkId, invitationId: 'x', answer: 'yes', consent: 'true', providerTenantId: CONTOSO, email: 'r@example.com', companyName: 'Fabrikam', adminEmail: 'it@fabrikam.example', code: '123456', role: 'salesAgent', actionNonce: `n-${verb}` };
        const submit = { id: `redeliver-submit-${verb}`, type: 'message', value: { ...data, verb } };
        const execute = { id: `redeliver-execute-${verb}`, type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data: { ...data, actionNonce: `x-${verb}` } }, trigger: 'manual' } };
        for (const activity of [submit, execute]) {
          const first = await admin.post(activity);
          await settle();
          const records = await snapshot(app.assistant.storage);
          const notices = connector.received.length;
          const sent = mails();
          const again = await admin.post(activity);
          await settle();
          if (activity.type === 'invoke') expect(again).to.deep.equal(first.filter((a) => a.type === 'invokeResponse'));
          else expect(again).to.deep.equal([]);
          expect(await snapshot(app.assistant.storage)).to.deep.equal(records);
          expect(connector.received.length).to.equal(notices);
          expect(mails()).to.equal(sent);
        }
      });
    }
  });

  it('a foreign serviceUrl posted under an approver\'s id is refused, and their next approval card still reaches them', async () => {
    const approver = approverChat();
    await approver.say('help');
    const forged = new Chat(app.baseUrl, { id: 'provider-approver-contoso', aadObjectId: 'provider-approver-contoso', tenantId: CONTOSO, channelId: 'msteams', serviceUrl: 'https://attacker.example/' }, approver.conversationId);
    const refused = await forged.raw({ type: 'message', text: 'help', deliveryMode: 'normal' });
    expect(refused.status).to.equal(400);
    expect(refused.body.message).to.include('serviceUrl');
    const admin = await reseller('redirect-victim');
    await admin.submit('provider.request', { providerTenantId: CONTOSO });
    const card = await connector.waitFor((r) => r.conversationId === approver.conversationId && JSON.stringify(r.activity).includes('redirect-victim'));
    expect(card.method).to.equal('POST');
  });
});

describe('Once only: a failed turn can be retried', () => {
  let app: RunningAssistant;
  let calls = 0;
  const flaky: Feature = {
    name: 'flaky',
    actions: {
      'test.flaky': async (turn) => {
        calls++;
        if (calls === 1) throw new Error('the first attempt fails');
        await turn.say('common.actionDone');
      },
    },
  };
  before(async () => {
    app = await startAssistant({}, { extraFeatures: [flaky] });
  });
  after(async () => app.stop());

  it('runs a redelivery of an activity whose first delivery failed, and only that once', async () => {
    const chat = new Chat(app.baseUrl, { id: 'u-flaky' });
    const activity = { id: 'retry-after-failure', type: 'message', value: { verb: 'test.flaky' } };
    expect(textsOf(await chat.post(activity)).join()).to.include('something went wrong');
    expect(textsOf(await chat.post(activity))).to.deep.equal(['Done.']);
    expect(await chat.post(activity)).to.deep.equal([]);
    expect(calls).to.equal(2);
  });
});

describe('Once only: a claim and the user\'s state in one round trip', () => {
  let app: RunningAssistant;
  /** What the store was asked, in order: reads of state as they start, the delivery claim as it starts and as it is answered. */
  const events: string[] = [];
  let failStateReads = false;

  /** The embedded store, with the state reads and the delivery claims written down as they happen. */
  function traced(backend: StorageBackend): StorageBackend {
    const namespace = (name: string): CasStore => {
      const store = backend.namespace(name);
      if (name !== 'botstate' && name !== 'once') return store;
      return {
        get: async (key) => {
          if (name === 'botstate') {
            events.push('state read');
            if (failStateReads) throw new Error('the store failed to read the state');
          }
          return store.get(key);
        },
        compareAndSet: async (key, expected, next) => {
          // A first claim: a conditional insert (the keys are hashed).
          const claim = name === 'once' && expected === undefined && next !== undefined;
          if (claim) events.push('claim asked');
          const done = await store.compareAndSet(key, expected, next);
          if (claim) events.push('claim answered');
          return done;
        },
        entries: () => store.entries(),
      };
    };
    return new Proxy(backend, { get: (target, prop) => (prop === 'namespace' ? namespace : Reflect.get(target, prop, target)) });
  }

  before(async () => {
    app = await startAssistant({}, { storage: traced(KeyvBackend.memory()) });
  });
  after(async () => app.stop());

  it('reads the user\'s and the conversation\'s state while the delivery is claimed, and a failed read gives the claim back', async () => {
    const chat = new Chat(app.baseUrl, { id: 'u-one-trip' });
    events.length = 0;
    expect(textsOf(await chat.post({ id: 'one-trip-1', type: 'message', text: 'language' })).join(' ')).to.not.include('something went wrong');
    // Both reads are asked for before the claim is answered: the store answers them together.
    const answered = events.indexOf('claim answered');
    expect(answered).to.be.above(0);
    expect(events.slice(0, answered).filter((e) => e === 'state read')).to.have.length(2);
    // The store fails to read the state: the turn fails, and its claim is given back for the channel's retry.
    failStateReads = true;
    expect(textsOf(await chat.post({ id: 'one-trip-2', type: 'message', text: 'language' })).join(' ')).to.include('something went wrong');
    failStateReads = false;
    expect(textsOf(await chat.post({ id: 'one-trip-2', type: 'message', text: 'language' }))).to.deep.equal(['I speak English and Italian. Type "language english" or "language italiano".']);
    // A redelivery of an answered message is ignored, as before.
    expect(await chat.post({ id: 'one-trip-2', type: 'message', text: 'language' })).to.deep.equal([]);
  });

  it("claims a click while the user's state is read, and gives the claim back when that read fails, so that the click runs again", async () => {
    const chat = new Chat(app.baseUrl, { id: '29:u-click', name: 'Click', aadObjectId: 'aad-u-click', tenantId: 'dddddddd-0000-4000-8000-00000000c11c', channelId: 'msteams' });
    const click = { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'provider.approve', data: { linkId: 'nobody|nothing', actionNonce: 'rendering-1' } }, trigger: 'manual' } };
    events.length = 0;
    failStateReads = true;
    expect(textsOf(await chat.post(click)).join(' ')).to.include('something went wrong');
    failStateReads = false;
    // The claim was asked for before the state read failed, and was given back.
    expect(events.indexOf('claim asked')).to.be.within(0, events.indexOf('state read'));
    const again = textsOf(await chat.post(click)).join(' ');
    expect(again).to.not.include('still working');
    expect(again).to.include('needs the Approver or Provider admin role');
  });
});
