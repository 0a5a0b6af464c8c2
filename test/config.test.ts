import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, Env, loadConfig } from '../src/config.js';
import { projectRoot } from '../src/paths.js';

describe('Configuration', () => {
  it('starts on the embedded defaults with no environment at all', () => {
    const config = loadConfig({});
    expect(config.port).to.equal(3978);
    expect(config.storageUrl).to.equal('sqlite://./data/assistant.sqlite');
    expect(config.publicBaseUrl).to.equal('http://localhost:3978');
    expect(config.defaultLocale).to.equal('en');
    expect(config.bot.appId).to.equal(undefined);
    expect(config.reminders).to.deep.equal({ intervalMinutes: 60, afterBusinessDays: 2 });
    // The heap may grow to twice what the last full collection kept (BENCHMARKS.md, round 12).
    expect(config.heapGrowingPercent).to.equal(100);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', MicrosoftAppId: '  ' }).port).to.equal(3978);
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      PORT: '8080',
      PUBLIC_BASE_URL: 'https://assistant.contoso.example/',
      STORAGE_URL: 'redis://127.0.0.1:6379',
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'secret',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: 'tenant',
      DEFAULT_LOCALE: 'it',
      REVIEWER_IDS: 'a, b,,c',
      REMINDER_INTERVAL_MINUTES: '15',
      REMINDER_AFTER_DAYS: '3',
      HEAP_GROWING_PERCENT: '0',
    });
    expect(config.port).to.equal(8080);
    expect(config.heapGrowingPercent).to.equal(0);
    expect(config.publicBaseUrl).to.equal('https://assistant.contoso.example');
    expect(config.storageUrl).to.equal('redis://127.0.0.1:6379');
    expect(config.bot.appType).to.equal('SingleTenant');
    expect(config.defaultLocale).to.equal('it');
    expect(config.reviewerIds).to.deep.equal(['a', 'b', 'c']);
    expect(config.reminders).to.deep.equal({ intervalMinutes: 15, afterBusinessDays: 3 });
  });

  it('reads the token settings: previous signing keys, allowed tenants, Bot Framework metadata', () => {
    const key = 'k'.repeat(32);
    const config = loadConfig({
      INVITATION_PREVIOUS_SIGNING_KEYS: `${key}, ${key}2`,
      SSO_ALLOWED_TENANTS: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      BOT_OPENID_METADATA_URL: 'http://127.0.0.1:9/meta/',
    });
    expect(config.invitationPreviousSigningKeys).to.deep.equal([key, `${key}2`]);
    expect(config.teams.allowedTenants).to.deep.equal(['aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee']);
    expect(config.bot).to.deep.include({ openIdMetadataUrl: 'http://127.0.0.1:9/meta', tokenIssuer: 'https://api.botframework.com' });
    expect(loadConfig({}).bot.openIdMetadataUrl).to.equal('https://login.botframework.com/v1/.well-known/openidconfiguration');
  });

  it('reads the OAuth connection that proves the global administrator role in Teams, with the token service to reach it', () => {
    const config = loadConfig({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', OAUTH_CONNECTION_NAME: ' entra-sso ', BOT_OAUTH_URL: 'https://europe.token.botframework.com/' });
    expect(config.bot).to.deep.include({ oauthConnectionName: 'entra-sso', oauthUrl: 'https://europe.token.botframework.com' });
    expect(loadConfig({}).bot).to.deep.include({ oauthConnectionName: undefined, oauthUrl: 'https://api.botframework.com' });
  });

  it('stops with one line when OAUTH_CONNECTION_NAME is set without MicrosoftAppId, instead of quietly never proving the role', () => {
    try {
      loadConfig({ OAUTH_CONNECTION_NAME: 'entra-sso' });
      expect.fail('accepted a connection with no bot registration');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).problems).to.deep.equal([
        'Configuration error: OAUTH_CONNECTION_NAME needs MicrosoftAppId: the OAuth connection belongs to an Azure Bot registration; set MicrosoftAppId (and its password) or leave OAUTH_CONNECTION_NAME empty',
      ]);
    }
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ PORT: 'eighty' }, /^Configuration error: PORT /],
    [{ PORT: '70000' }, /^Configuration error: PORT /],
    [{ STORAGE_URL: 'postgres://x' }, /^Configuration error: STORAGE_URL must be memory:, sqlite/],
    [{ PUBLIC_BASE_URL: 'ftp://x' }, /^Configuration error: PUBLIC_BASE_URL /],
    [{ DEFAULT_LOCALE: 'fr' }, /^Configuration error: DEFAULT_LOCALE /],
    [{ MicrosoftAppType: 'Other' }, /^Configuration error: MicrosoftAppType /],
    [{ INVITATION_SIGNING_KEY: 'short' }, /^Configuration error: INVITATION_SIGNING_KEY must be at least 32/],
    [{ SMTP_URL: 'mail.example' }, /^Configuration error: SMTP_URL /],
    [{ INVITATION_PREVIOUS_SIGNING_KEYS: 'short,also-short' }, /^Configuration error: INVITATION_PREVIOUS_SIGNING_KEYS must be keys of at least 32/],
    [{ SSO_ALLOWED_TENANTS: 'contoso.com' }, /^Configuration error: SSO_ALLOWED_TENANTS must be tenant ids/],
    [{ EMBED_TRUSTED_TENANTS: 'contoso.onmicrosoft.com' }, /^Configuration error: EMBED_TRUSTED_TENANTS must be tenant ids/],
    [{ BOT_OPENID_METADATA_URL: 'ftp://login.example' }, /^Configuration error: BOT_OPENID_METADATA_URL /],
    [{ BOT_OAUTH_URL: 'ftp://token.botframework.com' }, /^Configuration error: BOT_OAUTH_URL /],
    [{ REMINDER_INTERVAL_MINUTES: '0' }, /^Configuration error: REMINDER_INTERVAL_MINUTES /],
    [{ REMINDER_AFTER_DAYS: 'two' }, /^Configuration error: REMINDER_AFTER_DAYS /],
    [{ HEAP_GROWING_PERCENT: '-5' }, /^Configuration error: HEAP_GROWING_PERCENT /],
  ];
  for (const [env, message] of bad) {
    it(`stops with one line naming ${Object.keys(env)[0]} when it is ${JSON.stringify(Object.values(env)[0])}`, () => {
      try {
        loadConfig(env);
        expect.fail('accepted a bad value');
      } catch (error) {
        expect(error).to.be.instanceOf(ConfigError);
        const { problems } = error as ConfigError;
        expect(problems).to.have.length(1);
        expect(problems[0]).to.match(message);
        expect(problems[0]).to.not.include('\n');
      }
    });
  }

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', DEFAULT_LOCALE: 'fr' });
      expect.fail('accepted bad values');
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.split(' ')[2])).to.have.members(['PORT', 'DEFAULT_LOCALE']);
    }
  });

  it('lists every variable in .env.example', () => {
    const listed = new Set([...readFileSync(join(projectRoot, '.env.example'), 'utf8').matchAll(/^([A-Za-z_]+)=/gm)].map((m) => m[1]));
    expect(Object.keys(Env.shape).filter((name) => !listed.has(name))).to.deep.equal([]);
  });
});
