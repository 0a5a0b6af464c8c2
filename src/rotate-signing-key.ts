import { loadConfig } from './config.js';
import { rotateKeyring } from './storage/signing-key.js';

/**
 * `npm run rotate-signing-key`: makes a new key current in DATA_DIR/signing-keys.json; links
 * signed with the old key keep working until they expire. Restart the assistant to sign with it.
 */
function main(): void {
  const config = loadConfig();
  if (config.invitationSigningKey) {
    console.error('INVITATION_SIGNING_KEY is set: rotate by moving its value to INVITATION_PREVIOUS_SIGNING_KEYS and setting a new one.');
    process.exitCode = 1;
    return;
  }
  const keyring = rotateKeyring(config.dataDir);
  console.log(`Signing key ${keyring.current.kid} is current; ${keyring.previous.length} retired key(s) still verify their links. Restart the assistant to use it.`);
}

main();
