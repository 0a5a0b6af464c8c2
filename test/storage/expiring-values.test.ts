import { expect } from 'chai';
import { SharedProviderAdapter } from '../../src/http/oidc/shared-adapter.js';
import { CasExpiringValues } from '../../src/storage/expiring-values.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';

describe('Expiring values on a compare-and-set store, and the demo provider’s adapter on them', () => {
  let now = Date.parse('2026-12-05T09:00:00Z');
  const open = () => {
    const backend = KeyvBackend.memory();
    return { backend, values: new CasExpiringValues(backend.namespace('oidc-provider'), () => now) };
  };

  it('counts an expired value as absent, keeps one without expiry, and sweeps the expired', async () => {
    const { backend, values } = open();
    await values.set('short', 'a', now + 1000);
    await values.set('forever', 'b');
    expect(await values.get('short')).to.deep.equal({ value: 'a', expiresAt: now + 1000 });
    now += 1001;
    expect(await values.get('short')).to.equal(undefined);
    expect(await values.get('forever')).to.deep.equal({ value: 'b' });
    await values.sweep();
    const keys: string[] = [];
    for await (const [key] of backend.namespace('oidc-provider').entries()) keys.push(key);
    expect(keys).to.deep.equal(['forever']);
    await values.delete('forever');
    expect(await values.get('forever')).to.equal(undefined);
  });

  it('creates a value once when several instances race: each gets the winner’s', async () => {
    const { values } = open();
    const kept = await Promise.all(['one', 'two', 'three'].map((v) => values.setIfAbsent('secrets', v)));
    expect(new Set(kept).size).to.equal(1);
    expect(await values.get('secrets')).to.deep.equal({ value: kept[0] });
  });

  it('stores the provider’s records with their expiry: sessions by uid, consumption kept until expiry, grants revoked together', async () => {
    const { values } = open();
    const sessions = new SharedProviderAdapter('Session', values, () => now);
    await sessions.upsert('s1', { uid: 'u1', accountId: 'a' }, 60);
    expect(await sessions.findByUid('u1')).to.deep.equal({ uid: 'u1', accountId: 'a' });
    expect(await sessions.findByUid('other')).to.equal(undefined);
    await sessions.destroy('s1');
    expect(await sessions.findByUid('u1')).to.equal(undefined);

    const codes = new SharedProviderAdapter('AuthorizationCode', values, () => now);
    const tokens = new SharedProviderAdapter('AccessToken', values, () => now);
    await codes.upsert('c1', { grantId: 'g1' }, 60);
    await tokens.upsert('t1', { grantId: 'g1' }, 600);
    await codes.consume('c1');
    expect((await codes.find('c1'))?.consumed).to.equal(Math.floor(now / 1000));
    expect((await values.get('AuthorizationCode:c1'))?.expiresAt, 'consuming keeps the expiry').to.equal(now + 60_000);
    await tokens.revokeByGrantId('g1');
    expect(await codes.find('c1')).to.equal(undefined);
    expect(await tokens.find('t1')).to.equal(undefined);
    now += 61_000;
    await codes.upsert('c2', { grantId: 'g2' }, 60);
    expect(await codes.find('c2')).to.deep.equal({ grantId: 'g2' });
  });
});
