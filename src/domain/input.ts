/** A submitted input as trimmed text (cards and forms submit strings; a number counts as its digits, anything else as empty). */
export function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}
