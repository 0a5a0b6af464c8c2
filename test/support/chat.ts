import { randomUUID } from 'node:crypto';
import { MAX_CARD_BYTES, rendererProblems, schemaErrors } from './card-schema.js';

/** An activity as the bot returns it, loosely typed for assertions. */
export type Activity = Record<string, any>;
/** An Adaptive Card as JSON. */
export type Card = Record<string, any>;

/** Who is talking, and where. */
export interface ChatUser {
  readonly id: string;
  readonly name?: string;
  readonly aadObjectId?: string;
  readonly tenantId?: string;
  readonly locale?: string;
  readonly channelId?: string;
  /** Where the bot sends proactive messages for this user (a FakeConnector in tests). */
  readonly serviceUrl?: string;
  /** The Authorization header of each request, for a bot with an app id (a Bot Framework token). */
  readonly authorization?: () => string;
}

/**
 * A user talking to the real server over HTTP with deliveryMode "expectReplies", the way the
 * Emulator or a test client does: each call returns the activities the bot answered with.
 */
export class Chat {
  readonly conversationId: string;

  constructor(
    private readonly baseUrl: string,
    readonly user: ChatUser,
    conversationId?: string,
  ) {
    this.conversationId = conversationId ?? `conv-${randomUUID()}`;
  }

  /** Types a message. */
  say(text: string): Promise<Activity[]> {
    return this.post({ type: 'message', text });
  }

  /** Clicks an Action.Submit button: a message whose value carries the verb and the inputs. */
  submit(verb: string, data: Record<string, unknown> = {}): Promise<Activity[]> {
    return this.post({ type: 'message', value: { ...data, verb } });
  }

  /** Clicks an Action.Execute button (Teams Universal Actions); returns the card that replaces it and any other replies. */
  async execute(verb: string, data: Record<string, unknown> = {}): Promise<{ card?: Card; replies: Activity[]; body: any }> {
    const activities = await this.post({
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    });
    const response = activities.find((a) => a.type === 'invokeResponse');
    const body = response?.value?.body;
    // Teams shows a message answer's value as the text: it must be a string.
    if (body?.type === 'application/vnd.microsoft.activity.message' && typeof body.value !== 'string') throw new Error(`a message answer whose value is not a string: ${JSON.stringify(body)}`);
    return {
      card: body?.type === 'application/vnd.microsoft.card.adaptive' ? body.value : undefined,
      replies: activities.filter((a) => a.type !== 'invokeResponse'),
      body,
    };
  }

  /** Clicks a button found on a card by its title, on whichever path the card uses. */
  async click(card: Card, title: string, inputs: Record<string, unknown> = {}): Promise<Activity[]> {
    const action = findAction(card, title);
    if (!action) throw new Error(`No button "${title}" on the card; it has: ${actionTitles(card).join(', ')}`);
    if (action.type === 'Action.Execute') {
      const { card: next, replies, body } = await this.execute(action.verb, { ...(action.data ?? {}), ...inputs });
      if (next) return [{ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: next }] }, ...replies];
      // A message answer is what the user reads in place of a new card.
      return body?.type === 'application/vnd.microsoft.activity.message' ? [{ type: 'message', text: body.value, textFormat: 'plain' }, ...replies] : replies;
    }
    const { verb, ...data } = action.data ?? {};
    return this.submit(verb, { ...data, ...inputs });
  }

  /** The user joins the conversation (the first contact in most channels). */
  join(): Promise<Activity[]> {
    return this.post({
      type: 'conversationUpdate',
      membersAdded: [{ id: this.user.id, name: this.user.name }],
    });
  }

  /** Teams' event when the app is installed. */
  install(): Promise<Activity[]> {
    return this.post({ type: 'installationUpdate', action: 'add' });
  }

  /** Posts any activity with expectReplies and returns the answer's activities. */
  async post(partial: Activity): Promise<Activity[]> {
    const { status, body } = await this.raw(partial);
    if (status !== 200) throw new Error(`POST /api/messages answered ${status}: ${JSON.stringify(body)}`);
    return body?.activities ?? [];
  }

  /** Posts and returns status and body as they came. */
  async raw(partial: Activity): Promise<{ status: number; body: any }> {
    const channelId = this.user.channelId ?? 'emulator';
    const activity = {
      id: randomUUID(),
      channelId,
      serviceUrl: this.user.serviceUrl ?? 'http://127.0.0.1:1/',
      deliveryMode: 'expectReplies',
      timestamp: new Date().toISOString(),
      locale: this.user.locale ?? 'en-US',
      from: { id: this.user.id, name: this.user.name ?? this.user.id, ...(this.user.aadObjectId ? { aadObjectId: this.user.aadObjectId } : {}) },
      recipient: { id: 'assistant', name: 'CSP Partner Assistant' },
      conversation: { id: this.conversationId, ...(this.user.tenantId ? { tenantId: this.user.tenantId } : {}) },
      ...(this.user.tenantId ? { channelData: { tenant: { id: this.user.tenantId } } } : {}),
      ...partial,
    };
    const res = await fetch(`${this.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.user.authorization ? { authorization: this.user.authorization() } : {}) },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    const body = text ? JSON.parse(text) : undefined;
    if (res.status === 200) checkCards(body?.activities ?? []);
    return { status: res.status, body };
  }
}

/**
 * Every card a conversation test receives is held to the same bar as the template tests:
 * valid against the official Adaptive Card 1.5 schema, fully expanded, under the size limit;
 * and every text message is plain text.
 */
export function checkCards(activities: Activity[]): void {
  // Bot messages carry user text (names, reasons): they must never be rendered as markdown.
  for (const a of activities) {
    if (a.type === 'message' && typeof a.text === 'string' && a.textFormat !== 'plain') throw new Error(`the bot sent a text message not marked plain: ${a.text.slice(0, 200)}`);
  }
  const cards = [
    ...cardsOf(activities),
    ...activities.filter((a) => a.type === 'invokeResponse' && a.value?.body?.type === 'application/vnd.microsoft.card.adaptive').map((a) => a.value.body.value),
  ];
  for (const card of cards) {
    const json = JSON.stringify(card);
    const errors = schemaErrors(card);
    if (errors.length) throw new Error(`the bot sent a card that is not schema-valid: ${errors.join('; ')}`);
    const problems = rendererProblems(card);
    if (problems.length) throw new Error(`the Adaptive Cards renderer refuses a card the bot sent: ${problems.join('; ')}`);
    if (json.includes('${')) throw new Error(`the bot sent a card with an unexpanded binding: ${json.slice(0, 200)}`);
    if (Buffer.byteLength(json) >= MAX_CARD_BYTES) throw new Error(`the bot sent a card of ${Buffer.byteLength(json)} bytes`);
  }
}

/** The Adaptive Cards among the activities, in order. */
export function cardsOf(activities: Activity[]): Card[] {
  return activities.flatMap((a) =>
    (a.attachments ?? []).filter((x: any) => x.contentType === 'application/vnd.microsoft.card.adaptive').map((x: any) => x.content),
  );
}

/** The plain texts among the activities, in order. */
export function textsOf(activities: Activity[]): string[] {
  return activities.filter((a) => a.type === 'message' && typeof a.text === 'string').map((a) => a.text as string);
}

/** Every piece of visible text on a card (text blocks, facts, labels, titles), as people read it, joined by new lines. */
export function textOf(card: Card): string {
  const parts: string[] = [];
  walk(card, (node) => {
    for (const key of ['text', 'title', 'value', 'label', 'placeholder', 'errorMessage']) {
      if (typeof node[key] === 'string') parts.push(unescapeMarkdown(node[key]));
    }
  });
  return parts.join('\n');
}

/** Markdown text as a reader sees it: CommonMark backslash escapes removed. */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

/** The titles of every button on a card. */
export function actionTitles(card: Card): string[] {
  const titles: string[] = [];
  walk(card, (node) => {
    if (typeof node.type === 'string' && node.type.startsWith('Action.') && typeof node.title === 'string') titles.push(node.title);
  });
  return titles;
}

/** The first button with this title (not a fallback). */
export function findAction(card: Card, title: string): Card | undefined {
  let found: Card | undefined;
  walk(card, (node, key) => {
    if (!found && key !== 'fallback' && typeof node.type === 'string' && node.type.startsWith('Action.') && node.title === title) found = node;
  });
  return found;
}

/** Every input on a card, by id. */
export function inputsOf(card: Card): Record<string, Card> {
  const inputs: Record<string, Card> = {};
  walk(card, (node) => {
    if (typeof node.type === 'string' && node.type.startsWith('Input.') && typeof node.id === 'string') inputs[node.id] = node;
  });
  return inputs;
}

/** Visits every object in a card, with the key it sits under. */
export function walk(node: unknown, visit: (node: Record<string, any>, key?: string) => void, key?: string): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit, key);
    return;
  }
  if (!node || typeof node !== 'object') return;
  visit(node as Record<string, any>, key);
  for (const [k, v] of Object.entries(node)) walk(v, visit, k);
}
