import type { EntriesOf, IndexHit, IndexRef, IndexScan } from './cas-store.js';

/** The separator between an entry's sort key and its record id; sort keys never contain it. */
export const SEP = '\u0000';

/** A sort key as stored: the separator removed, so (sort, id) order is the order of `sort + SEP + id`. */
export function cleanSort(sort: string): string {
  return sort.includes(SEP) ? sort.split(SEP).join('') : sort;
}

/** Index entries of one record as a set of `index SEP key SEP sort`, to tell which to remove and which to add. */
export function diffEntries(before: readonly IndexRef[], after: readonly IndexRef[]): { remove: IndexRef[]; add: IndexRef[] } {
  const id = (r: IndexRef) => `${r.index}${SEP}${r.key}${SEP}${r.sort}`;
  const was = new Map(before.map((r) => [id(r), r]));
  const will = new Map(after.map((r) => [id(r), r]));
  return { remove: [...was].filter(([k]) => !will.has(k)).map(([, r]) => r), add: [...will].filter(([k]) => !was.has(k)).map(([, r]) => r) };
}

/** Where sorted members `sort SEP id` start being >= `member` (binary search). */
function lowerBound(members: readonly string[], member: string): number {
  let lo = 0;
  let hi = members.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (members[mid] < member) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Secondary indexes of one namespace held in memory: a sorted array of `sort SEP id` per index and key. */
export class MemoryIndex {
  private readonly lists = new Map<string, string[]>();

  apply(id: string, remove: readonly IndexRef[], add: readonly IndexRef[]): void {
    for (const ref of remove) {
      const list = this.lists.get(this.name(ref.index, ref.key));
      if (!list) continue;
      const member = `${cleanSort(ref.sort)}${SEP}${id}`;
      const at = lowerBound(list, member);
      if (list[at] === member) list.splice(at, 1);
      if (!list.length) this.lists.delete(this.name(ref.index, ref.key));
    }
    for (const ref of add) {
      const name = this.name(ref.index, ref.key);
      let list = this.lists.get(name);
      if (!list) this.lists.set(name, (list = []));
      const member = `${cleanSort(ref.sort)}${SEP}${id}`;
      const at = lowerBound(list, member);
      if (list[at] !== member) list.splice(at, 0, member);
    }
  }

  /** Entries of a scan (without values). */
  scan(query: IndexScan): { sort: string; id: string }[] {
    const list = this.lists.get(this.name(query.index, query.key)) ?? [];
    const prefix = query.prefix === undefined ? '' : cleanSort(query.prefix);
    const found: { sort: string; id: string }[] = [];
    if (!query.descending) {
      const from = query.from ? `${cleanSort(query.from[0])}${SEP}${query.from[1]}` : undefined;
      let at = lowerBound(list, from ?? prefix);
      if (from !== undefined && list[at] === from) at++;
      if (from !== undefined && from < prefix) at = lowerBound(list, prefix);
      for (; at < list.length && found.length < query.limit; at++) {
        if (!list[at].startsWith(prefix)) break;
        found.push(split(list[at]));
      }
    } else {
      // Descending: start at the last member below `from`, or the last member with the prefix.
      const ceiling = query.from ? `${cleanSort(query.from[0])}${SEP}${query.from[1]}` : undefined;
      let at = (ceiling !== undefined ? lowerBound(list, ceiling) : prefix ? lowerBound(list, prefixEnd(prefix)) : list.length) - 1;
      for (; at >= 0 && found.length < query.limit; at--) {
        if (!list[at].startsWith(prefix)) {
          if (list[at] < prefix) break;
          continue;
        }
        found.push(split(list[at]));
      }
    }
    return found;
  }

  count(index: string, key: string, prefix?: string): number {
    const list = this.lists.get(this.name(index, key)) ?? [];
    if (prefix === undefined) return list.length;
    const clean = cleanSort(prefix);
    const ids = new Set<string>();
    for (let at = lowerBound(list, clean); at < list.length && list[at].startsWith(clean); at++) ids.add(split(list[at]).id);
    return ids.size;
  }

  private name(index: string, key: string): string {
    return `${index}${SEP}${key}`;
  }
}

/** The first string after every string that starts with `prefix` (in UTF-16 order). */
function prefixEnd(prefix: string): string {
  return `${prefix}\uffff`;
}

/** A member `sort SEP id` as its parts. */
export function split(member: string): { sort: string; id: string } {
  const at = member.indexOf(SEP);
  return { sort: member.slice(0, at), id: member.slice(at + 1) };
}

/** Hits from scanned entries and a getter of raw values. */
export async function withValues(entries: readonly { sort: string; id: string }[], get: (ids: string[]) => Promise<(string | undefined)[]>): Promise<IndexHit[]> {
  const raws = entries.length ? await get(entries.map((e) => e.id)) : [];
  return entries.map((e, i) => ({ ...e, raw: raws[i] }));
}

/** What a compare-and-set from `expected` to `next` changes in the indexes; a value that cannot be read has no entries. */
export function entryChanges(entriesOf: EntriesOf, expected: string | undefined, next: string | undefined): { remove: IndexRef[]; add: IndexRef[] } {
  return diffEntries(safeEntries(entriesOf, expected), safeEntries(entriesOf, next));
}

export function safeEntries(entriesOf: EntriesOf, raw: string | undefined): readonly IndexRef[] {
  if (raw === undefined) return [];
  try {
    return entriesOf(raw);
  } catch {
    return [];
  }
}
