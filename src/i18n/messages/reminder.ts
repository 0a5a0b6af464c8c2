/** Messages of reminders: the notices about things waiting too long or about to expire, and the verification reminder mail. */
const en = {
  approval: {
    title: 'A request is still waiting',
    body: '{reseller} asked to connect with {provider} on {since} and has waited {days, plural, one {# business day} other {# business days}} for an approver to answer.',
    button: 'Pending requests',
  },
  review: {
    title: 'An application is still waiting for review',
    body: 'The enrollment application of {company} (sent by {applicant}) has waited for review since {since}, {days, plural, one {# business day} other {# business days}}.',
    button: 'Applications to review',
  },
  verification: {
    title: 'Your e-mail address is not verified yet',
    body: 'The enrollment of {company} waits for the primary contact ({email}) to verify the e-mail address. Codes work for 24 hours: open your application and select Send a new code if the first one expired.',
    button: 'My application',
  },
  customerInvitation: {
    title: 'An invitation is about to expire',
    body: 'Your invitation to {customer} ({email}) has not been accepted and its link expires on {expires}, in {days, plural, one {# day} other {# days}}. Resend it if the customer needs more time.',
    button: 'Pending invitations',
  },
  resellerInvitation: {
    title: 'An invitation is about to expire',
    body: 'The invitation of {provider} sent to {email} has not been used and its link expires on {expires}, in {days, plural, one {# day} other {# days}}. Send a new invitation if the reseller needs more time.',
    button: 'Indirect resellers',
  },
  colleagueInvitation: {
    title: 'An invitation is about to expire',
    body: 'Your invitation to {email} to join {organization} has not been used and its link expires on {expires}, in {days, plural, one {# day} other {# days}}. Invite them again once it expires if they still need to join.',
    button: 'Pending invitations',
  },
  mail: {
    subject: 'Reminder: verify your e-mail address for the CSP enrollment of {company}',
    body: 'Hello {name},\n\nthe Cloud Solution Provider enrollment of {company} is waiting for you, its primary contact, to verify this e-mail address. The review starts only after that.\n\nWe sent you a verification code earlier. Codes work for 24 hours: if yours expired, ask the person who enrolled {company} to select Send a new code in the chat with the CSP Partner Assistant, then type the new code there or open the link in the new e-mail.\n\nIf you did not expect this e-mail, ignore it.\n',
  },
};

const it: typeof en = {
  approval: {
    title: 'Una richiesta è ancora in attesa',
    body: '{reseller} ha chiesto di collegarsi con {provider} il {since} e attende ancora, da {days, plural, one {# giorno lavorativo} other {# giorni lavorativi}}, la risposta di un approvatore.',
    button: 'Richieste in attesa',
  },
  review: {
    title: 'Una domanda attende ancora la revisione',
    body: 'La domanda di iscrizione di {company} (inviata da {applicant}) attende la revisione dal {since}, da {days, plural, one {# giorno lavorativo} other {# giorni lavorativi}}.',
    button: 'Domande da esaminare',
  },
  verification: {
    title: 'Il tuo indirizzo e-mail non è ancora verificato',
    body: 'L’iscrizione di {company} attende che il contatto principale ({email}) verifichi l’indirizzo e-mail. I codici valgono 24 ore: apri la tua domanda e seleziona Invia un nuovo codice se il primo è scaduto.',
    button: 'La mia domanda',
  },
  customerInvitation: {
    title: 'Un invito sta per scadere',
    body: 'Il tuo invito a {customer} ({email}) non è stato accettato e il suo link scade il {expires}, tra {days, plural, one {# giorno} other {# giorni}}. Invialo di nuovo se il cliente ha bisogno di più tempo.',
    button: 'Inviti in attesa',
  },
  resellerInvitation: {
    title: 'Un invito sta per scadere',
    body: 'L’invito di {provider} inviato a {email} non è stato usato e il suo link scade il {expires}, tra {days, plural, one {# giorno} other {# giorni}}. Invia un nuovo invito se il rivenditore ha bisogno di più tempo.',
    button: 'Rivenditori indiretti',
  },
  colleagueInvitation: {
    title: 'Un invito sta per scadere',
    body: 'Il tuo invito a {email} a unirsi a {organization} non è stato usato e il suo link scade il {expires}, tra {days, plural, one {# giorno} other {# giorni}}. Invitalo di nuovo dopo la scadenza se deve ancora unirsi.',
    button: 'Inviti in attesa',
  },
  mail: {
    subject: 'Promemoria: verifica il tuo indirizzo e-mail per l’iscrizione CSP di {company}',
    body: 'Ciao {name},\n\nl’iscrizione di {company} al programma Cloud Solution Provider attende che tu, il suo contatto principale, verifichi questo indirizzo e-mail. La revisione inizia solo dopo.\n\nTi abbiamo già inviato un codice di verifica. I codici valgono 24 ore: se il tuo è scaduto, chiedi a chi ha iscritto {company} di selezionare Invia un nuovo codice nella chat con CSP Partner Assistant, poi digita lì il nuovo codice o apri il link della nuova e-mail.\n\nSe non aspettavi questa e-mail, ignorala.\n',
  },
};

/** Reminders: notices about approvals, reviews and verifications that wait, and invitations about to expire. */
export const reminder = { en, it };
