/**
 * Server-Sent Events in OpenAI's streaming format: `data: <chunk JSON>\n\n` per chunk, `data: [DONE]\n\n` at the end.
 * Chat chunks are `chat.completion.chunk` objects (a first delta with the role, one delta per token piece, a last one
 * with `finish_reason`); with `stream_options.include_usage` a final chunk with empty `choices` carries the usage.
 */
import type { ServerResponse } from "node:http";
import type { ChatResponse, CompletionResponse, Usage } from "./answers";
import { pieces } from "./tokens";

export const SSE_HEADERS = { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", Connection: "keep-alive" };

type Chunk = Record<string, unknown>;

export function chatChunks(r: ChatResponse, includeUsage: boolean): Chunk[] {
  const base = { id: r.id, object: "chat.completion.chunk", created: r.created, model: r.model };
  const out: Chunk[] = [];
  for (const c of r.choices) {
    out.push({ ...base, choices: [{ index: c.index, delta: { role: "assistant", content: "" }, finish_reason: null }] });
    for (const p of pieces(c.message.content)) out.push({ ...base, choices: [{ index: c.index, delta: { content: p }, finish_reason: null }] });
    out.push({ ...base, choices: [{ index: c.index, delta: {}, finish_reason: c.finish_reason }] });
  }
  if (includeUsage) out.push({ ...base, choices: [], usage: r.usage });
  return out;
}

export function completionChunks(r: CompletionResponse, includeUsage: boolean): Chunk[] {
  const base = { id: r.id, object: "text_completion", created: r.created, model: r.model };
  const out: Chunk[] = [];
  for (const c of r.choices) {
    for (const p of pieces(c.text)) out.push({ ...base, choices: [{ index: c.index, text: p, finish_reason: null, logprobs: null }] });
    out.push({ ...base, choices: [{ index: c.index, text: "", finish_reason: c.finish_reason, logprobs: null }] });
  }
  if (includeUsage) out.push({ ...base, choices: [], usage: r.usage });
  return out;
}

/** Write one event; resolves when the socket took it (backpressure) or the client went away. */
export function writeEvent(res: ServerResponse, data: string): Promise<void> {
  if (res.destroyed || res.writableEnded) return Promise.resolve();
  const ok = res.write(`data: ${data}\n\n`);
  if (ok) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

export async function writeChunks(res: ServerResponse, chunks: Chunk[]): Promise<void> {
  for (const c of chunks) await writeEvent(res, JSON.stringify(c));
  await writeEvent(res, "[DONE]");
}

/** The `data:` payloads of an SSE body, as they arrive. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const bytes of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, { stream: true }).replace(/\r\n/g, "\n");
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = event
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).replace(/^ /, ""))
        .join("\n");
      if (data !== "") yield data;
    }
  }
  const tail = buffer.trim();
  if (tail.startsWith("data:")) yield tail.slice(5).trim();
}

interface StreamChoice {
  index: number;
  delta?: { content?: string | null };
  text?: string;
  finish_reason?: string | null;
}

/** Rebuild a whole answer from upstream chunks (for output guardrails, usage and the inference table). */
export function assemble(kind: "chat" | "completions", chunks: Chunk[]): ChatResponse | CompletionResponse {
  const texts = new Map<number, string>();
  const reasons = new Map<number, string>();
  let usage: Usage | undefined;
  const first = chunks[0] ?? {};
  for (const c of chunks) {
    if (c.usage) usage = c.usage as Usage;
    for (const ch of (c.choices as StreamChoice[] | undefined) ?? []) {
      const piece = kind === "chat" ? (ch.delta?.content ?? "") : (ch.text ?? "");
      texts.set(ch.index, (texts.get(ch.index) ?? "") + piece);
      if (ch.finish_reason) reasons.set(ch.index, ch.finish_reason);
    }
  }
  const indexes = [...texts.keys()].sort((a, b) => a - b);
  const u = usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  const head = { id: String(first.id ?? ""), created: Number(first.created ?? Math.floor(Date.now() / 1000)), model: String(first.model ?? ""), usage: u };
  if (kind === "chat") {
    return { ...head, object: "chat.completion", choices: indexes.map((i) => ({ index: i, message: { role: "assistant", content: texts.get(i)! }, finish_reason: reasons.get(i) ?? "stop" })) };
  }
  return { ...head, object: "text_completion", choices: indexes.map((i) => ({ index: i, text: texts.get(i)!, finish_reason: reasons.get(i) ?? "stop", logprobs: null })) };
}
