/** Messages of the OpenID Connect sign-in: its failure pages and the embedded provider's demo login. */
const en = {
  failedTitle: 'Sign-in failed',
  unavailableTitle: 'Sign-in is unavailable',
  tryAgain: 'Try again',
  reasons: {
    badState: 'This sign-in attempt is unknown, expired or already used. Start the sign-in again from the chat.',
    providerRefused: 'The identity provider did not sign you in ({error}).',
    codeRefused: 'The identity provider refused the sign-in code. It may have expired or been used already.',
    wrongIssuer: 'The identity token was issued by an unexpected identity provider.',
    wrongAudience: 'The identity token was issued for another application.',
    expired: 'The identity token has expired. Check that this computer’s clock is right.',
    wrongNonce: 'The identity token does not belong to this sign-in attempt.',
    badSignature: 'The identity token’s signature is not valid.',
    missingTenant: 'The identity token does not say which organization (tenant) you belong to. Sign in with a work or school account.',
    missingUser: 'The identity token does not identify the user.',
    tokenRefused: 'The identity token could not be verified.',
    unreachable: 'The identity provider cannot be reached right now. Try again in a minute.',
    notFinished: 'You were signed in, but the assistant could not record it. Try again in a minute.',
    notConfigured: 'Sign-in is not set up on this server.',
  },
  demo: {
    title: 'Demo sign-in',
    note: 'This is the assistant’s built-in identity provider, for trying it on this computer. Choose who you are:',
    legend: 'Demo people',
    globalAdmin: 'Global administrator',
    noRole: 'no directory role',
    roles: {
      newReseller: 'reseller not enrolled yet',
      adminAgent: 'Admin agent',
      salesAgent: 'sales agent',
      approver: 'approver at an indirect provider',
      reviewer: 'enrollment reviewer',
    },
    expired: 'This sign-in page has expired. Go back to the chat and sign in again.',
    error: 'The demo identity provider could not complete the request ({error}).',
  },
};

const it: typeof en = {
  failedTitle: 'Accesso non riuscito',
  unavailableTitle: 'Accesso non disponibile',
  tryAgain: 'Riprova',
  reasons: {
    badState: 'Questo tentativo di accesso è sconosciuto, scaduto o già usato. Ricomincia l’accesso dalla chat.',
    providerRefused: 'Il provider di identità non ti ha fatto accedere ({error}).',
    codeRefused: 'Il provider di identità ha rifiutato il codice di accesso. Potrebbe essere scaduto o già usato.',
    wrongIssuer: 'Il token di identità è stato emesso da un provider di identità inatteso.',
    wrongAudience: 'Il token di identità è stato emesso per un’altra applicazione.',
    expired: 'Il token di identità è scaduto. Verifica che l’orologio di questo computer sia corretto.',
    wrongNonce: 'Il token di identità non appartiene a questo tentativo di accesso.',
    badSignature: 'La firma del token di identità non è valida.',
    missingTenant: 'Il token di identità non indica a quale organizzazione (tenant) appartieni. Accedi con un account aziendale o dell’istituto di istruzione.',
    missingUser: 'Il token di identità non identifica l’utente.',
    tokenRefused: 'Non è stato possibile verificare il token di identità.',
    unreachable: 'Il provider di identità non è raggiungibile in questo momento. Riprova tra un minuto.',
    notFinished: 'Hai effettuato l’accesso, ma l’assistente non è riuscito a registrarlo. Riprova tra un minuto.',
    notConfigured: 'L’accesso non è configurato su questo server.',
  },
  demo: {
    title: 'Accesso dimostrativo',
    note: 'Questo è il provider di identità integrato nell’assistente, per provarlo su questo computer. Scegli chi sei:',
    legend: 'Persone dimostrative',
    globalAdmin: 'Amministratore globale',
    noRole: 'nessun ruolo nella directory',
    roles: {
      newReseller: 'rivenditore non ancora iscritto',
      adminAgent: 'Admin agent',
      salesAgent: 'agente di vendita',
      approver: 'approvatore presso un provider indiretto',
      reviewer: 'revisore delle iscrizioni',
    },
    expired: 'Questa pagina di accesso è scaduta. Torna alla chat e accedi di nuovo.',
    error: 'Il provider di identità dimostrativo non ha potuto completare la richiesta ({error}).',
  },
};

/** The sign-in messages in both languages. */
export const signin = { en, it };
