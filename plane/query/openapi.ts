/**
 * `GET /api/2.0/serving-endpoints/{name}/openapi`: an OpenAPI 3.1 document describing how to query this endpoint —
 * `POST /invocations` (and `/served-models/{entity}/invocations` per served entity) relative to the server URL
 * `<host>/serving-endpoints/<name>`, with the request and response schemas of what its entities take.
 */
import type { QueryKind } from "./formats";

const usage = { type: "object", properties: { prompt_tokens: { type: "integer" }, completion_tokens: { type: "integer" }, total_tokens: { type: "integer" } } };
const tracking = { client_request_id: { type: "string" }, usage_context: { type: "object", additionalProperties: { type: "string" } } };

const SCHEMAS: Record<QueryKind, { request: object; response: object }> = {
  chat: {
    request: {
      type: "object",
      required: ["messages"],
      properties: {
        messages: { type: "array", minItems: 1, items: { type: "object", required: ["role"], properties: { role: { enum: ["system", "user", "assistant", "tool", "developer"] }, content: { type: ["string", "array", "null"] } } } },
        max_tokens: { type: "integer", minimum: 1 },
        temperature: { type: "number", minimum: 0, maximum: 2 },
        top_p: { type: "number", exclusiveMinimum: 0, maximum: 1 },
        top_k: { type: "integer", minimum: 1 },
        n: { type: "integer", minimum: 1, maximum: 5 },
        stop: { oneOf: [{ type: "string" }, { type: "array", items: { type: "string" }, maxItems: 4 }] },
        stream: { type: "boolean" },
        stream_options: { type: "object", properties: { include_usage: { type: "boolean" } } },
        ...tracking,
      },
    },
    response: {
      type: "object",
      properties: {
        id: { type: "string" },
        object: { const: "chat.completion" },
        created: { type: "integer" },
        model: { type: "string" },
        choices: { type: "array", items: { type: "object", properties: { index: { type: "integer" }, message: { type: "object" }, finish_reason: { type: "string" } } } },
        usage,
      },
    },
  },
  completions: {
    request: {
      type: "object",
      required: ["prompt"],
      properties: { prompt: { oneOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] }, max_tokens: { type: "integer" }, stream: { type: "boolean" }, ...tracking },
    },
    response: { type: "object", properties: { object: { const: "text_completion" }, choices: { type: "array" }, usage } },
  },
  embeddings: {
    request: {
      type: "object",
      required: ["input"],
      properties: { input: { oneOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] }, encoding_format: { enum: ["float", "base64"] }, ...tracking },
    },
    response: {
      type: "object",
      properties: { object: { const: "list" }, data: { type: "array", items: { type: "object", properties: { index: { type: "integer" }, embedding: { type: "array", items: { type: "number" } } } } }, usage },
    },
  },
  predictions: {
    request: {
      type: "object",
      description: "Exactly one of dataframe_split, dataframe_records, instances, inputs.",
      properties: {
        dataframe_split: { type: "object", required: ["data"], properties: { columns: { type: "array", items: { type: "string" } }, index: { type: "array" }, data: { type: "array", items: { type: "array" } } } },
        dataframe_records: { type: "array", items: { type: "object" } },
        instances: { type: "array" },
        inputs: {},
        params: { type: "object" },
        ...tracking,
      },
    },
    response: { type: "object", required: ["predictions"], properties: { predictions: { type: "array" } } },
  },
};

const ERROR = {
  description: "Error in the Databricks error model",
  content: { "application/json": { schema: { type: "object", required: ["error_code", "message"], properties: { error_code: { type: "string" }, message: { type: "string" } } } } },
};

function operation(summary: string, kinds: QueryKind[]): object {
  const oneOf = (part: "request" | "response") => (kinds.length === 1 ? SCHEMAS[kinds[0]][part] : { oneOf: kinds.map((k) => SCHEMAS[k][part]) });
  const streams = kinds.includes("chat") || kinds.includes("completions");
  return {
    summary,
    requestBody: { required: true, content: { "application/json": { schema: oneOf("request") } } },
    responses: {
      "200": {
        description: "The model's answer",
        content: { "application/json": { schema: oneOf("response") }, ...(streams ? { "text/event-stream": { schema: { type: "string", description: "OpenAI-format chunks when stream is true" } } } : {}) },
      },
      "400": ERROR,
      "403": ERROR,
      "429": { ...ERROR, headers: { "Retry-After": { schema: { type: "integer" } } } },
    },
  };
}

export function openApiDocument(opts: { baseUrl: string; endpoint: string; task?: string; kinds: QueryKind[]; entities: { name: string; kinds: QueryKind[] }[] }): object {
  const paths: Record<string, object> = { "/invocations": { post: operation(`Query ${opts.endpoint}`, opts.kinds) } };
  for (const e of opts.entities) paths[`/served-models/${e.name}/invocations`] = { post: operation(`Query served entity ${e.name} of ${opts.endpoint}`, e.kinds) };
  return {
    openapi: "3.1.0",
    info: { title: opts.endpoint, version: "1", description: opts.task ? `Serving endpoint for ${opts.task}` : "Serving endpoint" },
    servers: [{ url: `${opts.baseUrl}/serving-endpoints/${opts.endpoint}` }],
    security: [{ bearerAuth: [] }],
    components: { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } } },
    paths,
  };
}
