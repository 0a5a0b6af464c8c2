import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { decodeProtectedHeader } from 'jose';
import { rotateKeyring } from '../../src/storage/signing-key.js';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { cardsOf, Chat, inputsOf, textOf, textsOf, type Activity, type Card } from '../support/chat.js';
import { FakeConnector } from '../support/fake-connector.js';
import { seedReseller } from '../support/organizations.js';

const lastCard = (activities: Activity[]): Card => cardsOf(activities).at(-1)!;
const linkIn = (text: string) => /(http:\/\/\S+\/invitations\/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+)/.exec(text)![1];
const kidOf = (link: string) => decodeProtectedHeader(link.split('/').at(-1)!).kid;

describe('Customer invitation links across a signing key rotation', () => {
  let connector: FakeConnector;
  let dataDir: string;
  before(async () => {
    connector = new FakeConnector();
    await connector.start();
    dataDir = mkdtempSync(join(tmpdir(), 'csp-rotation-journey-'));
  });
  after(async () => {
    await connector.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // One public address for both runs, as in production: the links in the draft must stay the same URL.
  const start = () => startAssistant({ PAGE_RATE_BURST: '1000', PAGE_RATE_PER_SECOND: '1000', PUBLIC_BASE_URL: 'http://assistant.test' }, {}, { dataDir, keepData: true });
  const admin = (app: RunningAssistant) => new Chat(app.baseUrl, { id: '29:rotator', name: 'Rotator', serviceUrl: connector.serviceUrl, tenantId: 'dddddddd-0000-4000-8000-000000000001', aadObjectId: 'aad-rotator', channelId: 'msteams' });
  const page = (app: RunningAssistant, url: string) => fetch(`${app.baseUrl}${new URL(url).pathname}`);

  it('accepts a draft written before the rotation, keeps the old link working, and resends with the new key', async () => {
    const before = await start();
    let draft: Card;
    let oldLink: string;
    try {
      const chat = admin(before);
      await seedReseller(before, { tenantId: 'dddddddd-0000-4000-8000-000000000001', name: 'Rotator S.r.l.', admin: { userId: 'aad-rotator', name: 'Rotator' } });
      draft = lastCard(await chat.submit('customer.draft', { companyName: 'Rotated Ltd', adminEmail: 'admin@rotated.example' }));
      oldLink = linkIn(inputsOf(draft).body.value);
    } finally {
      await before.stop();
    }
    rotateKeyring(dataDir);

    const after = await start();
    try {
      const chat = admin(after);
      const invitationId = draft.actions.find((a: Card) => a.title === 'Done').data.invitationId;
      const done = await chat.submit('customer.done', { invitationId, subject: 'Invitation', body: inputsOf(draft).body.value });
      expect(textsOf(done).join(), 'the draft’s link, signed with the retired key, is still its link').to.include('recorded as sent');
      expect((await page(after, oldLink)).status, 'a link signed before the rotation still opens').to.equal(200);

      const resent = await chat.submit('customer.resend', { invitationId });
      const newLink = linkIn([...textsOf(resent), ...cardsOf(resent).map(textOf), JSON.stringify(cardsOf(resent).map((c) => inputsOf(c)))].join('\n'));
      expect(kidOf(newLink)).to.not.equal(kidOf(oldLink));
      expect((await page(after, newLink)).status).to.equal(200);
      expect((await page(after, oldLink)).status, 'a resend retires the old link').to.equal(404);
    } finally {
      await after.stop();
    }
  });
});
