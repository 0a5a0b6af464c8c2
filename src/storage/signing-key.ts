import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signingKey, type Keyring } from '../security/signed-links.js';

/** The keyring file in the data folder: the current key first, then retired ones with when they were retired. */
const KEYRING_FILE = 'signing-keys.json';
/** The single key of earlier versions, taken over as the first key of the keyring. */
const LEGACY_FILE = 'invitation-signing.key';
/** Retired keys are kept longer than any link lives (INVITATION_TTL_DAYS is at most 90). */
const RETAIN_DAYS = 91;

interface StoredKey {
  readonly secret: string;
  readonly createdAt: string;
  readonly retiredAt?: string;
}

/**
 * The keys that sign links: INVITATION_SIGNING_KEY (current) with INVITATION_PREVIOUS_SIGNING_KEYS
 * (retired, still verifying), or else the keyring file in the data folder, created (0600) with
 * one generated key on first start.
 */
export function loadKeyring(configured: { current?: string; previous?: readonly string[] }, dataDir: string, now = new Date()): Keyring {
  if (configured.current) {
    return { current: signingKey(configured.current), previous: (configured.previous ?? []).filter((s) => s !== configured.current).map(signingKey) };
  }
  const stored = readKeys(dataDir) ?? createKeys(dataDir, now);
  return toKeyring(stored);
}

/**
 * Makes a new generated key current and retires the current one, which keeps verifying the links
 * it signed until they expire; keys retired more than 91 days ago are dropped. Takes effect at
 * the next start.
 */
export function rotateKeyring(dataDir: string, now = new Date()): Keyring {
  const stored = readKeys(dataDir) ?? createKeys(dataDir, now);
  const horizon = now.getTime() - RETAIN_DAYS * 86_400_000;
  const keys: StoredKey[] = [
    { secret: generate(), createdAt: now.toISOString() },
    ...stored.map((k) => (k.retiredAt ? k : { ...k, retiredAt: now.toISOString() })).filter((k) => Date.parse(k.retiredAt!) >= horizon),
  ];
  const file = join(dataDir, KEYRING_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify({ keys }, null, 2), { encoding: 'utf8', mode: 0o600 });
  renameSync(temp, file);
  return toKeyring(keys);
}

function toKeyring(keys: readonly StoredKey[]): Keyring {
  const [current, ...previous] = keys;
  if (!current || current.retiredAt) throw new Error(`The keyring ${KEYRING_FILE} has no current key`);
  return { current: signingKey(current.secret), previous: previous.map((k) => signingKey(k.secret)) };
}

function readKeys(dataDir: string): StoredKey[] | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, KEYRING_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const keys = (JSON.parse(text) as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k?.secret === 'string' && k.secret.length >= 32)) {
    throw new Error(`The keyring ${join(dataDir, KEYRING_FILE)} is not valid: expected { "keys": [{ "secret": … }] }`);
  }
  return keys as StoredKey[];
}

function createKeys(dataDir: string, now: Date): StoredKey[] {
  mkdirSync(dataDir, { recursive: true });
  const legacy = readLegacy(dataDir);
  const keys: StoredKey[] = [{ secret: legacy ?? generate(), createdAt: now.toISOString() }];
  // 'wx' fails if another process created it first; then that keyring is the one to use.
  try {
    writeFileSync(join(dataDir, KEYRING_FILE), JSON.stringify({ keys }, null, 2), { encoding: 'utf8', mode: 0o600, flag: 'wx' });
    return keys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKeys(dataDir)!;
    throw error;
  }
}

function readLegacy(dataDir: string): string | undefined {
  try {
    return readFileSync(join(dataDir, LEGACY_FILE), 'utf8').trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function generate(): string {
  return randomBytes(32).toString('base64url');
}
