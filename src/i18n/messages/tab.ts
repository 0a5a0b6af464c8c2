/** Messages of the Teams Dashboard tab. */
const en = {
  title: 'Dashboard',
  loading: 'Loading…',
  outsideTeams: 'This dashboard runs inside Microsoft Teams. Open the CSP Partner Assistant app in Teams and select the Dashboard tab.',
  demo: 'Demo: view the dashboard as',
  show: 'Show',
  error: 'The dashboard could not load your data. Try again in a moment.',
  signInFailed: 'Teams could not sign you in to the dashboard. Check that the app is approved for your organization.',
  hello: 'Hello, {name}',
  enrollment: 'Enrollment',
  noEnrollment: 'No enrollment application. Type "enroll" in the chat to start.',
  indirectProviders: 'Indirect providers',
  indirectResellers: 'Indirect resellers',
  customers: 'Customers',
  approvals: 'Pending approvals',
  none: 'None',
  requestFrom: 'Request to connect from {reseller}',
  waitingForYou: '{provider}: approved, waiting for your authorization (type "providers" in the chat)',
  waitingForProvider: '{provider}: request sent, waiting for their decision',
  applicationFrom: 'Enrollment application of {company}',
};

const it: typeof en = {
  title: 'Dashboard',
  loading: 'Caricamento…',
  outsideTeams: "Questa dashboard funziona all'interno di Microsoft Teams. Apri l'app Assistente partner CSP in Teams e seleziona la scheda Dashboard.",
  demo: 'Demo: visualizza la dashboard come',
  show: 'Mostra',
  error: 'La dashboard non è riuscita a caricare i tuoi dati. Riprova tra poco.',
  signInFailed: "Teams non è riuscito a farti accedere alla dashboard. Verifica che l'app sia approvata per la tua organizzazione.",
  hello: 'Ciao, {name}',
  enrollment: 'Iscrizione',
  noEnrollment: 'Nessuna domanda di iscrizione. Digita "iscrizione" nella chat per iniziare.',
  indirectProviders: 'Provider indiretti',
  indirectResellers: 'Rivenditori indiretti',
  customers: 'Clienti',
  approvals: 'Approvazioni in sospeso',
  none: 'Nessuno',
  requestFrom: 'Richiesta di collegamento da {reseller}',
  waitingForYou: '{provider}: approvato, in attesa della tua autorizzazione (scrivi "provider" nella chat)',
  waitingForProvider: '{provider}: richiesta inviata, in attesa della sua decisione',
  applicationFrom: 'Domanda di iscrizione di {company}',
};

/** The tab's messages in every language. */
export const tab = { en, it };
