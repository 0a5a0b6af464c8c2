import type { StorageBackend } from './cas-store.js';
import { SqliteBackend } from './sqlite-backend.js';

/**
 * Opens the backend named by STORAGE_URL: `memory:`, `sqlite://<file>` or `redis://…`. Each
 * loads with its own libraries only: a SQLite start loads neither keyv (memory) nor the Redis client.
 */
export async function openStorage(url: string): Promise<StorageBackend> {
  if (url === 'memory:') {
    const { KeyvBackend } = await import('./keyv-backend.js');
    return KeyvBackend.memory();
  }
  if (url.startsWith('sqlite://')) return SqliteBackend.open(url.slice('sqlite://'.length));
  if (/^rediss?:\/\//.test(url)) {
    const { RedisBackend } = await import('./redis-backend.js');
    return RedisBackend.connect(url);
  }
  throw new Error(`Unsupported STORAGE_URL ${url}`);
}
