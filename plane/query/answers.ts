/**
 * Answers of the plane's stand-in models in the OpenAI shapes, by request kind, within each model's real limits from
 * `common/foundation-models.ts` (context window, maximum output, embedding dimension). See `standins.ts` for what the
 * answers say.
 */
import { randomUUID } from "node:crypto";
import { invalidParameter } from "../errors";
import type { FoundationModelFacts } from "../../common/foundation-models";
import { messageText, predictionRows, type ChatRequest, type CompletionsRequest, type EmbeddingsRequest, type PredictionsRequest } from "./formats";
import { answerFrom, embed, predictionOf } from "./standins";
import { TOKENS_PER_MESSAGE, countTokens, truncateToTokens } from "./tokens";

/** Embedding dimension of a custom model that declares the embeddings task (MLflow models carry no dimension). */
export const CUSTOM_EMBEDDING_DIMENSION = 384;

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatResponse {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: { index: number; message: { role: "assistant"; content: string }; finish_reason: string }[];
  usage: Usage;
}

export interface CompletionResponse {
  id: string;
  object: "text_completion";
  created: number;
  model: string;
  choices: { index: number; text: string; finish_reason: string; logprobs: null }[];
  usage: Usage;
}

export interface EmbeddingsResponse {
  object: "list";
  model: string;
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  usage: { prompt_tokens: number; total_tokens: number };
}

const now = () => Math.floor(Date.now() / 1000);

function checkContext(facts: FoundationModelFacts | undefined, prompt: number, maxTokens: number | undefined): void {
  if (!facts) return;
  if (maxTokens !== undefined && facts.maxOutputTokens !== undefined && maxTokens > facts.maxOutputTokens) {
    throw invalidParameter(`max_tokens ${maxTokens} exceeds ${facts.displayName}'s maximum output of ${facts.maxOutputTokens} tokens.`);
  }
  const total = prompt + (maxTokens ?? 0);
  if (total > facts.contextTokens) {
    throw invalidParameter(
      `${facts.displayName}'s maximum context length is ${facts.contextTokens} tokens; this request needs ${total} (${prompt} in the prompt, ${maxTokens ?? 0} for the completion).`,
    );
  }
}

/** Cut at the first stop sequence, then at the token budget; the finish reason says which ended the text. */
function finish(text: string, stop: string | string[] | undefined, maxTokens: number | undefined): { text: string; reason: string } {
  let out = text;
  for (const s of typeof stop === "string" ? [stop] : (stop ?? [])) {
    const i = s === "" ? -1 : out.indexOf(s);
    if (i >= 0) out = out.slice(0, i);
  }
  if (maxTokens !== undefined) {
    const t = truncateToTokens(out, maxTokens);
    if (t.truncated) return { text: t.text, reason: "length" };
  }
  return { text: out, reason: "stop" };
}

function jsonIfAsked(text: string, format: ChatRequest["response_format"]): string {
  return format && format.type !== "text" ? JSON.stringify({ answer: text }) : text;
}

export function chatPromptTokens(body: ChatRequest): number {
  return body.messages.reduce((n, m) => n + countTokens(messageText(m)) + TOKENS_PER_MESSAGE, 2);
}

export function chatAnswer(body: ChatRequest, model: string, facts?: FoundationModelFacts): ChatResponse {
  const prompt = chatPromptTokens(body);
  const maxTokens = body.max_tokens ?? body.max_completion_tokens;
  checkContext(facts, prompt, maxTokens);
  const lastUser = [...body.messages].reverse().find((m) => m.role === "user");
  const question = lastUser ? messageText(lastUser) : messageText(body.messages[body.messages.length - 1]);
  const context = body.messages.filter((m) => m !== lastUser).map(messageText);
  const { text, reason } = finish(jsonIfAsked(answerFrom(question, context), body.response_format), body.stop, maxTokens);
  const n = body.n ?? 1;
  const completion = countTokens(text) * n;
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: "chat.completion",
    created: now(),
    model,
    choices: Array.from({ length: n }, (_, index) => ({ index, message: { role: "assistant" as const, content: text }, finish_reason: reason })),
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

export function completionAnswer(body: CompletionsRequest, model: string, facts?: FoundationModelFacts): CompletionResponse {
  const prompts = typeof body.prompt === "string" ? [body.prompt] : body.prompt;
  const n = body.n ?? 1;
  let promptTokens = 0;
  let completionTokens = 0;
  const choices: CompletionResponse["choices"] = [];
  for (const p of prompts) {
    const pt = countTokens(p);
    checkContext(facts, pt, body.max_tokens);
    promptTokens += pt;
    const { text, reason } = finish(answerFrom(p, []), body.stop, body.max_tokens);
    for (let k = 0; k < n; k++) {
      choices.push({ index: choices.length, text: body.echo ? p + text : text, finish_reason: reason, logprobs: null });
      completionTokens += countTokens(text);
    }
  }
  return {
    id: `cmpl-${randomUUID()}`,
    object: "text_completion",
    created: now(),
    model,
    choices,
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

/** Little-endian float32 bytes in base64, as OpenAI's `encoding_format: "base64"` (the openai npm client's default). */
function base64Floats(v: number[]): string {
  const buf = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf.toString("base64");
}

export function embeddingsAnswer(body: EmbeddingsRequest, model: string, facts?: FoundationModelFacts): EmbeddingsResponse {
  const inputs = typeof body.input === "string" ? [body.input] : body.input;
  const dimension = facts?.embeddingDimension ?? CUSTOM_EMBEDDING_DIMENSION;
  if (body.dimensions !== undefined && body.dimensions !== dimension) {
    throw invalidParameter(`dimensions ${body.dimensions} is not supported: '${model}' embeds into ${dimension} dimensions.`);
  }
  let tokens = 0;
  const data = inputs.map((text, index) => {
    if (text.trim() === "") throw invalidParameter(`input[${index}] must not be empty.`);
    const t = countTokens(text);
    if (facts && t > facts.contextTokens) {
      throw invalidParameter(`input[${index}] has ${t} tokens; ${facts.displayName} reads at most ${facts.contextTokens} tokens per input.`);
    }
    tokens += t;
    const v = embed(text, dimension);
    return { object: "embedding" as const, index, embedding: body.encoding_format === "base64" ? base64Floats(v) : v };
  });
  return { object: "list", model, data, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

export function predictionsAnswer(body: PredictionsRequest): { predictions: number[] } {
  return { predictions: predictionRows(body).map(predictionOf) };
}
