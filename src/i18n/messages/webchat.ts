/** Messages of the web chat page. */
const en = {
  title: 'CSP Partner Assistant',
  subtitle: 'Enroll, connect with indirect providers and invite customers.',
  demoTitle: 'Demo sign-in',
  demoNote: 'No identity provider is configured, so on this computer you can try the assistant as one of these people.',
  persona: 'Sign in as',
  start: 'Start chatting',
  signedInAs: 'Signed in as {name}',
  switchUser: 'Change person',
  noIdentity: 'This chat needs the partner portal to sign you in. Open it from the portal.',
  error: 'The chat could not start. Reload the page to try again.',
  roles: {
    newReseller: 'a reseller that is not enrolled yet',
    adminAgent: 'Admin agent of Demo Reseller S.r.l.',
    salesAgent: 'sales agent of Demo Reseller S.r.l.',
    approver: 'approver at Contoso Distribution Europe (indirect provider)',
    reviewer: 'enrollment reviewer',
  },
};

const it: typeof en = {
  title: 'Assistente partner CSP',
  subtitle: 'Iscriviti, collabora con i provider indiretti e invita i clienti.',
  demoTitle: 'Accesso dimostrativo',
  demoNote: 'Non è configurato alcun provider di identità, quindi su questo computer puoi provare l’assistente come una di queste persone.',
  persona: 'Accedi come',
  start: 'Inizia la chat',
  signedInAs: 'Accesso effettuato come {name}',
  switchUser: 'Cambia persona',
  noIdentity: 'Questa chat ha bisogno che il portale partner ti faccia accedere. Aprila dal portale.',
  error: 'Non è stato possibile avviare la chat. Ricarica la pagina per riprovare.',
  roles: {
    newReseller: 'un rivenditore non ancora iscritto',
    adminAgent: 'agente amministratore di Demo Reseller S.r.l.',
    salesAgent: 'agente di vendita di Demo Reseller S.r.l.',
    approver: 'approvatore di Contoso Distribution Europe (provider indiretto)',
    reviewer: 'revisore delle iscrizioni',
  },
};

/** The web chat page's messages in every language. */
export const webchat = { en, it };
