import type { StorageBackend } from './cas-store.js';
import { KeyvBackend } from './keyv-backend.js';

/** Opens the backend named by STORAGE_URL: `memory:`, `sqlite://<file>` or `redis://…`. */
export async function openStorage(url: string): Promise<StorageBackend> {
  if (url === 'memory:') return KeyvBackend.memory();
  if (url.startsWith('sqlite://')) return KeyvBackend.sqlite(url.slice('sqlite://'.length));
  if (/^rediss?:\/\//.test(url)) {
    const { RedisBackend } = await import('./redis-backend.js');
    return RedisBackend.connect(url);
  }
  throw new Error(`Unsupported STORAGE_URL ${url}`);
}
