import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InvitationClaims, LinkCheck, SignedLinks } from '../app/signed-links.port.js';
import { JoseSignedLinks, keyId, signingKey, type Keyring } from '../security/signed-links.js';
import type { CasStore } from './cas-store.js';

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

/** The keyring in a shared store: its keys, and the ids of keys taken over from instances' keyring files (never taken over twice). */
interface SharedKeys {
  readonly keys: StoredKey[];
  readonly adopted?: string[];
}

/** The key of the keyring in its namespace of the shared store. */
const SHARED_KEY = 'keyring';

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
  const keys = rotated(readKeys(dataDir) ?? createKeys(dataDir, now), now);
  const file = join(dataDir, KEYRING_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify({ keys }, null, 2), { encoding: 'utf8', mode: 0o600 });
  renameSync(temp, file);
  return toKeyring(keys);
}

/**
 * The keys that sign links when several instances share a store (Redis): INVITATION_SIGNING_KEY
 * when set, or else the keyring in the store. The first instance to start creates it with a
 * compare-and-set, so instances starting together end up with the same key; an instance's own
 * keyring file (links it signed before sharing) is taken over once, its keys retired but verifying.
 */
export async function loadSharedKeyring(configured: { current?: string; previous?: readonly string[] }, store: CasStore, dataDir: string, now = new Date()): Promise<Keyring> {
  if (configured.current) return loadKeyring(configured, dataDir, now);
  const local = readKeys(dataDir) ?? legacyKeys(dataDir, now);
  for (let attempt = 0; attempt < 8; attempt++) {
    const raw = await store.get(SHARED_KEY);
    const shared = raw === undefined ? undefined : parseShared(raw);
    const next = adopt(shared, local, now);
    if (!next) return toKeyring(shared!.keys);
    if (await store.compareAndSet(SHARED_KEY, raw, JSON.stringify(next))) return toKeyring(next.keys);
  }
  throw new Error('The shared signing keyring kept changing under 8 attempts to read it');
}

/** Rotates the keyring in the shared store (creating it first if absent), as rotateKeyring does the file. */
export async function rotateSharedKeyring(store: CasStore, now = new Date()): Promise<Keyring> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const raw = await store.get(SHARED_KEY);
    const shared = raw === undefined ? { keys: [{ secret: generate(), createdAt: now.toISOString() }] } : parseShared(raw);
    const keys = rotated(shared.keys, now);
    if (await store.compareAndSet(SHARED_KEY, raw, JSON.stringify({ ...shared, keys } satisfies SharedKeys))) return toKeyring(keys);
  }
  throw new Error('The shared signing keyring kept changing under 8 attempts to rotate it');
}

/** A new generated key first; the current one retired; keys retired more than 91 days ago dropped. */
function rotated(stored: readonly StoredKey[], now: Date): StoredKey[] {
  const horizon = now.getTime() - RETAIN_DAYS * 86_400_000;
  return [
    { secret: generate(), createdAt: now.toISOString() },
    ...stored.map((k) => (k.retiredAt ? k : { ...k, retiredAt: now.toISOString() })).filter((k) => Date.parse(k.retiredAt!) >= horizon),
  ];
}

/**
 * The shared keyring with this instance's local keys taken over, or undefined when nothing
 * changes. Without a shared keyring, the local one (or a generated key) becomes it as it is.
 */
function adopt(shared: SharedKeys | undefined, local: readonly StoredKey[] | undefined, now: Date): SharedKeys | undefined {
  const localIds = (local ?? []).map((k) => keyId(k.secret));
  if (!shared) return { keys: local?.length ? [...local] : [{ secret: generate(), createdAt: now.toISOString() }], adopted: localIds };
  const known = new Set([...shared.keys.map((k) => keyId(k.secret)), ...(shared.adopted ?? [])]);
  const fresh = (local ?? []).filter((k) => !known.has(keyId(k.secret)));
  if (!fresh.length) return undefined;
  const retiredAt = now.toISOString();
  return {
    keys: [...shared.keys, ...fresh.map((k) => ({ secret: k.secret, createdAt: k.createdAt, retiredAt: k.retiredAt ?? retiredAt }))],
    adopted: [...(shared.adopted ?? []), ...fresh.map((k) => keyId(k.secret))],
  };
}

function parseShared(raw: string): SharedKeys {
  const parsed = JSON.parse(raw) as Partial<SharedKeys>;
  if (!validKeys(parsed.keys) || (parsed.adopted !== undefined && !(Array.isArray(parsed.adopted) && parsed.adopted.every((id) => typeof id === 'string')))) {
    throw new Error('The shared signing keyring is not valid: expected { "keys": [{ "secret": … }] }');
  }
  return parsed as SharedKeys;
}

function validKeys(keys: unknown): keys is StoredKey[] {
  return Array.isArray(keys) && keys.length > 0 && keys.every((k) => typeof k?.secret === 'string' && k.secret.length >= 32);
}

/** The legacy single key of the data folder as a keyring, if there is one. */
function legacyKeys(dataDir: string, now: Date): StoredKey[] | undefined {
  const legacy = readLegacy(dataDir);
  return legacy ? [{ secret: legacy, createdAt: now.toISOString() }] : undefined;
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

/** The least time between two reloads of the shared keyring prompted by links it does not know. */
const RELOAD_EVERY_MS = 10_000;

/**
 * Signed links on the shared keyring that follow a rotation made while this instance runs: a link
 * that no key here verifies (signed by an instance that restarted after `rotate-signing-key`)
 * prompts a reload of the keyring, at most every 10 seconds, and is checked again; from then on
 * this instance signs with the new current key too.
 */
export class SharedSignedLinks implements SignedLinks {
  private links: JoseSignedLinks;
  private kids: string;
  private lastReload = 0;
  private reloading?: Promise<void>;

  constructor(
    keyring: Keyring,
    private readonly reload: () => Promise<Keyring>,
    private readonly now: () => number = Date.now,
  ) {
    this.links = new JoseSignedLinks(keyring);
    this.kids = kidsOf(keyring);
    this.lastReload = now();
  }

  sign(claims: InvitationClaims): Promise<string> {
    return this.links.sign(claims);
  }

  signings(claims: InvitationClaims): Promise<string[]> {
    return this.links.signings(claims);
  }

  async verify(token: string, kind: string, now: Date): Promise<LinkCheck> {
    const checked = await this.links.verify(token, kind, now);
    if (checked.ok || checked.reason === 'expired' || this.now() - this.lastReload < RELOAD_EVERY_MS) return checked;
    this.reloading ??= this.refresh().finally(() => (this.reloading = undefined));
    return (await this.reloading.then(() => true).catch(() => false)) ? this.links.verify(token, kind, now) : checked;
  }

  private async refresh(): Promise<void> {
    this.lastReload = this.now();
    const keyring = await this.reload();
    const kids = kidsOf(keyring);
    if (kids === this.kids) return;
    this.links = new JoseSignedLinks(keyring);
    this.kids = kids;
  }
}

function kidsOf(keyring: Keyring): string {
  return [keyring.current, ...keyring.previous].map((k) => k.kid).join(',');
}
