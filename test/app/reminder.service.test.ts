import { expect } from 'chai';
import type { Notification, Notifier } from '../../src/app/notifier.port.js';
import type { Mail } from '../../src/app/outbox.port.js';
import { REMINDER_NOTICES, ReminderService, type SentReminder } from '../../src/app/reminder.service.js';
import type { ProviderLink } from '../../src/domain/provider/provider-link.js';
import type { Provider } from '../../src/domain/provider/provider.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { CasRecordStore } from '../../src/storage/record-store.js';

// Monday 23 November 2026; requests from the previous week are due.
const NOW = new Date('2026-11-23T09:00:00Z');

describe('ReminderService', () => {
  function setup() {
    const storage = KeyvBackend.memory();
    const records = <T>(name: string) => new CasRecordStore<T>(storage.namespace(name));
    const sentTo: { userId: string; notification: Notification }[] = [];
    const mails: Mail[] = [];
    const notifier: Notifier = {
      notify: async (userId, notification) => {
        sentTo.push({ userId, notification });
        // A slow connector widens the window in which a second instance could repeat a reminder.
        await new Promise((r) => setTimeout(r, 5));
        return { userId, conversationId: 'c', activityId: 'a' };
      },
      update: async () => true,
    };
    const service = () =>
      new ReminderService({
        links: records<ProviderLink>('provider-links'),
        providers: records<Provider>('providers'),
        applications: records('enrollments'),
        customerInvitations: records('customer-invitations'),
        resellerInvitations: records('reseller-invitations'),
        organizations: records('organizations'),
        sent: records<SentReminder>('reminders'),
        reviewerIds: ['reviewer'],
        notifier,
        outbox: { send: async (mail) => void mails.push(mail) },
        clock: { now: () => NOW },
        policy: { afterBusinessDays: 2 },
        localeOf: async () => 'en',
      });
    const seed = async (count: number) => {
      await records<Provider>('providers').compareAndSet('p', 0, {
        tenantId: 'p', name: 'Contoso', partnerId: '1', countries: ['IT'], services: [], support: 's', contactEmail: 'p@contoso.example', approverIds: ['ap-1', 'ap-2', 'ap-1'],
      } as unknown as Provider);
      for (let i = 0; i < count; i++) {
        await records<ProviderLink>('provider-links').compareAndSet(`p|r${i}`, 0, {
          id: `p|r${i}`, providerTenantId: 'p', providerName: 'Contoso', resellerId: `r${i}`, resellerName: `Reseller ${i}`, status: 'requested', requestedAt: '2026-11-18T09:00:00Z', history: [],
        });
      }
    };
    return { service, seed, sentTo, mails };
  }

  it('reminds each approver once, even when two instances run a pass at once without the lease', async () => {
    const { service, seed, sentTo } = setup();
    await seed(4);
    const reports = await Promise.all([service().runPass(async () => true), service().runPass(async () => true)]);
    expect(reports.flatMap((r) => r.sent)).to.have.length(4);
    expect(sentTo).to.have.length(8);
    expect(new Set(sentTo.map((s) => `${s.userId} ${String(s.notification.data.reseller)}`)).size).to.equal(8);
    expect(sentTo.every((s) => s.notification.kind === REMINDER_NOTICES.approval)).to.equal(true);
    expect((await service().runPass(async () => true)).sent).to.deep.equal([]);
  });

  it('stops at the step where it is told to, and the rest is reminded by the next pass', async () => {
    const { service, seed, sentTo } = setup();
    await seed(3);
    let allowed = 1;
    const first = await service().runPass(async () => allowed-- > 0);
    expect(first.sent).to.have.length(1);
    expect(sentTo).to.have.length(2);
    const second = await service().runPass(async () => true);
    expect(second.sent).to.have.length(2);
    expect(new Set([...first.sent, ...second.sent].map((s) => s.key)).size).to.equal(3);
  });
});
