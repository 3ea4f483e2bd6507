/**
 * The plane runs no models. Its answers are deterministic stand-ins computed from the input, so tests and examples
 * can assert them and a retrieval-augmented flow behaves sensibly:
 * - **chat / completions**: an extractive answer. The sentence of the conversation's context (every message but the
 *   last user turn) that shares the most words with the last user turn is returned; with no overlap, the answer
 *   echoes the question (`You asked: …`). Same input, same answer, for every model.
 * - **embeddings**: signed feature hashing of the lower-cased words into the model's real dimension (1024 for GTE and
 *   BGE), L2-normalised. Texts that share words have a higher cosine similarity, which is what retrieval needs.
 * - **custom models** (`predictions`): each row's prediction is the sum of its numbers, strings counting their length
 *   and booleans 1/0, rounded to 6 decimals.
 */
const STOPWORDS = new Set(
  "a an and are as at be by can do does for from has have how i in is it its me my of on or our so that the their them there this to was we what when where which who why will with you your".split(" "),
);

function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 1);
}

function contentWords(text: string): Set<string> {
  return new Set(words(text).filter((w) => !STOPWORDS.has(w)));
}

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The stand-in answer to `question` given the conversation's other text. */
export function answerFrom(question: string, context: string[]): string {
  const q = contentWords(question);
  let best: { sentence: string; score: number } | undefined;
  for (const block of context) {
    for (const sentence of sentences(block)) {
      const w = contentWords(sentence);
      let score = 0;
      for (const x of w) if (q.has(x)) score++;
      if (score > 0 && (!best || score > best.score)) best = { sentence, score };
    }
  }
  if (best) return best.sentence;
  const trimmed = question.trim();
  return `You asked: ${trimmed.length > 400 ? `${trimmed.slice(0, 400)}…` : trimmed}`;
}

/** FNV-1a, 32 bit: a stable, fast string hash. */
function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function embed(text: string, dimension: number): number[] {
  const v = new Array<number>(dimension).fill(0);
  const ws = words(text);
  // Words carry the meaning; character trigrams keep short or unusual texts from collapsing onto one bucket.
  const features = ws.length > 0 ? ws : [text];
  for (const f of features) {
    const h = fnv1a(f);
    v[h % dimension] += (fnv1a(f, 0x9747b28c) & 1) === 0 ? 1 : -1;
  }
  for (let i = 0; i + 3 <= text.length; i++) {
    const tri = text.slice(i, i + 3).toLowerCase();
    const h = fnv1a(tri, 0x1234567);
    v[h % dimension] += ((h >>> 16) & 1) === 0 ? 0.25 : -0.25;
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => Math.round((x / norm) * 1e7) / 1e7);
}

/** Sum of the numbers in a row; strings count their length, booleans 1/0, null 0. */
export function rowScore(value: unknown): number {
  if (typeof value === "number") return Number.isFinite(value) ? value : 0;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") return value.length;
  if (Array.isArray(value)) return value.reduce((s: number, v) => s + rowScore(v), 0);
  if (value && typeof value === "object") return Object.values(value).reduce((s: number, v) => s + rowScore(v), 0);
  return 0;
}

export function predictionOf(row: unknown): number {
  return Math.round(rowScore(row) * 1e6) / 1e6;
}
