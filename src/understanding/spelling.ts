/** How often a training word may occur and still be taken for a typing mistake in the training sentences. */
const RARE = 2;

/**
 * Corrects typing mistakes against the words of the training sentences: a word the model never
 * saw becomes the closest known word (one edit for short words, two for long ones), so
 * "costumers" reads as "customers" and "iscrizone" as "iscrizione".
 */
export class SpellingCorrector {
  private readonly counts = new Map<string, number>();
  private readonly byLength = new Map<number, string[]>();
  private readonly corrections = new Map<string, string>();

  /**
   * @param clitics whether the language puts its pronouns at the end of an imperative
   *   (Italian "registraci", "mostrami", "fammi"): an unknown word that is a known verb with one
   *   of them reads as the two words, so every way of fusing them needs no training sentence.
   */
  constructor(
    sentences: Iterable<string>,
    private readonly clitics = false,
  ) {
    for (const sentence of sentences) {
      for (const word of words(sentence)) this.counts.set(word, (this.counts.get(word) ?? 0) + 1);
    }
    for (const word of this.counts.keys()) {
      const list = this.byLength.get(word.length) ?? [];
      list.push(word);
      this.byLength.set(word.length, list);
    }
  }

  /** How many of the sentence's words the training sentences contain: a guess of the sentence's language. */
  known(sentence: string): number {
    return words(sentence).filter((w) => this.counts.has(w)).length;
  }

  /** The sentence in lower case with unknown words replaced by their closest known word. */
  correct(sentence: string): string {
    const names = namesIn(sentence);
    return words(sentence)
      .map((word) => (names.has(word) ? word : this.closest(word)))
      .join(' ');
  }

  /**
   * The words of a sentence that no training sentence has, even after correction: not names,
   * numbers or addresses, which are details rather than what the sentence is about.
   */
  unknown(sentence: string): string[] {
    const names = namesIn(sentence);
    return words(sentence).filter((w) => !names.has(w) && !/[\d@]/.test(w) && !this.counts.has(this.closest(w).split(' ')[0]));
  }

  private closest(word: string): string {
    const cached = this.corrections.get(word);
    if (cached !== undefined) return cached;
    const corrected = this.search(word);
    // Bounded: typed text is unbounded, the cache must not be.
    if (this.corrections.size >= 10_000) this.corrections.clear();
    this.corrections.set(word, corrected);
    return corrected;
  }

  private search(word: string): string {
    if (word.length < 4 || /[\d@]/.test(word)) return word;
    const known = this.counts.get(word) ?? 0;
    // A word the training sentences have once or twice, one edit from a word they have ten times as
    // often, is one of their own typing mistakes ("invte", "cleinti"): read as the common word.
    if (known) return known > RARE || word.length < 5 ? word : (this.common(word, known) ?? word);
    const split = this.clitics ? this.unfused(word) : undefined;
    if (split) return split;
    // A short word is only corrected for two swapped letters ("hlep"): one other edit makes too many other words.
    if (word.length === 4) return this.swapped(word) ?? word;
    const limit = word.length >= 8 ? 2 : 1;
    let best = word;
    let bestDistance = limit + 1;
    let bestCount = 0;
    for (let length = word.length - limit; length <= word.length + limit; length++) {
      for (const candidate of this.byLength.get(length) ?? []) {
        const distance = editDistance(word, candidate, bestDistance);
        const count = this.counts.get(candidate) ?? 0;
        if (distance < bestDistance || (distance === bestDistance && count > bestCount)) {
          best = candidate;
          bestDistance = distance;
          bestCount = count;
        }
      }
    }
    return bestDistance <= limit ? best : (this.completed(word) ?? word);
  }

  /**
   * A word cut short ("iscriz", "enrol", "applic"): the most common training word it begins, when
   * that word is in at least three training sentences' worth of uses and nothing closer matched.
   */
  private completed(word: string): string | undefined {
    if (word.length < 5) return undefined;
    let best: string | undefined;
    let bestCount = 2;
    for (const [candidate, count] of this.counts) {
      if (count > bestCount && candidate.length > word.length && candidate.startsWith(word)) {
        best = candidate;
        bestCount = count;
      }
    }
    return best;
  }

  private common(word: string, known: number): string | undefined {
    let best: string | undefined;
    let bestCount = Math.max(10, 10 * known) - 1;
    for (let length = word.length - 1; length <= word.length + 1; length++) {
      for (const candidate of this.byLength.get(length) ?? []) {
        const count = this.counts.get(candidate) ?? 0;
        if (count > bestCount && editDistance(word, candidate, 1) <= 1) {
          best = candidate;
          bestCount = count;
        }
      }
    }
    return best;
  }

  /** An imperative with its pronoun fused on ("aggiungici", "dammi", "mandaglielo") as the verb and the pronoun, when the verb is a known word. */
  private unfused(word: string): string | undefined {
    const match = CLITIC.exec(word);
    if (!match) return undefined;
    const [, verb, pronoun] = match as unknown as [string, string, string];
    // A doubled first letter follows a one-syllable verb ("fammi", "dacci", "dimmi").
    const candidate = /[aeiou]$/.test(verb) ? verb : pronoun[0] === verb.at(-1) ? verb.slice(0, -1) : undefined;
    const known = candidate !== undefined && (this.counts.get(candidate) ?? 0) >= RARE ? candidate : undefined;
    return known ? `${known} ${pronoun}` : undefined;
  }

  private swapped(word: string): string | undefined {
    let best: string | undefined;
    for (let i = 0; i + 1 < word.length; i++) {
      const candidate = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
      if ((this.counts.get(candidate) ?? 0) > (best ? (this.counts.get(best) ?? 0) : 0)) best = candidate;
    }
    return best;
  }
}

/** A word that may be a verb with an object pronoun fused on after it (the verb ends in a vowel, or doubles the pronoun's first letter). */
const CLITIC = /^(\p{L}{2,}?)(glielo|gliela|glieli|gliele|gliene|melo|mela|celo|cela|mi|ci|ti|vi|gli|lo|la|li|le|ne|me|ce)$/u;

/** A capitalized word after the first is a name (Rome, Contoso): it is kept as typed. */
function namesIn(sentence: string): Set<string> {
  return new Set(
    sentence
      .split(/\s+/)
      .slice(1)
      .filter((w) => /^\p{Lu}/u.test(w))
      .flatMap((w) => words(w)),
  );
}

/** The lower-case words of a sentence, as the corrector and the model see them. */
export function words(sentence: string): string[] {
  return sentence
    .toLowerCase()
    .split(/[^\p{L}\p{N}@.+-]+|(?<=\p{L})[.](?=\s|$)/u)
    .filter(Boolean);
}

/** Optimal string alignment distance (a swap of neighbours counts once), giving up above `bound`. */
function editDistance(a: string, b: string, bound: number): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  let prevPrev = new Array<number>(cols).fill(0);
  let prev = Array.from({ length: cols }, (_, j) => j);
  for (let i = 1; i < rows; i++) {
    const current = new Array<number>(cols);
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(prev[j] + 1, current[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, prevPrev[j - 2] + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > bound) return bound + 1;
    prevPrev = prev;
    prev = current;
  }
  return prev[cols - 1];
}
