import { ROUTES } from "../../plane/routes";
import { readyVersion, startTestPlane, type TestPlane } from "./harness";

/**
 * The `lose_response` fault: the request is handled completely (its writes committed), then the connection is
 * dropped without an answer, as when a response is lost on the way back. Driven over every create route of the route
 * table (and the alias set), each time showing the object committed while the client got no answer.
 */
let t: TestPlane;
const M = "main.lost.model";

beforeAll(async () => {
  t = await startTestPlane({ deploySeconds: 0, rateLimit: { limit: 0 } });
  expect((await t.api("POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "lost", name: "model" })).status).toBe(200);
  await readyVersion(t, M);
});
afterAll(async () => {
  await t.close();
});

interface CreateCase {
  method: string;
  path: string;
  body: unknown;
  /** Where the created object reads back. */
  readBack: string;
}

const CASES: Record<string, CreateCase> = {
  createEndpoint: { method: "POST", path: "/api/2.0/serving-endpoints", body: { name: "lost-ep" }, readBack: "/api/2.0/serving-endpoints/lost-ep" },
  createPtEndpoint: {
    method: "POST",
    path: "/api/2.0/serving-endpoints/pt",
    body: { name: "lost-pt", config: { served_entities: [{ entity_name: "system.ai.gpt-oss-20b", entity_version: "1", provisioned_model_units: 10 }] } },
    readBack: "/api/2.0/serving-endpoints/lost-pt",
  },
  createRegisteredModel: {
    method: "POST",
    path: "/api/2.1/unity-catalog/models",
    body: { catalog_name: "main", schema_name: "lost", name: "uc" },
    readBack: "/api/2.1/unity-catalog/models/main.lost.uc",
  },
  createRegisteredModelMlflow: {
    method: "POST",
    path: "/api/2.0/mlflow/unity-catalog/registered-models/create",
    body: { name: "main.lost.mlflow", tags: [{ key: "managed-by", value: "pulumi" }] },
    readBack: "/api/2.0/mlflow/unity-catalog/registered-models/get?name=main.lost.mlflow",
  },
  createModelVersionMlflow: {
    method: "POST",
    path: "/api/2.0/mlflow/unity-catalog/model-versions/create",
    body: { name: M, source: "runs:/r/model", tags: [{ key: "managed-by", value: "pulumi" }] },
    readBack: `/api/2.0/mlflow/unity-catalog/model-versions/get?name=${M}&version=2`,
  },
  setModelAlias: { method: "PUT", path: `/api/2.1/unity-catalog/models/${M}/aliases/champion`, body: { version_num: 1 }, readBack: `/api/2.1/unity-catalog/models/${M}/aliases/champion` },
};

test("the cases cover every create route of the table", () => {
  const creates = ROUTES.filter((r) => /^create/.test(r.handler.name) && r.access.kind !== "admin").map((r) => r.handler.name);
  expect(creates.sort()).toEqual(Object.keys(CASES).filter((k) => k !== "setModelAlias").sort());
});

test.each(Object.entries(CASES))("%s: committed, but the client sees the connection dropped", async (_handler, c) => {
  expect((await t.api("GET", c.readBack)).status).toBe(404);
  const rule = await t.api("POST", "/api/2.0/dbserve/faults", { kind: "lose_response", route: c.path, method: c.method, times: 1 });
  expect(rule.status).toBe(200);
  const { next_seq } = (await t.api("GET", "/api/2.0/dbserve/calls")).body as { next_seq: number };

  await expect(
    fetch(`${t.url}${c.path}`, { method: c.method, headers: { Authorization: `Bearer ${t.token}`, "Content-Type": "application/json" }, body: JSON.stringify(c.body) }),
  ).rejects.toThrow();

  // The server acted: the object exists, whole.
  const back = await t.api("GET", c.readBack);
  expect(back.status).toBe(200);
  // The rule fired once and is gone; the call log shows the handled request and the lost answer.
  expect((await t.api("GET", "/api/2.0/dbserve/faults")).body.faults).toEqual([]);
  const calls = (await t.api("GET", `/api/2.0/dbserve/calls?since=${next_seq}`)).body.calls as { method: string; path: string; status: number; fault?: string }[];
  expect(calls.find((x) => x.path === c.path && x.method === c.method)).toMatchObject({ status: 200, fault: "lose_response" });
});

test("a create retried after a lost answer meets its own object: 409, which a client must recognise as its own", async () => {
  const retried = await t.api("POST", "/api/2.0/serving-endpoints", { name: "lost-ep" });
  expect([retried.status, retried.body.error_code]).toEqual([409, "RESOURCE_ALREADY_EXISTS"]);
  const mlflow = await t.api("POST", "/api/2.0/mlflow/unity-catalog/registered-models/create", { name: "main.lost.mlflow" });
  expect([mlflow.status, mlflow.body.error_code]).toEqual([409, "RESOURCE_ALREADY_EXISTS"]);
});

test("a refused request under lose_response is dropped too, and writes nothing", async () => {
  await t.api("POST", "/api/2.0/dbserve/faults", { kind: "lose_response", route: "/api/2.0/serving-endpoints", method: "POST", times: 1 });
  await expect(
    fetch(`${t.url}/api/2.0/serving-endpoints`, { method: "POST", headers: { Authorization: `Bearer ${t.token}` }, body: JSON.stringify({ name: "bad name!" }) }),
  ).rejects.toThrow();
  expect((await t.api("GET", "/api/2.0/serving-endpoints")).body.endpoints).not.toContainEqual(expect.objectContaining({ name: "bad name!" }));
});
