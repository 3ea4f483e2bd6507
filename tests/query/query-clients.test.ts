/**
 * The query path through the official clients a user would pick: the `openai` npm client (chat, streaming with usage,
 * embeddings, typed errors) and Vercel's `ai` with `@databricks/ai-sdk-provider` (generateText, streamText), against a
 * pay-per-token, a provisioned-throughput, a custom-model and an external-model endpoint.
 */
import OpenAI, { APIError } from "openai";
import { generateText, streamText } from "ai";
import { startTestPlane, type TestPlane } from "../plane/harness";
import { startUpstream, type Upstream } from "./upstream";
import { PPT_CHAT, PPT_EMBED, createCustom, createEndpoint, createPt, databricksAi, externalEntity, openai } from "./helpers";
import { FOUNDATION_MODEL_FACTS } from "../../common/foundation-models";

let t: TestPlane;
let up: Upstream;
const KEY = "sk-upstream-test-5f4e3d2c1b";

beforeAll(async () => {
  t = await startTestPlane({ rateLimit: { limit: 0 } });
  up = await startUpstream({ reply: "Answer from the external provider." });
  await t.api("PATCH", "/api/2.0/dbserve/workspace-geo", { cross_geo_processing: true });
  await createPt(t, "llama-pt");
  await createCustom(t, "support-chat", "main.apps.support_chat", true);
  await createCustom(t, "churn", "main.apps.churn");
  await createEndpoint(t, { name: "gpt-ext", config: { served_entities: [externalEntity("gpt", up.url, KEY)] } });
});
afterAll(async () => {
  await t?.close();
  await up?.close();
});

const CONTEXT = "Provisioned throughput is sized in tokens per second. Pay-per-token endpoints are pre-provisioned by Databricks.";
const QUESTION = "How is provisioned throughput sized?";

describe.each([
  ["pay-per-token", PPT_CHAT, "Provisioned throughput is sized in tokens per second."],
  ["provisioned throughput", "llama-pt", "Provisioned throughput is sized in tokens per second."],
  ["custom (MLflow chat model)", "support-chat", "Provisioned throughput is sized in tokens per second."],
  ["external model", "gpt-ext", "Answer from the external provider."],
])("openai client, %s endpoint", (_kind, endpoint, answer) => {
  test("chat completion", async () => {
    const r = await openai(t).chat.completions.create({ model: endpoint, messages: [{ role: "system", content: CONTEXT }, { role: "user", content: QUESTION }] });
    expect(r.object).toBe("chat.completion");
    expect(r.choices[0].message.content).toBe(answer);
    expect(r.choices[0].finish_reason).toBe("stop");
    expect(r.usage!.total_tokens).toBe(r.usage!.prompt_tokens + r.usage!.completion_tokens);
  });

  test("streaming with include_usage: chunks add up to the answer, the last chunk carries the usage", async () => {
    const stream = await openai(t).chat.completions.create({
      model: endpoint,
      messages: [{ role: "system", content: CONTEXT }, { role: "user", content: QUESTION }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | undefined | null;
    let finish: string | null | undefined;
    for await (const c of stream) {
      chunks++;
      expect(c.object).toBe("chat.completion.chunk");
      text += c.choices[0]?.delta?.content ?? "";
      finish = c.choices[0]?.finish_reason ?? finish;
      if (c.usage) usage = c.usage;
    }
    expect(text).toBe(answer);
    expect(chunks).toBeGreaterThan(2);
    expect(finish).toBe("stop");
    expect(usage!.completion_tokens).toBeGreaterThan(0);
    expect(usage!.total_tokens).toBe(usage!.prompt_tokens + usage!.completion_tokens);
  });

  test("ai-sdk generateText and streamText", async () => {
    const model = databricksAi(t).chatCompletions(endpoint);
    const g = await generateText({ model, system: CONTEXT, prompt: QUESTION });
    expect(g.text).toBe(answer);
    const s = streamText({ model, system: CONTEXT, prompt: QUESTION });
    let streamed = "";
    for await (const part of s.textStream) streamed += part;
    expect(streamed).toBe(answer);
  });
});

test("the external provider received the request with the stored credential and its own model name", () => {
  const chats = up.received.filter((r) => r.path === "/v1/chat/completions");
  expect(chats.length).toBeGreaterThanOrEqual(4);
  for (const r of chats) {
    expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(r.body.model).toBe("gpt-model");
  }
  // Streaming asks the provider for usage even when the client did not, so the gateway can count tokens.
  expect(chats.filter((r) => r.body.stream === true).every((r) => (r.body.stream_options as { include_usage?: boolean }).include_usage === true)).toBe(true);
});

test("streaming without include_usage sends no usage chunk", async () => {
  for (const model of [PPT_CHAT, "gpt-ext"]) {
    const stream = await openai(t).chat.completions.create({ model, messages: [{ role: "user", content: "hello" }], stream: true });
    const usages: unknown[] = [];
    for await (const c of stream) if (c.usage) usages.push(c.usage);
    expect(usages).toEqual([]);
  }
});

test("completions, streamed, from a custom model (MLflow's unified LLM input)", async () => {
  const stream = await openai(t).completions.create({ model: "support-chat", prompt: "Tell me about serving", stream: true, stream_options: { include_usage: true } });
  let text = "";
  let usage: OpenAI.CompletionUsage | undefined | null;
  for await (const c of stream) {
    text += c.choices[0]?.text ?? "";
    if (c.usage) usage = c.usage;
  }
  expect(text).toBe("You asked: Tell me about serving");
  expect(usage!.completion_tokens).toBeGreaterThan(0);
  const whole = await openai(t).completions.create({ model: "support-chat", prompt: "Tell me about serving", max_tokens: 3 }); // "You" is 1 token, " asked:" 2
  expect([whole.choices[0].text, whole.choices[0].finish_reason]).toEqual(["You asked:", "length"]);
});

test("streamed and non-streamed answers report the same usage", async () => {
  const messages = [{ role: "system" as const, content: CONTEXT }, { role: "user" as const, content: QUESTION }];
  const whole = await openai(t).chat.completions.create({ model: PPT_CHAT, messages });
  const stream = await openai(t).chat.completions.create({ model: PPT_CHAT, messages, stream: true, stream_options: { include_usage: true } });
  let usage: OpenAI.CompletionUsage | undefined | null;
  for await (const c of stream) if (c.usage) usage = c.usage;
  expect(usage).toEqual(whole.usage);
});

describe("embeddings", () => {
  test.each(FOUNDATION_MODEL_FACTS.filter((m) => m.task === "llm/v1/embeddings" && m.payPerToken).map((m) => [m.id, m] as const))("%s: the model's real dimension, base64 (the client default) and float", async (_id, m) => {
    const client = openai(t);
    const b64 = await client.embeddings.create({ model: m.payPerToken!.endpoint, input: ["retrieval augmented generation", "a second text"] });
    expect(b64.data.map((d) => d.embedding.length)).toEqual([m.embeddingDimension, m.embeddingDimension]);
    const floats = await client.embeddings.create({ model: m.payPerToken!.endpoint, input: "retrieval augmented generation", encoding_format: "float" });
    expect(floats.data[0].embedding.length).toBe(m.embeddingDimension);
    // Same text, same vector, whichever encoding carried it (float32 precision).
    floats.data[0].embedding.forEach((x, i) => expect(Math.abs(x - b64.data[0].embedding[i])).toBeLessThan(1e-6));
    expect(b64.usage.prompt_tokens).toBeGreaterThan(0);
  });

  test("texts that share words are nearer than texts that do not", async () => {
    const r = await openai(t).embeddings.create({ model: PPT_EMBED, input: ["provisioned throughput tokens", "throughput of provisioned endpoints", "a recipe for bread"], encoding_format: "float" });
    const [a, b, c] = r.data.map((d) => d.embedding);
    const cos = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i], 0);
    expect(cos(a, b)).toBeGreaterThan(cos(a, c));
  });

  test("external embeddings are forwarded", async () => {
    await createEndpoint(t, { name: "ext-embed", config: { served_entities: [externalEntity("emb", up.url, KEY, "llm/v1/embeddings")] } });
    const r = await openai(t).embeddings.create({ model: "ext-embed", input: "x", encoding_format: "float" });
    expect(r.data[0].embedding).toEqual([0.1, 0.2, 0.3]);
    expect(up.received[up.received.length - 1].path).toBe("/v1/embeddings");
  });
});

describe("typed errors through the openai client", () => {
  test("bad parameter → BadRequestError naming the field", async () => {
    const err = await openai(t).chat.completions.create({ model: PPT_CHAT, messages: [{ role: "user", content: "hi" }], temperature: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as APIError).message).toMatch(/temperature/);
  });
  test("unknown endpoint → NotFoundError", async () => {
    const err = await openai(t).chat.completions.create({ model: "no-such-endpoint", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
  });
  test("bad token → AuthenticationError", async () => {
    const err = await openai(t, "dapi-not-a-token").chat.completions.create({ model: PPT_CHAT, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  });
  test("over the context window → BadRequestError with the model's limit", async () => {
    const err = await openai(t).chat.completions.create({ model: "databricks-meta-llama-3-1-8b-instruct", messages: [{ role: "user", content: "hi" }], max_tokens: 200_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as APIError).message).toMatch(/8192/);
  });
  test("the provider refuses the stored key → PermissionDeniedError naming the provider; its 429 → RateLimitError", async () => {
    up.failNext(401, 1, { error: { message: "Incorrect API key provided" } });
    const denied = await openai(t).chat.completions.create({ model: "gpt-ext", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((denied as APIError).message).toMatch(/'openai'.*Incorrect API key/);
    up.failNext(429, 1, { error: { message: "slow down" } }, { "Retry-After": "7" });
    const limited = await openai(t).chat.completions.create({ model: "gpt-ext", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as APIError).headers?.get("retry-after")).toBe("7");
  });
  test("a predictions-only custom model refuses embeddings bodies", async () => {
    const err = await openai(t).embeddings.create({ model: "churn", input: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as APIError).message).toMatch(/dataframe_split/);
  });
});
