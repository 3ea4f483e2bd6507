import { apiError, readyVersion, startTestPlane, type TestPlane } from "./harness";

/** Unity Catalog models, versions and aliases, driven through the official SDK where it has the call. */
let t: TestPlane;
beforeAll(async () => {
  t = await startTestPlane();
});
afterAll(async () => {
  await t.close();
});

describe("registered models", () => {
  test("create, get, update, rename and delete through the SDK", async () => {
    const created = await t.w.registeredModels.create({ catalog_name: "main", schema_name: "genai", name: "Support_Bot", comment: "first" });
    // UC identifiers are case-insensitive and come back lower-cased.
    expect(created).toMatchObject({ full_name: "main.genai.support_bot", name: "support_bot", comment: "first", owner: "admin@dbserve.local" });
    expect(typeof created.created_at).toBe("number");

    const dup = await apiError(t.w.registeredModels.create({ catalog_name: "main", schema_name: "genai", name: "support_bot" }));
    expect([dup.statusCode, dup.errorCode]).toEqual([409, "ALREADY_EXISTS"]);

    const missing = await apiError(t.w.registeredModels.get({ full_name: "main.genai.nope" }));
    expect([missing.statusCode, missing.errorCode]).toEqual([404, "RESOURCE_DOES_NOT_EXIST"]);

    // The JS SDK sends no body with PATCH, so update goes over raw HTTP (as a provider's own client would).
    const upd = await t.api("PATCH", "/api/2.1/unity-catalog/models/main.genai.support_bot", { comment: "second", owner: "team@x" });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ comment: "second", owner: "team@x" });

    const renamed = await t.api("PATCH", "/api/2.1/unity-catalog/models/main.genai.support_bot", { new_name: "helper_bot" });
    expect(renamed.body.full_name).toBe("main.genai.helper_bot");
    expect((await apiError(t.w.registeredModels.get({ full_name: "main.genai.support_bot" }))).statusCode).toBe(404);
    const got = await t.w.registeredModels.get({ full_name: "main.genai.helper_bot", include_aliases: true });
    expect(got).toMatchObject({ comment: "second", aliases: [] });

    await t.w.registeredModels.delete({ full_name: "main.genai.helper_bot" });
    expect((await apiError(t.w.registeredModels.get({ full_name: "main.genai.helper_bot" }))).statusCode).toBe(404);
  });

  test("list pages with page_token and filters by catalog and schema", async () => {
    for (let i = 0; i < 7; i++) await t.w.registeredModels.create({ catalog_name: "paging", schema_name: "s", name: `m${i}` });
    const first = await t.api("GET", "/api/2.1/unity-catalog/models?catalog_name=paging&schema_name=s&max_results=3");
    expect((first.body.registered_models as unknown[]).length).toBe(3);
    expect(typeof first.body.next_page_token).toBe("string");
    const names: string[] = [];
    for await (const m of t.w.registeredModels.list({ catalog_name: "paging", schema_name: "s", max_results: 3 })) names.push(m.full_name!);
    expect(names).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `paging.s.m${i}`));
    const bad = await t.api("GET", "/api/2.1/unity-catalog/models?page_token=%%%");
    expect([bad.status, bad.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
  });

  test("system.ai is pre-populated with foundation models and is read-only", async () => {
    const names: string[] = [];
    for await (const m of t.w.registeredModels.list({ catalog_name: "system", schema_name: "ai" })) names.push(m.full_name!);
    expect(names).toEqual(expect.arrayContaining(["system.ai.llama_v3_3_70b_instruct", "system.ai.gte_large_en_v1_5", "system.ai.llama-4-maverick", "system.ai.gpt-oss-120b"]));
    const v = await t.w.modelVersions.get({ full_name: "system.ai.llama_v3_3_70b_instruct", version: 3 });
    expect(v.status).toBe("READY");
    const denied = await apiError(t.w.registeredModels.delete({ full_name: "system.ai.llama_v3_3_70b_instruct" }));
    expect([denied.statusCode, denied.errorCode]).toEqual([403, "PERMISSION_DENIED"]);
    const info = await t.api("GET", "/api/2.0/serving-endpoints/get-model-optimization-info/system.ai.llama_v3_3_70b_instruct/3");
    expect(info.body).toEqual({ optimizable: true, model_type: "llama", throughput_chunk_size: 1580 });
    const units = await t.api("GET", "/api/2.0/serving-endpoints/get-model-optimization-info/system.ai.llama-4-maverick/1");
    expect(units.body.optimizable).toBe(true);
    expect(units.body.throughput_chunk_size).toBeUndefined();
  });
});

describe("model versions and aliases", () => {
  beforeAll(async () => {
    await t.w.registeredModels.create({ catalog_name: "main", schema_name: "v", name: "m" });
  });

  test("MLflow UC registration: PENDING_REGISTRATION, upload, finalize to READY", async () => {
    const created = await t.api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: "main.v.m", source: "/tmp/model", run_id: "r1" });
    expect(created.status).toBe(200);
    const mv = created.body.model_version as { version: string; status: string; storage_location: string };
    expect(mv).toMatchObject({ version: "1", status: "PENDING_REGISTRATION" });
    expect((await t.w.modelVersions.get({ full_name: "main.v.m", version: 1 })).status).toBe("PENDING_REGISTRATION");

    const cred = await t.api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/generate-temporary-credentials", {
      name: "main.v.m",
      version: "1",
      operation: "MODEL_VERSION_OPERATION_READ_WRITE",
    });
    const url = (cred.body.credentials as { dbserve_upload: { url: string } }).dbserve_upload.url;
    expect(url.startsWith(t.url)).toBe(true);
    const put = await fetch(`${url}/MLmodel`, { method: "PUT", headers: { Authorization: `Bearer ${t.token}` }, body: "flavors: {}\n" });
    expect(put.status).toBe(200);
    const fin = await t.api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/finalize", { name: "main.v.m", version: "1" });
    expect((fin.body.model_version as { status: string }).status).toBe("READY");
    const back = await fetch(`${url}/MLmodel`, { headers: { Authorization: `Bearer ${t.token}` } });
    expect(await back.text()).toBe("flavors: {}\n");
    // Artifacts of a READY version are immutable.
    const late = await fetch(`${url}/other`, { method: "PUT", headers: { Authorization: `Bearer ${t.token}` }, body: "x" });
    expect(late.status).toBe(400);
  });

  test("finalize without an MLmodel file fails the version with a status message", async () => {
    const created = await t.api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: "main.v.m", source: "/tmp/empty" });
    const version = (created.body.model_version as { version: string }).version;
    const fin = await t.api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/finalize", { name: "main.v.m", version });
    const mv = fin.body.model_version as { status: string; status_message: string };
    expect(mv.status).toBe("FAILED_REGISTRATION");
    expect(mv.status_message).toMatch(/MLmodel/);
    expect((await t.w.modelVersions.get({ full_name: "main.v.m", version: Number(version) })).status).toBe("FAILED_REGISTRATION");
  });

  test("remote sources (runs:/, hf://) finalize without uploads", async () => {
    const created = await t.api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: "main.v.m", source: "hf://meta/llama" });
    const version = (created.body.model_version as { version: string }).version;
    const fin = await t.api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/finalize", { name: "main.v.m", version });
    expect((fin.body.model_version as { status: string }).status).toBe("READY");
  });

  test("list versions (paged), patch comment, aliases, delete version drops its aliases", async () => {
    await t.w.registeredModels.create({ catalog_name: "main", schema_name: "v", name: "aliased" });
    const v1 = await readyVersion(t, "main.v.aliased");
    const v2 = await readyVersion(t, "main.v.aliased");
    const v3 = await readyVersion(t, "main.v.aliased");
    expect([v1, v2, v3]).toEqual(["1", "2", "3"]);
    const versions: number[] = [];
    for await (const v of t.w.modelVersions.list({ full_name: "main.v.aliased", max_results: 2 })) versions.push(v.version!);
    expect(versions).toEqual([1, 2, 3]);

    const patched = await t.api("PATCH", "/api/2.1/unity-catalog/models/main.v.aliased/versions/2", { comment: "the good one" });
    expect(patched.body.comment).toBe("the good one");

    const alias = await t.w.registeredModels.setAlias({ full_name: "main.v.aliased", alias: "champion", version_num: 2 });
    expect(alias).toMatchObject({ alias_name: "champion", version_num: 2 });
    const byAlias = await t.w.modelVersions.getByAlias({ full_name: "main.v.aliased", alias: "champion" });
    expect(byAlias).toMatchObject({ version: 2, comment: "the good one" });
    const model = await t.w.registeredModels.get({ full_name: "main.v.aliased", include_aliases: true });
    expect(model.aliases).toEqual([expect.objectContaining({ alias_name: "champion", version_num: 2 })]);
    const noVersion = await apiError(t.w.registeredModels.setAlias({ full_name: "main.v.aliased", alias: "x", version_num: 9 }));
    expect(noVersion.statusCode).toBe(404);

    await t.w.modelVersions.delete({ full_name: "main.v.aliased", version: 2 });
    expect((await apiError(t.w.modelVersions.getByAlias({ full_name: "main.v.aliased", alias: "champion" }))).statusCode).toBe(404);
    await t.w.registeredModels.setAlias({ full_name: "main.v.aliased", alias: "champion", version_num: 3 });
    await t.w.registeredModels.deleteAlias({ full_name: "main.v.aliased", alias: "champion" });
    expect((await apiError(t.w.registeredModels.deleteAlias({ full_name: "main.v.aliased", alias: "champion" }))).statusCode).toBe(404);

    // Version numbers are not reused after a delete.
    expect(await readyVersion(t, "main.v.aliased")).toBe("4");
  });

  test("a missing model or version is 404, a bad version number is 400", async () => {
    expect((await apiError(t.w.modelVersions.get({ full_name: "main.v.none", version: 1 }))).statusCode).toBe(404);
    expect((await apiError(t.w.modelVersions.get({ full_name: "main.v.m", version: 99 }))).statusCode).toBe(404);
    const bad = await t.api("GET", "/api/2.1/unity-catalog/models/main.v.m/versions/abc");
    expect([bad.status, bad.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    const noModel = await t.api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: "main.v.none", source: "x" });
    expect(noModel.status).toBe(404);
  });
});
