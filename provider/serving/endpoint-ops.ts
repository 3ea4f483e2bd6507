/**
 * Create / adopt / converge / delete of a serving endpoint, shared by ServingEndpoint and
 * ProvisionedThroughputEndpoint. The server is the source of truth: updates compare the desired wire state with
 * what the server holds now, so an interrupted or failed run converges when run again.
 */
import type { serving } from "@databricks/sdk-experimental";
import type { ApiClient } from "../client/http";
import { DatabricksApiError } from "../client/errors";
import { compact, jsonEqual } from "../engine/reconcile";
import { normalizeAiGateway } from "./normalize";
import { DeploymentFailed, ENDPOINTS, endpointPath, waitForEndpoint, waitForUpdateToEnd } from "./wait";
import { leftInPlace, mayAdopt } from "../engine/ownership";
import {
  aiGatewayFromWire,
  comparableTelemetry,
  endpointOwnership,
  tagsToWire,
  WRITE_ONLY_ENTITY_FIELDS,
  type WireEndpointWithTelemetry,
  type WireTelemetry,
  type WireAiGateway,
  type WireAutoCapture,
  type WireEmailNotifications,
  type WireEndpoint,
  type WireServedEntity,
  type WireTag,
  type WireTraffic,
} from "./wire";

/** Which API family configures the endpoint: the regular routes, or the provisioned-throughput `/pt` routes. */
export type ConfigRoute = "regular" | "pt";

export interface DesiredEndpoint {
  name: string;
  route: ConfigRoute;
  servedEntities: WireServedEntity[];
  traffic?: WireTraffic;
  autoCapture?: WireAutoCapture;
  /** The gateway as declared (wire form); an empty object means "no gateway features on". */
  aiGateway: WireAiGateway;
  /** User tags (the owner marker tags are added on the wire). */
  tags?: Record<string, string>;
  /** The owner marker (engine/ownership.ts): `<project>/<stack>/<Kind>/<logical name>`. */
  managedBy?: string;
  description?: string;
  budgetPolicyId?: string;
  routeOptimized?: boolean;
  emailNotifications?: WireEmailNotifications;
  /**
   * Telemetry export (`PATCH …/telemetry-config`), for kinds that manage it (`manageTelemetry`); undefined then means
   * "none": a config found on the server is removed.
   */
  telemetry?: WireTelemetry;
  manageTelemetry?: boolean;
}

export interface OpOptions {
  timeoutMs: number;
  progress?: (message: string) => void;
  /** Poll pacing of the waits (defaults suit real workspaces and the plane alike). */
  initialMs?: number;
  maxMs?: number;
}

const isConflict = (err: unknown, codes: string[]) => err instanceof DatabricksApiError && err.status === 409 && codes.includes(err.errorCode);

function configBody(d: DesiredEndpoint): Record<string, unknown> {
  if (d.route === "pt") {
    // The /pt API takes only entity, version, name, model units and burst scaling per entity (SDK `PtServedModel`).
    const entities = d.servedEntities.map((e) =>
      compact({ entity_name: e.entity_name, entity_version: e.entity_version, name: e.name, provisioned_model_units: e.provisioned_model_units, burst_scaling_enabled: e.burst_scaling_enabled }),
    );
    return compact({ served_entities: entities, traffic_config: d.traffic });
  }
  return compact({ served_entities: d.servedEntities, traffic_config: d.traffic, auto_capture_config: d.autoCapture });
}

function createBody(d: DesiredEndpoint): Record<string, unknown> {
  const gateway = normalizeAiGateway(aiGatewayFromWire(d.aiGateway)) ? d.aiGateway : undefined;
  return compact({
    name: d.name,
    config: configBody(d),
    ai_gateway: gateway,
    tags: tagsToWire(d.tags, d.managedBy),
    description: d.route === "pt" ? undefined : d.description,
    budget_policy_id: d.budgetPolicyId,
    route_optimized: d.route === "pt" ? undefined : d.routeOptimized,
    email_notifications: d.emailNotifications,
    // The /pt create has no telemetry_config (SDK `CreatePtEndpointRequest`).
    telemetry_config: d.route === "pt" ? undefined : d.telemetry,
  });
}

/** Drops every `*_plaintext` field: the server never returns them, so they cannot be compared. */
function withoutPlaintext(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPlaintext);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !k.endsWith("_plaintext")).map(([k, v]) => [k, withoutPlaintext(v)]));
  }
  return value;
}

/**
 * Whether the server's active config differs from the desired one, looking only at fields we send (server-side
 * defaults such as a filled-in workload size are not differences) and ignoring entity and route order.
 */
export function configDiffers(d: DesiredEndpoint, active: serving.EndpointCoreConfigOutput | undefined): boolean {
  const server = active?.served_entities ?? [];
  if (server.length !== d.servedEntities.length) return true;
  for (const want of d.servedEntities) {
    const have = server.find((s) => s.name === want.name) as Record<string, unknown> | undefined;
    if (!have) return true;
    for (const [k, v] of Object.entries(want)) {
      if (d.route === "pt" && !["entity_name", "entity_version", "name", "provisioned_model_units"].includes(k)) continue;
      // Never returned by the server: a change is sent because the declaration changed (forceConfig), not found here.
      if ((WRITE_ONLY_ENTITY_FIELDS as readonly string[]).includes(k)) continue;
      if (!jsonEqual(withoutPlaintext(v), withoutPlaintext(have[k]))) return true;
    }
  }
  const routes = (t: WireTraffic | undefined) =>
    (t?.routes ?? []).map((r) => ({ n: r.served_entity_name ?? r.served_model_name, p: r.traffic_percentage })).sort((a, b) => String(a.n).localeCompare(String(b.n)));
  if (d.traffic && !jsonEqual(routes(d.traffic), routes(active?.traffic_config))) return true;
  if (d.autoCapture) {
    const a = active?.auto_capture_config;
    const have = compact({ enabled: a?.enabled ?? false, catalog_name: a?.catalog_name, schema_name: a?.schema_name, table_name_prefix: a?.table_name_prefix });
    if (!jsonEqual(compact({ ...d.autoCapture, enabled: d.autoCapture.enabled ?? false }), have)) return true;
  }
  return false;
}

/** Retries an operation rejected with 409 RESOURCE_CONFLICT (an update in progress) after that update ends. */
async function afterConflicts<T>(client: ApiClient, name: string, opts: OpOptions, op: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (!isConflict(err, ["RESOURCE_CONFLICT", "ABORTED"]) || attempt >= 5) throw err;
      opts.progress?.(`serving endpoint ${name}: another update is in progress, waiting for it to finish before retrying`);
      await waitForUpdateToEnd(client, name, opts);
    }
  }
}

async function putConfig(client: ApiClient, d: DesiredEndpoint, opts: OpOptions): Promise<void> {
  await afterConflicts(client, d.name, opts, () =>
    d.route === "pt"
      ? client.put(`${ENDPOINTS}/pt/${encodeURIComponent(d.name)}/config`, { config: configBody(d) })
      : client.put(`${endpointPath(d.name)}/config`, configBody(d)),
  );
}

const describeEndpoint = (name: string) => `serving endpoint ${name}`;

/**
 * Creates the endpoint and waits until it is READY. An endpoint of the same name whose owner marker names this
 * resource (an interrupted run, a lost answer, a retried POST) is taken over and converged; one owned by another
 * stack, or by no one, only with `adopt: true` (engine/ownership.ts).
 * Throws DeploymentFailed (with the server's message) after the endpoint exists, so callers keep it in state.
 */
export async function createOrAdopt(client: ApiClient, d: DesiredEndpoint, adopt: boolean, opts: OpOptions): Promise<{ endpoint: WireEndpoint; adopted: boolean }> {
  try {
    await client.post<WireEndpoint>(d.route === "pt" ? `${ENDPOINTS}/pt` : ENDPOINTS, createBody(d));
  } catch (err) {
    if (!isConflict(err, ["RESOURCE_ALREADY_EXISTS", "ALREADY_EXISTS"])) throw err;
    const existing = await client.get<WireEndpoint>(endpointPath(d.name));
    const ownership = endpointOwnership(existing, d.managedBy);
    mayAdopt(describeEndpoint(d.name), ownership, adopt, "choose another `name`");
    opts.progress?.(`${describeEndpoint(d.name)} already exists (${ownership.state === "ours" ? "created by this resource earlier" : "adopt: true"}): adopting it`);
    return { endpoint: await converge(client, d, existing, { ...opts, forceConfig: false }), adopted: true };
  }
  return { endpoint: await waitForEndpoint(client, d.name, { ...opts, ready: true }), adopted: false };
}

/**
 * Before an update: an endpoint whose marker names another resource (someone took it over with `adopt: true`) is not
 * ours to change, unless this declaration adopts it back.
 */
export function assertOwnedForUpdate(ep: WireEndpoint, olds: { managedBy?: string }, news: { managedBy?: string; adopt?: boolean }): void {
  const ownership = endpointOwnership(ep, olds.managedBy);
  if (ownership.state === "foreign" && ownership.owner !== news.managedBy) mayAdopt(describeEndpoint(ep.name ?? ""), ownership, news.adopt, "remove it from this stack");
}

/** At preview, for a create: an existing endpoint of this name that this resource may not take over. */
export async function adoptionFailure(client: ApiClient, name: string, managedBy: string | undefined, adopt: boolean | undefined): Promise<string | undefined> {
  if (adopt === true) return undefined;
  const existing = await getEndpoint(client, name).catch(() => undefined);
  if (!existing) return undefined;
  try {
    mayAdopt(describeEndpoint(name), endpointOwnership(existing, managedBy), adopt, "choose another `name`");
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Brings an existing endpoint to the desired state, one call at a time as the official tools do: config (one PUT,
 * then wait), AI gateway, tags, notifications. `forceConfig` sends the config even when the server's copy looks
 * equal (a write-only secret changed). Returns the endpoint as the server now holds it without reading it again: the
 * last read (the caller's, or the wait's last poll after a config change) with each later write's answer applied
 * (the settings routes answer with what they now hold); only `last_updated_timestamp` keeps the read's value.
 */
export async function converge(client: ApiClient, d: DesiredEndpoint, current: WireEndpoint, opts: OpOptions & { forceConfig: boolean; forceTelemetry?: boolean }): Promise<WireEndpoint> {
  let ep = current;
  if (ep.state?.config_update === "IN_PROGRESS") ep = await waitForUpdateToEnd(client, d.name, opts);
  // A create whose deployment failed leaves a config that never became ready: send it again.
  const failedNeverReady = ep.state?.config_update === "UPDATE_FAILED" && ep.state?.ready !== "READY";
  if (opts.forceConfig || failedNeverReady || configDiffers(d, ep.config)) {
    await putConfig(client, d, opts);
    ep = await waitForEndpoint(client, d.name, { ...opts, ready: true });
  }
  ep = await syncGateway(client, d.name, d.aiGateway, ep, opts);
  ep = await syncTags(client, d.name, tagsToWire(d.tags, d.managedBy), ep, opts);
  const notifications = (e: WireEmailNotifications | undefined) => ({ f: e?.on_update_failure ?? [], s: e?.on_update_success ?? [] });
  if (d.emailNotifications !== undefined || (ep.email_notifications && (ep.email_notifications.on_update_failure?.length || ep.email_notifications.on_update_success?.length))) {
    if (!jsonEqual(notifications(d.emailNotifications), notifications(ep.email_notifications))) {
      const answer = await client.patch<{ email_notifications?: WireEmailNotifications }>(`${endpointPath(d.name)}/notifications`, {
        email_notifications: d.emailNotifications ?? { on_update_failure: [], on_update_success: [] },
      });
      ep = { ...ep, email_notifications: answer.email_notifications };
    }
  }
  if (d.manageTelemetry) ep = await syncTelemetry(client, d, ep, opts, opts.forceTelemetry ?? false);
  return ep;
}

/**
 * PATCHes the telemetry config when it differs from the server's (or `force`: table names are write-only, so a new
 * declaration of them is sent whatever the server shows). The service refuses the PATCH while a config update is in
 * progress, so like Databricks' bundles we wait for NOT_UPDATING first (and again on a 409 from a racing update).
 * Returns the endpoint as the PATCH answered it (the whole endpoint), or `ep` when nothing was sent.
 */
export async function syncTelemetry(client: ApiClient, d: DesiredEndpoint, ep: WireEndpoint, opts: OpOptions, force: boolean): Promise<WireEndpoint> {
  const have = (ep as WireEndpointWithTelemetry).telemetry_config;
  const withProfile = d.telemetry?.telemetry_profile_id !== undefined;
  if (!force && jsonEqual(comparableTelemetry(have, withProfile), comparableTelemetry(d.telemetry, withProfile))) return ep;
  if (d.telemetry === undefined && have === undefined) return ep;
  if (ep.state?.config_update === "IN_PROGRESS") {
    opts.progress?.(`serving endpoint ${d.name}: waiting for the config update to finish before changing telemetry (the service refuses it mid-update)`);
    ep = await waitForUpdateToEnd(client, d.name, opts);
  }
  // No telemetry_config in the body removes the endpoint's telemetry (SDK `PatchTelemetryConfigRequest`).
  const answer = await afterConflicts(client, d.name, opts, () => client.patch<WireEndpoint>(`${endpointPath(d.name)}/telemetry-config`, compact({ telemetry_config: d.telemetry })));
  return answer && typeof answer === "object" && "name" in answer ? answer : ep;
  return ep;
}

/**
 * PUTs the AI gateway when its canonical form differs from the server's (that PUT replaces the whole gateway).
 * Returns the endpoint with the gateway the server answered.
 */
export async function syncGateway(client: ApiClient, name: string, want: WireAiGateway, ep: WireEndpoint, opts: OpOptions): Promise<WireEndpoint> {
  if (jsonEqual(normalizeAiGateway(aiGatewayFromWire(ep.ai_gateway)), normalizeAiGateway(aiGatewayFromWire(want)))) return ep;
  const answer = await afterConflicts(client, name, opts, () => client.put<WireAiGateway>(`${endpointPath(name)}/ai-gateway`, want));
  return { ...ep, ai_gateway: answer && Object.keys(answer).length > 0 ? answer : undefined };
}

/** One PATCH that makes the endpoint's tags exactly `want`, or none when they already are. Returns the endpoint with the tags the server answered. */
export async function syncTags(client: ApiClient, name: string, want: WireTag[], ep: WireEndpoint, opts: OpOptions): Promise<WireEndpoint> {
  const have = ep.tags ?? [];
  const add = want.filter((t) => !have.some((h) => h.key === t.key && (h.value ?? "") === (t.value ?? "")));
  const remove = have.filter((h) => !want.some((t) => t.key === h.key)).map((h) => h.key);
  if (!add.length && !remove.length) return ep;
  const answer = await afterConflicts(client, name, opts, () =>
    client.patch<{ tags?: WireTag[] }>(`${endpointPath(name)}/tags`, compact({ add_tags: add.length ? add : undefined, delete_tags: remove.length ? remove : undefined })),
  );
  return { ...ep, tags: answer.tags };
}

/**
 * Deletes the endpoint; one that is already gone is the outcome delete wants. One whose owner marker names another
 * resource (it was adopted away) is left in place.
 */
export async function deleteEndpoint(client: ApiClient, name: string, managedBy: string | undefined, opts: OpOptions): Promise<void> {
  const current = await getEndpoint(client, name);
  if (!current) return;
  const ownership = endpointOwnership(current, managedBy);
  if (ownership.state === "foreign") {
    opts.progress?.(leftInPlace(describeEndpoint(name), ownership.owner));
    return;
  }
  try {
    await afterConflicts(client, name, opts, () => client.delete(endpointPath(name)));
  } catch (err) {
    if (!(err instanceof DatabricksApiError && err.isNotFound)) throw err;
  }
}

export async function getEndpoint(client: ApiClient, name: string): Promise<WireEndpoint | undefined> {
  try {
    return await client.get<WireEndpoint>(endpointPath(name));
  } catch (err) {
    if (err instanceof DatabricksApiError && err.isNotFound) return undefined;
    throw err;
  }
}

export { DeploymentFailed };
