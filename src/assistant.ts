import type { ConfigurationBotFrameworkAuthentication, ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import { CloudAdapter } from './botbuilder.js';
import type { Server } from 'restify';
import { mutate, type Clock } from './app/ports.js';
import { ok } from './domain/result.js';
import { AssistantBot } from './bot/assistant-bot.js';
import { ContactBook, type Contact } from './bot/contact-book.js';
import { ProactiveNotifier } from './bot/proactive-notifier.js';
import type { Feature } from './bot/feature.js';
import type { TextClassifier } from './bot/understanding/classifier.port.js';
import { MainMenu } from './bot/main-menu.feature.js';
import type { Preferences, Session, Turn } from './bot/turn.js';
import { TeamsSignIn } from './bot/teams-sign-in.js';
import { FreeText } from './bot/understanding/free-text.js';
import { DeferredClassifier } from './understanding/create-classifier.js';
import { createTurnErrorHandler } from './bot/turn-error.js';
import { turnLogger } from './bot/turn-log.js';
import { connectorDeadline } from './bot/connector-deadline.js';
import { ConnectorClientsAuthentication } from './bot/connector-clients.js';
import { AssistantAdapter } from './bot/adapter.js';
import { plainTextReplies } from './bot/plain-text.js';
import { CardRenderer } from './cards/renderer.js';
import type { Config } from './config.js';
import { createHttpServer } from './http/server.js';
import { pageThrottle } from './http/pages.js';
import { enrollmentRoutes } from './http/enrollment.routes.js';
import { TrackedTasks } from './app/background.js';
import { ColleagueService } from './app/colleague.service.js';
import { StatusMail } from './app/status-mail.js';
import { ColleagueFeature } from './bot/colleague.feature.js';
import { AuditFeature } from './bot/audit.feature.js';
import { AuditService } from './app/audit.service.js';
import { auditRoutes } from './http/audit.routes.js';
import { colleagueRoutes } from './http/colleague.routes.js';
import { legalRoutes } from './http/legal.routes.js';
import { EnrollmentService, type ApplicantIndex, type ReviewCards } from './app/enrollment.service.js';
import { AccessService } from './app/access.service.js';
import { IdentityResolver, type WebUser } from './bot/identity.js';
import { EnrollmentFeature } from './bot/enrollment.feature.js';
import { verificationKey } from './domain/enrollment/enrollment.js';
import { FileOutbox, SmtpOutbox } from './storage/outboxes.js';
import { ReferencePartnerCenter } from './storage/reference-partner-center.js';
import { partnerCenterRoutes, type PartnerCenterSignIn } from './http/partner-center.routes.js';
import type { PartnerCenter } from './app/partner-center.port.js';
import type { INetworkModule } from '@azure/msal-node';
import { join } from 'node:path';
import { ProviderService, type ApprovalCards, type ResellerInvitation } from './app/provider.service.js';
import { ProviderFeature } from './bot/provider.feature.js';
import { providerRoutes } from './http/provider.routes.js';
import { customerRoutes } from './http/customer.routes.js';
import { CustomerService } from './app/customer.service.js';
import { CustomerFeature } from './bot/customer.feature.js';
import { seedProviders } from './storage/reference-providers.js';
import { loadKeyring, loadSharedKeyring, SharedSignedLinks } from './storage/signing-key.js';
import { openSharedState } from './storage/shared-state.js';
import { CasExpiringValues } from './storage/expiring-values.js';
import { JoseSignedLinks } from './security/signed-links.js';
import { botAuthGuard, BotTokenVerifier } from './http/bot-auth.js';
import { createLogger, type Logger } from './log.js';
import { translate } from './i18n/catalog.js';
import { cardsDir, projectRoot, publicDir, seedDir } from './paths.js';
import { DirectLineChannel } from './http/directline/channel.js';
import { directLineRoutes, ownConnector } from './http/directline/routes.js';
import { webChatRoutes } from './http/webchat.routes.js';
import { tabRoutes } from './http/tab.routes.js';
import { SsoVerifier } from './http/sso.js';
import { EmbedIdentity } from './http/embed-identity.js';
import { DashboardService } from './app/dashboard.service.js';
import { readPersonas, seedDemoOrganization } from './storage/demo-personas.js';
import { CasBotStorage } from './storage/bot-storage.js';
import { privateConversationStateIn, userStateIn } from './storage/bot-states.js';
import { CasRecordStore, IndexedCasRecordStore } from './storage/record-store.js';
import { APPLICATION_INDEXES, CUSTOMER_INDEXES, CUSTOMER_INVITATION_INDEXES, LINK_INDEXES, ORGANIZATION_INDEXES, PROVIDER_INDEXES } from './app/indexes.js';
import type { StorageBackend } from './storage/cas-store.js';
import { openStorage } from './storage/open-storage.js';
import { privateDir } from './storage/private-dir.js';
import { CasOnceStore } from './storage/once-store.js';
import { CasLease } from './storage/cas-lease.js';
import { LeasedScheduler } from './app/reminder-scheduler.js';
import { PartnerCenterAcceptancePoll } from './app/partner-center-poll.js';
import { ReconciliationService, type ReconciliationNotice } from './app/reconciliation.service.js';
import { PartnerCenterSignInService } from './app/partner-center-sign-in.service.js';
import { ReconciliationFeature } from './bot/reconciliation.feature.js';
import { reconciliationRoutes } from './http/reconciliation.routes.js';
import { ReminderService, type SentReminder } from './app/reminder.service.js';
import { ReminderNotices } from './bot/reminder.views.js';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { STATE_CHANGING_VERBS } from './bot/once-verbs.js';
import type { CustomFetch } from 'openid-client';
import { setupSignIn } from './http/oidc/setup.js';
import type { SignInAttempt, WebSession, WebSignIn } from './http/oidc/sign-in.js';

/** What tests may replace; everything else comes from the configuration. */
export interface AssistantOverrides {
  readonly log?: Logger;
  readonly storage?: StorageBackend;
  readonly clock?: Clock;
  /** Features added after the built-in ones (tests use it to exercise the turn machinery). */
  readonly extraFeatures?: readonly Feature[];
  /** Replaces the classifier of free text (tests of the turn machinery). */
  readonly classifier?: TextClassifier;
  /** Replaces fetch for the OpenID client (tests point Entra ID's addresses at a stand-in). */
  readonly oidcFetch?: CustomFetch;
  /** Replaces how the bot gets its own Bot Framework credentials (tests reach stand-ins of the connector and token service without Entra ID). */
  readonly botCredentials?: ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1];
  /** Replaces msal's HTTP client for Partner Center's tokens (tests reach a stand-in of Entra ID). */
  readonly partnerCenterNetwork?: INetworkModule;
}

/** A built assistant: its server and the pieces tests look at. */
export interface Assistant {
  readonly server: Server;
  readonly adapter: CloudAdapter;
  /** The activity handler, for tests that drive turns in process (botbuilder's TestAdapter). */
  readonly bot: AssistantBot;
  readonly storage: StorageBackend;
  readonly log: Logger;
  /** The web chat's OpenID Connect sign-in: the signed-in user of a request, and a hook on each sign-in. */
  readonly signIn: WebSignIn;
  /** Reminders and expiry: a pass runs every interval in one instance; tests run one at once. */
  readonly reminders: {
    /** Runs a pass now when this instance gets the lease; true when it ran one. */
    runOnce(): Promise<boolean>;
    /** Whether a timer is armed for the next pass (false once stopped). */
    readonly scheduled: boolean;
  };
  /** With PARTNER_CENTER=api: the poll of Partner Center's customer lists for acceptances (tests run one at once). */
  readonly partnerCenterPoll?: { runOnce(): Promise<boolean> };
  /** With PARTNER_CENTER=api: the scheduled reconciliation (tests run one at once). */
  readonly partnerCenterReconciliation?: { runOnce(): Promise<boolean> };
  /** Starts listening (and the reminders' timer); resolves with the port actually bound. */
  listen(): Promise<number>;
  /** Stops the reminders (waiting for a pass under way), stops accepting, lets requests in flight finish (at most `graceMs`), then closes the store. */
  stop(graceMs?: number): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

/** The composition root: builds every object from the configuration and wires them together. */
export async function createAssistant(config: Config, overrides: AssistantOverrides = {}): Promise<Assistant> {
  const log = overrides.log ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const stores = await buildStorage(config, { log, clock, overrides });
  // The built-in Direct Line posts to this instance's own port, which is known once it listens.
  let boundPort = config.port;
  const messaging = buildMessaging(config, { log, stores, overrides, ownBaseUrl: () => `http://127.0.0.1:${boundPort}` });
  const services = await buildServices(config, { log, clock, stores, messaging, overrides });
  // Built once the server listens (or by the first sentence that needs it), so that it costs the start nothing.
  const classifier = overrides.classifier ?? new DeferredClassifier(config, log);
  const deferredClassifier = classifier instanceof DeferredClassifier ? classifier : undefined;
  const bot = await buildBot(config, { log, clock, stores, messaging, services, overrides, classifier });
  const http = await buildHttp(config, { log, clock, stores, messaging, services, bot, overrides, boundPort: () => boundPort });

  const { server, inFlight } = http;
  const { scheduler, tasks, partnerCenterPoll, reconciliationSchedule } = services;
  const storage = stores.backend;
  return {
    server,
    adapter: messaging.adapter,
    bot,
    storage,
    log,
    signIn: http.signIn,
    ...(partnerCenterPoll ? { partnerCenterPoll: { runOnce: () => partnerCenterPoll.runOnce() } } : {}),
    ...(reconciliationSchedule ? { partnerCenterReconciliation: { runOnce: () => reconciliationSchedule.runOnce() } } : {}),
    reminders: {
      runOnce: () => scheduler.runOnce(),
      get scheduled() {
        return scheduler.scheduled;
      },
    },
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.removeListener('error', reject);
          const address = server.address();
          boundPort = address.port;
          log.info({ port: address.port, host: config.host, storage: storage.kind }, 'listening');
          scheduler.start();
          deferredClassifier?.warm();
          partnerCenterPoll?.start();
          reconciliationSchedule?.start();
          resolve(address.port);
        });
      }),
    stop: async (graceMs = 4000) => {
      await scheduler.stop();
      await partnerCenterPoll?.stop();
      await reconciliationSchedule?.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Web chat streams are upgraded connections the server does not close itself; their clients reconnect to another instance.
      http.directLine?.closeAll();
      server.server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      server.server.closeAllConnections();
      await closed;
      await withDeadline(tasks.drain(), Math.max(0, deadline - Date.now()));
      await stores.shared.close();
      await storage.close();
    },
  };
}

type Stores = Awaited<ReturnType<typeof buildStorage>>;
type Messaging = ReturnType<typeof buildMessaging>;
type Services = Awaited<ReturnType<typeof buildServices>>;

/** Opens the storage backend (or takes the test's) and names every store on it: the bot's state, each journey's records, the once-only marks and the leases. */
async function buildStorage(config: Config, { log, clock, overrides }: { log: Logger; clock: Clock; overrides: AssistantOverrides }) {
  await privateDir(config.dataDir, log);
  const backend = overrides.storage ?? (await openStorage(config.storageUrl));
  // With Redis, what instances must agree on beyond records: Direct Line conversations, pub/sub, rate limits.
  const shared = await openSharedState(config.storageUrl, backend).catch(async (error: unknown) => {
    await backend.close();
    throw error;
  });
  const botStorage = new CasBotStorage(backend.namespace('botstate'));
  const records = <T>(name: string) => new CasRecordStore<T>(backend.namespace(name));
  // Record types with secondary indexes, kept in the same write as each record; records written
  // before an index existed are indexed here, once, before the server answers.
  const organizations = IndexedCasRecordStore.open(backend, 'organizations', ORGANIZATION_INDEXES);
  const applications = IndexedCasRecordStore.open(backend, 'enrollments', APPLICATION_INDEXES);
  const links = IndexedCasRecordStore.open(backend, 'provider-links', LINK_INDEXES);
  const customerInvitations = IndexedCasRecordStore.open(backend, 'customer-invitations', CUSTOMER_INVITATION_INDEXES);
  const customers = IndexedCasRecordStore.open(backend, 'customers', CUSTOMER_INDEXES);
  const providers = IndexedCasRecordStore.open(backend, 'providers', PROVIDER_INDEXES);
  await Promise.all([organizations, applications, links, customerInvitations, customers, providers].map((store) => store.backfill()));
  return {
    backend,
    shared,
    // A wait for typed text (a code, a reason) belongs to one user: in a group chat or channel,
    // another member's message must neither consume nor end it.
    privateConversationState: privateConversationStateIn(botStorage),
    userState: userStateIn(botStorage),
    // Azure Direct Line users: the token endpoint records which proven user each Direct Line user id stands for.
    azureWebUsers: records<WebUser>('web-users'),
    contacts: records<Contact>('contacts'),
    organizations,
    providers,
    applications,
    applicants: records<ApplicantIndex>('applicants'),
    reviewCards: records<ReviewCards>('review-cards'),
    once: new CasOnceStore(backend.namespace('once'), () => clock.now().getTime()),
    links,
    resellerInvitations: records<ResellerInvitation>('reseller-invitations'),
    approvalCards: records<ApprovalCards>('approval-cards'),
    customerInvitations,
    customers,
    sentReminders: records<SentReminder>('reminders'),
    lease: new CasLease(backend.namespace('leases'), () => clock.now().getTime()),
    webSessions: records<WebSession>('web-sessions'),
    reconciliationNotices: records<ReconciliationNotice>('reconciliation-notices'),
    signInAttempts: records<SignInAttempt>('signin-attempts'),
  };
}

/** The Bot Framework adapter (middleware, turn-error handler) and what reaches users through it: the card renderer, the contact book and the proactive notifier. */
function buildMessaging(config: Config, { log, stores, overrides, ownBaseUrl }: { log: Logger; stores: Stores; overrides: AssistantOverrides; ownBaseUrl: () => string }) {
  const renderer = new CardRenderer(cardsDir);
  // Built-in Direct Line conversations are sent to this instance's own connector whichever instance's
  // loopback address their reference names (a proactive card to a web chat user last served by an
  // instance that has stopped since).
  const auth = new ConnectorClientsAuthentication(
    botAuthOptions(config),
    overrides.botCredentials,
    config.directLineSecret ? {} : { proactiveServiceUrl: (serviceUrl) => ownConnector(serviceUrl, ownBaseUrl()) },
  );
  const adapter = new AssistantAdapter(auth, log);
  adapter.use(turnLogger(log));
  adapter.use(connectorDeadline());
  adapter.use(plainTextReplies());
  adapter.onTurnError = createTurnErrorHandler(log, config.defaultLocale);
  const contacts = new ContactBook(stores.contacts);
  const notifier = new ProactiveNotifier(adapter, config.bot.appId ?? '', contacts, renderer, log);
  return { renderer, adapter, contacts, notifier };
}

/** Seeds the reference data and builds the use cases (access, enrollment, providers, customers, colleagues, audits, reminders) with what they mail and sign with (outbox, status mail, signed links) and the SSO token verifier. */
async function buildServices(
  config: Config,
  { log, clock, stores, messaging, overrides }: { log: Logger; clock: Clock; stores: Stores; messaging: Messaging; overrides: AssistantOverrides },
) {
  const { notifier, contacts } = messaging;
  const { organizations, applications, links, customerInvitations, resellerInvitations } = stores;
  const tasks = new TrackedTasks((name, error) => log.error({ err: error, task: name }, 'background task failed'));

  const demo = config.demoSignIn ? readPersonas(join(seedDir, 'personas.json')) : undefined;
  if (demo) await seedDemoOrganization(demo, organizations, clock.now());
  const reviewerIds = [...config.reviewerIds, ...(demo?.personas.filter((p) => p.role === 'reviewer').map((p) => p.oid) ?? [])];
  const configuredKeys = { current: config.invitationSigningKey, previous: config.invitationPreviousSigningKeys };
  // Instances sharing Redis share the keyring too, so a link or Direct Line token made on one is valid on
  // all, and one that rotated and restarted makes the others reload it when they meet its new key.
  const sharedKeys = stores.backend.kind === 'redis' ? stores.backend.namespace('signing-keys') : undefined;
  const keyring = sharedKeys ? await loadSharedKeyring(configuredKeys, sharedKeys, config.dataDir) : loadKeyring(configuredKeys, config.dataDir);
  const signedLinks =
    sharedKeys && !config.invitationSigningKey ? new SharedSignedLinks(keyring, () => loadSharedKeyring(configuredKeys, sharedKeys, config.dataDir)) : new JoseSignedLinks(keyring);
  // Verification codes are keyed by the current signing key: a code still pending when the key
  // rotates counts as wrong, and the contact asks for a new one (codes live 24 hours).
  const signingKey = keyring.current.secret;
  const access = new AccessService({ organizations, providers: stores.providers, reviewerIds, clock });
  const outbox = config.smtpUrl ? new SmtpOutbox(config.smtpUrl, config.mailFrom) : new FileOutbox(join(config.dataDir, 'outbox'), config.mailFrom, log);
  const statusMail = new StatusMail(outbox, config.defaultLocale);
  const { partnerCenter, partnerCenterSignIn } = await buildPartnerCenter(config, stores, overrides);
  const enrollment = new EnrollmentService({
    access,
    applications,
    applicants: stores.applicants,
    organizations,
    reviewCards: stores.reviewCards,
    partnerCenter,
    outbox,
    statusMail,
    notifier,
    tasks,
    clock,
    reviewerIds,
    publicBaseUrl: config.publicBaseUrl,
    verificationKey: verificationKey(signingKey),
  });
  // Tokens of Entra ID for this app: the tab's SSO tokens, and the Teams user's token from the bot's OAuth connection.
  const sso = new SsoVerifier({
    jwksUrl: config.teams.jwksUrl,
    audiences: ssoAudiences(config),
    // Users of enrolled organizations, and of tenants the operator lists.
    tenantAllowed: async (tenantId) => config.teams.allowedTenants.includes(tenantId) || !!(await organizations.get(tenantId)),
    now: () => clock.now(),
  });

  await seedProviders(stores.providers, join(seedDir, 'providers.json'), clock.now());
  const invitationContext = { notifier, statusMail, tasks, clock, signedLinks, publicBaseUrl: config.publicBaseUrl, invitationTtlDays: config.invitationTtlDays };
  const providers = new ProviderService({
    providers: stores.providers,
    links,
    invitations: resellerInvitations,
    approvalCards: stores.approvalCards,
    access,
    organizations,
    ...invitationContext,
  });
  const customers = new CustomerService({
    invitations: customerInvitations,
    customers: stores.customers,
    access,
    organizations,
    links,
    providerApprovers: async (tenantId) => (await providers.provider(tenantId))?.approverIds ?? [],
    partnerCenter,
    ...invitationContext,
  });
  const colleagues = new ColleagueService({ organizations, access, outbox, ...invitationContext });
  const audits = new AuditService({
    access,
    organizations,
    providers: stores.providers,
    applications,
    links,
    customerInvitations,
    customers: stores.customers,
    signedLinks,
    clock,
    publicBaseUrl: config.publicBaseUrl,
  });
  const reminders = new ReminderService({
    links,
    providers: stores.providers,
    applications,
    customerInvitations,
    resellerInvitations,
    organizations,
    sent: stores.sentReminders,
    reviewerIds,
    notifier,
    outbox,
    clock,
    policy: { afterBusinessDays: config.reminders.afterBusinessDays },
    localeOf: async (userId) => (await contacts.find(userId))?.locale ?? config.defaultLocale,
  });
  const scheduler = new LeasedScheduler({
    lease: stores.lease,
    leaseName: 'reminders',
    holder: `${hostname()}:${process.pid}:${randomUUID()}`,
    intervalMs: config.reminders.intervalMinutes * 60_000,
    pass: async (proceed) => {
      const report = await reminders.runPass(proceed);
      if (report.expired.length || report.sent.length) log.info({ expired: report.expired.length, reminders: report.sent.map((r) => r.kind) }, 'reminders pass');
    },
    onError: (error) => log.error({ err: error }, 'reminders pass failed'),
  });
  const reconciliation = new ReconciliationService({
    access,
    links,
    customers: stores.customers,
    partnerCenter,
    signedLinks,
    clock,
    publicBaseUrl: config.publicBaseUrl,
    providers: stores.providers,
    notifier,
    notices: stores.reconciliationNotices,
  });
  // With the API, acceptances are learnt from Partner Center's customer lists, in one instance at a time.
  const acceptancePoll = new PartnerCenterAcceptancePoll({ invitations: customerInvitations, partnerCenter, customers });
  const partnerCenterPoll =
    config.partnerCenter.kind === 'api'
      ? new LeasedScheduler({
          lease: stores.lease,
          leaseName: 'partner-center-acceptances',
          holder: `${hostname()}:${process.pid}:${randomUUID()}`,
          intervalMs: config.partnerCenter.pollMinutes * 60_000,
          pass: async (proceed) => {
            const report = await acceptancePoll.runPass(proceed);
            if (report.accepted.length || report.unavailable) log.info(report, 'Partner Center acceptances pass');
          },
          onError: (error) => log.error({ err: error }, 'Partner Center acceptances pass failed'),
        })
      : undefined;
  const pcConfig = config.partnerCenter;
  const partnerCenterAdminSignIn = new PartnerCenterSignInService({ access, signedLinks, clock, publicBaseUrl: config.publicBaseUrl, ...(pcConfig.kind === 'api' ? { partnerTenantId: pcConfig.tenantId } : {}) });
  const reconciliationSchedule =
    pcConfig.kind === 'api'
      ? new LeasedScheduler({
          lease: stores.lease,
          leaseName: 'partner-center-reconciliation',
          holder: `${hostname()}:${process.pid}:${randomUUID()}`,
          intervalMs: pcConfig.reconcileHours * 3_600_000,
          pass: async (proceed) => {
            if (!(await proceed())) return;
            const report = await reconciliation.scheduledPass(pcConfig.tenantId);
            if (report) log.info(report, 'Partner Center reconciliation pass');
          },
          onError: (error) => log.error({ err: error }, 'Partner Center reconciliation pass failed'),
        })
      : undefined;
  return { tasks, demo, signedLinks, sso, enrollment, providers, customers, colleagues, audits, scheduler, partnerCenter, partnerCenterSignIn, partnerCenterPoll, reconciliation, reconciliationSchedule, partnerCenterAdminSignIn };
}

/** The activity handler: each journey's feature (its notices registered with the notifier), the menu and free text, Teams sign-in and who each turn's user is. */
async function buildBot(
  config: Config,
  { log, clock, stores, messaging, services, overrides, classifier }: { log: Logger; clock: Clock; stores: Stores; messaging: Messaging; services: Services; overrides: AssistantOverrides; classifier: TextClassifier },
): Promise<AssistantBot> {
  const { privateConversationState, userState, once, azureWebUsers } = stores;
  const { contacts, notifier, renderer } = messaging;
  const { sso } = services;
  const connectionName = config.bot.oauthConnectionName;
  const teamsSignIn = connectionName ? new TeamsSignIn({ connectionName, check: (token, expected) => sso.verifyTeamsUser(token, expected), log, once }) : undefined;
  const enrollmentFeature = new EnrollmentFeature(services.enrollment, (ids) => contacts.channelIds(ids), undefined, teamsSignIn);
  const providerFeature = new ProviderFeature(services.providers, (ids) => contacts.channelIds(ids), (link) => services.customers.shared(link));
  const customerFeature = new CustomerFeature(services.customers);
  const colleagueFeature = new ColleagueFeature(services.colleagues, config.invitationTtlDays, () => clock.now());
  const auditFeature = new AuditFeature(services.audits);
  const reconciliationFeature = new ReconciliationFeature(services.reconciliation, services.partnerCenterAdminSignIn);
  for (const feature of [enrollmentFeature, providerFeature, customerFeature, colleagueFeature, reconciliationFeature, new ReminderNotices()]) {
    for (const [kind, view] of Object.entries(feature.notificationViews())) notifier.register(kind, view);
  }

  const features: Feature[] = [];
  const menu = new MainMenu(() => features);
  const understanding = new FreeText(classifier, () => features, menu);
  features.push(enrollmentFeature.feature(), providerFeature.feature(), customerFeature.feature(), colleagueFeature.feature(), auditFeature.feature(), reconciliationFeature.feature(), menu.feature(), understanding.feature());
  features.push(...(overrides.extraFeatures ?? []));

  return new AssistantBot({
    features,
    states: [privateConversationState, userState],
    contacts,
    once,
    onceVerbs: STATE_CHANGING_VERBS,
    renderer,
    session: privateConversationState.createProperty<Session>('session'),
    preferences: userState.createProperty<Preferences>('preferences'),
    defaultLocale: config.defaultLocale,
    identity: new IdentityResolver(
      config.bot.appId && config.directLineSecret ? { azureWebUsers: async (id) => (await azureWebUsers.get(id))?.value } : {},
    ),
    fallback: menu,
    ...(teamsSignIn ? { signIn: (turn: Turn) => enrollmentFeature.signIn(turn) } : {}),
    understanding,
  });
}

/** The web server: the web chat's sign-in, every route (journeys' pages, legal pages, web chat, Teams tab, built-in Direct Line) and the bot's endpoint. */
async function buildHttp(
  config: Config,
  {
    log,
    clock,
    stores,
    messaging: { adapter },
    services,
    bot,
    overrides,
    boundPort,
  }: { log: Logger; clock: Clock; stores: Stores; messaging: Messaging; services: Services; bot: AssistantBot; overrides: AssistantOverrides; boundPort: () => number },
) {
  const { demo, signedLinks, enrollment, providers, customers, colleagues, audits, sso } = services;
  const { backend: storage, azureWebUsers } = stores;
  const throttle = pageThrottle(stores.shared.rateLimits('pages', config.pageRate));
  const directLine = config.directLineSecret ? undefined : new DirectLineChannel(signedLinks, () => clock.now(), stores.shared.conversations, stores.shared.broadcast, log);
  if (directLine && config.bot.appId) {
    // The built-in channel hands activities to the bot unauthenticated, which an app id forbids.
    log.warn('MicrosoftAppId is set but DIRECT_LINE_SECRET is not: the built-in Direct Line cannot reach an authenticated bot; enable the Azure Direct Line channel and set DIRECT_LINE_SECRET for the web chat');
  }
  const web = await setupSignIn(config, {
    stores: { sessions: stores.webSessions, attempts: stores.signInAttempts },
    clock,
    log,
    throttle,
    ...(demo ? { personas: demo.personas } : {}),
    // Instances sharing Redis share the demo provider too, so a demo sign-in may begin and end on different ones.
    ...(storage.kind === 'redis' ? { providerState: new CasExpiringValues(storage.namespace('oidc-provider')) } : {}),
    ...(overrides.oidcFetch ? { fetch: overrides.oidcFetch } : {}),
  });
  const { server, inFlight } = createHttpServer({
    adapter,
    bot,
    storage,
    log,
    ...(config.bot.appId ? { botAuth: botAuthGuard(new BotTokenVerifier({ appId: config.bot.appId, channelIssuer: config.bot.tokenIssuer, channelMetadataUrl: config.bot.openIdMetadataUrl, emulatorMetadataUrl: config.bot.emulatorOpenIdMetadataUrl }), log) } : {}),
    appId: config.bot.appId,
    // The embedded Partner Center is part of the assistant; only the API is a dependency /readyz reports.
    ...(services.partnerCenter.kind === 'api' ? { partnerCenter: services.partnerCenter } : {}),
    routes: [
      ...(services.partnerCenterSignIn
        ? [
            partnerCenterRoutes({
              signIn: services.partnerCenterSignIn,
              ticket: (token) => services.partnerCenterAdminSignIn.ticket(token),
              publicBaseUrl: config.publicBaseUrl,
              defaultLocale: config.defaultLocale,
              throttle,
              log,
            }),
          ]
        : []),
      enrollmentRoutes(enrollment, config.defaultLocale, throttle),
      providerRoutes(providers, config.defaultLocale, throttle, config.bot.appId),
      customerRoutes(customers, config.defaultLocale, throttle),
      auditRoutes(audits, config.defaultLocale, throttle),
      reconciliationRoutes(services.reconciliation, config.defaultLocale, throttle),
      legalRoutes({ dataDir: config.dataDir, seedDir, defaultLocale: config.defaultLocale, log }),
      colleagueRoutes({
        service: colleagues,
        defaultLocale: config.defaultLocale,
        throttle,
        publicBaseUrl: config.publicBaseUrl,
        ...(config.oidc || config.demoMode ? { signIn: web.signIn } : {}),
        ...(config.bot.appId ? { botAppId: config.bot.appId } : {}),
      }),
      web.routes,
      webChatRoutes({
        ...(directLine ? { channel: directLine } : { azure: { secret: config.directLineSecret!, endpoint: config.directLineEndpoint } }),
        identity: new EmbedIdentity(config.embed),
        bindAzureUser: async (id, user) => {
          await mutate(azureWebUsers, id, () => ok(user));
        },
        ...(config.oidc || config.demoMode ? { signIn: { sessionOf: (req) => web.signIn.sessionOf(req), demo: config.demoMode } } : {}),
        publicBaseUrl: config.publicBaseUrl,
        defaultLocale: config.defaultLocale,
        publicDir,
        projectRoot,
        log,
      }),
      tabRoutes({
        dashboards: new DashboardService(enrollment, providers, customers, clock),
        audits,
        sso,
        ...(demo ? { personas: demo.personas } : {}),
        defaultLocale: config.defaultLocale,
        projectRoot,
        publicDir,
        log,
      }),
      ...(directLine
        ? [
            directLineRoutes({
              channel: directLine,
              adapter,
              run: (context) => bot.run(context),
              log,
              internalBaseUrl: () => `http://127.0.0.1:${boundPort()}`,
              publicBaseUrl: config.publicBaseUrl,
              botId: config.bot.appId ?? 'csp-partner-assistant',
              botName: translate(config.defaultLocale, 'common.appName'),
            }),
          ]
        : []),
    ],
  });
  return { server, inFlight, signIn: web.signIn, directLine };
}

/** The embedded Partner Center (reference data and the assistant's ledger), or the API adapter with its msal tokens and the provider admin's sign-in. */
async function buildPartnerCenter(config: Config, stores: Stores, overrides: AssistantOverrides): Promise<{ partnerCenter: PartnerCenter; partnerCenterSignIn?: PartnerCenterSignIn }> {
  const pc = config.partnerCenter;
  if (pc.kind === 'reference') return { partnerCenter: new ReferencePartnerCenter(join(seedDir, 'partner-profiles.json'), { links: stores.links, customers: stores.customers }) };
  // Loaded only here: msal and the API adapter cost a start that uses the embedded Partner Center.
  const [{ PartnerCenterApi }, { PartnerCenterTokens }] = await Promise.all([import('./storage/partner-center-api.js'), import('./storage/partner-center-tokens.js')]);
  const tokens = new PartnerCenterTokens({
    clientId: pc.appId,
    clientSecret: pc.appSecret,
    tenantId: pc.tenantId,
    authority: pc.authority,
    cache: stores.backend.namespace('partner-center-tokens'),
    ...(overrides.partnerCenterNetwork ? { networkClient: overrides.partnerCenterNetwork } : {}),
  });
  return {
    partnerCenter: new PartnerCenterApi({ partnerTenantId: pc.tenantId, partnerCenterUrl: pc.apiUrl, graphUrl: pc.graphUrl, tokens, timeoutMs: pc.timeoutMs }),
    partnerCenterSignIn: tokens,
  };
}

/** Waits for `work` at most `ms`; what is still running then is abandoned (the process is stopping). */
async function withDeadline(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** The audiences a tab SSO token may carry: the client id and the app's api:// resource. */
function ssoAudiences(config: Config): string[] {
  const clientId = config.teams.ssoClientId;
  if (!clientId) return [];
  return [clientId, `api://${new URL(config.publicBaseUrl).host}/${clientId}`];
}

function botAuthOptions(config: Config): ConfigurationBotFrameworkAuthenticationOptions {
  const { appId, appPassword, appType, appTenantId } = config.bot;
  return {
    ...(appId ? { MicrosoftAppId: appId } : {}),
    ...(appPassword ? { MicrosoftAppPassword: appPassword } : {}),
    ...(appType ? { MicrosoftAppType: appType } : {}),
    ...(appTenantId ? { MicrosoftAppTenantId: appTenantId } : {}),
    ToBotFromChannelOpenIdMetadataUrl: config.bot.openIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: config.bot.emulatorOpenIdMetadataUrl,
    ToBotFromChannelTokenIssuer: config.bot.tokenIssuer,
    OAuthUrl: config.bot.oauthUrl,
  };
}
