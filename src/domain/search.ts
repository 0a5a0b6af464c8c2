import { invalidFields, ok, type Result } from './result.js';

/** The longest text a directory or list search takes, as the search inputs on the cards allow. */
export const SEARCH_MAX = 100;

/** A typed search text, trimmed; refused with the field's name and the limit when longer than SEARCH_MAX. */
export function searchText(field: string, value: string): Result<string> {
  const trimmed = value.trim();
  if (trimmed.length > SEARCH_MAX) return invalidFields([{ field, messageKey: 'enrollment.validation.tooLong', params: { max: SEARCH_MAX } }]);
  return ok(trimmed);
}
