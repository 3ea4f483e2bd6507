/** Shared set-up of the query suites: endpoints of every kind on an in-process plane, and client factories. */
import OpenAI from "openai";
import { createDatabricksProvider } from "@databricks/ai-sdk-provider";
import { readyVersion, sleep, type TestPlane } from "../plane/harness";

export const PPT_CHAT = "databricks-meta-llama-3-3-70b-instruct";
export const PPT_EMBED = "databricks-gte-large-en";
export const CHAT_MLMODEL = "flavors:\n  python_function: {}\nmetadata:\n  task: llm/v1/chat\n";

export function openai(t: { url: string; token: string }, token = t.token): OpenAI {
  return new OpenAI({ apiKey: token, baseURL: `${t.url}/serving-endpoints`, maxRetries: 0 });
}

export function databricksAi(t: { url: string; token: string }) {
  return createDatabricksProvider({ baseURL: `${t.url}/serving-endpoints`, headers: { Authorization: `Bearer ${t.token}` } });
}

export async function waitReady(t: TestPlane, name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await t.api("GET", `/api/2.0/serving-endpoints/${name}`);
    const state = r.body.state as { ready?: string; config_update?: string } | undefined;
    if (state?.ready === "READY" && state.config_update === "NOT_UPDATING") return;
    if (state?.config_update === "UPDATE_FAILED") throw new Error(`${name} failed: ${JSON.stringify(r.body)}`);
    await sleep(50);
  }
  throw new Error(`${name} did not become ready`);
}

export async function createEndpoint(t: TestPlane, body: Record<string, unknown>): Promise<void> {
  const r = await t.api("POST", "/api/2.0/serving-endpoints", body);
  if (r.status !== 200) throw new Error(`create ${String(body.name)}: ${r.status} ${JSON.stringify(r.body)}`);
  await waitReady(t, String(body.name));
}

export async function createPt(t: TestPlane, name: string): Promise<void> {
  await createEndpoint(t, { name, config: { served_entities: [{ entity_name: "system.ai.llama_v3_3_70b_instruct", entity_version: "3", max_provisioned_throughput: 1580 }] } });
}

/** A custom pyfunc model endpoint (predictions) and, with `chat`, an MLflow chat model. */
export async function createCustom(t: TestPlane, name: string, model: string, chat = false): Promise<void> {
  const [catalog_name, schema_name, short] = model.split(".");
  await t.api("POST", "/api/2.1/unity-catalog/models", { catalog_name, schema_name, name: short });
  await readyVersion(t, model, "/local/model", chat ? CHAT_MLMODEL : undefined);
  await createEndpoint(t, { name, config: { served_entities: [{ entity_name: model, entity_version: "1", workload_size: "Small", scale_to_zero_enabled: true }] } });
}

export function externalEntity(name: string, base: string, key: string, task = "llm/v1/chat") {
  return { name, external_model: { name: `${name}-model`, provider: "openai", task, openai_config: { openai_api_key_plaintext: key, openai_api_base: base } } };
}
