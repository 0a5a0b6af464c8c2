import { COLLEAGUE_VERBS } from '../colleague.feature.js';
import { CUSTOMER_VERBS } from '../customer.feature.js';
import { ENROLLMENT_VERBS } from '../enrollment.feature.js';
import { MENU_VERBS } from '../main-menu.feature.js';
import { PROVIDER_VERBS } from '../provider.feature.js';
import type { Entities } from './classifier.port.js';

/**
 * A journey free text can lead to: the card verb or the command it starts with (the same entry
 * points the buttons and typed commands use), its title on buttons, and how the sentence's details
 * become the verb's data. Every entry only shows a card; nothing here changes a record.
 */
export interface Journey {
  readonly titleKey: string;
  /** A card verb of a feature that only shows something. */
  readonly verb?: string;
  /** The command that starts the same journey: run when there is no verb, and the one whose words the sentence's details may replace. */
  readonly command?: string;
  /** The verb's data from the sentence's details. */
  readonly data?: (entities: Entities) => Record<string, string>;
}

/** A question about the program answered from the guide, with the journey it leads to. */
export interface Question {
  /** Catalog key of the answer (`.text`) and of the section it comes from (`.source`). */
  readonly answerKey: string;
  readonly journey: JourneyIntent;
}

/** Journeys by intent name. */
export const JOURNEYS = {
  'provider.find': {
    titleKey: 'provider.menu.find',
    verb: PROVIDER_VERBS.find,
    command: 'provider.commands.find',
    data: (e: Entities) => ({ ...(e.country ? { country: e.country } : {}), ...(e.keyword ? { keyword: e.keyword } : {}) }),
  },
  'provider.providers': { titleKey: 'provider.menu.providers', verb: PROVIDER_VERBS.providers },
  'provider.resellers': { titleKey: 'provider.menu.resellers', verb: PROVIDER_VERBS.resellers },
  'provider.invite': { titleKey: 'understanding.journeys.providerInvite', command: 'provider.commands.invite' },
  'provider.requests': {
    titleKey: 'understanding.journeys.providerRequests',
    verb: PROVIDER_VERBS.requests,
    command: 'provider.commands.requests',
    data: (e: Entities) => ({ ...(e.companyName ? { reseller: e.companyName } : {}) }),
  },
  'provider.register': { titleKey: 'understanding.journeys.providerRegister', command: 'provider.commands.register' },
  'provider.history': { titleKey: 'understanding.journeys.providerHistory', command: 'provider.commands.history' },
  'customer.list': { titleKey: 'customer.menu.customers', verb: CUSTOMER_VERBS.list },
  'customer.invite': {
    titleKey: 'customer.menu.invite',
    verb: CUSTOMER_VERBS.inviteForm,
    command: 'customer.commands.invite',
    data: (e: Entities) => ({ ...(e.companyName ? { companyName: e.companyName } : {}), ...(e.email ? { adminEmail: e.email } : {}) }),
  },
  'customer.invitations': { titleKey: 'understanding.journeys.customerInvitations', verb: CUSTOMER_VERBS.invitations },
  'enrollment.enroll': { titleKey: 'enrollmentUi.menu.enroll', verb: ENROLLMENT_VERBS.start },
  'enrollment.status': { titleKey: 'understanding.journeys.enrollmentStatus', verb: ENROLLMENT_VERBS.status },
  'enrollment.users': { titleKey: 'understanding.journeys.enrollmentUsers', verb: ENROLLMENT_VERBS.users },
  'enrollment.reviews': { titleKey: 'understanding.journeys.enrollmentReviews', command: 'enrollmentUi.commands.reviews' },
  'colleague.invite': { titleKey: 'understanding.journeys.colleagueInvite', verb: COLLEAGUE_VERBS.form },
  'menu.help': { titleKey: 'common.menu.help', verb: MENU_VERBS.help },
} as const satisfies Record<string, Journey>;

/** The name of a journey intent. */
export type JourneyIntent = keyof typeof JOURNEYS;

/** Questions by intent name; answers and their sections are in the `understanding.answers` catalog. */
export const QUESTIONS = {
  'question.beforeEnroll': { answerKey: 'understanding.answers.beforeEnroll', journey: 'enrollment.enroll' },
  'question.reviewTime': { answerKey: 'understanding.answers.reviewTime', journey: 'enrollment.status' },
  'question.webmail': { answerKey: 'understanding.answers.webmail', journey: 'enrollment.enroll' },
  'question.partnerId': { answerKey: 'understanding.answers.partnerId', journey: 'enrollment.enroll' },
  'question.alreadyEnrolled': { answerKey: 'understanding.answers.alreadyEnrolled', journey: 'enrollment.enroll' },
  'question.adminAgent': { answerKey: 'understanding.answers.adminAgent', journey: 'enrollment.users' },
  'question.authorizeRights': { answerKey: 'understanding.answers.authorizeRights', journey: 'provider.providers' },
  'question.providerOrders': { answerKey: 'understanding.answers.providerOrders', journey: 'provider.providers' },
  'question.inviteVsRequest': { answerKey: 'understanding.answers.inviteVsRequest', journey: 'customer.invite' },
  'question.editInvitation': { answerKey: 'understanding.answers.editInvitation', journey: 'customer.invite' },
  'question.delegatedAdmin': { answerKey: 'understanding.answers.delegatedAdmin', journey: 'customer.invite' },
  'question.whatIsProvider': { answerKey: 'understanding.answers.whatIsProvider', journey: 'provider.find' },
} as const satisfies Record<string, Question>;

/** The name of a question intent. */
export type QuestionIntent = keyof typeof QUESTIONS;

/** Whether an intent name is a journey. */
export function isJourney(intent: string): intent is JourneyIntent {
  return Object.hasOwn(JOURNEYS, intent);
}

/** Whether an intent name is a question about the program. */
export function isQuestion(intent: string): intent is QuestionIntent {
  return Object.hasOwn(QUESTIONS, intent);
}
