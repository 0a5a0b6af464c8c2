/** Expected failures of the domain: a stable code and the message key the user sees. */
export interface DomainError {
  readonly code: string;
  readonly messageKey: string;
  readonly params?: Readonly<Record<string, string | number>>;
  /** The input field a validation error is about, when there is one. */
  readonly field?: string;
  /** Field-by-field problems of a form, each shown next to its input. */
  readonly fields?: readonly FieldIssue[];
}

/** One problem with one input field of a form. */
export interface FieldIssue {
  readonly field: string;
  readonly messageKey: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

/** The outcome of a domain operation, in the manner of zod's safeParse. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DomainError };

/** Wraps a value as a successful result. */
export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

/** Builds a failed result from a code, a message key and optional params. */
export const fail = <T = never>(
  code: string,
  messageKey: string,
  params?: Record<string, string | number>,
  field?: string,
): Result<T> => ({ ok: false, error: { code, messageKey, ...(params ? { params } : {}), ...(field ? { field } : {}) } });

/** Builds a failed result for a form with one issue per field. */
export const invalidFields = <T = never>(fields: readonly FieldIssue[]): Result<T> => ({
  ok: false,
  error: { code: 'VALIDATION.FIELDS', messageKey: 'common.validation.fixFields', fields },
});
