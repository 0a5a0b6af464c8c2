/** Messages of the web chat page. */
const en = {
  title: 'CSP Partner Assistant',
  subtitle: 'Enroll, connect with indirect providers and invite customers.',
  demoTitle: 'Demo sign-in',
  demoNote: 'No identity provider is configured, so this computer runs its own: sign in as one of the demo people, each with their own organization and role.',
  signInTitle: 'Sign in',
  signInNote: 'Sign in with your work account. The assistant learns your organization from your sign-in.',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signedInAs: 'Signed in as {name}',
  switchUser: 'Change person',
  noIdentity: 'This chat needs the partner portal to sign you in. Open it from the portal.',
  error: 'The chat could not start. Reload the page to try again.',
  roles: {
    newReseller: 'a reseller that is not enrolled yet',
    adminAgent: 'Admin agent of Demo Reseller S.r.l.',
    salesAgent: 'sales agent of Demo Reseller S.r.l.',
    colleague: 'a colleague at Demo Reseller S.r.l. who has not used the assistant yet',
    approver: 'approver at Contoso Distribution Europe (indirect provider)',
    reviewer: 'enrollment reviewer',
  },
};

const it: typeof en = {
  title: 'Assistente partner CSP',
  subtitle: 'Iscriviti, collabora con i provider indiretti e invita i clienti.',
  demoTitle: 'Accesso dimostrativo',
  demoNote: 'Non è configurato alcun provider di identità, quindi questo computer ne usa uno proprio: accedi come una delle persone dimostrative, ognuna con la sua organizzazione e il suo ruolo.',
  signInTitle: 'Accedi',
  signInNote: "Accedi con il tuo account aziendale. L'assistente ricava la tua organizzazione dal tuo accesso.",
  signIn: 'Accedi',
  signOut: 'Esci',
  signedInAs: 'Accesso effettuato come {name}',
  switchUser: 'Cambia persona',
  noIdentity: 'Questa chat ha bisogno che il portale partner ti faccia accedere. Aprila dal portale.',
  error: 'Non è stato possibile avviare la chat. Ricarica la pagina per riprovare.',
  roles: {
    newReseller: 'un rivenditore non ancora iscritto',
    adminAgent: 'agente amministratore di Demo Reseller S.r.l.',
    salesAgent: 'agente di vendita di Demo Reseller S.r.l.',
    colleague: 'un collega di Demo Reseller S.r.l. che non ha ancora usato l’assistente',
    approver: 'approvatore di Contoso Distribution Europe (provider indiretto)',
    reviewer: 'revisore delle iscrizioni',
  },
};

/** The web chat page's messages in every language. */
export const webchat = { en, it };
