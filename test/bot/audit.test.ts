import { expect } from 'chai';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { cardsOf, Chat, inputsOf, textOf, textsOf, type Activity, type Card } from '../support/chat.js';
import { seedReseller } from '../support/organizations.js';

const CONTOSO = '11111111-1111-4111-8111-111111111111';
const RESELLER = 'dddddddd-0000-4000-8000-000000000001';
const OUTSIDER = 'dddddddd-0000-4000-8000-000000000002';
const ANNA = 'a1b2c3d4-0004-4a7e-8b1c-1f2e3d4c5b6a';

const lastCard = (activities: Activity[]): Card => {
  const cards = cardsOf(activities);
  if (!cards.length) throw new Error(`expected a card, got: ${JSON.stringify(textsOf(activities))}`);
  return cards[cards.length - 1];
};

/** A CSV document as rows of cells (RFC 4180: quoted cells, doubled quotes, CRLF lines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  return rows;
}

describe('Audit trail export', function () {
  this.timeout(60_000);
  let app: RunningAssistant;
  let now = new Date('2026-11-24T09:00:00Z');
  const tick = () => (now = new Date(now.getTime() + 60_000));

  const teams = (id: string, tenantId: string, name: string, locale = 'en-US') =>
    new Chat(app.baseUrl, { id: `29:${id}`, aadObjectId: id, name, tenantId, channelId: 'msteams', locale });
  let marco: Chat;
  let marcoIt: Chat;
  let sara: Chat;
  let pia: Chat;
  let anna: Chat;

  /** The export card's download link, answered to `text` in chat. */
  async function exportLink(chat: Chat, text = 'export audit'): Promise<string> {
    const card = lastCard(await chat.say(text));
    const open = card.actions.find((a: Card) => a.type === 'Action.OpenUrl');
    expect(open, JSON.stringify(card)).to.not.equal(undefined);
    return open.url as string;
  }
  const download = (url: string) => fetch(`${app.baseUrl}${new URL(url).pathname}${new URL(url).search}`);

  before(async () => {
    app = await startAssistant({ PAGE_RATE_BURST: '1000', PAGE_RATE_PER_SECOND: '1000' }, { clock: { now: () => now } });
    marco = teams('aad-marco', RESELLER, 'Marco Rossi');
    marcoIt = teams('aad-marco', RESELLER, 'Marco Rossi', 'it-IT');
    sara = teams('aad-sara', RESELLER, 'Sara Verdi');
    pia = teams('provider-approver-contoso', CONTOSO, 'Pia Approver');
    anna = teams(ANNA, CONTOSO, 'Anna Weber');
    await seedReseller(app, { tenantId: RESELLER, name: 'Demo Reseller, S.r.l.', admin: { userId: 'aad-marco', name: 'Marco Rossi' } });
    await seedReseller(app, { tenantId: OUTSIDER, name: 'Other Reseller Ltd', admin: { userId: 'aad-olga', name: 'Olga' } });
    // Sara becomes a sales agent.
    await sara.say('status');
    const users = lastCard(await marco.say('users'));
    const index = users.body.find((b: Card) => b.type === 'Container' && textOf(b).includes('Sara Verdi')).items.find((i: Card) => i.type === 'Input.Toggle').id.split('_')[1];
    await marco.submit('enrollment.users.setRoles', { userId: 'aad-sara', index, [`salesAgent_${index}`]: 'true' });
    await pia.say('help');
    await anna.say('help');
    // Request, approval by Contoso's approver, authorization by the reseller's Admin agent.
    tick();
    await marco.submit('provider.request', { providerTenantId: CONTOSO });
    tick();
    const request = lastCard(await pia.say('requests'));
    const linkId = request.actions.find((a: Card) => a.title === 'Approve').data.linkId;
    await pia.submit('provider.approve', { linkId });
    tick();
    await marco.submit('provider.authorize', { linkId, consent: 'true' });
    // A two-tier invitation by the sales agent, which Litware's admin accepts.
    tick();
    const draft = lastCard(await sara.submit('customer.draft', { companyName: 'Litware Società', adminEmail: 'admin@litware.example', providerLinkId: linkId }));
    const body = String(inputsOf(draft).body.value);
    const invitationId = JSON.stringify(draft).match(/"invitationId":"([^"]+)"/)![1];
    await sara.submit('customer.done', { invitationId, subject: 'Invitation', body });
    tick();
    const link = /(http:\/\/\S+\/invitations\/[A-Za-z0-9_.-]+)/.exec(body)![1];
    const accepted = await fetch(`${app.baseUrl}${new URL(link).pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: '=Lena "Admin" Bauer', email: 'lena@litware.example', company: 'yes' }).toString(),
    });
    expect(accepted.status).to.equal(200);
    tick();
  });
  after(async () => {
    await app?.stop();
  });

  it("gives the reseller's Admin agent a download link whose CSV names every person with their organization, in Italian", async () => {
    const card = lastCard(await marcoIt.say('esporta registro'));
    expect(textOf(card)).to.include('Registro attività di Demo Reseller, S.r.l.');
    const res = await download(card.actions.find((a: Card) => a.type === 'Action.OpenUrl').url);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="audit-trail-2026-11-24\.csv"$/);
    expect(res.headers.get('cache-control')).to.equal('no-store');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 3).toString('hex')).to.equal('efbbbf');
    const [headers, ...rows] = parseCsv(bytes.subarray(3).toString('utf8'));
    expect(headers).to.deep.equal(['Quando (UTC)', 'Tipo di record', 'Record', 'Cosa', 'Chi', 'Organizzazione', 'Dettaglio']);
    const read = rows.map(([when, type, record, what, who, org]) => ({ when, type, record, what, who, org }));
    for (const r of read) expect(r.when).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const lines = read.map((r) => `${r.type} | ${r.record} | ${r.what} | ${r.who} | ${r.org}`);
    expect(lines).to.include.members([
      'Relazione con il provider | Contoso Distribution Europe | Request to connect | Marco Rossi | Demo Reseller, S.r.l.'.replace('Request to connect', 'Richiesta di collegamento'),
      'Relazione con il provider | Contoso Distribution Europe | Richiesta approvata | Pia Approver | Contoso Distribution Europe',
      'Relazione con il provider | Contoso Distribution Europe | Provider indiretto autorizzato | Marco Rossi | Demo Reseller, S.r.l.',
      'Invito cliente | Litware Società | Invito preparato | Sara Verdi | Demo Reseller, S.r.l.',
      'Invito cliente | Litware Società | Invito inviato | Sara Verdi | Demo Reseller, S.r.l.',
      // The formula-like name the customer typed is neutralized.
      "Invito cliente | Litware Società | Invito accettato | '=Lena \"Admin\" Bauer | Litware Società",
      "Cliente | Litware Società | Cliente creato all'accettazione | '=Lena \"Admin\" Bauer | Litware Società",
      "Cliente | Litware Società | Relazione di rivenditore con il provider creata | '=Lena \"Admin\" Bauer | Litware Società",
      'Organizzazione | Demo Reseller, S.r.l. | Ruoli modificati | Marco Rossi | Demo Reseller, S.r.l.',
    ]);
    expect(rows.find((r) => r[3] === 'Ruoli modificati')?.[6]).to.equal('Sara Verdi: Agente di vendita');
    expect(read.map((r) => r.when)).to.deep.equal([...read.map((r) => r.when)].sort());
  });

  it("gives Contoso's provider admin its own trail: its relationships, the customers it shares and its people", async () => {
    const url = await exportLink(anna);
    const res = await download(url);
    expect(res.status).to.equal(200);
    const [headers, ...rows] = parseCsv((await res.text()).replace(/^\ufeff/, ''));
    expect(headers).to.deep.equal(['When (UTC)', 'Record type', 'Record', 'What', 'Who', 'Organization', 'Detail']);
    const lines = rows.map(([, type, record, what, who, org]) => `${type} | ${record} | ${what} | ${who} | ${org}`);
    expect(lines).to.include.members([
      'Provider relationship | Demo Reseller, S.r.l. | Request approved | Pia Approver | Contoso Distribution Europe',
      'Provider relationship | Demo Reseller, S.r.l. | Indirect provider authorized | Marco Rossi | Demo Reseller, S.r.l.',
      'Customer invitation | Litware Società | Invitation sent | Sara Verdi | Demo Reseller, S.r.l.',
      "Customer | Litware Società | Reseller relationship with the provider created | '=Lena \"Admin\" Bauer | Litware Società",
    ]);
    // Another reseller's records are not in it.
    expect(lines.join('\n')).to.not.include('Other Reseller Ltd');
  });

  it('refuses a sales agent, an approver, an outsider and an anonymous caller, naming the role', async () => {
    expect(textsOf(await sara.say('export audit')).join(' ')).to.include('Admin agent').and.include('Marco Rossi');
    expect(textsOf(await pia.say('export audit')).join(' ')).to.include('Provider admin').and.include('Anna Weber');
    expect(textsOf(await teams('aad-nobody', 'dddddddd-0000-4000-8000-0000000000ee', 'Nobody').say('export audit')).join(' ')).to.include('Admin agent');
    expect(textsOf(await new Chat(app.baseUrl, { id: 'stranger', name: 'Stranger' }).say('export audit')).join(' ')).to.include("can't tell who you are");
  });

  it("exports only the caller's own organization: another reseller's Admin agent sees none of these records", async () => {
    const res = await download(await exportLink(teams('aad-olga', OUTSIDER, 'Olga')));
    const text = await res.text();
    expect(text).to.not.include('Contoso').and.not.include('Litware');
  });

  it('refuses a tampered link (404) and an expired one (410)', async () => {
    const url = new URL(await exportLink(marco));
    const token = url.pathname.split('/').pop()!;
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await download(`${url.origin}/exports/audit/${tampered}`)).status).to.equal(404);
    expect((await download(`${url.origin}/exports/audit/not-a-token`)).status).to.equal(404);
    now = new Date(now.getTime() + 6 * 60_000);
    const expired = await download(url.toString());
    expect(expired.status).to.equal(410);
    expect(await expired.text()).to.include('expired');
  });

  it("checks the role again when the link is opened: an Admin agent who lost the role gets nothing", async () => {
    // Sara becomes an Admin agent, asks for a link, then Marco takes the role back before she opens it.
    const users = lastCard(await marco.say('users'));
    const index = users.body.find((b: Card) => b.type === 'Container' && textOf(b).includes('Sara Verdi')).items.find((i: Card) => i.type === 'Input.Toggle').id.split('_')[1];
    await marco.submit('enrollment.users.setRoles', { userId: 'aad-sara', index, [`adminAgent_${index}`]: 'true', [`salesAgent_${index}`]: 'true' });
    const url = await exportLink(sara);
    await marco.submit('enrollment.users.setRoles', { userId: 'aad-sara', index, [`adminAgent_${index}`]: 'false', [`salesAgent_${index}`]: 'true' });
    const refused = await download(url);
    expect(refused.status).to.equal(403);
    expect(await refused.text()).to.include('Admin agent');
  });
});
