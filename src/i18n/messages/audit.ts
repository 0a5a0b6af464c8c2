/** Messages of the audit trail's export. */
const en = {
  commands: {
    export: 'export audit|export audit trail|audit trail|audit export',
    exportDescription: "Admin agents and provider admins: download your organization's audit trail as a CSV file.",
  },
  buttons: {
    export: 'Export audit trail (CSV)',
    download: 'Download CSV',
  },
  card: {
    title: 'Audit trail of {organization}',
    body: '{count, plural, one {# entry} other {# entries}} so far: who did what, when and on which record, for every record {organization} is a party to. The link works for {minutes} minutes and only for you; dates are in UTC.',
  },
  headers: {
    when: 'When (UTC)',
    type: 'Record type',
    record: 'Record',
    what: 'What',
    who: 'Who',
    organization: 'Organization',
    detail: 'Detail',
  },
  types: {
    organization: 'Organization',
    provider: 'Indirect provider',
    enrollment: 'Enrollment application',
    providerLink: 'Provider relationship',
    customerInvitation: 'Customer invitation',
    customer: 'Customer',
  },
  events: {
    organization: {
      created: 'Organization enrolled',
      joined: 'User joined',
      rolesChanged: 'Roles changed',
      colleagueInvited: 'Colleague invited',
      colleagueJoined: 'Colleague joined',
      colleagueRevoked: 'Colleague invitation revoked',
    },
    provider: {
      rolesChanged: 'Roles changed',
    },
    customerInvitation: {
      drafted: 'Invitation drafted',
      sent: 'Invitation sent',
      resent: 'Invitation sent again',
      revoked: 'Invitation revoked',
      accepted: 'Invitation accepted',
    },
    customer: {
      created: 'Customer created on acceptance',
      resellerRelationship: 'Reseller relationship created',
      providerRelationship: 'Reseller relationship with the provider created',
    },
  },
  operator: 'Operator of this assistant',
  noRole: 'no role',
  assistant: 'CSP Partner Assistant',
  page: {
    title: 'Audit trail',
    invalid: 'This download link is not valid. Ask for a new one in the chat: type "export audit".',
    expired: 'This download link has expired. Ask for a new one in the chat: type "export audit".',
  },
  tab: {
    download: 'Export audit trail (CSV)',
    downloading: 'Preparing the audit trail…',
    downloaded: 'The audit trail was saved as {filename}.',
    refused: 'The audit trail could not be exported: {reason}',
  },
};

const it: typeof en = {
  commands: {
    export: 'esporta registro|esporta audit|registro attività|esporta registro attività',
    exportDescription: "Agenti amministratori e amministratori del provider: scarica il registro attività della tua organizzazione come file CSV.",
  },
  buttons: {
    export: 'Esporta registro attività (CSV)',
    download: 'Scarica CSV',
  },
  card: {
    title: 'Registro attività di {organization}',
    body: '{count, plural, one {# voce} other {# voci}} finora: chi ha fatto cosa, quando e su quale record, per ogni record di cui {organization} è parte. Il link vale {minutes} minuti e solo per te; le date sono in UTC.',
  },
  headers: {
    when: 'Quando (UTC)',
    type: 'Tipo di record',
    record: 'Record',
    what: 'Cosa',
    who: 'Chi',
    organization: 'Organizzazione',
    detail: 'Dettaglio',
  },
  types: {
    organization: 'Organizzazione',
    provider: 'Provider indiretto',
    enrollment: 'Domanda di iscrizione',
    providerLink: 'Relazione con il provider',
    customerInvitation: 'Invito cliente',
    customer: 'Cliente',
  },
  events: {
    organization: {
      created: 'Organizzazione iscritta',
      joined: 'Utente aggiunto',
      rolesChanged: 'Ruoli modificati',
      colleagueInvited: 'Collega invitato',
      colleagueJoined: 'Collega entrato',
      colleagueRevoked: 'Invito al collega revocato',
    },
    provider: {
      rolesChanged: 'Ruoli modificati',
    },
    customerInvitation: {
      drafted: 'Invito preparato',
      sent: 'Invito inviato',
      resent: 'Invito inviato di nuovo',
      revoked: 'Invito revocato',
      accepted: 'Invito accettato',
    },
    customer: {
      created: "Cliente creato all'accettazione",
      resellerRelationship: 'Relazione di rivenditore creata',
      providerRelationship: 'Relazione di rivenditore con il provider creata',
    },
  },
  operator: 'Gestore di questo assistente',
  noRole: 'nessun ruolo',
  assistant: 'Assistente partner CSP',
  page: {
    title: 'Registro attività',
    invalid: 'Questo link di download non è valido. Chiedine uno nuovo nella chat: scrivi "esporta registro".',
    expired: 'Questo link di download è scaduto. Chiedine uno nuovo nella chat: scrivi "esporta registro".',
  },
  tab: {
    download: 'Esporta registro attività (CSV)',
    downloading: 'Preparazione del registro attività…',
    downloaded: 'Il registro attività è stato salvato come {filename}.',
    refused: 'Non è stato possibile esportare il registro attività: {reason}',
  },
};

/** The audit export's messages in every language. */
export const audit = { en, it };
