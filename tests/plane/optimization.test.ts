/** Provisioned-throughput eligibility of custom (fine-tuned) models, read from the MLmodel uploaded with the version. */
import { baseModelOf } from "../../plane/catalog/optimization";
import { readyVersion, startTestPlane, TestPlane } from "./harness";

const fineTune = (base: string) =>
  `artifact_path: model\nflavors:\n  transformers:\n    task: text-generation\n    source_model_name: ${base}\n    framework: pt\nmetadata:\n  task: llm/v1/chat\n`;

describe("get-model-optimization-info for custom models", () => {
  let t: TestPlane;
  beforeAll(async () => {
    t = await startTestPlane();
    await t.api("POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "ft", name: "support_bot" });
    await t.api("POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "ft", name: "sklearn_model" });
  });
  afterAll(() => t.close());

  it("reads the base model from the MLmodel file", () => {
    expect(baseModelOf(fineTune("meta-llama/Llama-3.3-70B-Instruct"))).toBe("meta-llama/Llama-3.3-70B-Instruct");
    expect(baseModelOf("metadata:\n  base_model: 'mistralai/Mixtral-8x7B-Instruct-v0.1'\n")).toBe("mistralai/Mixtral-8x7B-Instruct-v0.1");
    expect(baseModelOf("flavors:\n  sklearn: {}\n")).toBeUndefined();
  });

  it("sizes a Llama 3.3 70B fine-tune like its base, and serves it in token bands", async () => {
    const v = await readyVersion(t, "main.ft.support_bot", "/local/model", fineTune("meta-llama/Llama-3.3-70B-Instruct"));
    const info = await t.api("GET", `/api/2.0/serving-endpoints/get-model-optimization-info/main.ft.support_bot/${v}`);
    expect(info.body).toEqual({ optimizable: true, model_type: "llama", throughput_chunk_size: 1580 });

    const bad = await t.api("POST", "/api/2.0/serving-endpoints", {
      name: "ft-bad",
      config: { served_entities: [{ entity_name: "main.ft.support_bot", entity_version: v, min_provisioned_throughput: 0, max_provisioned_throughput: 2000 }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/not a multiple of the throughput chunk size 1580.*1580 or 3160/);

    const ok = await t.api("POST", "/api/2.0/serving-endpoints", {
      name: "ft-ok",
      config: { served_entities: [{ entity_name: "main.ft.support_bot", entity_version: v, min_provisioned_throughput: 0, max_provisioned_throughput: 3160 }] },
    });
    expect(ok.status).toBe(200);
  });

  it("reports models of other architectures as not optimizable", async () => {
    const v = await readyVersion(t, "main.ft.sklearn_model");
    const info = await t.api("GET", `/api/2.0/serving-endpoints/get-model-optimization-info/main.ft.sklearn_model/${v}`);
    expect(info.body).toEqual({ optimizable: false });
  });
});
