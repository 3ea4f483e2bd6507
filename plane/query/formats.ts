/**
 * The request formats the query path takes, by what the served entity is (facts §6 and the Databricks query docs):
 * OpenAI chat, completions and embeddings bodies for LLM endpoints, and the MLflow scoring formats
 * (`dataframe_split`, `dataframe_records`, `instances`, `inputs`) for custom models. Bodies are parsed with zod through
 * the plane's `parseBody`, so a bad field is a 400 in the Databricks error model naming the field.
 *
 * `client_request_id` and `usage_context` are accepted in every body, as on Databricks: they go to the inference and
 * usage tables and never reach the model.
 */
import { z } from "zod";
import { invalidParameter } from "../errors";
import { parseBody } from "../validate";

const trackingFields = {
  client_request_id: z.string().max(1024).optional(),
  usage_context: z.record(z.string(), z.string()).optional(),
};

const ContentPart = z.object({ type: z.string(), text: z.string().optional() }).passthrough();
const Message = z.strictObject({
  role: z.enum(["system", "user", "assistant", "tool", "developer"]),
  content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
  name: z.string().optional(),
  tool_calls: z.array(z.unknown()).optional(),
  tool_call_id: z.string().optional(),
});
export type Message = z.infer<typeof Message>;

const stop = z.union([z.string(), z.array(z.string()).max(4)]).optional();
const sampling = {
  model: z.string().optional(),
  max_tokens: z.number().int().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  top_k: z.number().int().min(1).optional(),
  n: z.number().int().min(1).max(5).optional(),
  stop,
  stream: z.boolean().optional(),
  stream_options: z.strictObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  user: z.string().optional(),
  seed: z.number().int().optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
  logprobs: z.boolean().optional(),
  top_logprobs: z.number().int().min(0).max(20).optional(),
  ...trackingFields,
};

export const ChatRequest = z.strictObject({
  ...sampling,
  messages: z.array(Message).min(1, "messages must contain at least one message"),
  max_completion_tokens: z.number().int().min(1).optional(),
  tools: z.array(z.unknown()).optional(),
  tool_choice: z.unknown().optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: z.strictObject({ type: z.enum(["text", "json_object", "json_schema"]), json_schema: z.unknown().optional() }).optional(),
  reasoning_effort: z.enum(["low", "medium", "high"]).optional(),
});
export type ChatRequest = z.infer<typeof ChatRequest>;

export const CompletionsRequest = z.strictObject({
  ...sampling,
  prompt: z.union([z.string(), z.array(z.string()).min(1)]),
  echo: z.boolean().optional(),
  suffix: z.string().optional(),
});
export type CompletionsRequest = z.infer<typeof CompletionsRequest>;

export const EmbeddingsRequest = z.strictObject({
  model: z.string().optional(),
  input: z.union([z.string(), z.array(z.string()).min(1)]),
  encoding_format: z.enum(["float", "base64"]).optional(),
  dimensions: z.number().int().min(1).optional(),
  user: z.string().optional(),
  ...trackingFields,
});
export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequest>;

const PREDICTION_FORMATS = ["dataframe_split", "dataframe_records", "instances", "inputs"] as const;

export const PredictionsRequest = z.strictObject({
  dataframe_split: z
    .strictObject({ columns: z.array(z.string()).optional(), index: z.array(z.unknown()).optional(), data: z.array(z.array(z.unknown())) })
    .optional(),
  dataframe_records: z.array(z.record(z.string(), z.unknown())).optional(),
  instances: z.array(z.unknown()).optional(),
  inputs: z.unknown().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  ...trackingFields,
});
export type PredictionsRequest = z.infer<typeof PredictionsRequest>;

export type QueryRequest =
  | { kind: "chat"; body: ChatRequest }
  | { kind: "completions"; body: CompletionsRequest }
  | { kind: "embeddings"; body: EmbeddingsRequest }
  | { kind: "predictions"; body: PredictionsRequest };
export type QueryKind = QueryRequest["kind"];

export const KIND_OF_TASK: Record<string, QueryKind> = {
  "llm/v1/chat": "chat",
  "llm/v1/completions": "completions",
  "llm/v1/embeddings": "embeddings",
};

const SHAPE_HINT: Record<QueryKind, string> = {
  chat: "a chat request ({\"messages\": [...]})",
  completions: "a completions request ({\"prompt\": ...})",
  embeddings: "an embeddings request ({\"input\": ...})",
  predictions: `one of ${PREDICTION_FORMATS.map((f) => `'${f}'`).join(", ")}`,
};

/** Which request shape a body is, by its distinguishing field. */
export function shapeOf(body: Record<string, unknown>): QueryKind | undefined {
  if ("messages" in body) return "chat";
  if ("prompt" in body) return "completions";
  if ("input" in body) return "embeddings";
  if (PREDICTION_FORMATS.some((f) => f in body)) return "predictions";
  return undefined;
}

/**
 * Parse `body` as one of the shapes the target accepts. `accepts` is ordered: the first entry is the target's own
 * task (used when the body's shape cannot be told).
 */
export function parseQuery(body: Record<string, unknown>, accepts: readonly QueryKind[], endpoint: string): QueryRequest {
  const shape = shapeOf(body) ?? accepts[0];
  if (!accepts.includes(shape)) {
    throw invalidParameter(
      `Endpoint '${endpoint}' does not accept ${SHAPE_HINT[shape]}; send ${accepts.map((k) => SHAPE_HINT[k]).join(" or ")}.`,
    );
  }
  switch (shape) {
    case "chat":
      return { kind: "chat", body: parseBody(ChatRequest, body) };
    case "completions":
      return { kind: "completions", body: parseBody(CompletionsRequest, body) };
    case "embeddings":
      return { kind: "embeddings", body: parseBody(EmbeddingsRequest, body) };
    case "predictions": {
      const parsed = parseBody(PredictionsRequest, body);
      const given = PREDICTION_FORMATS.filter((f) => parsed[f] !== undefined);
      if (given.length !== 1) {
        throw invalidParameter(`Send exactly one of ${PREDICTION_FORMATS.map((f) => `'${f}'`).join(", ")}; got ${given.length === 0 ? "none" : given.join(", ")}.`);
      }
      return { kind: "predictions", body: parsed };
    }
  }
}

/** The text of a message's content (string, or the text parts of a content array). */
export function messageText(m: Message): string {
  if (typeof m.content === "string") return m.content;
  if (Array.isArray(m.content)) return m.content.map((p) => (typeof p.text === "string" ? p.text : "")).join("");
  return "";
}

/** Rows of a predictions request, whatever its format. */
export function predictionRows(body: PredictionsRequest): unknown[] {
  if (body.dataframe_split) {
    const { columns, data } = body.dataframe_split;
    data.forEach((row, i) => {
      if (columns && row.length !== columns.length) {
        throw invalidParameter(`dataframe_split.data[${i}] has ${row.length} values but there are ${columns.length} columns.`);
      }
    });
    return data;
  }
  if (body.dataframe_records) return body.dataframe_records;
  if (body.instances) return body.instances;
  const inputs = body.inputs;
  if (Array.isArray(inputs)) return inputs;
  if (inputs && typeof inputs === "object") {
    // A dict of equally long tensors (columns): row i takes element i of each.
    const cols = Object.entries(inputs as Record<string, unknown>);
    const lengths = new Set(cols.map(([, v]) => (Array.isArray(v) ? v.length : 1)));
    if (lengths.size > 1) throw invalidParameter("inputs: every named input must have the same number of rows.");
    const n = [...lengths][0] ?? 0;
    return Array.from({ length: n }, (_, i) => Object.fromEntries(cols.map(([k, v]) => [k, Array.isArray(v) ? v[i] : v])));
  }
  return [inputs];
}
