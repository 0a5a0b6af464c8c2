const en = {
  signIn:
    "I can't tell who you are yet, so I can't do that. In Teams you are signed in already; in the web chat, select “Sign in” and use your work account, then try again.",
  noOrganization:
    'This needs the {roles} role in a reseller organization enrolled here, and your account does not belong to one. Type “enroll” to enroll your organization, or sign in with the work account of an enrolled organization.',
  providerNotReseller:
    'This is for resellers: it needs the {roles} role in a reseller organization enrolled here. You are signed in for {provider}, an indirect provider: type “resellers” for your Indirect resellers, and open View customers on each to see the customers you share.',
  noProvider:
    "This is for indirect providers: it needs the {roles} role in a provider's organization registered here, and your account does not belong to one.",
  operatorRoleNeeded: "This needs the {roles} role of the team that runs this assistant. Ask them if you think you should have it.",
  roleNeeded: 'This needs the {roles} role in {organization}, and you do not have it. Ask someone who can grant it: {holders}.',
  roleNeededNobody: 'This needs the {roles} role in {organization}, and you do not have it. Nobody there can grant it yet.',
  otherOrganization: 'Only someone with the {roles} role in {organization} can do that, and your account is not in {organization}.',
  or: ' or ',
  roles: {
    adminAgent: 'Admin agent',
    salesAgent: 'Sales agent',
    approver: 'Approver',
    providerAdmin: 'Provider admin',
    reviewer: 'Reviewer',
  },
};

const it: typeof en = {
  signIn:
    'Non so ancora chi sei, quindi non posso farlo. In Teams hai già effettuato l\'accesso; nella chat web seleziona “Accedi” e usa il tuo account aziendale, poi riprova.',
  noOrganization:
    "Serve il ruolo {roles} in un'organizzazione di rivenditori iscritta qui, e il tuo account non appartiene a nessuna. Scrivi “iscrizione” per iscrivere la tua organizzazione, oppure accedi con l'account aziendale di un'organizzazione iscritta.",
  providerNotReseller:
    'Questa funzione è per i rivenditori: serve il ruolo {roles} in un’organizzazione di rivenditori iscritta qui. Hai effettuato l’accesso per {provider}, un provider indiretto: scrivi “rivenditori” per i tuoi Rivenditori indiretti, e apri Visualizza clienti su ciascuno per vedere i clienti che condividete.',
  noProvider:
    "Questa funzione è per i provider indiretti: serve il ruolo {roles} nell'organizzazione di un provider registrato qui, e il tuo account non appartiene a nessuna.",
  operatorRoleNeeded: 'Serve il ruolo {roles} del team che gestisce questo assistente. Chiedi a loro se pensi di doverlo avere.',
  roleNeeded: 'Serve il ruolo {roles} in {organization}, e tu non lo hai. Chiedi a chi può assegnarlo: {holders}.',
  roleNeededNobody: 'Serve il ruolo {roles} in {organization}, e tu non lo hai. Nessuno lì può ancora assegnarlo.',
  otherOrganization: 'Solo chi ha il ruolo {roles} in {organization} può farlo, e il tuo account non appartiene a {organization}.',
  or: ' o ',
  roles: {
    adminAgent: 'Agente amministratore',
    salesAgent: 'Agente di vendita',
    approver: 'Approvatore',
    providerAdmin: 'Amministratore del provider',
    reviewer: 'Revisore',
  },
};

/** Refusals of the access table: which role an action needs and who can grant it. */
export const access = { en, it };
