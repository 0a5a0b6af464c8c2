import { COUNTRIES } from '../../domain/enrollment/countries.js';
import type { Entities } from './classifier.port.js';

/** Other names people use for a country/region, besides its English and Italian names. */
const COUNTRY_ALIASES: Readonly<Record<string, readonly string[]>> = {
  GB: ['uk', 'great britain', 'britain', 'england', 'gran bretagna', 'inghilterra'],
  US: ['usa', 'united states of america', 'america', 'stati uniti d america'],
  NL: ['holland', 'the netherlands', 'olanda'],
  TR: ['turkey', 'turkiye'],
  CZ: ['czech republic', 'repubblica ceca'],
  DE: ['deutschland'],
};

/** Products and services the directory lists, as the search should receive them. */
const PRODUCTS: readonly string[] = [
  'Microsoft 365', 'Office 365', 'Dynamics 365', 'Azure', 'Dynamics', 'Power BI', 'Power Platform', 'Copilot',
  'Teams', 'Windows', 'Security', 'Modern Work', 'Formazione', 'Financing', 'Marketing programs',
];

/** Words between "invite" and a company name that are not part of the name. */
const FILLER = new Set([
  'a', 'an', 'the', 'new', 'customer', 'customers', 'client', 'clients', 'company', 'our', 'my', 'called', 'named', 'please', 'pls',
  'il', 'lo', 'la', 'l', 'un', 'una', 'uno', 'nuovo', 'nuova', 'cliente', 'clienti', 'azienda', 'società', 'societa', 'chiamata',
  'chiamato', 'di', 'nome', 'mio', 'mia', 'nostro', 'nostra', 'per', 'favore', 'anche',
]);
/** Parts of a company name written in lower case (legal forms, connectors). */
const NAME_PARTS = /^(s\.?r\.?l\.?|s\.?p\.?a\.?|spa|srl|ltd\.?|llc|inc\.?|gmbh|ag|bv|plc|sas|&|and|e|co\.?|corp\.?)$/i;
const INVITE_VERB = /^(invite|inviting|invita|invitare|invitiamo|invito|onboard|add|aggiungi|aggiungere|connect|collega|collegare)$/i;
const EMAIL = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/u;

const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}@.+-]+/gu, ' ')
    .trim();

const COUNTRY_NAMES: readonly { code: string; name: string }[] = COUNTRIES.flatMap((c) =>
  [c.nameEn, c.nameIt, ...(COUNTRY_ALIASES[c.code] ?? [])].map((name) => ({ code: c.code, name: fold(name) })),
).sort((a, b) => b.name.length - a.name.length);

/**
 * Finds the details a sentence carries: a country/region, a product to search for, an e-mail
 * address and the company named after "invite". Pure and fast; nothing here decides a journey.
 */
export function extractEntities(text: string): Entities {
  const bounded = text.slice(0, 500);
  const email = EMAIL.exec(bounded)?.[0].replace(/[.]+$/, '');
  const folded = ` ${fold(bounded.replace(EMAIL, ' '))} `;
  const country = COUNTRY_NAMES.find((c) => folded.includes(` ${c.name} `))?.code;
  const keyword = PRODUCTS.find((p) => folded.includes(` ${fold(p)} `));
  const companyName = companyOf(bounded.replace(EMAIL, ' , '));
  return {
    ...(country ? { country } : {}),
    ...(keyword ? { keyword } : {}),
    ...(companyName ? { companyName } : {}),
    ...(email ? { email } : {}),
  };
}

/** The capitalized words after an invite verb, up to a comma or a lower-case word: "invite Contoso Ltd, …" gives "Contoso Ltd". */
function companyOf(text: string): string | undefined {
  const tokens = text.split(/\s+/).filter(Boolean);
  const verbAt = tokens.findIndex((t) => INVITE_VERB.test(t.replace(/[^\p{L}]/gu, '')));
  if (verbAt < 0) return undefined;
  let i = verbAt + 1;
  while (i < tokens.length && FILLER.has(tokens[i].toLowerCase().replace(/[^\p{L}]/gu, ''))) i++;
  const name: string[] = [];
  for (; i < tokens.length; i++) {
    const token = tokens[i];
    const bare = token.replace(/[,;:!?]+$/, '');
    const capital = /^[\p{Lu}\p{N}]/u.test(bare);
    if (!bare || (!capital && !(name.length && NAME_PARTS.test(bare)))) break;
    name.push(bare);
    if (bare !== token) break;
  }
  const last = name[name.length - 1] ?? '';
  // A legal form keeps its dots (S.r.l.); any other trailing full stop ends the sentence.
  const joined = NAME_PARTS.test(last) ? name.join(' ') : name.join(' ').replace(/\.+$/, '');
  return joined && !FILLER.has(joined.toLowerCase()) ? joined.slice(0, 100) : undefined;
}
