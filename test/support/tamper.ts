/**
 * The token with one character near its end changed, so it always differs from the original.
 * Replacing the last characters with a constant ("…abc") leaves a token that happens to end so
 * unchanged once in a while, and the test that expected a refusal fails at random.
 */
export function alteredToken(token: string): string {
  const at = token.length - 5;
  if (at < 0) throw new Error(`token too short to tamper with: ${token}`);
  const replacement = token[at] === 'A' ? 'B' : 'A';
  return `${token.slice(0, at)}${replacement}${token.slice(at + 1)}`;
}
