import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { clientFor, connectionSchema } from "../engine/connection";
import type { ResourceKind } from "../engine/kind";
import { compact } from "../engine/reconcile";
import { localOnly, replaces, stable, updates } from "../engine/fields";
import { adoptInput, leftInPlace, managedByInput, mayAdopt, ownerId } from "../engine/ownership";
import { declaredOf, type KindSpec } from "../engine/plan";
import type { ArgsOf } from "../engine/types";
import { parseInputs } from "../engine/validate";
import { checkResidency, resolveWorkspaceGeo, workspaceGeoInput } from "../residency";
import { DynamicResource } from "../dynamic-resource";
import { getEndpoint, syncGateway, syncTags } from "../serving/endpoint-ops";
import { endpointOwnership, tagsToWire } from "../serving/wire";
import { normalizeAiGateway, normalizeTags } from "../serving/normalize";
import { progress } from "../serving/remote";
import { aiGatewaySchema, endpointNameSchema, tagsSchema } from "../serving/schemas";
import { ENDPOINTS } from "../serving/wait";
import { aiGatewayFromWire, aiGatewayToWire, tagsFromWire, type WireAiGateway, type WireEndpoint, type WireTag } from "../serving/wire";
import { RESERVED_TAGS } from "../engine/ownership";

export const payPerTokenGatewayInputs = z.strictObject({
  /** The pre-provisioned pay-per-token endpoint, e.g. `databricks-meta-llama-3-3-70b-instruct`. */
  endpoint: replaces(endpointNameSchema, "another endpoint's gateway (the first one's is restored)"),
  aiGateway: updates(aiGatewaySchema.optional(), "PUT ai-gateway"),
  /** The endpoint's tags while this resource exists (exactly these). */
  tags: updates(tagsSchema.optional(), "PATCH tags"),
  workspaceGeo: localOnly(workspaceGeoInput.optional(), "only feeds the residency check at preview"),
  /** Take over the gateway of an endpoint another stack's PayPerTokenGateway manages. */
  adopt: adoptInput,
  managedBy: managedByInput,
  connection: localOnly(connectionSchema.optional(), "which workspace to reach (the workspace guard refuses another one)"),
});
export type PayPerTokenGatewayInputs = z.infer<typeof payPerTokenGatewayInputs>;

export type PayPerTokenGatewayOutputs = PayPerTokenGatewayInputs & {
  endpointId: string;
  task?: string;
  /** The gateway and tags as they were before we managed them: restored on delete. */
  originalAiGateway: WireAiGateway;
  originalTags: WireTag[];
};

const spec: KindSpec = {
  inputs: payPerTokenGatewayInputs,
  outputs: { endpointId: stable, task: stable, originalAiGateway: stable, originalTags: stable },
};

const declaredInputs = (outs: PayPerTokenGatewayOutputs) => declaredOf(spec, outs) as PayPerTokenGatewayInputs;

/** The endpoint's tags as they were, without any owner marker (restored on delete). */
const withoutMarkers = (tags: WireTag[] | undefined): WireTag[] => (tags ?? []).filter((t) => !(RESERVED_TAGS as readonly string[]).includes(t.key));

const describeGateway = (endpoint: string) => `the AI gateway of pay-per-token endpoint ${endpoint}`;

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
  const withGateway = await syncGateway(client, name, aiGatewayToWire(inputs.aiGateway ?? {}), ep, opts);
  // Our tags are authoritative while we manage the endpoint, with the owner marker so no other stack takes it silently.
  // The writes answer with what the endpoint now holds: no read after them.
  return syncTags(client, name, tagsToWire(inputs.tags, inputs.managedBy), withGateway, opts);
}

export const kind: ResourceKind<PayPerTokenGatewayInputs, PayPerTokenGatewayOutputs> = {
  spec,

  async check(olds, news) {
    const { value, failures } = parseInputs(payPerTokenGatewayInputs, news);
    if (!value) return { inputs: news as PayPerTokenGatewayInputs, failures };
    const normalized = compact({ ...value, aiGateway: normalizeAiGateway(value.aiGateway), tags: normalizeTags(value.tags) });
    // The endpoint, its Geo and its owner were checked when it was declared: an unchanged endpoint costs no call.
    if (olds && (olds as PayPerTokenGatewayInputs).endpoint === value.endpoint) return { inputs: normalized, failures: [] };
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
    const ownership = endpointOwnership(ep, value.managedBy);
    if (ownership.state === "foreign" && value.adopt !== true) {
      try {
        mayAdopt(describeGateway(value.endpoint), ownership, value.adopt, "remove the other stack's PayPerTokenGateway first");
      } catch (err) {
        return { inputs: value, failures: [{ property: "endpoint", reason: (err as Error).message }] };
      }
    }
    return { inputs: normalized, failures: [] };
  },

  async create(inputs) {
    const client = await clientFor(inputs.connection);
    const before = await getEndpoint(client, inputs.endpoint);
    if (!before) throw new Error(`pay-per-token endpoint ${inputs.endpoint} does not exist`);
    // Databricks owns the endpoint; its gateway is ours to manage unless another stack's resource already does.
    const ownership = endpointOwnership(before, inputs.managedBy);
    if (ownership.state === "foreign") mayAdopt(describeGateway(inputs.endpoint), ownership, inputs.adopt, "remove the other stack's PayPerTokenGateway first");
    const ep = await apply(inputs, before);
    return {
      id: inputs.endpoint,
      outs: compact({ ...inputs, endpointId: ep.id ?? "", task: ep.task, originalAiGateway: before.ai_gateway ?? {}, originalTags: withoutMarkers(before.tags) }),
    };
  },

  async locate(inputs) {
    const ep = await getEndpoint(await clientFor(inputs.connection), inputs.endpoint);
    // The state before we managed it is only known from the create: left unknown here, never guessed.
    return ep ? { endpointId: ep.id ?? "", task: ep.task } : undefined;
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
    const ownership = endpointOwnership(current, olds.managedBy);
    if (ownership.state === "foreign" && ownership.owner !== news.managedBy) mayAdopt(describeGateway(id), ownership, news.adopt, "remove it from this stack");
    const ep = await apply(news, current);
    return { outs: compact({ ...news, endpointId: ep.id ?? olds.endpointId, task: ep.task, originalAiGateway: olds.originalAiGateway, originalTags: olds.originalTags }) };
  },

  async delete(id, props) {
    // Never deletes the endpoint (Databricks owns it): puts its gateway and tags back as they were before us.
    const client = await clientFor(props.connection);
    const ep = await getEndpoint(client, id);
    if (!ep) return;
    const ownership = endpointOwnership(ep, props.managedBy);
    if (ownership.state === "foreign") {
      progress(leftInPlace(describeGateway(id), ownership.owner));
      return;
    }
    await syncGateway(client, id, props.originalAiGateway ?? {}, ep, opts);
    await syncTags(client, id, withoutMarkers(props.originalTags), ep, opts);
  },
};

export type PayPerTokenGatewayArgs = Omit<ArgsOf<PayPerTokenGatewayInputs>, "managedBy">;

/**
 * The AI gateway (rate limits, usage tracking, inference tables, guardrails) and tags of a Databricks
 * pay-per-token endpoint. It never creates or deletes the endpoint; deleting the resource restores the gateway
 * and tags the endpoint had before.
 */
export class PayPerTokenGateway extends DynamicResource {
  declare readonly endpoint: pulumi.Output<string>;
  declare readonly endpointId: pulumi.Output<string>;
  declare readonly task: pulumi.Output<string | undefined>;
  declare readonly aiGateway: pulumi.Output<z.infer<typeof aiGatewaySchema> | undefined>;

  constructor(name: string, args: PayPerTokenGatewayArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "PayPerTokenGateway",
      spec,
      name,
      { ...args, managedBy: ownerId(pulumi.getProject(), pulumi.getStack(), "PayPerTokenGateway", name) },
      opts,
    );
  }
}
