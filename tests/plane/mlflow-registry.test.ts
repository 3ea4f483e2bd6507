import { client, readyVersion, startTestPlane, type TestPlane } from "./harness";

/** The MLflow Unity Catalog registry's registered models and tags (the provider's ownership markers). */
let t: TestPlane;
const MR = "/api/2.0/mlflow/unity-catalog/registered-models";
const MV = "/api/2.0/mlflow/unity-catalog/model-versions";

beforeAll(async () => {
  t = await startTestPlane({ rateLimit: { limit: 0 } });
});
afterAll(async () => {
  await t.close();
});

test("registered-models/create makes the UC model and its tags at once; 409 RESOURCE_ALREADY_EXISTS when taken", async () => {
  const created = await t.api("POST", `${MR}/create`, { name: "Main.Reg.Bot", description: "support bot", tags: [{ key: "managed-by", value: "pulumi" }, { key: "stack", value: "dev" }] });
  expect(created.status).toBe(200);
  expect(created.body.registered_model).toMatchObject({
    name: "main.reg.bot",
    description: "support bot",
    tags: [{ key: "managed-by", value: "pulumi" }, { key: "stack", value: "dev" }],
    aliases: [],
    user_id: "admin@dbserve.local",
  });
  // The same object the UC routes serve (and the SDK reads), without MLflow-only fields.
  const uc = await client(t.url, t.token).registeredModels.get({ full_name: "main.reg.bot" });
  expect(uc).toMatchObject({ full_name: "main.reg.bot", comment: "support bot", owner: "admin@dbserve.local" });
  expect(uc).not.toHaveProperty("mlflow_tags");
  const again = await t.api("POST", `${MR}/create`, { name: "main.reg.bot" });
  expect([again.status, again.body.error_code]).toEqual([409, "RESOURCE_ALREADY_EXISTS"]);
  const ucAgain = await t.api("POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "reg", name: "bot" });
  expect([ucAgain.status, ucAgain.body.error_code]).toEqual([409, "ALREADY_EXISTS"]);
});

test("one transaction: a create with a bad tag leaves no model behind", async () => {
  const bad = await t.api("POST", `${MR}/create`, { name: "main.reg.half", tags: [{ key: "ok", value: "1" }, { key: "k".repeat(251), value: "x" }] });
  expect(bad.status).toBe(400);
  expect(String(bad.body.message)).toMatch(/250/);
  expect((await t.api("GET", "/api/2.1/unity-catalog/models/main.reg.half")).status).toBe(404);
  const dup = await t.api("POST", `${MR}/create`, { name: "main.reg.half", tags: [{ key: "a", value: "1" }, { key: "a", value: "2" }] });
  expect(dup.status).toBe(400);
  expect((await t.api("GET", "/api/2.1/unity-catalog/models/main.reg.half")).status).toBe(404);
});

test("get, set-tag and delete-tag (JSON body or query string); limits 250/5000", async () => {
  expect((await t.api("POST", `${MR}/set-tag`, { name: "main.reg.bot", key: "stack", value: "prod" })).status).toBe(200);
  expect((await t.api("POST", `${MR}/set-tag`, { name: "main.reg.bot", key: "note", value: "v".repeat(5000) })).status).toBe(200);
  expect((await t.api("POST", `${MR}/set-tag`, { name: "main.reg.bot", key: "note", value: "v".repeat(5001) })).status).toBe(400);
  expect((await t.api("POST", `${MR}/set-tag`, { name: "main.reg.bot", key: "k".repeat(251), value: "v" })).status).toBe(400);
  expect((await t.api("DELETE", `${MR}/delete-tag`, { name: "main.reg.bot", key: "note" })).status).toBe(200);
  expect((await t.api("DELETE", `${MR}/delete-tag?name=main.reg.bot&key=nope`)).status).toBe(404);
  const got = await t.api("GET", `${MR}/get?name=main.reg.bot`);
  expect((got.body.registered_model as { tags: unknown }).tags).toEqual([
    { key: "managed-by", value: "pulumi" },
    { key: "stack", value: "prod" },
  ]);
  expect((await t.api("DELETE", `${MR}/delete-tag?name=main.reg.bot&key=stack`)).status).toBe(200);
  expect(((await t.api("GET", `${MR}/get?name=main.reg.bot`)).body.registered_model as { tags: unknown }).tags).toEqual([{ key: "managed-by", value: "pulumi" }]);
  expect((await t.api("GET", `${MR}/get?name=main.reg.nope`)).status).toBe(404);
  expect((await t.api("GET", `${MR}/get`)).status).toBe(400);
});

test("model versions: create with tags, get returns tags and aliases, set-tag and delete-tag", async () => {
  const v = await t.api("POST", `${MV}/create`, { name: "main.reg.bot", source: "runs:/r1/model", tags: [{ key: "managed-by", value: "pulumi" }] });
  expect(v.status).toBe(200);
  const version = (v.body.model_version as { version: string }).version;
  expect((await t.api("POST", `${MV}/finalize`, { name: "main.reg.bot", version })).status).toBe(200);
  expect((await t.api("PUT", `/api/2.1/unity-catalog/models/main.reg.bot/aliases/champion`, { version_num: Number(version) })).status).toBe(200);
  expect((await t.api("POST", `${MV}/set-tag`, { name: "main.reg.bot", version, key: "validated", value: "yes" })).status).toBe(200);
  const got = await t.api("GET", `${MV}/get?name=main.reg.bot&version=${version}`);
  expect(got.body.model_version).toMatchObject({
    version,
    tags: [{ key: "managed-by", value: "pulumi" }, { key: "validated", value: "yes" }],
    aliases: ["champion"],
  });
  expect((await t.api("DELETE", `${MV}/delete-tag`, { name: "main.reg.bot", version, key: "validated" })).status).toBe(200);
  expect((await t.api("DELETE", `${MV}/delete-tag?name=main.reg.bot&version=${version}&key=validated`)).status).toBe(404);
  expect(((await t.api("GET", `${MV}/get?name=main.reg.bot&version=${version}`)).body.model_version as { tags: unknown }).tags).toEqual([
    { key: "managed-by", value: "pulumi" },
  ]);
  const reg = await t.api("GET", `${MR}/get?name=main.reg.bot`);
  expect((reg.body.registered_model as { aliases: unknown }).aliases).toEqual([{ alias: "champion", version }]);
  // The UC view of the version does not carry the MLflow tags.
  const uc = await t.api("GET", `/api/2.1/unity-catalog/models/main.reg.bot/versions/${version}`);
  expect(uc.body).not.toHaveProperty("description_tags");
});

test("tags go with their object: delete and re-create the model, or rename it", async () => {
  await t.api("POST", `${MR}/create`, { name: "main.reg.tmp", tags: [{ key: "owner", value: "a" }] });
  await readyVersion(t, "main.reg.tmp");
  await t.api("POST", `${MV}/set-tag`, { name: "main.reg.tmp", version: "1", key: "v", value: "1" });
  // Rename: the tags follow.
  expect((await t.api("PATCH", "/api/2.1/unity-catalog/models/main.reg.tmp", { new_name: "tmp2" })).status).toBe(200);
  expect(((await t.api("GET", `${MR}/get?name=main.reg.tmp2`)).body.registered_model as { tags: unknown }).tags).toEqual([{ key: "owner", value: "a" }]);
  expect(((await t.api("GET", `${MV}/get?name=main.reg.tmp2&version=1`)).body.model_version as { tags: unknown }).tags).toEqual([{ key: "v", value: "1" }]);
  // Delete: a model re-created under the name starts without tags, and its version numbers start over.
  expect((await t.api("DELETE", "/api/2.1/unity-catalog/models/main.reg.tmp2")).status).toBe(200);
  const re = await t.api("POST", `${MR}/create`, { name: "main.reg.tmp2" });
  expect((re.body.registered_model as { tags: unknown }).tags).toEqual([]);
  const v = await t.api("POST", `${MV}/create`, { name: "main.reg.tmp2", source: "runs:/x/m" });
  expect((v.body.model_version as { version: string; tags: unknown }).version).toBe("1");
  expect((v.body.model_version as { tags: unknown }).tags).toEqual([]);
});

test("setting tags needs APPLY_TAG: the owner and MANAGE holders have it, EXECUTE does not", async () => {
  const viewer = (await t.api("POST", "/api/2.0/dbserve/users", { user_name: "vic@example.com" })).body.token as string;
  await t.api("PATCH", "/api/2.1/unity-catalog/permissions/function/main.reg.bot", { changes: [{ principal: "vic@example.com", add: ["EXECUTE"] }] });
  expect((await t.api("GET", `${MR}/get?name=main.reg.bot`, undefined, { token: viewer })).status).toBe(200);
  for (const [method, route, body] of [
    ["POST", `${MR}/set-tag`, { name: "main.reg.bot", key: "x", value: "y" }],
    ["DELETE", `${MR}/delete-tag`, { name: "main.reg.bot", key: "managed-by" }],
    ["POST", `${MV}/set-tag`, { name: "main.reg.bot", version: "1", key: "x", value: "y" }],
    ["DELETE", `${MV}/delete-tag`, { name: "main.reg.bot", version: "1", key: "managed-by" }],
  ] as const) {
    const r = await t.api(method, route, body, { token: viewer });
    expect([r.status, r.body.error_code]).toEqual([403, "PERMISSION_DENIED"]);
  }
  await t.api("PATCH", "/api/2.1/unity-catalog/permissions/function/main.reg.bot", { changes: [{ principal: "vic@example.com", add: ["MANAGE"] }] });
  expect((await t.api("POST", `${MR}/set-tag`, { name: "main.reg.bot", key: "x", value: "y" }, { token: viewer })).status).toBe(200);
});
