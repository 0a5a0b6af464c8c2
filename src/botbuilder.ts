import { createRequire } from 'node:module';
import type * as Sdk from 'botbuilder';

/**
 * botbuilder's classes and constants that run (types still come from 'botbuilder'), loaded with
 * `require`. An ES module that imports a CommonJS package by name makes Node read and scan the
 * package's sources, and those of every package they re-export (botbuilder-core, the schema, the
 * connector…), for their export names before it runs them: 35 ms of every start on this machine
 * (BENCHMARKS.md, round 9). The objects are the same: `import … from 'botbuilder'` elsewhere (the
 * tests) gets them from the same module cache.
 */
const sdk = createRequire(import.meta.url)('botbuilder') as typeof Sdk;

export const {
  ActivityHandler,
  ActivityTypes,
  BotState,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  INVOKE_RESPONSE_KEY,
  MessageFactory,
  PrivateConversationState,
  StatusCodes,
  TextFormatTypes,
  TurnContext,
  UserState,
} = sdk;
export type ActivityHandler = Sdk.ActivityHandler;
export type ActivityTypes = Sdk.ActivityTypes;
export type BotState = Sdk.BotState;
export type CloudAdapter = Sdk.CloudAdapter;
export type ConfigurationBotFrameworkAuthentication = Sdk.ConfigurationBotFrameworkAuthentication;
export type PrivateConversationState = Sdk.PrivateConversationState;
export type StatusCodes = Sdk.StatusCodes;
export type TextFormatTypes = Sdk.TextFormatTypes;
export type TurnContext = Sdk.TurnContext;
export type UserState = Sdk.UserState;
