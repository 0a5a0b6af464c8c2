const en = {
  greeting: 'Hello {name},',
  greetingNoName: 'Hello,',
  signature: 'The CSP Partner Assistant',
  underReview: {
    subject: 'Your CSP enrollment for {company} is under review',
    body: 'Thank you for verifying your e-mail address. The enrollment of {company} as an indirect reseller is now under review; this can take several business days. You will get an e-mail when it is decided, and the applicant is told in the assistant too.',
  },
  approved: {
    subject: 'The CSP enrollment of {company} is approved',
    body: 'The enrollment of {company} as an indirect reseller was approved on {at}. {applicant} is its first Admin agent and can now connect with an indirect provider, invite customers and add colleagues in the assistant.',
  },
  rejected: {
    subject: 'The CSP enrollment of {company} was not approved',
    body: 'The enrollment of {company} as an indirect reseller was not approved on {at}. Reason given: {reason}\n\n{applicant} can edit the application in the assistant and send it again.',
  },
  requestApproved: {
    subject: '{provider} approved the request of {reseller}',
    body: '{provider} approved the request to connect of {reseller}. An Admin agent of {reseller} can now authorize {provider} as indirect provider in the assistant (Indirect providers).',
  },
  requestDeclined: {
    subject: '{provider} declined the request of {reseller}',
    body: '{provider} declined the request to connect of {reseller}. Reason given: {reason}',
  },
  authorized: {
    subject: '{reseller} authorized {provider} as indirect provider',
    body: '{reseller} authorized {provider} as its indirect provider on {at}. {provider} is on the Indirect providers list of {reseller}, and {reseller} on the Indirect resellers list of {provider}.',
  },
  ended: {
    subject: 'The relationship between {reseller} and {provider} has ended',
    body: 'The relationship between {reseller} and its indirect provider {provider} was ended on {at} by {by}. {provider} can no longer submit orders for the customers they shared.',
  },
  customerAccepted: {
    subject: '{customer} accepted the invitation of {reseller}',
    body: '{customer} accepted the invitation on {at}: {reseller} now has a reseller relationship with {customer}{providerPart}.',
    providerPart: ', and so does the indirect provider {provider}',
  },
  noReason: 'none',
};

const it: typeof en = {
  greeting: 'Buongiorno {name},',
  greetingNoName: 'Buongiorno,',
  signature: "L'Assistente partner CSP",
  underReview: {
    subject: "L'iscrizione CSP di {company} è in revisione",
    body: "Grazie per aver verificato il tuo indirizzo e-mail. L'iscrizione di {company} come rivenditore indiretto è ora in revisione; può richiedere diversi giorni lavorativi. Riceverai un'e-mail quando sarà decisa, e anche il richiedente sarà avvisato nell'assistente.",
  },
  approved: {
    subject: "L'iscrizione CSP di {company} è approvata",
    body: "L'iscrizione di {company} come rivenditore indiretto è stata approvata il {at}. {applicant} è il suo primo agente amministratore e ora può collegarsi a un provider indiretto, invitare clienti e aggiungere colleghi nell'assistente.",
  },
  rejected: {
    subject: "L'iscrizione CSP di {company} non è stata approvata",
    body: "L'iscrizione di {company} come rivenditore indiretto non è stata approvata il {at}. Motivo indicato: {reason}\n\n{applicant} può modificare la domanda nell'assistente e inviarla di nuovo.",
  },
  requestApproved: {
    subject: '{provider} ha approvato la richiesta di {reseller}',
    body: "{provider} ha approvato la richiesta di collegamento di {reseller}. Un agente amministratore di {reseller} può ora autorizzare {provider} come provider indiretto nell'assistente (Provider indiretti).",
  },
  requestDeclined: {
    subject: '{provider} ha rifiutato la richiesta di {reseller}',
    body: '{provider} ha rifiutato la richiesta di collegamento di {reseller}. Motivo indicato: {reason}',
  },
  authorized: {
    subject: '{reseller} ha autorizzato {provider} come provider indiretto',
    body: "{reseller} ha autorizzato {provider} come suo provider indiretto il {at}. {provider} è nell'elenco Provider indiretti di {reseller}, e {reseller} nell'elenco Rivenditori indiretti di {provider}.",
  },
  ended: {
    subject: 'La relazione tra {reseller} e {provider} è terminata',
    body: 'La relazione tra {reseller} e il suo provider indiretto {provider} è stata terminata il {at} da {by}. {provider} non può più inviare ordini per i clienti che condividevano.',
  },
  customerAccepted: {
    subject: "{customer} ha accettato l'invito di {reseller}",
    body: "{customer} ha accettato l'invito il {at}: {reseller} ha ora una relazione di rivenditore con {customer}{providerPart}.",
    providerPart: ', e così anche il provider indiretto {provider}',
  },
  noReason: 'nessuno',
};

/** Status e-mails to an organization's primary contact and a provider's contact address, in both languages. */
export const statusMail = { en, it };
