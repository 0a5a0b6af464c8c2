import type { SignedLinks } from '../../src/app/signed-links.port.js';
import { DirectLineChannel } from '../../src/http/directline/channel.js';
import { KeyvBackend } from '../../src/storage/keyv-backend.js';
import { CasConversationLog, LocalBroadcast } from '../../src/storage/shared-state.js';

/** A built-in Direct Line channel on an in-memory store, for tests that only need its tokens or its routes in one process. */
export function localDirectLine(links: SignedLinks, now: () => Date = () => new Date()): DirectLineChannel {
  return new DirectLineChannel(links, now, new CasConversationLog(KeyvBackend.memory().namespace('directline')), new LocalBroadcast());
}
