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
const NAME_PARTS = /^(s\.?r\.?l\.?|s\.?p\.?a\.?|s\.?n\.?c\.?|spa|srl|snc|ltd\.?|llc|inc\.?|gmbh|ag|bv|plc|sas|&|and|e|co\.?|corp\.?)$/i;
/**
 * Words a company name follows: an invite verb ("invite Contoso"), the party it becomes ("new
 * customer Tailspin Toys", "nuovo cliente Verdi SpA"), a preposition ("send the link to Adatum
 * Corp", "the request from Demo Reseller", "manda la richiesta a Bianchi Costruzioni") or its
 * naming ("a new customer called Fabrikam", "si chiama Studio Greco").
 */
const NAME_AFTER =
  /^(invite|inviting|invita|invitare|invitiamo|invito|onboard|add|aggiungi|aggiungere|connect|collega|collegare|customer|client|cliente|company|azienda|reseller|rivenditore|to|for|from|a|per|da|dal|dalla|called|named|chiama|chiamano|chiamata|chiamato)$/i;
/** Capitalized words that are never a company the user names (the program, products, "I"). */
const NOT_A_NAME = /^(i|microsoft|partner|csp|cloud|admin|indirect|direct|it)$/i;
/** A company's legal form at the end of its name: such a name is a company, never a person. */
const LEGAL_FORM = /\s(s\.?r\.?l\.?|s\.?n\.?c\.?|s\.?a\.?s\.?|s\.?p\.?a\.?|ltd\.?|llc|inc\.?|gmbh|ag|bv|plc|corp\.?)$/i;
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

/**
 * The capitalized words after a word a company name follows, up to a comma or a lower-case word
 * ("at", "con", "l'amministratore", "email"): "invite Contoso Ltd, …" gives "Contoso Ltd", "nuovo
 * cliente Verdi SpA con admin …" gives "Verdi SpA". The first such name wins; a country/region, a
 * product or the program itself is not a company.
 */
function companyOf(text: string): string | undefined {
  const tokens = text.split(/\s+/).filter(Boolean).slice(0, 100);
  for (let at = 0; at < tokens.length; at++) {
    if (!NAME_AFTER.test(tokens[at].replace(/[^\p{L}]/gu, ''))) continue;
    const name = nameAt(tokens, at + 1);
    if (name) return name;
  }
  return undefined;
}

function nameAt(tokens: readonly string[], from: number): string | undefined {
  let i = from;
  while (i < tokens.length && FILLER.has(tokens[i].toLowerCase().replace(/[^\p{L}]/gu, ''))) i++;
  const name: string[] = [];
  for (; i < tokens.length; i++) {
    const token = tokens[i];
    const bare = token.replace(/[,;:!?]+$/, '').replace(/^["'(]+|["')]+$/g, '');
    const capital = /^[\p{Lu}\p{N}]/u.test(bare);
    if (!bare || (!capital && !(name.length && NAME_PARTS.test(bare)))) break;
    if (!name.length && (NOT_A_NAME.test(bare) || NAME_AFTER.test(bare))) break;
    name.push(bare);
    if (bare !== token.replace(/^["'(]+|["')]+$/g, '')) break;
  }
  const last = name[name.length - 1] ?? '';
  // A legal form keeps its dots (S.r.l.); any other trailing full stop ends the sentence.
  const joined = (NAME_PARTS.test(last) ? name.join(' ') : name.join(' ').replace(/\.+$/, '')).slice(0, 100);
  if (!joined || FILLER.has(joined.toLowerCase())) return undefined;
  const folded = fold(joined);
  if (COUNTRY_NAMES.some((c) => c.name === folded) || PRODUCTS.some((p) => fold(p) === folded)) return undefined;
  return joined;
}

/** Whether a name ends with a company's legal form ("Bianchi Srl", "Contoso Ltd"): a company, not a colleague. */
export function hasLegalForm(name: string): boolean {
  return LEGAL_FORM.test(name);
}
