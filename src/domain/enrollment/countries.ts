/** A country/region the assistant knows: names, calling code, address rules. */
export interface Country {
  readonly code: string;
  readonly nameEn: string;
  readonly nameIt: string;
  readonly callingCode: string;
  /** Whether addresses need a state, province or region. */
  readonly hasRegion: boolean;
  /** Postal code rule, where one is checked; the canonical form is produced by `normalizePostalCode`. */
  readonly postal?: RegExp;
}

/** Countries/regions offered for tenants and addresses. */
export const COUNTRIES: readonly Country[] = [
  { code: 'AR', nameEn: 'Argentina', nameIt: 'Argentina', callingCode: '54', hasRegion: true },
  { code: 'AT', nameEn: 'Austria', nameIt: 'Austria', callingCode: '43', hasRegion: false, postal: /^\d{4}$/ },
  { code: 'AU', nameEn: 'Australia', nameIt: 'Australia', callingCode: '61', hasRegion: true, postal: /^\d{4}$/ },
  { code: 'BE', nameEn: 'Belgium', nameIt: 'Belgio', callingCode: '32', hasRegion: false, postal: /^\d{4}$/ },
  { code: 'BR', nameEn: 'Brazil', nameIt: 'Brasile', callingCode: '55', hasRegion: true, postal: /^\d{5}-\d{3}$/ },
  { code: 'CA', nameEn: 'Canada', nameIt: 'Canada', callingCode: '1', hasRegion: true, postal: /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d$/ },
  { code: 'CH', nameEn: 'Switzerland', nameIt: 'Svizzera', callingCode: '41', hasRegion: false, postal: /^\d{4}$/ },
  { code: 'CL', nameEn: 'Chile', nameIt: 'Cile', callingCode: '56', hasRegion: true },
  { code: 'CO', nameEn: 'Colombia', nameIt: 'Colombia', callingCode: '57', hasRegion: true },
  { code: 'CZ', nameEn: 'Czechia', nameIt: 'Cechia', callingCode: '420', hasRegion: false },
  { code: 'DE', nameEn: 'Germany', nameIt: 'Germania', callingCode: '49', hasRegion: false, postal: /^\d{5}$/ },
  { code: 'DK', nameEn: 'Denmark', nameIt: 'Danimarca', callingCode: '45', hasRegion: false },
  { code: 'EG', nameEn: 'Egypt', nameIt: 'Egitto', callingCode: '20', hasRegion: false },
  { code: 'ES', nameEn: 'Spain', nameIt: 'Spagna', callingCode: '34', hasRegion: true, postal: /^(0[1-9]|[1-4]\d|5[0-2])\d{3}$/ },
  { code: 'FI', nameEn: 'Finland', nameIt: 'Finlandia', callingCode: '358', hasRegion: false },
  { code: 'FR', nameEn: 'France', nameIt: 'Francia', callingCode: '33', hasRegion: false, postal: /^\d{5}$/ },
  { code: 'GB', nameEn: 'United Kingdom', nameIt: 'Regno Unito', callingCode: '44', hasRegion: false, postal: /^([A-Z]{1,2}\d[A-Z\d]?|GIR) \d[A-Z]{2}$/ },
  { code: 'GR', nameEn: 'Greece', nameIt: 'Grecia', callingCode: '30', hasRegion: false },
  { code: 'HU', nameEn: 'Hungary', nameIt: 'Ungheria', callingCode: '36', hasRegion: false },
  { code: 'IE', nameEn: 'Ireland', nameIt: 'Irlanda', callingCode: '353', hasRegion: false, postal: /^[ACDEFHKNPRTVWXY]\d[\dW] [ACDEFHKNPRTVWXY\d]{4}$/ },
  { code: 'IL', nameEn: 'Israel', nameIt: 'Israele', callingCode: '972', hasRegion: false },
  { code: 'IN', nameEn: 'India', nameIt: 'India', callingCode: '91', hasRegion: true, postal: /^[1-9]\d{5}$/ },
  { code: 'IT', nameEn: 'Italy', nameIt: 'Italia', callingCode: '39', hasRegion: true, postal: /^\d{5}$/ },
  { code: 'JP', nameEn: 'Japan', nameIt: 'Giappone', callingCode: '81', hasRegion: false, postal: /^\d{3}-\d{4}$/ },
  { code: 'KR', nameEn: 'Korea', nameIt: 'Corea', callingCode: '82', hasRegion: false },
  { code: 'LU', nameEn: 'Luxembourg', nameIt: 'Lussemburgo', callingCode: '352', hasRegion: false },
  { code: 'MT', nameEn: 'Malta', nameIt: 'Malta', callingCode: '356', hasRegion: false },
  { code: 'MX', nameEn: 'Mexico', nameIt: 'Messico', callingCode: '52', hasRegion: true, postal: /^\d{5}$/ },
  { code: 'NL', nameEn: 'Netherlands', nameIt: 'Paesi Bassi', callingCode: '31', hasRegion: false, postal: /^[1-9]\d{3} [A-Z]{2}$/ },
  { code: 'NO', nameEn: 'Norway', nameIt: 'Norvegia', callingCode: '47', hasRegion: false },
  { code: 'NZ', nameEn: 'New Zealand', nameIt: 'Nuova Zelanda', callingCode: '64', hasRegion: false },
  { code: 'PL', nameEn: 'Poland', nameIt: 'Polonia', callingCode: '48', hasRegion: false, postal: /^\d{2}-\d{3}$/ },
  { code: 'PT', nameEn: 'Portugal', nameIt: 'Portogallo', callingCode: '351', hasRegion: false },
  { code: 'RO', nameEn: 'Romania', nameIt: 'Romania', callingCode: '40', hasRegion: false },
  { code: 'SA', nameEn: 'Saudi Arabia', nameIt: 'Arabia Saudita', callingCode: '966', hasRegion: false },
  { code: 'SE', nameEn: 'Sweden', nameIt: 'Svezia', callingCode: '46', hasRegion: false, postal: /^\d{3} \d{2}$/ },
  { code: 'SG', nameEn: 'Singapore', nameIt: 'Singapore', callingCode: '65', hasRegion: false },
  { code: 'SI', nameEn: 'Slovenia', nameIt: 'Slovenia', callingCode: '386', hasRegion: false },
  { code: 'SM', nameEn: 'San Marino', nameIt: 'San Marino', callingCode: '378', hasRegion: false },
  { code: 'TR', nameEn: 'Türkiye', nameIt: 'Turchia', callingCode: '90', hasRegion: false },
  { code: 'US', nameEn: 'United States', nameIt: 'Stati Uniti', callingCode: '1', hasRegion: true, postal: /^\d{5}(-\d{4})?$/ },
  { code: 'ZA', nameEn: 'South Africa', nameIt: 'Sudafrica', callingCode: '27', hasRegion: false },
];

const BY_CODE = new Map(COUNTRIES.map((c) => [c.code, c]));

/** The country with this ISO 3166 alpha-2 code, if the assistant knows it. */
export function countryOf(code: string | undefined): Country | undefined {
  return code ? BY_CODE.get(code.trim().toUpperCase()) : undefined;
}

/** A country's name in a language; the code itself when unknown. */
export function countryName(code: string, locale: 'en' | 'it'): string {
  const country = countryOf(code);
  return country ? (locale === 'it' ? country.nameIt : country.nameEn) : code;
}

/**
 * The canonical form of a postal code for a country: upper case, single spaces, and the
 * space or dash a country's format needs (GB/CA/IE/NL/SE spacing, JP/PL/BR dashes).
 */
export function normalizePostalCode(raw: string, countryCode: string): string {
  let v = raw.trim().toUpperCase().replace(/\s+/g, ' ');
  const compact = v.replace(/[\s-]/g, '');
  switch (countryCode) {
    case 'GB':
      if (compact.length >= 5 && compact.length <= 7) v = `${compact.slice(0, -3)} ${compact.slice(-3)}`;
      break;
    case 'CA':
      if (compact.length === 6) v = `${compact.slice(0, 3)} ${compact.slice(3)}`;
      break;
    case 'IE':
      if (compact.length === 7) v = `${compact.slice(0, 3)} ${compact.slice(3)}`;
      break;
    case 'NL':
      if (/^\d{4}[A-Z]{2}$/.test(compact)) v = `${compact.slice(0, 4)} ${compact.slice(4)}`;
      break;
    case 'SE':
      if (/^\d{5}$/.test(compact)) v = `${compact.slice(0, 3)} ${compact.slice(3)}`;
      break;
    case 'JP':
      if (/^\d{7}$/.test(compact)) v = `${compact.slice(0, 3)}-${compact.slice(3)}`;
      break;
    case 'PL':
      if (/^\d{5}$/.test(compact)) v = `${compact.slice(0, 2)}-${compact.slice(2)}`;
      break;
    case 'BR':
      if (/^\d{8}$/.test(compact)) v = `${compact.slice(0, 5)}-${compact.slice(5)}`;
      break;
    default:
      break;
  }
  return v;
}

/** Whether a postal code is valid for a country (non-empty where no format is checked). */
export function isValidPostalCode(normalized: string, countryCode: string): boolean {
  const country = countryOf(countryCode);
  if (!normalized) return false;
  return country?.postal ? country.postal.test(normalized) : normalized.length <= 20;
}
