import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { CasStore } from './cas-store.js';

/**
 * botbuilder's Storage with real eTag semantics on a compare-and-set store: a write that
 * carries a stale eTag fails with the SDK's usual error; `"*"` or no eTag overwrites.
 */
export class CasBotStorage implements Storage {
  constructor(private readonly store: CasStore) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    await Promise.all(
      keys.map(async (key) => {
        const raw = await this.store.get(key);
        if (raw !== undefined) items[key] = JSON.parse(raw);
      }),
    );
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(Object.entries(changes).map(([key, item]) => this.writeOne(key, item)));
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(
      keys.map(async (key) => {
        // Another writer may slip in between read and delete; deleting is still what was asked.
        for (let raw = await this.store.get(key); raw !== undefined; raw = await this.store.get(key)) {
          if (await this.store.compareAndSet(key, raw, undefined)) return;
        }
      }),
    );
  }

  private async writeOne(key: string, item: Record<string, unknown>): Promise<void> {
    const wanted = typeof item?.eTag === 'string' ? item.eTag : undefined;
    for (;;) {
      const raw = await this.store.get(key);
      if (raw !== undefined && wanted !== undefined && wanted !== '*') {
        const stored = JSON.parse(raw) as { eTag?: string };
        if (stored.eTag !== wanted) throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
      }
      const next = JSON.stringify({ ...item, eTag: randomUUID() });
      if (await this.store.compareAndSet(key, raw, next)) return;
      // Someone wrote between our read and our write: with a specific eTag that is a conflict.
      if (wanted !== undefined && wanted !== '*') throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
    }
  }
}
