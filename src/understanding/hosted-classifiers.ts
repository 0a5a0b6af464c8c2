import type { Locale } from '../i18n/catalog.js';
import type { Logger } from '../log.js';
import type { Classification, Entities, TextClassifier } from '../bot/understanding/classifier.port.js';

/** Where a hosted model is and how to call it. */
export interface HostedModel {
  readonly endpoint: string;
  readonly key: string;
  /** The CLU project, or unused for Azure OpenAI. */
  readonly project?: string;
  /** The CLU deployment, or the Azure OpenAI deployment name. */
  readonly deployment: string;
  readonly timeoutMs: number;
}

/** Entity categories a CLU project may define, and the detail each fills. */
const CLU_ENTITIES: Readonly<Record<string, keyof Entities>> = {
  country: 'country',
  keyword: 'keyword',
  product: 'keyword',
  companyName: 'companyName',
  company: 'companyName',
  email: 'email',
};

/**
 * Azure AI Language conversational language understanding (CLU): a project trained from the same
 * utterance files (intent names as categories), called with `analyze-conversations`.
 */
export class CluClassifier implements TextClassifier {
  constructor(private readonly model: HostedModel) {}

  /** Classifies a sentence with the deployed CLU project. */
  async classify(text: string, locale: Locale): Promise<Classification> {
    const url = `${this.model.endpoint.replace(/\/+$/, '')}/language/:analyze-conversations?api-version=2023-04-01`;
    const body = {
      kind: 'Conversation',
      analysisInput: { conversationItem: { id: '1', participantId: 'user', text, language: locale } },
      parameters: { projectName: this.model.project, deploymentName: this.model.deployment, stringIndexType: 'Utf16CodeUnit' },
    };
    const answer = (await postJson(url, { 'Ocp-Apim-Subscription-Key': this.model.key }, body, this.model.timeoutMs)) as {
      result?: { prediction?: { intents?: { category: string; confidenceScore: number }[]; entities?: { category: string; text: string }[] } };
    };
    const prediction = answer.result?.prediction;
    if (!prediction || !Array.isArray(prediction.intents)) throw new Error('CLU answered without result.prediction.intents');
    const entities: Record<string, string> = {};
    for (const entity of prediction.entities ?? []) {
      const field = CLU_ENTITIES[entity.category];
      if (field && typeof entity.text === 'string') entities[field] = entity.text.slice(0, 200);
    }
    return {
      intents: prediction.intents.map((i) => ({ intent: String(i.category), score: Number(i.confidenceScore) || 0 })),
      language: locale,
      entities: entities,
    };
  }
}

/**
 * An Azure OpenAI chat deployment asked to pick one of the intents for a sentence and return JSON
 * (`{"intent": …, "confidence": …}`); details are left to the assistant's own extraction.
 */
export class OpenAiClassifier implements TextClassifier {
  constructor(
    private readonly model: HostedModel,
    /** Every intent name with one example sentence, for the prompt. */
    private readonly intents: Readonly<Record<string, string>>,
  ) {}

  /** Classifies a sentence with the chat deployment. */
  async classify(text: string, locale: Locale): Promise<Classification> {
    const url = `${this.model.endpoint.replace(/\/+$/, '')}/openai/deployments/${encodeURIComponent(this.model.deployment)}/chat/completions?api-version=2024-10-21`;
    const list = Object.entries(this.intents)
      .map(([name, example]) => `${name} (e.g. "${example}")`)
      .join('\n');
    const body = {
      temperature: 0,
      response_format: { type: 'json_object' },
      messages: [
        {
          role: 'system',
          content: `Classify the user's sentence (English or Italian) for a Microsoft CSP partner assistant. Answer only JSON {"intent": one of the names below or "outOfScope", "confidence": 0..1}.\n${list}`,
        },
        { role: 'user', content: text },
      ],
    };
    const answer = (await postJson(url, { 'api-key': this.model.key }, body, this.model.timeoutMs)) as { choices?: { message?: { content?: string } }[] };
    const content = answer.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new Error('Azure OpenAI answered without choices[0].message.content');
    const parsed = JSON.parse(content) as { intent?: unknown; confidence?: unknown };
    if (typeof parsed.intent !== 'string') throw new Error('Azure OpenAI answered without an intent');
    return { intents: [{ intent: parsed.intent, score: Math.min(1, Math.max(0, Number(parsed.confidence) || 0)) }], language: locale };
  }
}

/** A hosted classifier that falls back to the embedded one when the service fails or is slow, so chat never stops. */
export class FallbackClassifier implements TextClassifier {
  constructor(
    private readonly primary: TextClassifier,
    private readonly fallback: TextClassifier,
    private readonly log: Logger,
  ) {}

  /** Classifies with the hosted model, or with the embedded one after logging why not. */
  async classify(text: string, locale: Locale): Promise<Classification> {
    try {
      return await this.primary.classify(text, locale);
    } catch (error) {
      this.log.warn({ err: error }, 'hosted understanding failed; the embedded model answered');
      return this.fallback.classify(text, locale);
    }
  }
}

async function postJson(url: string, headers: Record<string, string>, body: unknown, timeoutMs: number): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`${new URL(url).host} answered ${response.status}`);
  return response.json();
}
