/** Messages every journey shares: the menu, help, errors and field validation. */
const en = {
  appName: 'CSP Partner Assistant',
  actionDone: 'Done.',
  alreadyDone: 'That button was already used: nothing changed the second time.',
  stillWorking: 'I am still working on your previous click; the answer will follow.',
  commands: {
    help: 'help|commands|what can you do',
    menu: 'menu|start|hi|hello',
    language: 'language|lingua',
    helpDescription: 'List what I can do.',
    menuDescription: 'Show the main menu.',
    languageDescription: 'Choose my language: "language english" or "language italiano".',
  },
  language: {
    changed: 'From now on I will answer in English.',
    unknown: 'I speak English and Italian. Type "language english" or "language italiano".',
  },
  welcome: {
    title: 'Welcome to the CSP Partner Assistant',
    body: 'I help indirect resellers in the Cloud Solution Provider program enroll, connect with an indirect provider and invite customers. Indirect providers answer requests here too.',
    prompt: 'What would you like to do?',
  },
  help: {
    title: 'What I can do',
    body: 'Choose a button, or tell me in your own words what you need. For example:',
    commandsHeader: 'Commands',
    languageNote: 'I answer in English or Italian, following the language of your app.',
  },
  notUnderstood: {
    title: "I didn't understand that",
    body: 'Try saying it another way, for example "{example}", or choose a button below. Type "help" to see more examples.',
  },
  menu: {
    help: 'Help',
    helpDescription: 'List what I can do',
    cancel: 'Cancel',
  },
  errors: {
    generic: 'Sorry, something went wrong on my side and nothing was changed. Please try again in a moment; if it keeps happening, contact your administrator and mention reference {reference}.',
    invalidAction: 'That button belongs to a card I can no longer act on. Type "help" to start again.',
    notSignedIn: 'I could not tell who you are in this chat, so I cannot do that. Sign in and try again.',
    badCursor: 'That page of the list is no longer available. Open the list again to start from its first page.',
  },
  validation: {
    fixFields: 'Please check the highlighted fields:',
    required: 'This field is required.',
    requiredField: '{label}: this is required.',
    tooLong: 'This is too long (at most {max} characters).',
    invalid: 'This value is not valid.',
  },
};

const it: typeof en = {
  appName: 'Assistente partner CSP',
  actionDone: 'Fatto.',
  alreadyDone: 'Quel pulsante è già stato usato: la seconda volta non è cambiato nulla.',
  stillWorking: 'Sto ancora elaborando il tuo clic precedente; la risposta arriverà a breve.',
  commands: {
    help: 'aiuto|comandi|cosa sai fare',
    menu: 'menu|menù|inizia|ciao|salve',
    language: 'lingua|language',
    helpDescription: 'Elenca cosa posso fare.',
    menuDescription: 'Mostra il menu principale.',
    languageDescription: 'Scegli la mia lingua: "lingua italiano" o "lingua english".',
  },
  language: {
    changed: 'Da ora in poi risponderò in italiano.',
    unknown: 'Parlo italiano e inglese. Digita "lingua italiano" o "lingua english".',
  },
  welcome: {
    title: "Benvenuto nell'Assistente partner CSP",
    body: 'Aiuto i rivenditori indiretti del programma Cloud Solution Provider a iscriversi, a collaborare con un provider indiretto e a invitare i clienti. Anche i provider indiretti rispondono qui alle richieste.',
    prompt: 'Cosa vuoi fare?',
  },
  help: {
    title: 'Cosa posso fare',
    body: 'Scegli un pulsante oppure dimmi con parole tue di cosa hai bisogno. Per esempio:',
    commandsHeader: 'Comandi',
    languageNote: "Rispondo in italiano o in inglese, secondo la lingua dell'app.",
  },
  notUnderstood: {
    title: 'Non ho capito',
    body: 'Prova a dirlo in un altro modo, per esempio "{example}", oppure scegli un pulsante qui sotto. Digita "aiuto" per vedere altri esempi.',
  },
  menu: {
    help: 'Aiuto',
    helpDescription: 'Elenca cosa posso fare',
    cancel: 'Annulla',
  },
  errors: {
    generic: 'Si è verificato un errore da parte mia e non è stato modificato nulla. Riprova tra poco; se il problema continua, contatta il tuo amministratore indicando il riferimento {reference}.',
    invalidAction: 'Quel pulsante appartiene a una scheda su cui non posso più agire. Digita "aiuto" per ricominciare.',
    notSignedIn: 'Non riesco a capire chi sei in questa chat, quindi non posso farlo. Accedi e riprova.',
    badCursor: 'Quella pagina dell\'elenco non è più disponibile. Apri di nuovo l\'elenco per ripartire dalla prima pagina.',
  },
  validation: {
    fixFields: 'Controlla i campi indicati:',
    required: 'Questo campo è obbligatorio.',
    requiredField: '{label}: campo obbligatorio.',
    tooLong: 'Il valore è troppo lungo (al massimo {max} caratteri).',
    invalid: 'Questo valore non è valido.',
  },
};

/** The shared messages in every language. */
export const common = { en, it };
