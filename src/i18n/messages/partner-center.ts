/** Messages about Partner Center itself: when it cannot be reached, and the reconciliation of the assistant's lists with it. */
const en = {
  unavailable: 'Partner Center can’t be reached right now, so nothing was changed. Your answers are kept: try again in a few minutes.',
  notAllowed: 'Partner Center refused this request for your organization ({reason}).',
  notLocation: 'PartnerID {partnerId} is a global PartnerID. Use the location PartnerID of the country/region of your CSP tenant (Partner Center, Account settings > Organization profile > Identifiers).',
  linkUnavailable: 'Partner Center can’t be reached right now, so the invitation could not be created with its link. Your draft is kept: try again in a few minutes.',
  gdapLine: 'We also ask for granular delegated admin privileges (GDAP) with these Entra roles for {days, plural, one {# day} other {# days}}: {roles}. Your global administrator approves them in the Microsoft 365 admin center: {link}\n\n',
  record: { tenantId: 'Microsoft ID (tenant ID)' },
  signIn: {
    title: 'Partner Center sign-in',
    done: 'Thank you: the assistant now calls Partner Center in the name of {user}. You can close this page.',
    otherTenant: 'This account does not belong to the partner organization the assistant is registered for. Sign in with an admin of that organization’s Partner Center account.',
    invalid: 'This sign-in link is not valid or has expired. Start again from the assistant’s Partner Center sign-in.',
    failed: 'Microsoft Entra ID did not complete the sign-in. Start again in a few minutes.',
  },
  reconcile: {
    title: 'Reconciliation with Partner Center',
    intro: 'Compared on {at}: the Indirect resellers and customers of {provider} in the assistant and in Partner Center.',
    none: 'The assistant and Partner Center agree: no differences.',
    counts: 'In Partner Center only: {partnerCenterOnly} · In the assistant only: {assistantOnly} · State differs: {mismatch}',
    kind: {
      partnerCenterOnly: 'In Partner Center only',
      assistantOnly: 'In the assistant only',
      mismatch: 'State differs',
    },
    what: { reseller: 'Indirect reseller', customer: 'Customer' },
    row: '{kind} · {what}: {name} ({detail})',
    importButton: 'Import from Partner Center',
    importConfirm: 'Import {count, plural, one {# row} other {# rows}} that only Partner Center has into the assistant?',
    confirmButton: 'Yes, import',
    csvButton: 'Download CSV',
    imported: 'Imported {count, plural, one {# row} other {# rows}} from Partner Center; {skipped, plural, =0 {none skipped} one {# skipped because it changed meanwhile} other {# skipped because they changed meanwhile}}.',
    nothingToImport: 'There is nothing left to import: run reconcile again to see the current differences.',
    unavailable: 'Partner Center can’t be reached right now, so the lists could not be compared. Try again in a few minutes.',
    reference: 'The assistant runs with its embedded Partner Center, which is its own ledger: there is nothing to compare.',
    csvExpired: 'This download link has expired. Run reconcile again for a new one.',
  },
};

const it: typeof en = {
  unavailable: 'Al momento il Centro per i partner non è raggiungibile, quindi non è stato modificato nulla. Le tue risposte sono conservate: riprova tra qualche minuto.',
  notAllowed: 'Il Centro per i partner ha rifiutato questa richiesta per la tua organizzazione ({reason}).',
  notLocation: 'Il PartnerID {partnerId} è un PartnerID globale. Usa il PartnerID della sede nel paese/area geografica del tuo tenant CSP (Centro per i partner, Impostazioni account > Profilo organizzazione > Identificatori).',
  linkUnavailable: 'Al momento il Centro per i partner non è raggiungibile, quindi non è stato possibile creare l’invito con il suo link. La bozza è conservata: riprova tra qualche minuto.',
  gdapLine: 'Chiediamo anche privilegi di amministratore delegato granulari (GDAP) con questi ruoli Entra per {days, plural, one {# giorno} other {# giorni}}: {roles}. Il tuo amministratore globale li approva nell’interfaccia di amministrazione di Microsoft 365: {link}\n\n',
  record: { tenantId: 'ID Microsoft (ID tenant)' },
  signIn: {
    title: 'Accesso al Centro per i partner',
    done: 'Grazie: ora l’assistente chiama il Centro per i partner a nome di {user}. Puoi chiudere questa pagina.',
    otherTenant: 'Questo account non appartiene all’organizzazione partner per cui è registrato l’assistente. Accedi con un amministratore dell’account del Centro per i partner di quell’organizzazione.',
    invalid: 'Questo link di accesso non è valido o è scaduto. Ricomincia dall’accesso al Centro per i partner dell’assistente.',
    failed: 'Microsoft Entra ID non ha completato l’accesso. Riprova tra qualche minuto.',
  },
  reconcile: {
    title: 'Riconciliazione con il Centro per i partner',
    intro: 'Confronto del {at}: i rivenditori indiretti e i clienti di {provider} nell’assistente e nel Centro per i partner.',
    none: 'L’assistente e il Centro per i partner concordano: nessuna differenza.',
    counts: 'Solo nel Centro per i partner: {partnerCenterOnly} · Solo nell’assistente: {assistantOnly} · Stato diverso: {mismatch}',
    kind: {
      partnerCenterOnly: 'Solo nel Centro per i partner',
      assistantOnly: 'Solo nell’assistente',
      mismatch: 'Stato diverso',
    },
    what: { reseller: 'Rivenditore indiretto', customer: 'Cliente' },
    row: '{kind} · {what}: {name} ({detail})',
    importButton: 'Importa dal Centro per i partner',
    importConfirm: 'Importare nell’assistente {count, plural, one {# riga presente} other {# righe presenti}} solo nel Centro per i partner?',
    confirmButton: 'Sì, importa',
    csvButton: 'Scarica CSV',
    imported: '{count, plural, one {Importata # riga} other {Importate # righe}} dal Centro per i partner; {skipped, plural, =0 {nessuna saltata} one {# saltata perché cambiata nel frattempo} other {# saltate perché cambiate nel frattempo}}.',
    nothingToImport: 'Non resta nulla da importare: esegui di nuovo reconcile per vedere le differenze attuali.',
    unavailable: 'Al momento il Centro per i partner non è raggiungibile, quindi non è stato possibile confrontare gli elenchi. Riprova tra qualche minuto.',
    reference: 'L’assistente usa il Centro per i partner incorporato, che è il suo stesso registro: non c’è nulla da confrontare.',
    csvExpired: 'Questo link di download è scaduto. Esegui di nuovo reconcile per averne uno nuovo.',
  },
};

/** Partner Center: unreachable, refused, and the reconciliation card. */
export const partnerCenter = { en, it };
