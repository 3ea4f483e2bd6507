/**
 * What answers a query: a served entity of the endpoint's active config, classified by what it serves. The traffic
 * split is honoured with a smooth weighted round-robin (the sequence nginx uses), so over any 100 queries an 80/20
 * split sends exactly 80 and 20; fallback candidates follow in decreasing traffic share.
 */
import type * as s from "@databricks/sdk-experimental/dist/apis/serving/model";
import type { DB } from "../store";
import { invalidParameter } from "../errors";
import { payPerTokenSpec } from "../catalog/foundation";
import { mlmodelText, optimizationSpec } from "../catalog/optimization";
import type { FoundationModelFacts } from "../../common/foundation-models";
import type { EndpointRecord } from "../serving/records";
import { KIND_OF_TASK, type QueryKind } from "./formats";

export type Target =
  | { kind: "foundation"; entity: string; facts: FoundationModelFacts; label: string }
  | { kind: "external"; entity: string; model: s.ExternalModel; configVersion: number }
  | { kind: "custom"; entity: string; task?: string; label: string };

export function targetTask(t: Target): string | undefined {
  return t.kind === "foundation" ? t.facts.task : t.kind === "external" ? t.model.task : t.task;
}

/** Request shapes a target takes, its own task first. */
export function accepts(t: Target): QueryKind[] {
  const own = KIND_OF_TASK[targetTask(t) ?? ""];
  if (t.kind === "custom") {
    // MLflow's scoring server takes the tabular formats for any pyfunc model, and chat/completions bodies as its
    // unified LLM input; embeddings only from a model that declares that task.
    const out: QueryKind[] = own ? [own] : [];
    for (const k of ["predictions", "chat", "completions"] as const) if (!out.includes(k)) out.push(k);
    return out;
  }
  return [own ?? "chat"];
}

/**
 * `metadata: task: llm/v1/…` in an MLflow MLmodel file (the convention of MLflow's LLM flavors). Read line by line:
 * the file is a client upload of up to 16 MB, and a multiline pattern starting `^\s+` backtracks quadratically on it.
 */
function declaredTask(mlmodel: string | undefined): string | undefined {
  for (const raw of (mlmodel ?? "").split("\n")) {
    if (raw[0] !== " " && raw[0] !== "\t") continue;
    const m = /^task[ \t]*:[ \t]*["']?(llm\/v1\/(?:chat|completions|embeddings))["']?$/.exec(raw.trim());
    if (m) return m[1];
  }
  return undefined;
}

function entityTarget(db: DB, rec: EndpointRecord, e: s.ServedEntityOutput | s.ServedModelOutput): Target {
  const name = e.name ?? "";
  const configVersion = rec.config?.config_version ?? 0;
  if ("external_model" in e && e.external_model) return { kind: "external", entity: name, model: e.external_model, configVersion };
  const ppt = payPerTokenSpec(rec.name);
  if (ppt && rec.kind === "pay_per_token") return { kind: "foundation", entity: name, facts: ppt.facts, label: ppt.displayName };
  const entityName = "entity_name" in e ? e.entity_name : (e as s.ServedModelOutput).model_name;
  const version = "entity_version" in e ? e.entity_version : (e as s.ServedModelOutput).model_version;
  if (entityName && version && /^\d+$/.test(version)) {
    const fm = optimizationSpec(db, entityName, Number(version));
    if (fm) return { kind: "foundation", entity: name, facts: fm.facts, label: `${entityName} v${version}` };
    return { kind: "custom", entity: name, task: declaredTask(mlmodelText(db, entityName, Number(version))), label: `${entityName} v${version}` };
  }
  return { kind: "custom", entity: name, label: name };
}

function entitiesOf(rec: EndpointRecord): (s.ServedEntityOutput | s.ServedModelOutput)[] {
  return [...(rec.config?.served_entities ?? []), ...(rec.config?.served_models ?? [])];
}

/** Per endpoint id and config version: the smooth weighted round-robin's running weights. */
const wrr = new Map<string, Map<string, number>>();

function routesOf(rec: EndpointRecord): { name: string; pct: number }[] {
  const routes = rec.config?.traffic_config?.routes ?? [];
  return routes.map((r) => ({ name: (r.served_entity_name ?? r.served_model_name)!, pct: r.traffic_percentage ?? 0 }));
}

function pickByTraffic(rec: EndpointRecord): string | undefined {
  const routes = routesOf(rec).filter((r) => r.pct > 0);
  if (routes.length === 0) return entitiesOf(rec)[0]?.name;
  const key = `${rec.id}/${rec.config?.config_version}`;
  let current = wrr.get(key);
  if (!current) {
    for (const k of wrr.keys()) if (k.startsWith(`${rec.id}/`)) wrr.delete(k);
    current = new Map();
    wrr.set(key, current);
  }
  const total = routes.reduce((s, r) => s + r.pct, 0);
  let best: { name: string; w: number } | undefined;
  for (const r of routes) {
    const w = (current.get(r.name) ?? 0) + r.pct;
    current.set(r.name, w);
    if (!best || w > best.w) best = { name: r.name, w };
  }
  current.set(best!.name, best!.w - total);
  return best!.name;
}

/**
 * The entity that serves this query (by traffic, or the one named in `/served-models/{name}/invocations`), then the
 * others in decreasing traffic share as fallback candidates.
 */
export function targetsFor(db: DB, rec: EndpointRecord, forced?: string): Target[] {
  const entities = entitiesOf(rec);
  let first: string | undefined;
  if (forced !== undefined) {
    if (!entities.some((e) => e.name === forced)) {
      throw invalidParameter(`Served entity '${forced}' does not exist on endpoint '${rec.name}'; served entities: ${entities.map((e) => e.name).join(", ")}.`);
    }
    first = forced;
  } else first = pickByTraffic(rec);
  const share = new Map(routesOf(rec).map((r) => [r.name, r.pct]));
  const rest = entities.filter((e) => e.name !== first).sort((a, b) => (share.get(b.name!) ?? 0) - (share.get(a.name!) ?? 0));
  const ordered = [...entities.filter((e) => e.name === first), ...rest];
  return ordered.map((e) => entityTarget(db, rec, e));
}
