import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { clientFor, connectionSchema } from "../engine/connection";
import { PartialFailure, type ResourceKind } from "../engine/kind";
import { compact } from "../engine/reconcile";
import { localOnly, replaces, updates } from "../engine/fields";
import { adoptInput, managedByInput, ownerId } from "../engine/ownership";
import { declaredOf, plan, type KindSpec } from "../engine/plan";
import type { ArgsOf } from "../engine/types";
import { CheckFailure, parseInputs } from "../engine/validate";
import { checkResidency, resolveWorkspaceGeo, workspaceGeoInput } from "../residency";
import { DynamicResource } from "../dynamic-resource";
import { endpointOutputRules, EndpointServerFields, serverFields, timeoutMs, withEndpointName } from "../serving/common";
import { adoptionFailure, assertOwnedForUpdate, converge, createOrAdopt, deleteEndpoint, DeploymentFailed, getEndpoint, type DesiredEndpoint } from "../serving/endpoint-ops";
import { defaultEntityName, normalizeAiGateway, normalizeEntities, normalizeTags, normalizeTraffic } from "../serving/normalize";
import { sizingFailures, sizingOf, type PtEntityToCheck, type Sizing } from "../serving/optimization";
import { progress } from "../serving/remote";
import { endpointRules, MAX_SERVED_ENTITIES } from "../serving/rules";
import {
  aiGatewaySchema,
  emailNotificationsSchema,
  endpointNameSchema,
  entityVersionSchema,
  namingInputs,
  servedEntityNameSchema,
  tagsSchema,
  trafficRouteSchema,
  ucModelNameSchema,
  waitTimeoutSchema,
} from "../serving/schemas";
import { aiGatewayFromWire, aiGatewayToWire, emailNotificationsFromWire, emailNotificationsToWire, tagsFromWire, trafficFromWire, trafficToWire, type WireEndpoint, type WireServedEntity } from "../serving/wire";

/** A tokens/s band (`min`/`max`, multiples of the model's chunk size) or a number of model units, by model family. */
export const throughputSchema = z
  .strictObject({
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(1).optional(),
    modelUnits: z.number().int().min(1).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.modelUnits !== undefined && (v.min !== undefined || v.max !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["modelUnits"], message: "set either modelUnits (model-unit families) or min/max tokens per second (token-band families), not both" });
    } else if (v.modelUnits === undefined && v.max === undefined) {
      ctx.addIssue({ code: "custom", path: ["max"], message: "is required: set max (and optionally min) tokens per second, or modelUnits" });
    }
    if (v.min !== undefined && v.max !== undefined && v.min > v.max) ctx.addIssue({ code: "custom", path: ["min"], message: `must be at most max (${v.max})` });
  });
export type ThroughputInput = z.infer<typeof throughputSchema>;

export const ptEntitySchema = z.strictObject({
  entityName: ucModelNameSchema,
  entityVersion: entityVersionSchema,
  name: servedEntityNameSchema.optional(),
  throughput: throughputSchema,
  /** Scale to zero when idle (token bands only). */
  scaleToZero: z.boolean().optional(),
  /** Burst beyond the provisioned model units (model units only; write-only, see `burstScaling` below). */
  burstScaling: z.boolean().optional(),
});

export const ptEndpointInputs = z
  .strictObject({
    name: replaces(endpointNameSchema.optional(), "the name is the endpoint's identity"),
    /** Shorthand for a single served model: `{ name: "system.ai.…", version: "3" }` with `throughput` beside it. */
    entity: updates(
      z.strictObject({ name: ucModelNameSchema, version: entityVersionSchema, servedEntityName: servedEntityNameSchema.optional() }).optional(),
      "PUT config",
    ),
    throughput: updates(throughputSchema.optional(), "PUT config"),
    scaleToZero: updates(z.boolean().optional(), "PUT config"),
    /**
     * Whether a model-unit endpoint may scale beyond its units in bursts (the service's default: on). Write-only: the
     * service never returns it, so it is sent with every config and never compared on refresh.
     */
    burstScaling: updates(z.boolean().optional(), "PUT config (write-only: sent, never read back)"),
    /** Several served models with traffic between them (instead of `entity`). */
    servedEntities: updates(z.array(ptEntitySchema).min(1).max(MAX_SERVED_ENTITIES).optional(), "PUT config"),
    traffic: updates(z.array(trafficRouteSchema).optional(), "PUT config"),
    aiGateway: updates(aiGatewaySchema.optional(), "PUT ai-gateway"),
    tags: updates(tagsSchema.optional(), "PATCH tags"),
    budgetPolicyId: replaces(z.string().min(1).optional(), "no update route"),
    emailNotifications: updates(emailNotificationsSchema.optional(), "PATCH notifications"),
    adopt: adoptInput,
    waitTimeoutSeconds: localOnly(waitTimeoutSchema.optional(), "how long the provider waits for READY"),
    /** The workspace's region/Geo for the data-residency check at preview (see provider/residency.ts). */
    workspaceGeo: localOnly(workspaceGeoInput.optional(), "only feeds the residency check at preview"),
    managedBy: managedByInput,
    connection: localOnly(connectionSchema.optional(), "which workspace to reach (the workspace guard refuses another one)"),
    ...namingInputs,
  })
  .superRefine((v, ctx) => {
    if ((v.entity === undefined) === (v.servedEntities === undefined)) {
      ctx.addIssue({ code: "custom", path: ["entity"], message: "set either entity (one model, with throughput) or servedEntities (several), exactly one of the two" });
    }
    if (v.entity !== undefined && v.throughput === undefined) ctx.addIssue({ code: "custom", path: ["throughput"], message: "is required with entity: { min, max } tokens per second or { modelUnits }" });
    if (v.servedEntities !== undefined) {
      for (const k of ["throughput", "scaleToZero", "burstScaling"] as const) {
        if (v[k] !== undefined) ctx.addIssue({ code: "custom", path: [k], message: "goes inside each servedEntities[i] when servedEntities is used" });
      }
    }
    if (v.entity !== undefined && v.traffic !== undefined) ctx.addIssue({ code: "custom", path: ["traffic"], message: "applies to servedEntities; a single entity gets all the traffic" });
  });
export type PtEndpointInputs = z.infer<typeof ptEndpointInputs>;
export type PtEndpointOutputs = PtEndpointInputs & EndpointServerFields;

interface PtEntity extends PtEntityToCheck {
  name: string;
  burstScaling?: boolean;
}

/** The served entities of either form, with the paths the user wrote them at. */
export function ptEntities(v: PtEndpointInputs): PtEntity[] {
  if (v.entity) {
    return [{
      entityPath: "entity",
      throughputPath: "throughput",
      name: v.entity.servedEntityName ?? defaultEntityName({ entityName: v.entity.name, entityVersion: v.entity.version }),
      entityName: v.entity.name,
      entityVersion: v.entity.version,
      throughput: v.throughput ?? {},
      scaleToZero: v.scaleToZero,
      burstScaling: v.burstScaling,
    }];
  }
  return (v.servedEntities ?? []).map((e, i) => ({
    entityPath: `servedEntities[${i}]`,
    throughputPath: `servedEntities[${i}].throughput`,
    name: e.name ?? defaultEntityName(e),
    entityName: e.entityName,
    entityVersion: e.entityVersion,
    throughput: e.throughput,
    scaleToZero: e.scaleToZero,
    burstScaling: e.burstScaling,
  }));
}

const usesUnits = (e: PtEntity) => e.throughput.modelUnits !== undefined;

function entityToWire(e: PtEntity): WireServedEntity {
  return compact({
    name: e.name,
    entity_name: e.entityName,
    entity_version: e.entityVersion,
    min_provisioned_throughput: e.throughput.modelUnits === undefined ? e.throughput.min ?? 0 : undefined,
    max_provisioned_throughput: e.throughput.max,
    provisioned_model_units: e.throughput.modelUnits,
    scale_to_zero_enabled: e.scaleToZero,
    burst_scaling_enabled: e.burstScaling,
  });
}

export function desiredOf(inputs: PtEndpointInputs): DesiredEndpoint {
  const entities = ptEntities(inputs).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const traffic = normalizeTraffic(inputs.traffic, entities.map((e) => e.name));
  return {
    name: inputs.name as string,
    // Model-unit families go through the /pt API (which requires units); token bands through the regular one.
    route: entities.every(usesUnits) ? "pt" : "regular",
    servedEntities: entities.map(entityToWire),
    traffic: traffic ? trafficToWire(traffic) : undefined,
    aiGateway: aiGatewayToWire(inputs.aiGateway ?? {}),
    tags: inputs.tags,
    managedBy: inputs.managedBy,
    budgetPolicyId: inputs.budgetPolicyId,
    emailNotifications: inputs.emailNotifications ? emailNotificationsToWire(inputs.emailNotifications) : undefined,
  };
}

const entityKey = (e: PtEntity) => JSON.stringify([e.entityName, e.entityVersion, e.throughput, e.scaleToZero, e.burstScaling]);

/**
 * Checks against the server (only reached when every value is known: parseInputs withholds the value otherwise), of
 * what is new in this declaration, so an unchanged one costs no call: a create must not take over another stack's
 * endpoint; each new or resized entity must fit the model's sizing and the workspace's Geo.
 */
async function serverChecks(inputs: PtEndpointInputs, olds: PtEndpointInputs | undefined, explicitName: boolean): Promise<CheckFailure[]> {
  const seen = new Set(olds && (olds.entity || olds.servedEntities) ? ptEntities(olds).map(entityKey) : []);
  const all = ptEntities(inputs);
  const entities = all.filter((e) => !seen.has(entityKey(e)));
  const failures: CheckFailure[] = [];
  if (all.some(usesUnits) && !all.every(usesUnits)) {
    failures.push({ property: "servedEntities", reason: "all entities of one endpoint are sized the same way: model units or tokens/s bands, not a mix" });
  }
  const client = await clientFor(inputs.connection);
  // Default names carry the project and stack (serving/naming.ts): only an explicit name can be another stack's.
  if (!olds && explicitName) {
    const taken = await adoptionFailure(client, inputs.name as string, inputs.managedBy, inputs.adopt);
    if (taken) failures.push({ property: "name", reason: taken });
  }
  if (entities.length === 0) return failures;
  const geo = await resolveWorkspaceGeo(inputs.workspaceGeo, () => clientFor(inputs.connection));
  if (geo) {
    for (const e of entities) failures.push(...checkResidency({ ...geo, model: e.entityName, mode: "provisioned-throughput", property: `${e.entityPath}${inputs.entity ? ".name" : ".entityName"}` }));
  }
  const cache = new Map<string, Promise<Sizing>>();
  for (const e of entities) {
    const key = `${e.entityName}/${e.entityVersion}`;
    if (!cache.has(key)) cache.set(key, sizingOf(client, e.entityName, e.entityVersion));
    const sizing = await cache.get(key)!;
    failures.push(...sizingFailures(e, sizing));
    if (e.scaleToZero && usesUnits(e)) failures.push({ property: `${e.entityPath}.scaleToZero`, reason: `model-unit endpoints (the /pt API) cannot scale to zero` });
    if (e.burstScaling !== undefined && !usesUnits(e)) {
      failures.push({ property: inputs.entity ? "burstScaling" : `${e.entityPath}.burstScaling`, reason: "applies only to model-unit endpoints (throughput.modelUnits); token bands scale between min and max instead" });
    }
  }
  return failures;
}

/** A band's lower bound defaults to 0 on the server (and comes back as 0): say so, so refresh shows no drift. */
const withMin = (t: ThroughputInput): ThroughputInput => (t.modelUnits === undefined ? { ...t, min: t.min ?? 0 } : t);

function normalized(v: PtEndpointInputs): PtEndpointInputs {
  return compact({
    ...v,
    throughput: v.throughput ? withMin(v.throughput) : undefined,
    servedEntities: v.servedEntities ? normalizeEntities(v.servedEntities.map((e) => ({ ...e, throughput: withMin(e.throughput) }))) : undefined,
    traffic: v.servedEntities ? normalizeTraffic(v.traffic, normalizeEntities(v.servedEntities).map((e) => e.name)) : undefined,
    aiGateway: normalizeAiGateway(v.aiGateway),
    tags: normalizeTags(v.tags),
  });
}

const spec: KindSpec = {
  inputs: ptEndpointInputs,
  outputs: endpointOutputRules("entity", "servedEntities"),
  // Names are stable (see serving/naming.ts), so a replacement under the same name must delete first.
  deleteBeforeReplace: (old, news) => old.name === news.name,
};

const declaredInputs = (outs: PtEndpointOutputs) => declaredOf(spec, outs) as PtEndpointInputs;

const toOutputs = (inputs: PtEndpointInputs, ep: WireEndpoint): PtEndpointOutputs => compact({ ...inputs, ...serverFields(ep) });

/** The declaration rebuilt from the server (refresh), in the form the user chose (shorthand or list). */
function inputsFromRemote(declared: PtEndpointInputs | undefined, ep: WireEndpoint): PtEndpointInputs {
  const remote = ep.config?.served_entities ?? [];
  const throughputOf = (e: WireServedEntity): ThroughputInput =>
    e.provisioned_model_units !== undefined ? { modelUnits: e.provisioned_model_units } : compact({ min: e.min_provisioned_throughput, max: e.max_provisioned_throughput });
  const base = compact({
    ...(declared ?? {}),
    name: ep.name ?? declared?.name,
    aiGateway: normalizeAiGateway(aiGatewayFromWire(ep.ai_gateway)),
    tags: normalizeTags(tagsFromWire(ep.tags)),
    budgetPolicyId: ep.budget_policy_id,
    emailNotifications: emailNotificationsFromWire(ep.email_notifications),
  }) as PtEndpointInputs;
  if (declared?.entity && remote.length === 1) {
    const e = remote[0];
    return compact({
      ...base,
      entity: compact({ name: e.entity_name as string, version: e.entity_version as string, servedEntityName: declared.entity.servedEntityName !== undefined ? e.name : undefined }),
      throughput: throughputOf(e),
      scaleToZero: declared.scaleToZero !== undefined ? e.scale_to_zero_enabled ?? false : undefined,
      // Write-only: never returned, so the declared value stands.
      burstScaling: declared.burstScaling,
    });
  }
  const declaredBurst = new Map((declared?.servedEntities ?? []).map((e) => [e.name ?? defaultEntityName(e), e.burstScaling]));
  const entities = normalizeEntities(
    remote.map((e) =>
      compact({ name: e.name, entityName: e.entity_name as string, entityVersion: e.entity_version as string, throughput: throughputOf(e), scaleToZero: e.scale_to_zero_enabled || undefined, burstScaling: declaredBurst.get(e.name as string) }),
    ),
  );
  const traffic = trafficFromWire(ep.config?.traffic_config);
  return compact({ ...base, entity: undefined, throughput: undefined, scaleToZero: undefined, servedEntities: entities, traffic: traffic ? normalizeTraffic(traffic, entities.map((e) => e.name)) : undefined });
}

export const kind: ResourceKind<PtEndpointInputs, PtEndpointOutputs> = {
  spec,

  async check(olds, news) {
    const named = withEndpointName(news);
    const { value, failures } = parseInputs(ptEndpointInputs, named);
    if (!value) return { inputs: named as PtEndpointInputs, failures };
    const entities = ptEntities(value);
    const rules = endpointRules(value.entity ? "entity" : "servedEntities", entities, "traffic", value.servedEntities ? value.traffic : undefined);
    const previous = olds && Object.keys(olds).length > 0 ? (olds as PtEndpointInputs) : undefined;
    const server = rules.length ? [] : await serverChecks(value, previous, news.name !== undefined);
    const all = [...rules, ...server];
    return { inputs: all.length ? value : normalized(value), failures: all };
  },

  async locate(inputs) {
    const ep = await getEndpoint(await clientFor(inputs.connection), inputs.name as string);
    return ep ? serverFields(ep) : undefined;
  },

  async create(inputs) {
    const client = await clientFor(inputs.connection);
    const desired = desiredOf(inputs);
    try {
      const { endpoint } = await createOrAdopt(client, desired, inputs.adopt === true, { timeoutMs: timeoutMs(inputs), progress });
      return { id: desired.name, outs: toOutputs(inputs, endpoint) };
    } catch (err) {
      if (err instanceof DeploymentFailed) throw new PartialFailure(err.message, desired.name, toOutputs(inputs, err.endpoint) as unknown as Record<string, unknown>);
      throw err;
    }
  },

  async read(id, props) {
    const client = await clientFor(props.connection);
    const ep = await getEndpoint(client, id);
    if (!ep) return undefined;
    const inputs = inputsFromRemote(props.entity || props.servedEntities ? declaredInputs(props) : undefined, ep);
    return { id, props: toOutputs(inputs, ep), inputs };
  },

  async update(id, olds, news) {
    const client = await clientFor(news.connection);
    const current = await getEndpoint(client, id);
    if (!current) throw new Error(`provisioned throughput endpoint ${id} no longer exists: run \`pulumi refresh\` to forget it, then \`pulumi up\` to create it again`);
    assertOwnedForUpdate(current, olds, news);
    // Burst scaling is write-only: a changed declaration of it is sent even though the server's copy cannot show it.
    const changed = plan(spec, declaredOf(spec, olds), declaredOf(spec, news)).changed;
    const forceConfig = changed.includes("burstScaling") || (changed.includes("servedEntities") && JSON.stringify(olds.servedEntities?.map((e) => e.burstScaling)) !== JSON.stringify(news.servedEntities?.map((e) => e.burstScaling)));
    try {
      const ep = await converge(client, desiredOf(news), current, { timeoutMs: timeoutMs(news), progress, forceConfig });
      return { outs: toOutputs(news, ep) };
    } catch (err) {
      if (err instanceof DeploymentFailed) throw new PartialFailure(`${err.message} (the previous config is still serving)`, id, olds as unknown as Record<string, unknown>);
      throw err;
    }
  },

  async delete(id, props) {
    const client = await clientFor(props.connection);
    await deleteEndpoint(client, id, props.managedBy, { timeoutMs: timeoutMs(props), progress });
  },
};

export type ProvisionedThroughputEndpointArgs = Omit<ArgsOf<PtEndpointInputs>, "logicalName" | "nameSeed" | "managedBy">;

/**
 * A provisioned-throughput endpoint serving a `system.ai` foundation model (or a fine-tuned model of a supported
 * architecture), sized as a tokens/s band or as model units by model family. The sizing is checked at preview
 * against get-model-optimization-info; a resize is an in-place config update.
 */
export class ProvisionedThroughputEndpoint extends DynamicResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly endpointId: pulumi.Output<string>;
  declare readonly throughput: pulumi.Output<ThroughputInput | undefined>;
  declare readonly state: pulumi.Output<{ ready?: string; configUpdate?: string }>;
  declare readonly configVersion: pulumi.Output<number | undefined>;
  declare readonly task: pulumi.Output<string | undefined>;

  constructor(name: string, args: ProvisionedThroughputEndpointArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "ProvisionedThroughputEndpoint",
      spec,
      name,
      {
        ...args,
        name: args.name,
        logicalName: name,
        nameSeed: `${pulumi.getProject()}/${pulumi.getStack()}`,
        managedBy: ownerId(pulumi.getProject(), pulumi.getStack(), "ProvisionedThroughputEndpoint", name),
      },
      opts,
    );
  }
}
