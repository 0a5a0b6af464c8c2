/** The UTF-8 byte order mark, which makes Excel read a CSV file's accents right. */
export const CSV_BOM = '\ufeff';

/** First characters a spreadsheet takes for a formula (or strips before one): such a cell gets a leading apostrophe. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: neutralized against spreadsheet formula injection, then quoted as RFC 4180 asks
 * when it holds a quote, a comma or a line break (quotes doubled).
 */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A whole CSV document: the BOM, then one CRLF-terminated line per row. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return CSV_BOM + rows.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}
