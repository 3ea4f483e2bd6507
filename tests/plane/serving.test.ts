import { ApiError } from "@databricks/sdk-experimental";
import { apiError, client, readyVersion, sleep, startTestPlane, type TestPlane } from "./harness";

/** Serving endpoints through the official SDK: lifecycle, waiters, validation, settings, permissions. */
let t: TestPlane;
const MODEL = "main.serving.bot";
beforeAll(async () => {
  t = await startTestPlane({ rateLimit: { limit: 0 } });
  await t.w.registeredModels.create({ catalog_name: "main", schema_name: "serving", name: "bot" });
  await readyVersion(t, MODEL); // 1
  await readyVersion(t, MODEL); // 2
});
afterAll(async () => {
  await t.close();
});

describe("lifecycle", () => {
  test("create with config: IN_PROGRESS with pending_config, the SDK waiter reaches READY", async () => {
    const waiter = await t.w.servingEndpoints.create({ name: "life", config: { name: "life", served_entities: [{ entity_name: MODEL, entity_version: "1" }] } });
    const first = waiter;
    expect(first.state).toEqual({ ready: "NOT_READY", config_update: "IN_PROGRESS" });
    expect(first.config).toBeUndefined();
    expect(first.pending_config).toMatchObject({ config_version: 1 });
    expect(first.pending_config!.served_entities![0].state!.deployment).toBe("DEPLOYMENT_CREATING");
    expect(first.id).toMatch(/^[0-9a-f]{32}$/);

    const done = await waiter.wait();
    expect(done.state).toEqual({ ready: "READY", config_update: "NOT_UPDATING" });
    expect(done.pending_config).toBeUndefined();
    const entity = done.config!.served_entities![0];
    // Server-side defaults: the name from the model's last component and version, workload_size, a 100% route.
    expect(entity).toMatchObject({ name: "bot-1", workload_size: "Small", workload_type: "CPU", scale_to_zero_enabled: false });
    expect(entity.state).toMatchObject({ deployment: "DEPLOYMENT_READY" });
    expect(done.config!.traffic_config).toEqual({ routes: [{ served_entity_name: "bot-1", served_model_name: "bot-1", traffic_percentage: 100 }] });
  });

  test("create without config: NOT_READY, NOT_UPDATING; a config update then deploys it", async () => {
    const created = await (await t.w.servingEndpoints.create({ name: "empty" })).wait();
    expect(created.state).toEqual({ ready: "NOT_READY", config_update: "NOT_UPDATING" });
    expect(created.config).toBeUndefined();
    const updated = await (await t.w.servingEndpoints.updateConfig({ name: "empty", served_entities: [{ entity_name: MODEL, entity_version: "2" }] })).wait();
    expect(updated.state!.ready).toBe("READY");
    expect(updated.config!.config_version).toBe(1);
  });

  test("updateConfig: the old config keeps serving while the new one is pending; config_version grows; order is not kept", async () => {
    const before = await t.w.servingEndpoints.get({ name: "life" });
    const waiter = await t.w.servingEndpoints.updateConfig({
      name: "life",
      served_entities: [
        { entity_name: MODEL, entity_version: "1", name: "alpha", workload_size: "Medium" },
        { entity_name: MODEL, entity_version: "2", name: "beta", min_provisioned_concurrency: 4, max_provisioned_concurrency: 8 },
      ],
      traffic_config: {
        routes: [
          { served_entity_name: "alpha", traffic_percentage: 30 },
          { served_entity_name: "beta", traffic_percentage: 70 },
        ],
      },
    });
    expect(waiter.state).toEqual({ ready: "READY", config_update: "IN_PROGRESS" });
    expect(waiter.config!.config_version).toBe(before.config!.config_version);
    expect(waiter.pending_config!.config_version).toBe(2);
    const done = await waiter.wait();
    expect(done.config!.config_version).toBe(2);
    expect(done.config!.served_entities!.map((e) => e.name)).toEqual(["beta", "alpha"]);
    expect(done.config!.served_entities!.find((e) => e.name === "beta")!.workload_size).toBeUndefined();
    expect(done.last_updated_timestamp!).toBeGreaterThan(before.last_updated_timestamp!);
  });

  test("an update while one is in progress is 409 RESOURCE_CONFLICT", async () => {
    await t.w.servingEndpoints.updateConfig({ name: "empty", served_entities: [{ entity_name: MODEL, entity_version: "1" }] });
    const err = await apiError(t.w.servingEndpoints.updateConfig({ name: "empty", served_entities: [{ entity_name: MODEL, entity_version: "2" }] }));
    expect([err.statusCode, err.errorCode]).toEqual([409, "RESOURCE_CONFLICT"]);
    await sleep(300);
    expect((await t.w.servingEndpoints.get({ name: "empty" })).state!.config_update).toBe("NOT_UPDATING");
  });

  test("get, list and delete; a deleted endpoint is 404", async () => {
    await (await t.w.servingEndpoints.create({ name: "doomed" })).wait();
    const names: string[] = [];
    for await (const e of t.w.servingEndpoints.list()) names.push(e.name!);
    expect(names).toEqual(expect.arrayContaining(["life", "doomed", "databricks-meta-llama-3-3-70b-instruct"]));
    const dup = await apiError(t.w.servingEndpoints.create({ name: "doomed" }));
    expect([dup.statusCode, dup.errorCode]).toEqual([409, "RESOURCE_ALREADY_EXISTS"]);
    await t.w.servingEndpoints.delete({ name: "doomed" });
    const gone = await apiError(t.w.servingEndpoints.get({ name: "doomed" }));
    expect([gone.statusCode, gone.errorCode]).toEqual([404, "RESOURCE_DOES_NOT_EXIST"]);
    expect((await apiError(t.w.servingEndpoints.delete({ name: "doomed" }))).statusCode).toBe(404);
  });
});

describe("validation", () => {
  const create = (name: string, config: Record<string, unknown>) => apiError(t.w.servingEndpoints.create({ name, config: { name, ...config } } as never));
  const bad = (e: ApiError, pattern: RegExp) => {
    expect([e.statusCode, e.errorCode]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    expect(e.message).toMatch(pattern);
  };

  test("endpoint names", async () => {
    bad(await apiError(t.w.servingEndpoints.create({ name: "has.dot" })), /Invalid endpoint name/);
    bad(await apiError(t.w.servingEndpoints.create({ name: "x".repeat(64) })), /fewer than 64/);
  });

  test("traffic must add up to 100 and name existing entities; required with several entities", async () => {
    const two = [
      { entity_name: MODEL, entity_version: "1", name: "a" },
      { entity_name: MODEL, entity_version: "2", name: "b" },
    ];
    bad(await create("t1", { served_entities: two }), /traffic_config is required/);
    bad(await create("t2", { served_entities: two, traffic_config: { routes: [{ served_entity_name: "a", traffic_percentage: 50 }, { served_entity_name: "b", traffic_percentage: 40 }] } }), /add up to 100, got 90/);
    bad(await create("t3", { served_entities: two, traffic_config: { routes: [{ served_entity_name: "zzz", traffic_percentage: 100 }] } }), /'zzz' is not a served entity/);
    bad(await create("t4", { served_entities: [...two, { entity_name: MODEL, entity_version: "1", name: "a" }], traffic_config: { routes: [{ served_entity_name: "a", traffic_percentage: 100 }] } }), /used more than once/);
  });

  test("at most 10 entities", async () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ entity_name: MODEL, entity_version: "1", name: `e${i}` }));
    bad(await create("many", { served_entities: many, traffic_config: { routes: [{ served_entity_name: "e0", traffic_percentage: 100 }] } }), /at most 10/);
  });

  test("unknown or non-READY model versions are refused", async () => {
    const e1 = await create("v1", { served_entities: [{ entity_name: "main.serving.nope", entity_version: "1" }] });
    expect([e1.statusCode, e1.errorCode]).toEqual([404, "RESOURCE_DOES_NOT_EXIST"]);
    expect((await create("v2", { served_entities: [{ entity_name: MODEL, entity_version: "42" }] })).statusCode).toBe(404);
    await t.api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: MODEL, source: "/pending" });
    bad(await create("v3", { served_entities: [{ entity_name: MODEL, entity_version: "3" }] }), /PENDING_REGISTRATION; only READY/);
  });

  test("provisioned throughput: chunk multiples, bands vs model units by family", async () => {
    bad(
      await create("pt1", { served_entities: [{ entity_name: "system.ai.llama_v3_3_70b_instruct", entity_version: "3", max_provisioned_throughput: 9000 }] }),
      /not a multiple of the throughput chunk size 1580.*7900 or 9480/,
    );
    bad(await create("pt2", { served_entities: [{ entity_name: "system.ai.llama_v3_3_70b_instruct", entity_version: "3", provisioned_model_units: 10 }] }), /token bands/);
    bad(await create("pt3", { served_entities: [{ entity_name: "system.ai.llama-4-maverick", entity_version: "1", max_provisioned_throughput: 1000 }] }), /model units/);
    bad(await create("pt4", { served_entities: [{ entity_name: MODEL, entity_version: "1", max_provisioned_throughput: 1000 }] }), /not eligible for provisioned throughput/);
    const ok = await (
      await t.w.servingEndpoints.create({
        name: "llama-pt",
        config: { name: "llama-pt", served_entities: [{ entity_name: "system.ai.llama_v3_3_70b_instruct", entity_version: "3", min_provisioned_throughput: 0, max_provisioned_throughput: 9480 }] },
      })
    ).wait();
    const e = ok.config!.served_entities![0];
    expect(e).toMatchObject({ name: "llama_v3_3_70b_instruct-3", max_provisioned_throughput: 9480, foundation_model: { name: "system.ai.llama_v3_3_70b_instruct" } });
    expect(e.workload_size).toBeUndefined();
    expect(ok.task).toBe("llm/v1/chat");
  });

  test("the /pt API: model units only; its config route updates", async () => {
    const waiter = await t.w.servingEndpoints.createProvisionedThroughputEndpoint({
      name: "maverick",
      config: { served_entities: [{ entity_name: "system.ai.llama-4-maverick", entity_version: "1", provisioned_model_units: 50 }] },
      ai_gateway: { usage_tracking_config: { enabled: true } },
    });
    const done = await waiter.wait();
    expect(done.config!.served_entities![0]).toMatchObject({ provisioned_model_units: 50, name: "llama-4-maverick-1" });
    expect(done.ai_gateway).toEqual({ usage_tracking_config: { enabled: true } });
    const updated = await (
      await t.w.servingEndpoints.updateProvisionedThroughputEndpointConfig({
        name: "maverick",
        config: { served_entities: [{ entity_name: "system.ai.llama-4-maverick", entity_version: "1", provisioned_model_units: 100 }] },
      })
    ).wait();
    expect(updated.config!.served_entities![0].provisioned_model_units).toBe(100);
    expect(updated.config!.config_version).toBe(2);
    bad(
      await apiError(
        t.w.servingEndpoints.createProvisionedThroughputEndpoint({
          name: "bands",
          config: { served_entities: [{ entity_name: "system.ai.llama_v3_3_70b_instruct", entity_version: "3", provisioned_model_units: 10 }] },
        }),
      ),
      /token bands/,
    );
  });

  test("external models: secrets never returned, one task, no mixing, no switching, default name", async () => {
    const external = (name: string, key = "sk-secret") => ({
      external_model: { name, provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_key_plaintext: key } },
    });
    const done = await (await t.w.servingEndpoints.create({ name: "ext", config: { name: "ext", served_entities: [external("gpt-4o:mini")] } } as never)).wait();
    const e = done.config!.served_entities![0];
    expect(e.name).toBe("gpt-4o-mini");
    expect(e.external_model!.openai_config).toEqual({});
    expect(JSON.stringify(done)).not.toContain("sk-secret");
    expect(done.task).toBe("llm/v1/chat");

    bad(await create("ext2", { served_entities: [{ external_model: { name: "m", provider: "openai", task: "llm/v1/chat", openai_config: {} } }] }), /OpenAI API key or Microsoft Entra/);
    bad(await create("ext3", { served_entities: [{ external_model: { name: "m", provider: "anthropic", task: "llm/v1/chat", openai_config: { openai_api_key: "{{secrets/a/b}}" } } }] }), /cannot be set for provider 'anthropic'/);
    bad(
      await create("ext4", {
        served_entities: [external("a"), { external_model: { name: "b", provider: "openai", task: "llm/v1/embeddings", openai_config: { openai_api_key: "{{secrets/a/b}}" } } }],
        traffic_config: { routes: [{ served_entity_name: "a", traffic_percentage: 100 }] },
      }),
      /share one task/,
    );
    bad(
      await create("ext5", { served_entities: [external("a"), { entity_name: MODEL, entity_version: "1", name: "c" }], traffic_config: { routes: [{ served_entity_name: "a", traffic_percentage: 100 }] } }),
      /cannot be served together/,
    );
    bad(await apiError(t.w.servingEndpoints.updateConfig({ name: "ext", served_entities: [{ entity_name: MODEL, entity_version: "1" }] })), /cannot switch/);
  });

  test("unknown fields and wrong types", async () => {
    const unknown = await apiError(t.w.servingEndpoints.create({ name: "u1", config: { name: "u1", served_entities: [{ entity_name: MODEL, entity_version: "1", colour: "red" }] } } as never));
    expect([unknown.statusCode, unknown.errorCode]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    expect(unknown.message).toMatch(/colour/);
    const typed = await apiError(t.w.servingEndpoints.create({ name: "u2", route_optimized: "yes" } as never));
    expect([typed.statusCode, typed.errorCode]).toEqual([400, "MALFORMED_REQUEST"]);
  });
});

describe("pay-per-token endpoints", () => {
  const ppt = "databricks-meta-llama-3-3-70b-instruct";
  test("pre-provisioned and READY with a task", async () => {
    const e = await t.w.servingEndpoints.get({ name: ppt });
    expect(e.state).toEqual({ ready: "READY", config_update: "NOT_UPDATING" });
    expect(e.task).toBe("llm/v1/chat");
    expect((await t.w.servingEndpoints.get({ name: "databricks-gte-large-en" })).task).toBe("llm/v1/embeddings");
  });
  test("config cannot be changed or deleted; AI gateway and tags can", async () => {
    const upd = await apiError(t.w.servingEndpoints.updateConfig({ name: ppt, served_entities: [{ entity_name: MODEL, entity_version: "1" }] }));
    expect([upd.statusCode, upd.errorCode]).toEqual([403, "PERMISSION_DENIED"]);
    expect(upd.message).toMatch(/pay-per-token/);
    expect((await apiError(t.w.servingEndpoints.delete({ name: ppt }))).statusCode).toBe(403);
    const gw = await t.w.servingEndpoints.putAiGateway({
      name: ppt,
      usage_tracking_config: { enabled: true },
      rate_limits: [{ calls: 100, key: "user", renewal_period: "minute" }],
      guardrails: { input: { safety: true, pii: { behavior: "BLOCK" } } },
    });
    expect(gw.rate_limits).toEqual([{ calls: 100, key: "user", renewal_period: "minute" }]);
    expect((await t.w.servingEndpoints.get({ name: ppt })).ai_gateway).toEqual(gw);
    const tags = await t.api("PATCH", `/api/2.0/serving-endpoints/${ppt}/tags`, { add_tags: [{ key: "team", value: "ml" }] });
    expect(tags.body).toEqual({ tags: [{ key: "team", value: "ml" }] });
  });
});

describe("settings without deployments", () => {
  beforeAll(async () => {
    await (await t.w.servingEndpoints.create({ name: "settings", config: { name: "settings", served_entities: [{ entity_name: "system.ai.gpt-oss-20b", entity_version: "1", provisioned_model_units: 10 }] } } as never)).wait();
  });

  test("tags: add replaces by key, delete removes; kept in key order", async () => {
    let r = await t.api("PATCH", "/api/2.0/serving-endpoints/settings/tags", { add_tags: [{ key: "z", value: "1" }, { key: "a", value: "2" }] });
    expect(r.body.tags).toEqual([{ key: "a", value: "2" }, { key: "z", value: "1" }]);
    r = await t.api("PATCH", "/api/2.0/serving-endpoints/settings/tags", { add_tags: [{ key: "a", value: "3" }], delete_tags: ["z"] });
    expect(r.body.tags).toEqual([{ key: "a", value: "3" }]);
    expect((await t.w.servingEndpoints.get({ name: "settings" })).tags).toEqual([{ key: "a", value: "3" }]);
    // The JS SDK drops PATCH bodies; the plane treats the empty body as "change nothing", as a no-op.
    expect(await t.w.servingEndpoints.patch({ name: "settings", add_tags: [{ key: "lost" }] })).toEqual({ tags: [{ key: "a", value: "3" }] });
  });

  test("AI gateway: PUT replaces; inference table location cannot change while enabled", async () => {
    const it = { enabled: true, catalog_name: "main", schema_name: "logs", table_name_prefix: "p" };
    await t.w.servingEndpoints.putAiGateway({ name: "settings", inference_table_config: it, usage_tracking_config: { enabled: true } });
    const moved = await apiError(t.w.servingEndpoints.putAiGateway({ name: "settings", inference_table_config: { ...it, schema_name: "other" } }));
    expect(moved.statusCode).toBe(400);
    expect(moved.message).toMatch(/disable it first/);
    await t.w.servingEndpoints.putAiGateway({ name: "settings", inference_table_config: { ...it, enabled: false } });
    const moved2 = await t.w.servingEndpoints.putAiGateway({ name: "settings", inference_table_config: { ...it, schema_name: "other" } });
    expect(moved2).toEqual({ inference_table_config: { ...it, schema_name: "other" } });
    const noCalls = await apiError(t.w.servingEndpoints.putAiGateway({ name: "settings", rate_limits: [{ key: "user", renewal_period: "minute" }] }));
    expect(noCalls.message).toMatch(/set calls, tokens or both/);
  });

  test("notifications and legacy rate limits", async () => {
    const n = await t.api("PATCH", "/api/2.0/serving-endpoints/settings/notifications", { email_notifications: { on_update_failure: ["a@x"] } });
    expect(n.body).toEqual({ name: "settings", email_notifications: { on_update_failure: ["a@x"] } });
    expect((await t.w.servingEndpoints.get({ name: "settings" })).email_notifications).toEqual({ on_update_failure: ["a@x"] });
    const rl = await t.w.servingEndpoints.put({ name: "settings", rate_limits: [{ calls: 10, renewal_period: "minute" }] });
    expect(rl).toEqual({ rate_limits: [{ calls: 10, key: "user", renewal_period: "minute" }] });
  });
});

describe("permissions", () => {
  let userToken: string;
  let userClient: ReturnType<typeof client>;
  let id: string;
  beforeAll(async () => {
    const u = await t.api("POST", "/api/2.0/dbserve/users", { user_name: "alice@example.com" });
    userToken = u.body.token as string;
    userClient = client(t.url, userToken);
    id = (await (await t.w.servingEndpoints.create({ name: "guarded" })).wait()).id!;
  });

  test("ACL by id: creator and admins; PUT replaces, PATCH merges; levels listed", async () => {
    const acl = await t.w.servingEndpoints.getPermissions({ serving_endpoint_id: id });
    expect(acl.object_id).toBe(`/serving-endpoints/${id}`);
    expect(acl.object_type).toBe("serving-endpoint");
    expect(acl.access_control_list).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ user_name: "admin@dbserve.local", all_permissions: [{ permission_level: "CAN_MANAGE", inherited: false }] }),
        expect.objectContaining({ group_name: "admins", all_permissions: [expect.objectContaining({ inherited: true, inherited_from_object: ["/serving-endpoints/"] })] }),
      ]),
    );
    const put = await t.w.servingEndpoints.setPermissions({ serving_endpoint_id: id, access_control_list: [{ user_name: "alice@example.com", permission_level: "CAN_VIEW" }] });
    expect(put.access_control_list!.filter((e) => !e.all_permissions![0].inherited).map((e) => e.user_name)).toEqual(["alice@example.com"]);
    const levels = await t.w.servingEndpoints.getPermissionLevels({ serving_endpoint_id: id });
    expect(levels.permission_levels!.map((l) => l.permission_level)).toEqual(["CAN_MANAGE", "CAN_QUERY", "CAN_VIEW"]);
    const unknownUser = await apiError(t.w.servingEndpoints.setPermissions({ serving_endpoint_id: id, access_control_list: [{ user_name: "bob@nowhere", permission_level: "CAN_VIEW" }] }));
    expect(unknownUser.statusCode).toBe(400);
    expect((await apiError(t.w.servingEndpoints.getPermissions({ serving_endpoint_id: "guarded" }))).statusCode).toBe(404);
  });

  test("a non-admin user: CAN_VIEW reads, CAN_QUERY queries, CAN_MANAGE updates", async () => {
    await t.w.servingEndpoints.setPermissions({ serving_endpoint_id: id, access_control_list: [{ user_name: "alice@example.com", permission_level: "CAN_VIEW" }] });
    const seen = await userClient.servingEndpoints.get({ name: "guarded" });
    expect(seen.permission_level).toBe("CAN_VIEW");
    const denied = await apiError(userClient.servingEndpoints.updateConfig({ name: "guarded", served_entities: [{ entity_name: MODEL, entity_version: "1" }] }));
    expect([denied.statusCode, denied.errorCode]).toEqual([403, "PERMISSION_DENIED"]);
    expect((await apiError(userClient.servingEndpoints.delete({ name: "guarded" }))).statusCode).toBe(403);
    // Endpoints the user cannot view are not listed and cannot be read.
    const listed: string[] = [];
    for await (const e of userClient.servingEndpoints.list()) listed.push(e.name!);
    expect(listed).toContain("guarded");
    expect(listed).not.toContain("life");
    expect((await apiError(userClient.servingEndpoints.get({ name: "life" }))).statusCode).toBe(403);

    await t.w.servingEndpoints.updateConfig({ name: "guarded", served_entities: [{ entity_name: MODEL, entity_version: "1" }] }).then((w) => w.wait());
    const q = await t.api("POST", "/serving-endpoints/guarded/invocations", { messages: [{ role: "user", content: "hi" }] }, { token: userToken });
    expect(q.status).toBe(403);
    await t.api("PATCH", `/api/2.0/permissions/serving-endpoints/${id}`, { access_control_list: [{ user_name: "alice@example.com", permission_level: "CAN_QUERY" }] });
    const q2 = await t.api("POST", "/serving-endpoints/guarded/invocations", { messages: [{ role: "user", content: "hi" }] }, { token: userToken });
    expect(q2.status).toBe(200);
    expect(q2.body.object).toBe("chat.completion");

    await t.api("PATCH", `/api/2.0/permissions/serving-endpoints/${id}`, { access_control_list: [{ user_name: "alice@example.com", permission_level: "CAN_MANAGE" }] });
    const tags = await t.api("PATCH", "/api/2.0/serving-endpoints/guarded/tags", { add_tags: [{ key: "by", value: "alice" }] }, { token: userToken });
    expect(tags.status).toBe(200);
    // Her own endpoint: the creator manages it.
    const mine = await (await userClient.servingEndpoints.create({ name: "alices" })).wait();
    expect(mine.permission_level).toBe("CAN_MANAGE");
    expect(mine.creator).toBe("alice@example.com");
  });

  test("re-creating an endpoint under the same name gets a new id; the old ACL does not follow", async () => {
    await t.w.servingEndpoints.delete({ name: "guarded" });
    const again = await (await t.w.servingEndpoints.create({ name: "guarded" })).wait();
    expect(again.id).not.toBe(id);
    expect((await apiError(t.w.servingEndpoints.getPermissions({ serving_endpoint_id: id }))).statusCode).toBe(404);
    expect((await apiError(userClient.servingEndpoints.get({ name: "guarded" }))).statusCode).toBe(403);
  });

  test("plane admin routes refuse the non-admin token", async () => {
    const r = await t.api("POST", "/api/2.0/dbserve/faults", { kind: "drop" }, { token: userToken });
    expect([r.status, r.body.error_code]).toEqual([403, "PERMISSION_DENIED"]);
    const me = await userClient.currentUser.me();
    expect(me.userName).toBe("alice@example.com");
  });
});

describe("workspace Geo (the plane's own route)", () => {
  test("region, Geo and the cross-Geo setting; the setting gates US-only pay-per-token models", async () => {
    const geo = await t.api("GET", "/api/2.0/dbserve/workspace-geo");
    expect(geo.body).toEqual({ region: "westeurope", geo: "EU Data Boundary", cross_geo_processing: false });
    const q = await t.api("POST", "/serving-endpoints/chat/completions", { model: "databricks-claude-sonnet-4", messages: [{ role: "user", content: "hi" }] });
    expect(q.status).toBe(403);
    expect(String(q.body.message)).toMatch(/cross-Geo/);
    const eu = await t.api("POST", "/serving-endpoints/embeddings", { model: "databricks-gte-large-en", input: ["a", "b"] });
    expect(eu.status).toBe(200);
    expect((eu.body.data as unknown[]).length).toBe(2);
    const set = await t.api("PATCH", "/api/2.0/dbserve/workspace-geo", { cross_geo_processing: true });
    expect(set.body.cross_geo_processing).toBe(true);
    const q2 = await t.api("POST", "/serving-endpoints/chat/completions", { model: "databricks-claude-sonnet-4", messages: [{ role: "user", content: "hi" }] });
    expect(q2.status).toBe(200);
    const badRegion = await t.api("PATCH", "/api/2.0/dbserve/workspace-geo", { region: "westeurop" });
    expect(badRegion.status).toBe(400);
    expect(String(badRegion.body.message)).toMatch(/westeurope/);
  });
});
