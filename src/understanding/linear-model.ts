/** A sentence as the linear model reads it: feature names with their weights. */
export type Features = ReadonlyMap<string, number>;

/** How the model is trained: fixed, so the same sentences always give the same model. */
const TRAINING = { epochs: 20, learningRate: 0.5, biasRate: 0.05, l2: 1e-4, seed: 1 } as const;

/** A saved linear model (the JSON beside the nlp.js export). */
export interface SavedLinearModel {
  readonly intents: string[];
  readonly features: string[];
  /** The weights as 32-bit floats of the machine's byte order, in base64: a fraction of the size and parsing time of a JSON array. */
  readonly weights: string;
  readonly bias: number[];
}

const strings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

/**
 * A multinomial logistic regression over a sentence's stems and pairs of neighbouring stems: its
 * scores are probabilities that add up to one, so weak evidence gives a low score rather than a
 * confident guess, and it reads word order ("invite a customer" vs "customer invitations") that a
 * bag of words cannot. Trained with AdaGrad in a fixed order, in well under a second.
 */
export class LinearModel {
  private readonly index: Map<string, number>;

  private constructor(
    private readonly intents: readonly string[],
    private readonly features: readonly string[],
    /** `features.length × intents.length`, row by row. */
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
  ) {
    this.index = new Map(features.map((f, i) => [f, i]));
  }

  /** Trains a model from sentences already turned into features, by intent. */
  static train(examples: readonly { intent: string; features: Features }[]): LinearModel {
    const intents = [...new Set(examples.map((e) => e.intent))];
    const featureNames = [...new Set(examples.flatMap((e) => [...e.features.keys()]))];
    const index = new Map(featureNames.map((f, i) => [f, i]));
    const k = intents.length;
    const weights = new Float32Array(featureNames.length * k);
    const squares = new Float32Array(featureNames.length * k).fill(1e-8);
    const bias = new Float32Array(k);
    const docs = examples.map((e) => ({
      y: intents.indexOf(e.intent),
      keys: [...e.features.keys()].map((f) => index.get(f) as number),
      values: [...e.features.values()],
    }));
    let seed: number = TRAINING.seed;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const z = new Float64Array(k);
    for (let epoch = 0; epoch < TRAINING.epochs; epoch++) {
      for (let i = docs.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [docs[i], docs[j]] = [docs[j], docs[i]];
      }
      for (const doc of docs) {
        softmax(doc.keys, doc.values, weights, bias, k, z);
        for (let c = 0; c < k; c++) {
          const error = z[c] - (c === doc.y ? 1 : 0);
          bias[c] -= TRAINING.biasRate * error;
          for (let f = 0; f < doc.keys.length; f++) {
            const at = doc.keys[f] * k + c;
            const gradient = error * doc.values[f] + TRAINING.l2 * weights[at];
            squares[at] += gradient * gradient;
            weights[at] -= (TRAINING.learningRate / Math.sqrt(squares[at])) * gradient;
          }
        }
      }
    }
    return new LinearModel(intents, featureNames, weights, bias);
  }

  /** Reads a saved model; throws when it is not one. */
  static fromJSON(json: unknown): LinearModel {
    // Checked by hand: a schema library takes longer than the rest of reading tens of thousands of feature names.
    const saved = json as Partial<Record<keyof SavedLinearModel, unknown>> | null;
    if (
      !saved ||
      !strings(saved.intents) ||
      !saved.intents.length ||
      !strings(saved.features) ||
      typeof saved.weights !== 'string' ||
      !Array.isArray(saved.bias) ||
      !saved.bias.every((b) => typeof b === 'number')
    ) {
      throw new Error('Not a saved linear model');
    }
    const bytes = Buffer.from(saved.weights, 'base64');
    if (bytes.length !== saved.features.length * saved.intents.length * 4 || saved.bias.length !== saved.intents.length) {
      throw new Error('The saved linear model has the wrong number of weights');
    }
    // Copied out of the decoded buffer, which may not start on a multiple of four bytes.
    const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    return new LinearModel(saved.intents, saved.features, weights, Float32Array.from(saved.bias));
  }

  /** The model as JSON. */
  toJSON(): SavedLinearModel {
    const weights = Buffer.from(this.weights.buffer, this.weights.byteOffset, this.weights.byteLength).toString('base64');
    return { intents: [...this.intents], features: [...this.features], weights, bias: Array.from(this.bias) };
  }

  /** Every intent with its probability, best first; features never seen in training are ignored. */
  classify(features: Features): { intent: string; score: number }[] {
    const keys: number[] = [];
    const values: number[] = [];
    for (const [name, value] of features) {
      const at = this.index.get(name);
      if (at !== undefined) {
        keys.push(at);
        values.push(value);
      }
    }
    const z = new Float64Array(this.intents.length);
    softmax(keys, values, this.weights, this.bias, this.intents.length, z);
    return this.intents.map((intent, i) => ({ intent, score: z[i] })).sort((a, b) => b.score - a.score);
  }
}

/** Features of a sentence from its stems: each stem, and each pair of neighbouring stems, scaled to length one. */
export function featuresOf(stems: readonly string[], forms: readonly string[] = []): Features {
  const features = new Map<string, number>();
  const add = (name: string) => features.set(name, (features.get(name) ?? 0) + 1);
  stems.forEach((stem, i) => {
    add(`w:${stem}`);
    if (i + 1 < stems.length) add(`b:${stem}_${stems[i + 1]}`);
  });
  for (const form of forms) add(`f:${form}`);
  const norm = Math.sqrt([...features.values()].reduce((sum, v) => sum + v * v, 0)) || 1;
  for (const [name, value] of features) features.set(name, value / norm);
  return features;
}

/** Writes the probabilities of the `k` intents for a sentence's features into `out`. */
function softmax(keys: readonly number[], values: readonly number[], weights: Float32Array, bias: Float32Array, k: number, out: Float64Array): void {
  for (let c = 0; c < k; c++) out[c] = bias[c];
  for (let f = 0; f < keys.length; f++) {
    const row = keys[f] * k;
    const value = values[f];
    for (let c = 0; c < k; c++) out[c] += weights[row + c] * value;
  }
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (out[c] > max) max = out[c];
  let sum = 0;
  for (let c = 0; c < k; c++) {
    out[c] = Math.exp(out[c] - max);
    sum += out[c];
  }
  for (let c = 0; c < k; c++) out[c] /= sum;
}
