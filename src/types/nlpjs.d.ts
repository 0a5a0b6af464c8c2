// nlp.js ships no type declarations; these cover the part of its API the embedded classifier uses.
declare module '@nlpjs/nlp' {
  export interface NlpResult {
    readonly intent: string;
    readonly score: number;
    readonly classifications?: readonly { intent: string; score: number }[];
  }
  export class Nlp {
    constructor(settings?: Record<string, unknown>);
    readonly container: { use(plugin: unknown): void; get(name: string): unknown };
    addLanguage(locale: string): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    process(locale: string, utterance: string): Promise<NlpResult>;
    export(minified?: boolean): string;
    import(json: string): void;
  }
}

declare module '@nlpjs/lang-en-min' {
  export const LangEn: unknown;
}

declare module '@nlpjs/lang-it' {
  export const LangIt: unknown;
}
