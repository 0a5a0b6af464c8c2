import { benchCards } from './cards.js';
import { benchStorage } from './storage.js';

/** Runs every benchmark and prints its numbers; nothing here passes or fails. */
await benchCards();
await benchStorage();
