import { expect } from 'chai';
import { indexPage } from '../../src/app/paging.js';
import type { IndexedRecordStore, PageQuery } from '../../src/app/ports.js';
import { ok } from '../../src/domain/result.js';

interface Row {
  readonly name: string;
}

const lists = { index: 'byOwner', search: 'words', key: 'owner-1', words: (row: Row) => row.name } as const;
/** `value()` after `ms` milliseconds: its result, or its exception as a rejection. */
function later<T>(ms: number, value: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    setTimeout(() => {
      try {
        resolve(value());
      } catch (error) {
        reject(error);
      }
    }, ms);
  });
}

/** A store whose count and page answer after a delay, recording when each was asked. */
function slowStore(options: { count?: () => number; page?: () => ReturnType<IndexedRecordStore<Row>['page']> extends Promise<infer R> ? R : never } = {}) {
  const asked: string[] = [];
  const store = {
    count: (index: string, key: string) => {
      asked.push(`count ${index} ${key}`);
      return later(20, options.count ?? (() => 12));
    },
    page: (index: string, key: string, query: PageQuery<Row>) => {
      asked.push(`page ${index} ${key} ${query.cursor ?? 'start'}`);
      return later(20, options.page ?? (() => ok({ records: [{ id: 'a', version: 1, value: { name: 'Alpha' } }], next: 'cursor-2' })));
    },
  } as unknown as IndexedRecordStore<Row, 'byOwner' | 'words'>;
  return { store, asked };
}

describe('A page of a list through an index', () => {
  it('asks for the total and the page together when the page does not depend on the total', async () => {
    const { store, asked } = slowStore();
    const pending = indexPage(store, lists, '', { page: 1 }, 5, (r) => r.value.name);
    // Both reads are out before either answers.
    expect(asked).to.deep.equal(['count byOwner owner-1', 'page byOwner owner-1 start']);
    const page = await pending;
    expect(page).to.deep.equal(ok({ items: ['Alpha'], page: 1, pages: 3, total: 12, next: 'cursor-2' }));
  });

  it('keeps the page number a card carries with its cursor, within the pages there are', async () => {
    const { store, asked } = slowStore();
    const page = await indexPage(store, lists, '', { page: 9, cursor: 'cursor-2' }, 5, (r) => r.value.name);
    expect(asked).to.deep.equal(['count byOwner owner-1', 'page byOwner owner-1 cursor-2']);
    expect(page.ok && page.value.page).to.equal(3);
  });

  it('fails with the store\'s error, and leaves no rejection unhandled, when both reads fail', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const { store } = slowStore({
        count: () => {
          throw new Error('the store did not answer');
        },
        page: () => {
          throw new Error('the store did not answer either');
        },
      });
      let failure: unknown;
      await indexPage(store, lists, '', { page: 1 }, 5, (r) => r.value.name).catch((error: unknown) => (failure = error));
      expect((failure as Error).message).to.match(/^the store did not answer/);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('counts first and walks to the page when an older card asks for a page number without a cursor', async () => {
    const { store, asked } = slowStore();
    await indexPage(store, lists, '', { page: 2 }, 5, (r) => r.value.name);
    expect(asked).to.deep.equal(['count byOwner owner-1', 'page byOwner owner-1 start', 'page byOwner owner-1 cursor-2']);
  });
});
