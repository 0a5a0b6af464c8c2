import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { projectRoot } from '../../src/paths.js';

const require = createRequire(import.meta.url);
const addFormats = require('ajv-formats') as (ajv: Ajv) => Ajv;

/** Where the official Adaptive Card 1.5 schema is: vendored in schemas/ (see schemas/README.md). */
export const SCHEMA_PATH = join(projectRoot, 'schemas', 'adaptive-card-1.5.json');

/** The largest card the assistant may send (Teams' message limit leaves room for this); the renderer keeps cards below it. */
export { MAX_CARD_BYTES } from '../../src/cards/renderer.js';

let validate: ValidateFunction | undefined;

/** Validates a card against the official schema; returns the errors, empty when valid. */
export function schemaErrors(card: object): string[] {
  if (!validate) {
    const ajv = new Ajv({ strict: false, allErrors: false });
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
    addFormats(ajv);
    // The file keeps draft-04's `id`, which Ajv 8 refuses: rename it on a copy, never in the file.
    const { id, ...rest } = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
    validate = ajv.compile({ $id: id, ...rest });
  }
  // Teams' card-level `msteams` extension is legal in Teams but not in the schema.
  const { msteams: _msteams, ...checked } = card as Record<string, unknown>;
  return validate(checked) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** The Adaptive Cards renderer that Web Chat uses, loaded from its dist build (its lib/ entry needs a bundler). */
const AdaptiveCards = require('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { parse(json: object): void; validateProperties(): { validationEvents: { message: string }[] } };
};

/** What the real renderer refuses or warns about in a card (Web Chat shows such a card empty). */
export function rendererProblems(card: object): string[] {
  const parsed = new AdaptiveCards.AdaptiveCard();
  parsed.parse(card);
  return parsed.validateProperties().validationEvents.map((e) => e.message);
}
