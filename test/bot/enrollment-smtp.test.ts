import { expect } from 'chai';
import { SMTPServer } from 'smtp-server';
import { startAssistant, type RunningAssistant } from '../support/assistant.js';
import { Chat } from '../support/chat.js';

describe('Enrollment mail through SMTP', () => {
  let server: SMTPServer;
  let app: RunningAssistant;
  const received: { to: string[]; data: string }[] = [];

  before(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as { port: number }).port;
    app = await startAssistant({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'onboarding@assistant.example' });
  });
  after(async () => {
    await app.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends the primary contact the verification code and link when SMTP_URL is set', async () => {
    const chat = new Chat(app.baseUrl, { id: '29:smtp', aadObjectId: 'aad-smtp', name: 'Smtp User', tenantId: 'eeeeeeee-0000-4000-8000-000000000001', channelId: 'msteams' });
    await chat.say('enroll');
    await chat.submit('enrollment.alreadyEnrolled', { answer: 'no' });
    await chat.submit('enrollment.checklist');
    await chat.submit('enrollment.tenant', { mode: 'existing', country: 'IT' });
    await chat.submit('enrollment.mpnSignIn', { userName: 'admin@fabrikam-italia.example' });
    await chat.submit('enrollment.mpnSelect', { partnerId: '4851234' });
    await chat.submit('enrollment.legal', {
      legalName: 'Smtp S.r.l.', country: 'IT', line1: 'Via Po 2', city: 'Torino', region: 'TO', postalCode: '10121',
      contactFirstName: 'Paola', contactLastName: 'Neri', contactEmail: 'paola@smtp-srl.example', contactPhone: '011 123 4567',
      supportEmail: 'help@smtp-srl.example', supportPhone: '011 123 4568',
    });
    await chat.submit('enrollment.enrollNow');
    expect(received).to.have.length(1);
    expect(received[0].to).to.deep.equal(['paola@smtp-srl.example']);
    const mail = received[0].data.replace(/=\r?\n/g, '');
    expect(mail).to.match(/From: onboarding@assistant\.example/);
    expect(mail).to.match(/\b\d{6}\b/);
    expect(mail).to.include('/enrollment/verify/');
  });
});
