/**
 * Token accounting of the plane's stand-in models: about four characters per token, counted per whitespace-led word
 * (` hello` is one piece, a 12-letter word three tokens). Streams send one piece per chunk, and usage is counted with
 * the same function, so a streamed and a non-streamed answer to one request report the same usage.
 */
export function pieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

export function countTokens(text: string): number {
  let n = 0;
  for (const p of pieces(text)) n += Math.max(1, Math.ceil(p.trim().length / 4));
  return n;
}

/** Chat prompts cost their content plus a few tokens per message for the role markers, as chat templates do. */
export const TOKENS_PER_MESSAGE = 4;

/** The longest prefix of `text` (in whole pieces) that fits in `budget` tokens. */
export function truncateToTokens(text: string, budget: number): { text: string; truncated: boolean } {
  let used = 0;
  let out = "";
  for (const p of pieces(text)) {
    const cost = Math.max(1, Math.ceil(p.trim().length / 4));
    if (used + cost > budget) return { text: out, truncated: true };
    used += cost;
    out += p;
  }
  return { text: out, truncated: false };
}
