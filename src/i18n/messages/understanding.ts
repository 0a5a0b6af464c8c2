/** Messages of free-text understanding: choices, answers from the guide, suggested phrasings. */
const en = {
  journeys: {
    providerInvite: 'Invite a reseller',
    providerRequests: 'Pending requests',
    providerRegister: 'Register as an indirect provider',
    providerHistory: 'Relationship history',
    customerInvitations: 'Pending customer invitations',
    enrollmentStatus: 'Enrollment status',
    enrollmentUsers: 'User management',
    enrollmentReviews: 'Applications to review',
    colleagueInvite: 'Invite a colleague',
  },
  choice: {
    two: 'Did you mean {first} or {second}?',
    one: 'Did you mean {first}?',
  },
  answerSource: 'From the guide: {section}.',
  answers: {
    beforeEnroll: {
      title: 'What to have ready before you enroll',
      text: "Have three things ready: a work account that is global administrator of your organization's Microsoft Entra ID (Azure AD) tenant (you can create a tenant during enrollment), the sign-in of your partner program account in Partner Center (formerly Partner Membership Center) that links your PartnerID, and your legal business name, address, primary contact and support details. The review then takes several days.",
      source: 'Enroll as a new indirect reseller, Before you begin',
    },
    reviewTime: {
      title: 'How long the review takes',
      text: 'Reviewing and verifying what you sent takes several days (usually 3 to 5 business days), and it goes on only after the primary contact has verified their e-mail address. Status updates go by e-mail to the primary contact.',
      source: 'Enroll as a new indirect reseller, Before you begin and Get started, step 8',
    },
    webmail: {
      title: 'Webmail for the primary contact',
      text: "No: the primary contact's e-mail address must belong to your organization, so webmail addresses such as Gmail, Yahoo, iCloud or Outlook.com are refused. The primary contact receives an e-mail to verify the address before the review goes on.",
      source: 'Enroll as a new indirect reseller, Get started, step 8 (with today\'s Partner Center rules)',
    },
    partnerId: {
      title: 'Which PartnerID to use',
      text: "Choose the PartnerID (formerly MPN ID) of an active organization profile located in the same country/region as your Azure AD tenant: today that is a location PartnerID, not the global one. You link it by signing in with your partner program account, which replaced the Partner Membership Center.",
      source: 'Enroll as a new indirect reseller, Get started, step 7',
    },
    alreadyEnrolled: {
      title: 'Already enrolled in CSP',
      text: 'If your organization is already enrolled in CSP, you may only need to give your customer support contact details to create the reseller account. Answer Yes, we are enrolled when I ask, and give your PartnerID.',
      source: 'Enroll as a new indirect reseller, Note',
    },
    adminAgent: {
      title: 'Admin agent rights',
      text: 'To finish setting up the account, including adding other users, you must be in the Admin agent group. An Admin agent grants it in Account settings > User management by selecting your name, Admin agent, then Update.',
      source: 'Enroll as a new indirect reseller, Get started, step 9',
    },
    authorizeRights: {
      title: 'What authorizing a provider grants',
      text: "When you select Authorize indirect provider, you let the provider submit orders and add subscriptions on behalf of your customers, and you grant it administrator access to your Azure AD tenant. That is why the box must be ticked first; the provider then shows on your Indirect providers page and you on its Indirect resellers page.",
      source: 'Connect with an indirect provider, step 3',
    },
    providerOrders: {
      title: 'Why a provider cannot order for a customer',
      text: 'Your indirect provider can submit orders for a customer only when it has its own reseller relationship with that customer. Use Invite new customers on your Indirect providers page so that the customer authorizes you and the provider at once.',
      source: 'Connect with an indirect provider, step 6, and Connect with customers',
    },
    inviteVsRequest: {
      title: 'Invite new customers or Request a reseller relationship',
      text: 'Invite new customers, on your Indirect providers page, asks the customer for reseller relationships with you and your indirect provider at once, so the provider can also place orders. Request a reseller relationship, on your Customers page, asks for a relationship with you alone.',
      source: 'Connect with customers',
    },
    editInvitation: {
      title: 'Editing the invitation e-mail',
      text: 'You may edit the text of the draft e-mail, but keep its link exactly as it is: it is personalized to connect the customer to your account (and your provider\'s). Select Done when the e-mail is ready.',
      source: 'Connect with customers, Invite a new customer, step 3',
    },
    delegatedAdmin: {
      title: 'Delegated admin rights (GDAP)',
      text: "Today's Partner Center no longer grants blanket delegated admin rights: you request granular delegated admin privileges (GDAP), with only the Entra roles you need, for 1 day up to 2 years. The customer's global administrator accepts the request, which expires if not accepted within 90 days.",
      source: 'Connect with customers (with today\'s Partner Center rules)',
    },
    whatIsProvider: {
      title: 'What an indirect provider does',
      text: 'An indirect provider, also called a distributor, buys cloud services from Microsoft that you resell, and usually supports your customers, gives you technical help, helps you market and sets financing and credit terms. Compare the providers in your area, then connect with the one that suits you.',
      source: 'Partner with indirect providers in the Cloud Solution Provider program',
    },
  },
  suggestions: {
    intro: 'Tell me in your own words what you need, for example:',
    find: 'I need a distributor in Germany for Azure',
    customers: 'list our customers',
    invite: 'invite Contoso, admin@contoso.example',
    enroll: 'I want to enroll as a reseller',
    status: 'how is my application going?',
    question: 'how long does the review take?',
    questionDoes: 'An answer from the guide',
  },
  outOfScope: {
    title: 'I can help with enrollment, providers and customers',
    body: 'That is outside what I do. I can help you enroll in CSP, work with an indirect provider and connect with customers, and I answer questions about the program.',
  },
};

const it: typeof en = {
  journeys: {
    providerInvite: 'Invita un rivenditore',
    providerRequests: 'Richieste in attesa',
    providerRegister: 'Registrati come provider indiretto',
    providerHistory: 'Cronologia delle relazioni',
    customerInvitations: 'Inviti ai clienti in sospeso',
    enrollmentStatus: "Stato dell'iscrizione",
    enrollmentUsers: 'Gestione utenti',
    enrollmentReviews: 'Domande da esaminare',
    colleagueInvite: 'Invita un collega',
  },
  choice: {
    two: 'Intendevi {first} o {second}?',
    one: 'Intendevi {first}?',
  },
  answerSource: 'Dalla guida: {section}.',
  answers: {
    beforeEnroll: {
      title: "Cosa preparare prima dell'iscrizione",
      text: "Tieni pronte tre cose: un account aziendale amministratore globale del tenant Microsoft Entra ID (Azure AD) della tua organizzazione (il tenant si può creare durante l'iscrizione), l'accesso all'account del programma partner nel Centro per i partner (in passato Partner Membership Center) che collega il tuo PartnerID, e ragione sociale, indirizzo, contatto principale e dati di supporto. La verifica richiede poi diversi giorni.",
      source: 'Registrarsi come nuovo rivenditore indiretto, Prima di iniziare',
    },
    reviewTime: {
      title: 'Quanto dura la verifica',
      text: "L'esame e la verifica delle informazioni inviate richiedono diversi giorni (di solito da 3 a 5 giorni lavorativi) e proseguono solo dopo che il contatto principale ha verificato il proprio indirizzo e-mail. Gli aggiornamenti sullo stato arrivano per e-mail al contatto principale.",
      source: 'Registrarsi come nuovo rivenditore indiretto, Prima di iniziare e Per iniziare, passaggio 8',
    },
    webmail: {
      title: 'Webmail per il contatto principale',
      text: "No: l'indirizzo e-mail del contatto principale deve appartenere alla tua organizzazione, quindi gli indirizzi webmail come Gmail, Yahoo, iCloud o Outlook.com vengono rifiutati. Il contatto principale riceve un'e-mail per verificare l'indirizzo prima che la verifica prosegua.",
      source: 'Registrarsi come nuovo rivenditore indiretto, Per iniziare, passaggio 8 (con le regole attuali del Centro per i partner)',
    },
    partnerId: {
      title: 'Quale PartnerID usare',
      text: "Scegli il PartnerID (in passato ID MPN) di un profilo dell'organizzazione attivo che si trova nello stesso paese/area geografica del tenant di Azure AD: oggi è un PartnerID di sede, non quello globale. Lo colleghi accedendo con l'account del programma partner, che ha sostituito il Partner Membership Center.",
      source: 'Registrarsi come nuovo rivenditore indiretto, Per iniziare, passaggio 7',
    },
    alreadyEnrolled: {
      title: 'Già iscritti a CSP',
      text: "Se la tua organizzazione è già iscritta a CSP, può bastare fornire i dati di contatto per il supporto ai clienti per creare l'account da rivenditore. Quando te lo chiedo rispondi Sì, siamo già iscritti e indica il tuo PartnerID.",
      source: 'Registrarsi come nuovo rivenditore indiretto, Nota',
    },
    adminAgent: {
      title: 'Autorizzazioni di Agente amministratore',
      text: "Per completare la configurazione dell'account, inclusa l'aggiunta di altri utenti, devi far parte del gruppo Agente amministratore. Un Agente amministratore lo assegna in Impostazioni account > Gestione utenti selezionando il tuo nome, Agente amministratore e poi Aggiorna.",
      source: 'Registrarsi come nuovo rivenditore indiretto, Per iniziare, passaggio 9',
    },
    authorizeRights: {
      title: "Cosa concede l'autorizzazione a un provider",
      text: "Selezionando Authorize indirect provider consenti al provider di inviare ordini e aggiungere sottoscrizioni per conto dei tuoi clienti e gli concedi l'accesso come amministratore al tuo tenant di Azure AD. Per questo va prima selezionata la casella; poi il provider compare nella tua pagina Provider indiretti e tu nella sua pagina Rivenditori indiretti.",
      source: 'Connettersi con un provider indiretto, passaggio 3',
    },
    providerOrders: {
      title: 'Perché un provider non può ordinare per un cliente',
      text: 'Il provider indiretto può inviare ordini per un cliente solo se ha una propria relazione di rivenditore con quel cliente. Usa Invita nuovi clienti nella pagina Provider indiretti, così il cliente autorizza te e il provider insieme.',
      source: 'Connettersi con un provider indiretto, passaggio 6, ed Entrare in contatto con i clienti',
    },
    inviteVsRequest: {
      title: 'Invita nuovi clienti o Richiedi una relazione di rivenditore',
      text: 'Invita nuovi clienti, nella pagina Provider indiretti, chiede al cliente relazioni di rivenditore con te e con il provider indiretto insieme, così anche il provider può inviare ordini. Richiedi una relazione di rivenditore, nella pagina Clienti, chiede una relazione solo con te.',
      source: 'Entrare in contatto con i clienti',
    },
    editInvitation: {
      title: "Modificare l'e-mail di invito",
      text: "Puoi modificare il testo della bozza dell'e-mail, ma lascia il link esattamente com'è: è personalizzato per collegare il cliente al tuo account (e a quello del provider). Seleziona Fine quando l'e-mail è pronta.",
      source: 'Entrare in contatto con i clienti, Invitare un nuovo cliente, passaggio 3',
    },
    delegatedAdmin: {
      title: 'Privilegi di amministratore delegato (GDAP)',
      text: "Il Centro per i partner di oggi non concede più privilegi di amministratore delegato illimitati: si richiedono privilegi granulari (GDAP), con i soli ruoli Entra necessari, per un periodo da 1 giorno a 2 anni. L'amministratore globale del cliente accetta la richiesta, che scade se non viene accettata entro 90 giorni.",
      source: 'Entrare in contatto con i clienti (con le regole attuali del Centro per i partner)',
    },
    whatIsProvider: {
      title: 'Cosa fa un provider indiretto',
      text: 'Un provider indiretto, detto anche distributore, acquista da Microsoft i servizi cloud che rivendi e di solito offre supporto ai tuoi clienti, ti dà assistenza tecnica, ti aiuta nel marketing e stabilisce condizioni di finanziamento e credito. Confronta i provider della tua zona e collabora con quello più adatto.',
      source: 'Collaborare con i provider indiretti nel programma Cloud Solution Provider',
    },
  },
  suggestions: {
    intro: 'Dimmi con parole tue di cosa hai bisogno, per esempio:',
    find: 'cerco un distributore in Germania per Azure',
    customers: 'elenca i nostri clienti',
    invite: 'invita Contoso, admin@contoso.example',
    enroll: 'voglio iscrivermi come rivenditore',
    status: 'a che punto è la mia domanda?',
    question: 'quanto dura la verifica?',
    questionDoes: 'Una risposta dalla guida',
  },
  outOfScope: {
    title: "Posso aiutarti con l'iscrizione, i provider e i clienti",
    body: "Questo è fuori da ciò che faccio. Posso aiutarti a iscriverti a CSP, a collaborare con un provider indiretto e a entrare in contatto con i clienti, e rispondo a domande sul programma.",
  },
};

/** Understanding messages in every language. */
export const understanding = { en, it };
