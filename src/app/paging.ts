import type { Page } from '../domain/provider/provider.js';
import { ok, type Result } from '../domain/result.js';
import { wordsOf, type IndexedRecordStore, type RecordPage, type Versioned } from './ports.js';

/** A page of a list read through an index, with the cursors its Next and Previous buttons carry. */
export interface CursorPage<T> extends Page<T> {
  readonly next?: string;
  readonly previous?: string;
}

/** Which page a card asks for: its number (shown, and used alone by older cards) and the cursor it carries. */
export interface PageRequest {
  readonly page: number;
  readonly cursor?: string;
}

/**
 * One page of a list through an index, by cursor: `index`/`key` lists every record, and a typed
 * search goes through `search` (word entries) with its longest word as the prefix and every other
 * word a prefix of one of the record's words (`words` gives them). The total is counted through
 * the index. A request with a page number and no cursor (a card from before cursors) walks to it.
 */
export async function indexPage<T, I extends string, R>(
  store: IndexedRecordStore<T, I>,
  lists: { readonly index: I; readonly search: I; readonly key: string; readonly words: (value: T) => string },
  text: string,
  request: PageRequest,
  size: number,
  row: (record: Versioned<T>) => R,
): Promise<Result<CursorPage<R>>> {
  const typed = wordsOf(text);
  const prefix = [...typed].sort((a, b) => b.length - a.length)[0];
  const where = typed.length > 1 ? (value: T) => typed.every((w) => wordsOf(lists.words(value)).some((own) => own.startsWith(w))) : undefined;
  const index = prefix === undefined ? lists.index : lists.search;
  const asked = Math.max(1, Math.floor(request.page) || 1);
  const answer = (found: Result<RecordPage<T>>, total: number, number: number): Result<CursorPage<R>> => {
    if (!found.ok) return found;
    const { records, next, previous } = found.value;
    return ok({ items: records.map(row), page: number, pages: pagesOf(total), total, ...(next ? { next } : {}), ...(previous ? { previous } : {}) });
  };
  const pagesOf = (total: number) => Math.max(1, Math.ceil(total / size));
  if (!where && (request.cursor !== undefined || asked === 1)) {
    // The usual request (a cursor, or the first page) does not depend on the total: both reads go
    // out together, one round trip to the store instead of two.
    const [total, found] = await Promise.all([store.count(index, lists.key, prefix), store.page(index, lists.key, { cursor: request.cursor, limit: size, prefix })]);
    return answer(found, total, Math.min(asked, pagesOf(total)));
  }
  let total: number;
  if (where) {
    total = 0;
    for await (const record of store.listBy(index, lists.key, { prefix, where })) if (record) total++;
  } else total = await store.count(index, lists.key, prefix);
  let number = Math.min(asked, pagesOf(total));
  let cursor = request.cursor;
  if (cursor === undefined && number > 1) {
    // No cursor: read forward page by page (bounded by the page number asked for).
    for (let at = 1; at < number; at++) {
      const skipped = await store.page(index, lists.key, { cursor, limit: size, prefix, where });
      if (!skipped.ok || !skipped.value.next) {
        number = at;
        break;
      }
      cursor = skipped.value.next;
    }
  }
  return answer(await store.page(index, lists.key, { cursor, limit: size, prefix, where }), total, number);
}

/**
 * A list of the caller's own tenant, read while access to it is decided: both go to the store
 * together, one round trip instead of two. `read` is asked for the tenant's list at once; once
 * `decide` grants access, that read is the answer when the list granted is that tenant's, else
 * the granted one is read. A refusal is returned as it is, and the early read dropped (its
 * failure with it).
 */
export async function readWhileDeciding<G, T>(
  ownTenantId: string | undefined,
  read: (tenantId: string) => Promise<Result<T>>,
  decide: () => Promise<Result<G>>,
  tenantOf: (granted: G) => string,
): Promise<Result<T>> {
  const early = ownTenantId ? read(ownTenantId) : undefined;
  early?.catch(() => undefined);
  const granted = await decide();
  if (!granted.ok) return granted;
  const tenantId = tenantOf(granted.value);
  return early && tenantId === ownTenantId ? early : read(tenantId);
}
