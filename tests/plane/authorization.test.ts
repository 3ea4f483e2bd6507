import { apiError, client, readyVersion, startTestPlane, type TestPlane } from "./harness";

/**
 * Authorization as the attacker and careless user probe it (issue 9 item 1). The full route × principal matrix
 * is authorization-matrix.test.ts; these are the scenarios, through raw HTTP and the official SDK.
 */
let t: TestPlane;
const tokens: Record<string, string> = {};
const M = "main.authz.bot";

async function as(who: string, method: string, route: string, body?: unknown) {
  return t.api(method, route, body, { token: tokens[who] });
}

beforeAll(async () => {
  t = await startTestPlane({ deploySeconds: 0, rateLimit: { limit: 0 } });
  for (const u of ["alice", "mallory", "quinn", "grace"]) {
    const r = await t.api("POST", "/api/2.0/dbserve/users", { user_name: `${u}@example.com` });
    tokens[u] = r.body.token as string;
  }
  // Alice owns a model with a READY version served by her endpoint, an alias, and a pending version.
  const tAlice = { ...t, token: tokens.alice };
  expect((await as("alice", "POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "authz", name: "bot" })).status).toBe(200);
  await readyVersion(tAlice as TestPlane, M);
  expect((await as("alice", "POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: M, source: "/local/v2" })).status).toBe(200);
  expect((await as("alice", "PUT", `/api/2.1/unity-catalog/models/${M}/aliases/champion`, { version_num: 1 })).status).toBe(200);
  expect((await as("alice", "POST", "/api/2.0/serving-endpoints", { name: "bot", config: { served_entities: [{ entity_name: M, entity_version: "1" }] } })).status).toBe(200);
});
afterAll(async () => {
  await t.close();
});

describe("Unity Catalog, MLflow and artifact routes: a user with no grant", () => {
  const attempts: [string, string, string, unknown][] = [
    ["rename", "PATCH", `/api/2.1/unity-catalog/models/${M}`, { new_name: "stolen" }],
    ["re-own", "PATCH", `/api/2.1/unity-catalog/models/${M}`, { owner: "mallory@example.com" }],
    ["delete the model", "DELETE", `/api/2.1/unity-catalog/models/${M}`, undefined],
    ["delete the served version", "DELETE", `/api/2.1/unity-catalog/models/${M}/versions/1`, undefined],
    ["move the alias", "PUT", `/api/2.1/unity-catalog/models/${M}/aliases/champion`, { version_num: 2 }],
    ["delete the alias", "DELETE", `/api/2.1/unity-catalog/models/${M}/aliases/champion`, undefined],
    ["create a version", "POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: M, source: "/evil" }],
    ["finalize a version", "POST", "/api/2.0/mlflow/unity-catalog/model-versions/finalize", { name: M, version: "2" }],
    ["get upload credentials", "POST", "/api/2.0/mlflow/unity-catalog/model-versions/generate-temporary-credentials", { name: M, version: "2", operation: "MODEL_VERSION_OPERATION_READ_WRITE" }],
    ["tag the model", "POST", "/api/2.0/mlflow/unity-catalog/registered-models/set-tag", { name: M, key: "owner", value: "mallory" }],
    ["read the model", "GET", `/api/2.1/unity-catalog/models/${M}`, undefined],
    ["read its grants", "GET", `/api/2.1/unity-catalog/permissions/function/${M}`, undefined],
    ["grant itself MANAGE", "PATCH", `/api/2.1/unity-catalog/permissions/function/${M}`, { changes: [{ principal: "mallory@example.com", add: ["MANAGE"] }] }],
  ];
  test.each(attempts)("cannot %s: 403 PERMISSION_DENIED", async (_what, method, route, body) => {
    const r = await as("mallory", method, route, body);
    expect([r.status, r.body.error_code]).toEqual([403, "PERMISSION_DENIED"]);
  });

  test("cannot upload a file into the pending version", async () => {
    const res = await fetch(`${t.url}/api/2.0/dbserve/artifacts/${M}/2/MLmodel`, { method: "PUT", headers: { Authorization: `Bearer ${tokens.mallory}` }, body: "evil" });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error_code: string }).error_code).toBe("PERMISSION_DENIED");
  });

  test("nothing changed, and the model is not listed to it", async () => {
    const m = await t.api("GET", `/api/2.1/unity-catalog/models/${M}?include_aliases=true`);
    expect(m.body).toMatchObject({ full_name: M, owner: "alice@example.com", aliases: [expect.objectContaining({ alias_name: "champion", version_num: 1 })] });
    const versions = await t.api("GET", `/api/2.1/unity-catalog/models/${M}/versions`);
    expect((versions.body.model_versions as { version: number; status: string }[]).map((v) => [v.version, v.status])).toEqual([
      [1, "READY"],
      [2, "PENDING_REGISTRATION"],
    ]);
    expect((await t.api("GET", `/api/2.0/dbserve/artifacts/${M}/2`)).body.files).toEqual([]);
    const listed = await as("mallory", "GET", "/api/2.1/unity-catalog/models?catalog_name=main");
    expect(listed.body.registered_models).toEqual([]);
  });

  test("cannot serve a model it has no EXECUTE on", async () => {
    const r = await as("mallory", "POST", "/api/2.0/serving-endpoints", { name: "mine", config: { served_entities: [{ entity_name: M, entity_version: "1" }] } });
    expect([r.status, r.body.error_code]).toEqual([403, "PERMISSION_DENIED"]);
    expect((await t.api("GET", "/api/2.0/serving-endpoints/mine")).status).toBe(404);
  });
});

describe("grants: the owner shares the model through the UC permissions API", () => {
  test("EXECUTE reads and serves; APPLY_TAG tags; MANAGE manages; the SDK's grants API reads them back", async () => {
    const grant = (principal: string, add: string[]) =>
      as("alice", "PATCH", `/api/2.1/unity-catalog/permissions/function/${M}`, { changes: [{ principal, add }] });
    expect((await grant("quinn@example.com", ["EXECUTE"])).status).toBe(200);
    expect((await as("quinn", "GET", `/api/2.1/unity-catalog/models/${M}`)).status).toBe(200);
    expect((await as("quinn", "POST", "/api/2.0/serving-endpoints", { name: "quinns", config: { served_entities: [{ entity_name: M, entity_version: "1" }] } })).status).toBe(200);
    expect((await as("quinn", "POST", "/api/2.0/mlflow/unity-catalog/registered-models/set-tag", { name: M, key: "k", value: "v" })).status).toBe(403);
    expect((await as("quinn", "PATCH", `/api/2.1/unity-catalog/models/${M}`, { comment: "no" })).status).toBe(403);

    expect((await grant("quinn@example.com", ["APPLY_TAG"])).status).toBe(200);
    expect((await as("quinn", "POST", "/api/2.0/mlflow/unity-catalog/registered-models/set-tag", { name: M, key: "k", value: "v" })).status).toBe(200);

    expect((await grant("grace@example.com", ["MANAGE"])).status).toBe(200);
    expect((await as("grace", "PATCH", `/api/2.1/unity-catalog/models/${M}`, { comment: "managed by grace" })).status).toBe(200);

    const grants = await client(t.url, tokens.alice).grants.get({ securable_type: "function", full_name: M });
    expect(grants.privilege_assignments).toEqual([
      { principal: "grace@example.com", privileges: ["MANAGE"] },
      { principal: "quinn@example.com", privileges: ["APPLY_TAG", "EXECUTE"] },
    ]);
    const unknown = await grant("nobody@example.com", ["EXECUTE"]);
    expect(unknown.status).toBe(400);
    const badPrivilege = await grant("quinn@example.com", ["SELECT"]);
    expect(badPrivilege.status).toBe(400);
    const otherType = await as("alice", "GET", `/api/2.1/unity-catalog/permissions/table/${M}`);
    expect(otherType.status).toBe(400);
  });

  test("the everyone group: EXECUTE for `account users` lets any user read", async () => {
    expect((await as("alice", "PATCH", `/api/2.1/unity-catalog/permissions/function/${M}`, { changes: [{ principal: "account users", add: ["EXECUTE"] }] })).status).toBe(200);
    expect((await as("mallory", "GET", `/api/2.1/unity-catalog/models/${M}`)).status).toBe(200);
    expect((await as("mallory", "DELETE", `/api/2.1/unity-catalog/models/${M}`)).status).toBe(403);
  });
});

describe("serving endpoint ACLs", () => {
  test("CAN_QUERY queries and sees the endpoint but cannot read its ACL (CAN_MANAGE only, as Databricks documents)", async () => {
    const id = (await t.api("GET", "/api/2.0/serving-endpoints/bot")).body.id as string;
    await t.api("PATCH", `/api/2.0/permissions/serving-endpoints/${id}`, { access_control_list: [{ user_name: "quinn@example.com", permission_level: "CAN_QUERY" }] });
    const quinn = client(t.url, tokens.quinn);
    expect((await quinn.servingEndpoints.get({ name: "bot" })).permission_level).toBe("CAN_QUERY");
    expect((await as("quinn", "POST", "/serving-endpoints/bot/invocations", { messages: [{ role: "user", content: "hi" }] })).status).toBe(200);
    const denied = await apiError(quinn.servingEndpoints.getPermissions({ serving_endpoint_id: id }));
    expect([denied.statusCode, denied.errorCode]).toEqual([403, "PERMISSION_DENIED"]);
    expect((await quinn.servingEndpoints.getPermissionLevels({ serving_endpoint_id: id })).permission_levels).toHaveLength(3);
    // Alice, who created it, manages it and reads the ACL.
    expect((await client(t.url, tokens.alice).servingEndpoints.getPermissions({ serving_endpoint_id: id })).object_id).toBe(`/serving-endpoints/${id}`);
  });
});
