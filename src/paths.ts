import { fileURLToPath } from 'node:url';

/** The project's root folder (this file runs from dist/src/). */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where the Adaptive Card templates are. */
export const cardsDir = fileURLToPath(new URL('../../cards/', import.meta.url));

/** Reference data shipped with the project for the embedded defaults. */
export const seedDir = fileURLToPath(new URL('../../data-seed/', import.meta.url));

/** Static files the pages use (the web chat script). */
export const publicDir = fileURLToPath(new URL('../../public/', import.meta.url));

/** The utterances free-text understanding is trained from, beside the message catalogs. */
export const understandingDir = fileURLToPath(new URL('../../src/i18n/understanding/', import.meta.url));
