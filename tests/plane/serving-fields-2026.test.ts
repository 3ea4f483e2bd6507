/**
 * The serving fields of 2025–2026 on the plane (databricks-sdk-go v0.182 `service/serving`, facts serving-api-2026):
 * telemetry_config and PATCH …/telemetry-config, burst scaling (write-only), the new workload types, instance profile
 * ARNs, provisioned concurrency, and pay-per-token endpoints without an id. Raw HTTP where the JS SDK 0.17 lacks the
 * field; the official SDK where it has it.
 */
import { readyVersion, sleep, startTestPlane, type TestPlane } from "./harness";

let t: TestPlane;
const MODEL = "main.fields.bot";
const EP = "/api/2.0/serving-endpoints";
const entity = (over: Record<string, unknown> = {}) => ({ entity_name: MODEL, entity_version: "1", ...over });

async function ready(name: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const r = await t.api("GET", `${EP}/${name}`);
    if ((r.body.state as { config_update: string }).config_update !== "IN_PROGRESS") return r.body;
    await sleep(50);
  }
  throw new Error(`${name} never settled`);
}

beforeAll(async () => {
  t = await startTestPlane({ deploySeconds: 0.3, rateLimit: { limit: 0 } });
  await t.api("POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "fields", name: "bot" });
  await readyVersion(t, MODEL);
});
afterAll(async () => {
  await t.close();
});

describe("telemetry_config", () => {
  const tables = { logs_table: "main.tel.logs", traces_table: "main.tel.traces" };

  test("created with the endpoint; GET answers the profile and the inference table, never the table names", async () => {
    const r = await t.api("POST", EP, {
      name: "tel-create",
      config: { served_entities: [entity()] },
      telemetry_config: { enabled_telemetry_features: ["TELEMETRY_FEATURE_LOGS", "TELEMETRY_FEATURE_INFERENCE_TABLE"], inference_table_config: { sampling_fraction: 0.5 }, table_names: tables },
    });
    expect(r.status).toBe(200);
    const tc = (await ready("tel-create")).telemetry_config as Record<string, unknown>;
    expect(tc.telemetry_profile_id).toMatch(/^[0-9a-f]{32}$/);
    expect(tc.enabled_telemetry_features).toEqual(["TELEMETRY_FEATURE_LOGS", "TELEMETRY_FEATURE_INFERENCE_TABLE"]);
    expect(tc.inference_table_config).toEqual({ name: "main.tel.tel_create_payload", sampling_fraction: 0.5 });
    expect(tc.table_names).toBeUndefined();
  });

  test("PATCH is refused with 409 while a config update is in progress, and applies once it is NOT_UPDATING", async () => {
    await t.api("POST", EP, { name: "tel-busy", config: { served_entities: [entity()] } });
    const busy = await t.api("PATCH", `${EP}/tel-busy/telemetry-config`, { telemetry_config: { table_names: tables } });
    expect(busy.status).toBe(409);
    expect(busy.body).toMatchObject({ error_code: "RESOURCE_CONFLICT" });
    expect(busy.body.message).toContain("NOT_UPDATING");
    await ready("tel-busy");
    const ok = await t.api("PATCH", `${EP}/tel-busy/telemetry-config`, { telemetry_config: { table_names: tables, enabled_telemetry_features: ["TELEMETRY_FEATURE_METRICS"] } });
    expect(ok.status).toBe(200);
    const tc = ok.body.telemetry_config as Record<string, unknown>;
    // No inference table without its feature (an empty list would mean every signal, the inference table included).
    expect(tc).toEqual({ telemetry_profile_id: expect.any(String), enabled_telemetry_features: ["TELEMETRY_FEATURE_METRICS"] });
    // A profile is reusable by id; a PATCH without telemetry_config removes it.
    const reuse = await t.api("PATCH", `${EP}/tel-busy/telemetry-config`, { telemetry_config: { telemetry_profile_id: tc.telemetry_profile_id } });
    expect((reuse.body.telemetry_config as Record<string, unknown>).telemetry_profile_id).toBe(tc.telemetry_profile_id);
    const removed = await t.api("PATCH", `${EP}/tel-busy/telemetry-config`, {});
    expect(removed.status).toBe(200);
    expect((await t.api("GET", `${EP}/tel-busy`)).body.telemetry_config).toBeUndefined();
  });

  test.each([
    [{ table_names: tables, enabled_telemetry_features: ["LOGS"] }, 400, "enabled_telemetry_features"],
    [{ table_names: tables, enabled_telemetry_features: ["TELEMETRY_FEATURE_LOGS", "TELEMETRY_FEATURE_LOGS"] }, 400, "more than once"],
    [{ table_names: tables, inference_table_config: { sampling_fraction: 1.5 } }, 400, "between 0.0 and 1.0"],
    [{ table_names: tables, enabled_telemetry_features: ["TELEMETRY_FEATURE_LOGS"], inference_table_config: { sampling_fraction: 0.5 } }, 400, "TELEMETRY_FEATURE_INFERENCE_TABLE"],
    [{ table_names: tables, telemetry_profile_id: "p" }, 400, "exactly one"],
    [{}, 400, "exactly one"],
    [{ table_names: {} }, 400, "at least one"],
    [{ table_names: { logs_table: "logs" } }, 400, "<catalog>.<schema>.<table>"],
    [{ telemetry_profile_id: "no-such-profile" }, 404, "does not exist"],
    [{ table_names: tables, colour: "red" }, 400, "colour"],
  ])("refuses %j (%i)", async (config, status, text) => {
    await ready("tel-create");
    const r = await t.api("PATCH", `${EP}/tel-create/telemetry-config`, { telemetry_config: config });
    expect(r.status).toBe(status);
    expect(String(r.body.message)).toContain(text);
    expect(r.body.error_code).toBe(status === 404 ? "RESOURCE_DOES_NOT_EXIST" : "INVALID_PARAMETER_VALUE");
  });

  test("a caller without CAN_MANAGE may not change it", async () => {
    const user = await t.api("POST", "/api/2.0/dbserve/users", { user_name: "viewer@example.com" });
    const r = await t.api("PATCH", `${EP}/tel-create/telemetry-config`, { telemetry_config: { table_names: tables } }, { token: user.body.token as string });
    expect(r.status).toBe(403);
  });
});

describe("served entity fields", () => {
  test("workload types CPU_MEDIUM and CPU_LARGE are served; an unknown one is refused naming the valid ones", async () => {
    for (const type of ["CPU_MEDIUM", "CPU_LARGE"]) {
      const name = `wt-${type.toLowerCase().replace("_", "-")}`;
      expect((await t.api("POST", EP, { name, config: { served_entities: [entity({ workload_type: type })] } })).status).toBe(200);
      const e = ((await ready(name)).config as { served_entities: Record<string, unknown>[] }).served_entities[0];
      expect(e.workload_type).toBe(type);
    }
    const bad = await t.api("POST", EP, { name: "wt-bad", config: { served_entities: [entity({ workload_type: "CPU_HUGE" })] } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("CPU_LARGE");
  });

  test("provisioned concurrency is honoured: kept and returned instead of a workload size; bad ranges are refused", async () => {
    await t.api("POST", EP, { name: "conc", config: { served_entities: [entity({ min_provisioned_concurrency: 4, max_provisioned_concurrency: 8 })] } });
    const e = ((await ready("conc")).config as { served_entities: Record<string, unknown>[] }).served_entities[0];
    expect(e).toMatchObject({ min_provisioned_concurrency: 4, max_provisioned_concurrency: 8 });
    expect(e.workload_size).toBeUndefined();
    for (const [min, max, text] of [[4, 6, "multiple of 4"], [8, 4, "invalid"], [0, 0, "invalid"]] as const) {
      const r = await t.api("PUT", `${EP}/conc/config`, { served_entities: [entity({ min_provisioned_concurrency: min, max_provisioned_concurrency: max })] });
      expect(r.status).toBe(400);
      expect(r.body.message).toContain(text);
    }
    const both = await t.api("PUT", `${EP}/conc/config`, { served_entities: [entity({ workload_size: "Small", max_provisioned_concurrency: 8 })] });
    expect(both.body.message).toContain("not both");
  });

  test("instance_profile_arn is kept and returned; a value that is not an instance profile ARN is refused", async () => {
    const arn = "arn:aws:iam::123456789012:instance-profile/serving";
    await t.api("POST", EP, { name: "arn", config: { served_entities: [entity({ instance_profile_arn: arn })] } });
    expect(((await ready("arn")).config as { served_entities: Record<string, unknown>[] }).served_entities[0].instance_profile_arn).toBe(arn);
    const bad = await t.api("PUT", `${EP}/arn/config`, { served_entities: [entity({ instance_profile_arn: "arn:aws:iam::123:role/x" })] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("instance_profile_arn");
  });

  test("burst_scaling_enabled: accepted on model units (both APIs), never returned; refused elsewhere", async () => {
    const units = { entity_name: "system.ai.gpt-oss-20b", entity_version: "1", provisioned_model_units: 1, burst_scaling_enabled: false };
    expect((await t.api("POST", EP, { name: "burst", config: { served_entities: [units] } })).status).toBe(200);
    const e = ((await ready("burst")).config as { served_entities: Record<string, unknown>[] }).served_entities[0];
    expect(e.provisioned_model_units).toBe(1);
    expect("burst_scaling_enabled" in e).toBe(false);
    expect((await t.api("POST", `${EP}/pt`, { name: "burst-pt", config: { served_entities: [units] } })).status).toBe(200);
    const pt = ((await ready("burst-pt")).config as { served_entities: Record<string, unknown>[] }).served_entities[0];
    expect("burst_scaling_enabled" in pt).toBe(false);
    const custom = await t.api("POST", EP, { name: "burst-bad", config: { served_entities: [entity({ burst_scaling_enabled: true })] } });
    expect(custom.status).toBe(400);
    expect(custom.body.message).toContain("provisioned_model_units");
  });
});

describe("pay-per-token endpoints without an id", () => {
  test("a workspace serving them without ids: no id in GET or the list, so their permissions cannot be addressed", async () => {
    const p = await startTestPlane({ payPerTokenIds: false });
    try {
      const ep = await p.api("GET", `${EP}/databricks-gte-large-en`);
      expect(ep.status).toBe(200);
      expect(ep.body.id).toBeUndefined();
      const list = (await p.api("GET", EP)).body.endpoints as { name: string; id?: string }[];
      expect(list.filter((e) => e.name.startsWith("databricks-")).every((e) => e.id === undefined)).toBe(true);
      // Their gateway can still be changed (by name).
      expect((await p.api("PUT", `${EP}/databricks-gte-large-en/ai-gateway`, { usage_tracking_config: { enabled: true } })).status).toBe(200);
    } finally {
      await p.close();
    }
  });
});
