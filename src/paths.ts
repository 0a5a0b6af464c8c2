import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's root folder. This code runs two folders below it: from dist/src/ as `tsc` writes
 * it, and from dist/server/, the bundle `npm start` runs (scripts/bundle.mjs keeps every file of
 * the bundle there).
 */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where the Adaptive Card templates are. */
export const cardsDir = join(projectRoot, 'cards/');

/** Reference data shipped with the project for the embedded defaults. */
export const seedDir = join(projectRoot, 'data-seed/');

/** Static files the pages use (the web chat script). */
export const publicDir = join(projectRoot, 'public/');

/** The utterances free-text understanding is trained from, beside the message catalogs. */
export const understandingDir = join(projectRoot, 'src', 'i18n', 'understanding/');

/** The understanding model trained at build time (`npm run build` runs src/understanding/train.ts). */
export const builtModelFile = join(projectRoot, 'dist', 'understanding-model.json');

/** The server as `npm start` runs it: the bundle of dist/src/main.js (scripts/bundle.mjs). */
export const serverEntry = join(projectRoot, 'dist', 'server', 'main.js');
