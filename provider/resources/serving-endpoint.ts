import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { clientFor, connectionSchema } from "../engine/connection";
import { PartialFailure, type ResourceKind } from "../engine/kind";
import { compact, jsonEqual } from "../engine/reconcile";
import { ArgsOf, MODULE } from "../engine/types";
import { makeProvider } from "../shim";
import { CheckFailure, parseInputs } from "../engine/validate";
import { sizingFailures, sizingOf } from "../serving/optimization";
import { converge, createOrAdopt, deleteEndpoint, DeploymentFailed, getEndpoint, type DesiredEndpoint } from "../serving/endpoint-ops";
import { hashEntitySecrets, normalizeAiGateway, normalizeEntities, normalizeTags, normalizeTraffic } from "../serving/normalize";
import { endpointRules, MAX_SERVED_ENTITIES } from "../serving/rules";
import {
  aiGatewaySchema,
  autoCaptureSchema,
  emailNotificationsSchema,
  endpointNameSchema,
  namingInputs,
  servedEntitySchema,
  tagsSchema,
  trafficRouteSchema,
  waitTimeoutSchema,
  type ServedEntityInput,
} from "../serving/schemas";
import { entitiesFromRemote, progress } from "../serving/remote";
import { EndpointServerFields, LOCAL_FIELDS, serverFields, SERVER_FIELD_PLACEHOLDERS, timeoutMs, withEndpointName, withoutSecretValues, withoutServerFields } from "../serving/common";
import {
  aiGatewayFromWire,
  aiGatewayToWire,
  autoCaptureFromWire,
  autoCaptureToWire,
  emailNotificationsFromWire,
  emailNotificationsToWire,
  servedEntityToWire,
  tagsFromWire,
  trafficFromWire,
  trafficToWire,
  type WireEndpoint,
} from "../serving/wire";

export const servingEndpointInputs = z
  .strictObject({
    /** The endpoint name; by default the logical name plus a stable suffix. Changing it replaces the endpoint. */
    name: endpointNameSchema.optional(),
    servedEntities: z.array(servedEntitySchema).min(1).max(MAX_SERVED_ENTITIES, `at most ${MAX_SERVED_ENTITIES} served entities per endpoint`),
    /** Routes; with a single entity the 100% route is implied. */
    traffic: z.array(trafficRouteSchema).optional(),
    /** Inference tables of the legacy auto-capture kind (prefer aiGateway.inferenceTable). */
    autoCapture: autoCaptureSchema.optional(),
    aiGateway: aiGatewaySchema.optional(),
    tags: tagsSchema.optional(),
    /** There is no update route for these two: changing them replaces the endpoint. */
    description: z.string().max(1024).optional(),
    budgetPolicyId: z.string().min(1).optional(),
    /** Cannot be changed in place (facts §1): changing it replaces the endpoint. */
    routeOptimized: z.boolean().optional(),
    emailNotifications: emailNotificationsSchema.optional(),
    /** Take over an existing endpoint of this name that we did not create (`pulumi import` cannot adopt dynamic resources). */
    adopt: z.boolean().optional(),
    waitTimeoutSeconds: waitTimeoutSchema.optional(),
    connection: connectionSchema.optional(),
    ...namingInputs,
  });
export type ServingEndpointInputs = z.infer<typeof servingEndpointInputs>;

export type ServingEndpointOutputs = ServingEndpointInputs & EndpointServerFields;

const REPLACE_ON = ["name", "routeOptimized", "description", "budgetPolicyId"] as const;

export function declaredInputs(outs: ServingEndpointOutputs): ServingEndpointInputs {
  return withoutServerFields(outs) as ServingEndpointInputs;
}

/** The declaration as outputs store it: write-only secrets as hashes. */
function storable(inputs: ServingEndpointInputs): ServingEndpointInputs {
  return { ...inputs, servedEntities: inputs.servedEntities.map(hashEntitySecrets) };
}

function toOutputs(inputs: ServingEndpointInputs, ep: WireEndpoint): ServingEndpointOutputs {
  return compact({ ...storable(inputs), ...serverFields(ep) });
}

const isExternal = (entities: ServedEntityInput[] | undefined) => (entities ?? []).some((e) => e.externalModel !== undefined);

export function desiredOf(inputs: ServingEndpointInputs): DesiredEndpoint {
  const entities = normalizeEntities(inputs.servedEntities);
  return {
    name: inputs.name as string,
    route: "regular",
    servedEntities: entities.map(servedEntityToWire),
    traffic: inputs.traffic ? trafficToWire(inputs.traffic) : undefined,
    autoCapture: inputs.autoCapture ? autoCaptureToWire(inputs.autoCapture) : undefined,
    aiGateway: aiGatewayToWire(inputs.aiGateway ?? {}),
    tags: inputs.tags,
    description: inputs.description,
    budgetPolicyId: inputs.budgetPolicyId,
    routeOptimized: inputs.routeOptimized,
    emailNotifications: inputs.emailNotifications ? emailNotificationsToWire(inputs.emailNotifications) : undefined,
  };
}

/** Compares two declarations on what the endpoint is (secrets by hash), for diff. */
export function changedKeys(old: ServingEndpointInputs, news: ServingEndpointInputs): string[] {
  const a = storable(old);
  const b = storable(news);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !(LOCAL_FIELDS as readonly string[]).includes(k)).filter((k) => !jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export const kind: ResourceKind<ServingEndpointInputs, ServingEndpointOutputs> = {
  async check(_olds, news) {
    const named = withEndpointName(news);
    const { value, failures } = parseInputs(servingEndpointInputs, named);
    if (!value) return { inputs: named as ServingEndpointInputs, failures: withoutSecretValues(failures) };
    const declaredOrder = value.servedEntities.map((e) => ({ ...e, name: normalizeEntities([e])[0].name }));
    const rules = endpointRules("servedEntities", declaredOrder, "traffic", value.traffic);
    if (rules.length) return { inputs: value, failures: rules };
    const sizing = await throughputChecks(value);
    if (sizing.length) return { inputs: value, failures: sizing };
    const entities = normalizeEntities(value.servedEntities);
    const inputs: ServingEndpointInputs = compact({
      ...value,
      servedEntities: entities,
      traffic: normalizeTraffic(value.traffic, entities.map((e) => e.name)),
      aiGateway: normalizeAiGateway(value.aiGateway),
      tags: normalizeTags(value.tags),
      routeOptimized: value.routeOptimized || undefined,
    });
    return { inputs, failures: [] };
  },

  async diff(_id, olds, news) {
    const old = declaredInputs(olds);
    const changed = changedKeys(old, news);
    if (changed.length === 0) return { changes: false };
    const replaces: string[] = REPLACE_ON.filter((k) => changed.includes(k));
    // An endpoint cannot switch between serving external models and not (facts §1): that is a new endpoint.
    if (isExternal(old.servedEntities) !== isExternal(news.servedEntities)) replaces.push("servedEntities");
    // Names are stable (see serving/naming.ts), so a replacement under the same name must delete first.
    return { changes: undefined, replaces, deleteBeforeReplace: replaces.length > 0 && old.name === news.name };
  },

  async create(inputs) {
    const client = await clientFor(inputs.connection);
    const desired = desiredOf(inputs);
    try {
      const { endpoint } = await createOrAdopt(client, desired, inputs.adopt === true, { timeoutMs: timeoutMs(inputs), progress });
      return { id: desired.name, outs: toOutputs(inputs, endpoint) };
    } catch (err) {
      if (err instanceof DeploymentFailed) {
        // The endpoint exists but its config did not deploy: keep it in state (the next `up` retries the config).
        throw new PartialFailure(err.message, desired.name, toOutputs(inputs, err.endpoint) as unknown as Record<string, unknown>);
      }
      throw err;
    }
  },

  async read(id, props) {
    const client = await clientFor(props.connection);
    const ep = await getEndpoint(client, id);
    if (!ep) return undefined;
    const inputs = inputsFromRemote(props.servedEntities ? declaredInputs(props) : undefined, ep);
    return { id, props: toOutputs(inputs, ep), inputs };
  },

  async update(id, olds, news) {
    const client = await clientFor(news.connection);
    const desired = desiredOf(news);
    const old = declaredInputs(olds);
    // A changed write-only secret is invisible on the server: send the config whenever the declaration changed.
    const forceConfig = ["servedEntities", "traffic", "autoCapture"].some((k) => changedKeys(old, news).includes(k));
    const current = await getEndpoint(client, id);
    if (!current) throw new Error(`serving endpoint ${id} no longer exists: run \`pulumi refresh\` to forget it, then \`pulumi up\` to create it again`);
    try {
      const ep = await converge(client, desired, current, { timeoutMs: timeoutMs(news), progress, forceConfig });
      return { outs: toOutputs(news, ep) };
    } catch (err) {
      if (err instanceof DeploymentFailed) {
        // The previous config keeps serving: state keeps describing it, and the next `up` tries again.
        throw new PartialFailure(`${err.message} (the previous config is still serving)`, id, olds as unknown as Record<string, unknown>);
      }
      throw err;
    }
  },

  async delete(id, props) {
    const client = await clientFor(props.connection);
    await deleteEndpoint(client, id, { timeoutMs: timeoutMs(props), progress });
  },
};

/**
 * Foundation models served here with provisioned throughput are sized like ProvisionedThroughputEndpoint's, and
 * checked the same way at preview against get-model-optimization-info.
 */
async function throughputChecks(inputs: ServingEndpointInputs): Promise<CheckFailure[]> {
  const sized = inputs.servedEntities
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.entityName && e.entityVersion && (e.maxProvisionedThroughput !== undefined || e.minProvisionedThroughput !== undefined || e.provisionedModelUnits !== undefined));
  if (sized.length === 0) return [];
  const client = await clientFor(inputs.connection);
  const failures: CheckFailure[] = [];
  for (const { e, i } of sized) {
    const found = sizingFailures(
      {
        entityPath: `servedEntities[${i}].entityName`,
        throughputPath: `servedEntities[${i}]`,
        entityName: e.entityName as string,
        entityVersion: e.entityVersion as string,
        throughput: { min: e.minProvisionedThroughput, max: e.maxProvisionedThroughput, modelUnits: e.provisionedModelUnits },
      },
      await sizingOf(client, e.entityName as string, e.entityVersion as string),
    );
    // The PT resource's field names (throughput.min/max/modelUnits) map to this resource's own.
    const field: Record<string, string> = { min: "minProvisionedThroughput", max: "maxProvisionedThroughput", modelUnits: "provisionedModelUnits" };
    failures.push(...found.map((f) => ({ ...f, property: f.property.replace(/\.(min|max|modelUnits)$/, (_m, k: string) => `.${field[k]}`) })));
  }
  return failures;
}

/**
 * The declaration rebuilt from the server, for refresh: fields the user declared are taken from the server (so
 * out-of-band edits show as drift), server defaults of undeclared fields are not, and write-only secrets keep
 * their stored hash (the server cannot tell us otherwise).
 */
export function inputsFromRemote(declared: ServingEndpointInputs | undefined, ep: WireEndpoint): ServingEndpointInputs {
  const servedEntities = entitiesFromRemote(declared?.servedEntities, ep.config?.served_entities ?? []);
  const traffic = trafficFromWire(ep.config?.traffic_config);
  const autoCapture = autoCaptureFromWire(ep.config?.auto_capture_config);
  return compact({
    ...(declared ?? {}),
    name: ep.name ?? declared?.name,
    servedEntities,
    traffic: traffic ? normalizeTraffic(traffic, servedEntities.map((e) => e.name as string)) : undefined,
    autoCapture: declared?.autoCapture !== undefined || autoCapture?.enabled ? autoCapture : undefined,
    aiGateway: normalizeAiGateway(aiGatewayFromWire(ep.ai_gateway)),
    tags: normalizeTags(tagsFromWire(ep.tags)),
    description: declared?.description !== undefined || ep.description ? ep.description : undefined,
    budgetPolicyId: ep.budget_policy_id,
    routeOptimized: ep.route_optimized || undefined,
    emailNotifications: emailNotificationsFromWire(ep.email_notifications),
  }) as ServingEndpointInputs;
}

const provider = makeProvider("ServingEndpoint");

export type ServingEndpointArgs = Omit<ArgsOf<ServingEndpointInputs>, "logicalName" | "nameSeed">;

/**
 * A Databricks model serving endpoint: custom Unity Catalog models, external models or foundation models, with
 * traffic routes, AI gateway, tags and notifications. Config changes are one in-place `PUT config`; a new name,
 * route optimization, description, budget policy or a switch between external and non-external models replaces it.
 */
export class ServingEndpoint extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly endpointId: pulumi.Output<string>;
  declare readonly endpointUrl: pulumi.Output<string | undefined>;
  declare readonly servedEntities: pulumi.Output<ServedEntityInput[]>;
  declare readonly traffic: pulumi.Output<{ servedEntityName: string; trafficPercentage: number }[]>;
  declare readonly tags: pulumi.Output<Record<string, string> | undefined>;
  declare readonly state: pulumi.Output<{ ready?: string; configUpdate?: string }>;
  declare readonly configVersion: pulumi.Output<number | undefined>;
  declare readonly task: pulumi.Output<string | undefined>;

  constructor(name: string, args: ServingEndpointArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        ...args,
        // Listed even when auto-named, so `name` is an output (only registered keys are).
        name: args.name,
        logicalName: name,
        nameSeed: `${pulumi.getProject()}/${pulumi.getStack()}`,
        ...SERVER_FIELD_PLACEHOLDERS,
      },
      opts,
      MODULE,
      "ServingEndpoint",
    );
  }
}
