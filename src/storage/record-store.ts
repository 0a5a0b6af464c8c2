import type { RecordStore, Versioned } from '../app/ports.js';
import type { CasStore } from './cas-store.js';

type Stored<T> = { version: number; value: T };

/** Versioned domain records on a compare-and-set store: the version lives beside the value. */
export class CasRecordStore<T> implements RecordStore<T> {
  constructor(private readonly store: CasStore) {}

  async get(id: string): Promise<Versioned<T> | undefined> {
    const raw = await this.store.get(id);
    return raw === undefined ? undefined : toVersioned<T>(id, raw);
  }

  async compareAndSet(id: string, expectedVersion: number, value: T): Promise<Versioned<T> | undefined> {
    const raw = await this.store.get(id);
    const current = raw === undefined ? 0 : (JSON.parse(raw) as Stored<T>).version;
    if (current !== expectedVersion) return undefined;
    const next: Stored<T> = { version: expectedVersion + 1, value };
    const written = await this.store.compareAndSet(id, raw, JSON.stringify(next));
    return written ? { id, ...next } : undefined;
  }

  async delete(id: string, expectedVersion: number): Promise<boolean> {
    const raw = await this.store.get(id);
    if (raw === undefined || (JSON.parse(raw) as Stored<T>).version !== expectedVersion) return false;
    return this.store.compareAndSet(id, raw, undefined);
  }

  async *list(): AsyncIterable<Versioned<T>> {
    for await (const [id, raw] of this.store.entries()) yield toVersioned<T>(id, raw);
  }
}

function toVersioned<T>(id: string, raw: string): Versioned<T> {
  const stored = JSON.parse(raw) as Stored<T>;
  return { id, version: stored.version, value: stored.value };
}
