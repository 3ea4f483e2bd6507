import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { clientFor, connectionSchema } from "../engine/connection";
import type { ResourceKind } from "../engine/kind";
import { compact, jsonEqual } from "../engine/reconcile";
import { ArgsOf, MODULE } from "../engine/types";
import { parseInputs } from "../engine/validate";
import { checkResidency, resolveWorkspaceGeo, workspaceGeoInput } from "../residency";
import { makeProvider } from "../shim";
import { getEndpoint, syncGateway, syncTags } from "../serving/endpoint-ops";
import { normalizeAiGateway, normalizeTags } from "../serving/normalize";
import { progress } from "../serving/remote";
import { aiGatewaySchema, endpointNameSchema, tagsSchema } from "../serving/schemas";
import { ENDPOINTS } from "../serving/wait";
import { aiGatewayFromWire, aiGatewayToWire, tagsFromWire, type WireAiGateway, type WireEndpoint, type WireTag } from "../serving/wire";

export const payPerTokenGatewayInputs = z.strictObject({
  /** The pre-provisioned pay-per-token endpoint, e.g. `databricks-meta-llama-3-3-70b-instruct`. */
  endpoint: endpointNameSchema,
  aiGateway: aiGatewaySchema.optional(),
  /** The endpoint's tags while this resource exists (exactly these). */
  tags: tagsSchema.optional(),
  workspaceGeo: workspaceGeoInput.optional(),
  connection: connectionSchema.optional(),
});
export type PayPerTokenGatewayInputs = z.infer<typeof payPerTokenGatewayInputs>;

export type PayPerTokenGatewayOutputs = PayPerTokenGatewayInputs & {
  endpointId: string;
  task?: string;
  /** The gateway and tags as they were before we managed them: restored on delete. */
  originalAiGateway: WireAiGateway;
  originalTags: WireTag[];
};

const SERVER_FIELDS = ["endpointId", "task", "originalAiGateway", "originalTags"] as const;

function declaredInputs(outs: PayPerTokenGatewayOutputs): PayPerTokenGatewayInputs {
  const copy = { ...outs } as Record<string, unknown>;
  for (const k of SERVER_FIELDS) delete copy[k];
  return copy as PayPerTokenGatewayInputs;
}

/** Our tags are authoritative while we manage the endpoint (no managed-by tag: we did not create it). */
const tagList = (tags: Record<string, string> | undefined): WireTag[] => Object.entries(tags ?? {}).map(([key, value]) => (value === "" ? { key } : { key, value }));

const opts = { timeoutMs: 10 * 60 * 1000, progress };

/** A pay-per-token endpoint is one whose entities are foundation models served by Databricks (no entity_name). */
function isPayPerToken(ep: WireEndpoint): boolean {
  const entities = ep.config?.served_entities ?? [];
  return entities.length > 0 && entities.every((e) => e.foundation_model !== undefined && e.entity_name === undefined);
}

async function payPerTokenNames(client: Awaited<ReturnType<typeof clientFor>>): Promise<string[]> {
  const list = await client.get<{ endpoints?: WireEndpoint[] }>(ENDPOINTS);
  return (list.endpoints ?? []).filter(isPayPerToken).map((e) => e.name as string).sort();
}

async function apply(inputs: PayPerTokenGatewayInputs, ep: WireEndpoint): Promise<WireEndpoint> {
  const client = await clientFor(inputs.connection);
  const name = inputs.endpoint;
  await syncGateway(client, name, aiGatewayToWire(inputs.aiGateway ?? {}), ep, opts);
  await syncTags(client, name, tagList(inputs.tags), ep, opts);
  return (await getEndpoint(client, name)) as WireEndpoint;
}

export const kind: ResourceKind<PayPerTokenGatewayInputs, PayPerTokenGatewayOutputs> = {
  async check(_olds, news) {
    const { value, failures } = parseInputs(payPerTokenGatewayInputs, news);
    if (!value) return { inputs: news as PayPerTokenGatewayInputs, failures };
    const client = await clientFor(value.connection);
    const ep = await getEndpoint(client, value.endpoint);
    if (!ep || !isPayPerToken(ep)) {
      const names = await payPerTokenNames(client);
      const why = ep ? "is not a pay-per-token endpoint (PayPerTokenGateway manages only Databricks' pre-provisioned endpoints; use ServingEndpoint or ProvisionedThroughputEndpoint for your own)" : "does not exist in this workspace";
      return { inputs: value, failures: [{ property: "endpoint", reason: `${JSON.stringify(value.endpoint)} ${why}; pay-per-token endpoints here: ${names.join(", ")}` }] };
    }
    const geo = await resolveWorkspaceGeo(value.workspaceGeo, () => clientFor(value.connection));
    const residency = geo ? checkResidency({ ...geo, model: value.endpoint, mode: "pay-per-token", property: "endpoint" }) : [];
    if (residency.length) return { inputs: value, failures: residency };
    return { inputs: compact({ ...value, aiGateway: normalizeAiGateway(value.aiGateway), tags: normalizeTags(value.tags) }), failures: [] };
  },

  async diff(_id, olds, news) {
    const old = declaredInputs(olds);
    const keys = ["endpoint", "aiGateway", "tags", "connection"] as const;
    const changed = keys.filter((k) => !jsonEqual(old[k], news[k]));
    if (changed.length === 0) return { changes: false };
    return { changes: undefined, replaces: changed.filter((k) => k === "endpoint") };
  },

  async create(inputs) {
    const client = await clientFor(inputs.connection);
    const before = await getEndpoint(client, inputs.endpoint);
    if (!before) throw new Error(`pay-per-token endpoint ${inputs.endpoint} does not exist`);
    const ep = await apply(inputs, before);
    return {
      id: inputs.endpoint,
      outs: compact({ ...inputs, endpointId: ep.id ?? "", task: ep.task, originalAiGateway: before.ai_gateway ?? {}, originalTags: before.tags ?? [] }),
    };
  },

  async read(id, props) {
    const client = await clientFor(props.connection);
    const ep = await getEndpoint(client, id);
    if (!ep) return undefined;
    const inputs: PayPerTokenGatewayInputs = compact({
      ...declaredInputs(props),
      endpoint: id,
      aiGateway: normalizeAiGateway(aiGatewayFromWire(ep.ai_gateway)),
      tags: normalizeTags(tagsFromWire(ep.tags)),
    });
    return { id, props: compact({ ...props, ...inputs, endpointId: ep.id ?? props.endpointId, task: ep.task }), inputs };
  },

  async update(id, olds, news) {
    const client = await clientFor(news.connection);
    const current = await getEndpoint(client, id);
    if (!current) throw new Error(`pay-per-token endpoint ${id} no longer exists`);
    const ep = await apply(news, current);
    return { outs: compact({ ...news, endpointId: ep.id ?? olds.endpointId, task: ep.task, originalAiGateway: olds.originalAiGateway, originalTags: olds.originalTags }) };
  },

  async delete(id, props) {
    // Never deletes the endpoint (Databricks owns it): puts its gateway and tags back as they were before us.
    const client = await clientFor(props.connection);
    const ep = await getEndpoint(client, id);
    if (!ep) return;
    await syncGateway(client, id, props.originalAiGateway ?? {}, ep, opts);
    await syncTags(client, id, props.originalTags ?? [], ep, opts);
  },
};

const provider = makeProvider("PayPerTokenGateway");

export type PayPerTokenGatewayArgs = ArgsOf<PayPerTokenGatewayInputs>;

/**
 * The AI gateway (rate limits, usage tracking, inference tables, guardrails) and tags of a Databricks
 * pay-per-token endpoint. It never creates or deletes the endpoint; deleting the resource restores the gateway
 * and tags the endpoint had before.
 */
export class PayPerTokenGateway extends pulumi.dynamic.Resource {
  declare readonly endpoint: pulumi.Output<string>;
  declare readonly endpointId: pulumi.Output<string>;
  declare readonly task: pulumi.Output<string | undefined>;
  declare readonly aiGateway: pulumi.Output<z.infer<typeof aiGatewaySchema> | undefined>;

  constructor(name: string, args: PayPerTokenGatewayArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, endpointId: undefined, task: undefined, originalAiGateway: undefined, originalTags: undefined }, opts, MODULE, "PayPerTokenGateway");
  }
}
