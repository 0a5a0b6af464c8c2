import { loadConfig } from './config.js';
import { openStorage } from './storage/open-storage.js';
import { rotateKeyring, rotateSharedKeyring } from './storage/signing-key.js';

/**
 * `npm run rotate-signing-key`: makes a new key current (in the shared store when STORAGE_URL is
 * Redis, else in DATA_DIR/signing-keys.json); links signed with the old key keep working until
 * they expire. Restart the assistant (every instance) to sign with it.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.invitationSigningKey) {
    console.error('INVITATION_SIGNING_KEY is set: rotate by moving its value to INVITATION_PREVIOUS_SIGNING_KEYS and setting a new one.');
    process.exitCode = 1;
    return;
  }
  let keyring;
  let where = `${config.dataDir}/signing-keys.json`;
  if (/^rediss?:\/\//.test(config.storageUrl)) {
    const storage = await openStorage(config.storageUrl);
    try {
      keyring = await rotateSharedKeyring(storage.namespace('signing-keys'));
      where = 'the shared store (Redis)';
    } finally {
      await storage.close();
    }
  } else keyring = rotateKeyring(config.dataDir);
  console.log(`Signing key ${keyring.current.kid} is current in ${where}; ${keyring.previous.length} retired key(s) still verify their links. Restart the assistant (every instance) to use it.`);
}

main().catch((error: unknown) => {
  console.error(`The signing key was not rotated: ${(error as Error).message}`);
  process.exitCode = 1;
});
