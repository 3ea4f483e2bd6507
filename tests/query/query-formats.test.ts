/**
 * Every request shape against every kind of endpoint: the full table (7 endpoint kinds × 7 shapes = 49 cells) of what
 * is accepted, with the answer's shape, and what is refused, with a 400 in the Databricks error model. Then generated
 * bodies (fast-check) against every endpoint and route: no input yields a 5xx, every refusal names a code and a message.
 */
import fc from "fast-check";
import { startTestPlane, type TestPlane } from "../plane/harness";
import { startUpstream, type Upstream } from "./upstream";
import { PPT_CHAT, PPT_EMBED, createCustom, createEndpoint, createPt, externalEntity } from "./helpers";
import { predictionOf } from "../../plane/query/standins";

let t: TestPlane;
let up: Upstream;

beforeAll(async () => {
  t = await startTestPlane({ rateLimit: { limit: 0 } });
  up = await startUpstream();
  await t.api("PATCH", "/api/2.0/dbserve/workspace-geo", { cross_geo_processing: true });
  await createPt(t, "pt");
  await createCustom(t, "pyfunc", "main.f.pyfunc");
  await createCustom(t, "chatmodel", "main.f.chatmodel", true);
  await createEndpoint(t, { name: "ext-chat", config: { served_entities: [externalEntity("c", up.url, "k")] } });
  await createEndpoint(t, { name: "ext-embed", config: { served_entities: [externalEntity("e", up.url, "k", "llm/v1/embeddings")] } });
});
afterAll(async () => {
  await t?.close();
  await up?.close();
});

const ROWS = [
  [1, 2.5, "ab"],
  [0, -1, ""],
];
const SHAPES: Record<string, Record<string, unknown>> = {
  chat: { messages: [{ role: "user", content: "hello there" }] },
  completions: { prompt: "hello there" },
  embeddings: { input: ["hello there"] },
  dataframe_split: { dataframe_split: { columns: ["a", "b", "c"], data: ROWS } },
  dataframe_records: { dataframe_records: ROWS.map(([a, b, c]) => ({ a, b, c })) },
  instances: { instances: ROWS },
  inputs: { inputs: { a: [1, 0], b: [2.5, -1], c: ["ab", ""] } },
};
const PREDICTIONS = { predictions: ROWS.map(predictionOf) };
const PREDICTION_SHAPES = ["dataframe_split", "dataframe_records", "instances", "inputs"];

const ENDPOINTS: Record<string, string[]> = {
  [PPT_CHAT]: ["chat"],
  [PPT_EMBED]: ["embeddings"],
  pt: ["chat"],
  pyfunc: [...PREDICTION_SHAPES, "chat", "completions"],
  chatmodel: [...PREDICTION_SHAPES, "chat", "completions"],
  "ext-chat": ["chat"],
  "ext-embed": ["embeddings"],
};

const cells = Object.entries(ENDPOINTS).flatMap(([endpoint, ok]) => Object.keys(SHAPES).map((shape) => [endpoint, shape, ok.includes(shape)] as const));

test("the table has every endpoint kind × every shape", () => {
  expect(cells).toHaveLength(49);
});

test.each(cells)("%s ← %s (accepted: %s)", async (endpoint, shape, accepted) => {
  const r = await t.api("POST", `/serving-endpoints/${endpoint}/invocations`, SHAPES[shape]);
  if (!accepted) {
    expect(r.status).toBe(400);
    expect(typeof r.body.error_code).toBe("string");
    expect(String(r.body.message)).toMatch(new RegExp(`'${endpoint}' does not accept`));
    return;
  }
  expect(r.status).toBe(200);
  if (PREDICTION_SHAPES.includes(shape)) expect(r.body).toEqual(PREDICTIONS);
  else if (shape === "chat") expect(r.body.object).toBe("chat.completion");
  else if (shape === "completions") expect(r.body.object).toBe("text_completion");
  else expect(r.body.object).toBe("list");
});

test("the custom stand-in: a row's prediction is the sum of its numbers, strings counting their length", () => {
  expect(PREDICTIONS.predictions).toEqual([5.5, -1]);
});

test("a dataframe_split row must match its columns; exactly one format", async () => {
  const bad = await t.api("POST", "/serving-endpoints/pyfunc/invocations", { dataframe_split: { columns: ["a"], data: [[1, 2]] } });
  expect([bad.status, String(bad.body.message)]).toEqual([400, expect.stringMatching(/data\[0\] has 2 values but there are 1 columns/)]);
  const two = await t.api("POST", "/serving-endpoints/pyfunc/invocations", { instances: [1], inputs: [1] });
  expect([two.status, String(two.body.message)]).toEqual([400, expect.stringMatching(/exactly one/)]);
});

describe("generated bodies never produce a 5xx", () => {
  const KEYS = ["messages", "prompt", "input", "dataframe_split", "dataframe_records", "instances", "inputs", "params", "stream", "max_tokens", "temperature", "n", "stop", "model", "encoding_format", "client_request_id", "usage_context"];
  const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant([{ role: "user", content: "hi" }]), fc.array(fc.string(), { maxLength: 3 }));
  const random = fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), value, { maxKeys: 4 });
  // Valid bodies of every shape, with up to two generated keys mixed in: most random bodies are refused early, and
  // these reach the formats and models behind the checks (so "accepted" is never an accident of the draw).
  const mixed = fc.tuple(fc.constantFrom(...Object.values(SHAPES)), fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 2 })).map(([shape, extra]) => ({ ...extra, ...shape }));
  const body = fc.oneof(random, mixed);
  // Seeded like the plane's fuzzer, so a failure replays; DBSERVE_FUZZ_SEED picks another draw.
  const seed = Number(process.env.DBSERVE_FUZZ_SEED ?? 1010);
  const route = fc.constantFrom(...Object.keys(ENDPOINTS).map((e) => `/serving-endpoints/${e}/invocations`), "/serving-endpoints/chat/completions", "/serving-endpoints/embeddings", "/serving-endpoints/completions");
  const RUNS = 400;

  test(`${RUNS} generated requests over ${Object.keys(ENDPOINTS).length} endpoints and 3 OpenAI routes`, async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(route, body, fc.constantFrom(...Object.keys(ENDPOINTS)), async (path, b, model) => {
        const payload = path.includes("/invocations") ? b : { ...b, model };
        // Never stream here: a stream's errors arrive inside the stream.
        if ("stream" in payload) delete payload.stream;
        const r = await t.api("POST", path, payload);
        expect(r.status).toBeLessThan(500);
        if (r.status >= 400) {
          expect(typeof r.body.error_code).toBe("string");
          expect(typeof r.body.message).toBe("string");
        } else accepted++;
      }),
      { numRuns: RUNS, seed },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  test("malformed JSON and wrong types are 400s", async () => {
    const raw = await t.api("POST", `/serving-endpoints/${PPT_CHAT}/invocations`, undefined, { raw: "{not json" });
    expect([raw.status, raw.body.error_code]).toEqual([400, "MALFORMED_REQUEST"]);
    const arr = await t.api("POST", `/serving-endpoints/${PPT_CHAT}/invocations`, undefined, { raw: "[1,2]" });
    expect(arr.status).toBe(400);
    const typ = await t.api("POST", `/serving-endpoints/${PPT_CHAT}/invocations`, { messages: "hi" });
    expect([typ.status, String(typ.body.message)]).toEqual([400, expect.stringMatching(/messages/)]);
  });
});
