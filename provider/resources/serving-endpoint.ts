import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { clientFor, connectionSchema } from "../engine/connection";
import { changes, localOnly, replaces, stableUnless, updates } from "../engine/fields";
import { PartialFailure, type ResourceKind } from "../engine/kind";
import { adoptInput, managedByInput, ownerId } from "../engine/ownership";
import { declaredOf, plan, type KindSpec } from "../engine/plan";
import { compact } from "../engine/reconcile";
import type { ArgsOf } from "../engine/types";
import { isUnknown } from "../engine/unknown";
import { DynamicResource } from "../dynamic-resource";
import { CheckFailure, parseInputs } from "../engine/validate";
import { sizingFailures, sizingOf } from "../serving/optimization";
import { adoptionFailure, assertOwnedForUpdate, converge, createOrAdopt, deleteEndpoint, DeploymentFailed, getEndpoint, type DesiredEndpoint } from "../serving/endpoint-ops";
import { defaultEntityName, normalizeAiGateway, normalizeEntities, normalizeTags, normalizeTelemetry, normalizeTraffic } from "../serving/normalize";
import { endpointRules, MAX_SERVED_ENTITIES } from "../serving/rules";
import {
  aiGatewaySchema,
  autoCaptureSchema,
  emailNotificationsSchema,
  endpointNameSchema,
  namingInputs,
  servedEntitySchema,
  tagsSchema,
  telemetrySchema,
  trafficRouteSchema,
  waitTimeoutSchema,
  type ServedEntityInput,
  type TelemetryInput,
} from "../serving/schemas";
import { entitiesFromRemote, progress } from "../serving/remote";
import { comparableEntity, isSecretPath, mergeSecrets, withoutSecrets, type SecretValues } from "../serving/secrets";
import { splitSecrets } from "../serving/secret-split";
import { endpointOutputRules, EndpointServerFields, serverFields, timeoutMs, withEndpointName } from "../serving/common";
import {
  aiGatewayFromWire,
  aiGatewayToWire,
  autoCaptureFromWire,
  autoCaptureToWire,
  emailNotificationsFromWire,
  emailNotificationsToWire,
  servedEntityToWire,
  tagsFromWire,
  telemetryFromWire,
  telemetryToWire,
  trafficFromWire,
  trafficToWire,
  type WireEndpoint,
  type WireEndpointWithTelemetry,
  type WireTelemetry,
} from "../serving/wire";
import { versionFailures } from "../uc/versions";

const isExternal = (entities: unknown) => Array.isArray(entities) && entities.some((e) => (e as ServedEntityInput)?.externalModel !== undefined);

export const servingEndpointInputs = z.strictObject({
  /** The endpoint name; by default the logical name plus a stable suffix. Changing it replaces the endpoint. */
  name: replaces(endpointNameSchema.optional(), "the name is the endpoint's identity"),
  servedEntities: changes(
    z.array(servedEntitySchema).min(1).max(MAX_SERVED_ENTITIES, `at most ${MAX_SERVED_ENTITIES} served entities per endpoint`),
    {
      // An endpoint cannot switch between serving external models and not (facts §1): that is a new endpoint.
      change: (old, news) => (isExternal(old.servedEntities) !== isExternal(news.servedEntities) ? "replace" : "update"),
      why: "PUT config (switching between external and other models replaces the endpoint)",
    },
  ),
  /**
   * Secret values of the served entities, keyed by the path they were declared at (set by the Resource class, see
   * serving/secrets.ts); sent with the config.
   */
  secrets: updates(z.record(z.string(), z.string()).optional(), "PUT config (credentials are write-only on the server)"),
  /** Routes; with a single entity the 100% route is implied. */
  traffic: updates(z.array(trafficRouteSchema).optional(), "PUT config"),
  /** Inference tables of the legacy auto-capture kind (prefer aiGateway.inferenceTable). */
  autoCapture: updates(autoCaptureSchema.optional(), "PUT config"),
  aiGateway: updates(aiGatewaySchema.optional(), "PUT ai-gateway"),
  tags: updates(tagsSchema.optional(), "PATCH tags"),
  /** There is no update route for these two: changing them replaces the endpoint. */
  description: replaces(z.string().max(1024).optional(), "no update route"),
  budgetPolicyId: replaces(z.string().min(1).optional(), "no update route"),
  /** Cannot be changed in place (facts §1): changing it replaces the endpoint. */
  routeOptimized: replaces(z.boolean().optional(), "fixed at creation"),
  emailNotifications: updates(emailNotificationsSchema.optional(), "PATCH notifications"),
  /**
   * Logs, metrics, traces and payloads exported to Unity Catalog tables. Changed in place; the service refuses the
   * change while a config update is in progress, so the provider waits for NOT_UPDATING first.
   */
  telemetry: updates(telemetrySchema.optional(), "PATCH telemetry-config (after any config update has finished)"),
  /** Take over an existing endpoint of this name that another stack, or no one, owns (`pulumi import` cannot adopt dynamic resources). */
  adopt: adoptInput,
  waitTimeoutSeconds: localOnly(waitTimeoutSchema.optional(), "how long the provider waits for READY"),
  managedBy: managedByInput,
  connection: localOnly(connectionSchema.optional(), "which workspace to reach (the workspace guard refuses another one)"),
  ...namingInputs,
});
export type ServingEndpointInputs = z.infer<typeof servingEndpointInputs>;

/** Telemetry facts the service reports (the profile it made from `telemetry.tableNames`, the inference table's name). */
interface TelemetryFacts {
  telemetryProfileId?: string;
  telemetryInferenceTable?: string;
}

export type ServingEndpointOutputs = ServingEndpointInputs & EndpointServerFields & TelemetryFacts;

function telemetryFacts(ep: WireEndpoint): TelemetryFacts {
  const t = telemetryFromWire((ep as WireEndpointWithTelemetry).telemetry_config);
  return compact({ telemetryProfileId: t?.profileId, telemetryInferenceTable: t?.inferenceTableName });
}

/** Entities with their secret values put back (for the wire, for validation and for comparing). */
const wholeEntities = (inputs: { servedEntities: ServedEntityInput[]; secrets?: SecretValues }) => mergeSecrets(inputs.servedEntities, inputs.secrets);

/**
 * Two declarations compare on what the endpoint is: entities with their secrets merged in and hashed, in name order
 * (the server keeps no order), so a reordered list, or state written before the `secrets` split, is no change.
 */
function comparable(d: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(d.servedEntities)) return d;
  const entities = normalizeEntities(wholeEntities(d as ServingEndpointInputs)).map((e) => comparableEntity(withServerDefaults(e)));
  return { ...d, servedEntities: entities, secrets: undefined, routeOptimized: d.routeOptimized || undefined };
}

/**
 * What the server fills in for an entity that does not say (facts §1): declaring the default explicitly, or dropping
 * it, is no change. Provisioned-throughput and external entities have no workload settings.
 */
function withServerDefaults(e: ServedEntityInput): ServedEntityInput {
  const sizedByThroughput = e.minProvisionedThroughput !== undefined || e.maxProvisionedThroughput !== undefined || e.provisionedModelUnits !== undefined;
  if (e.externalModel || sizedByThroughput) return e;
  const byConcurrency = e.minProvisionedConcurrency !== undefined || e.maxProvisionedConcurrency !== undefined;
  return { ...e, workloadType: e.workloadType ?? "CPU", scaleToZeroEnabled: e.scaleToZeroEnabled ?? false, workloadSize: e.workloadSize ?? (byConcurrency ? undefined : "Small") };
}

const spec: KindSpec = {
  inputs: servingEndpointInputs,
  outputs: { ...endpointOutputRules("servedEntities"), telemetryProfileId: stableUnless("telemetry"), telemetryInferenceTable: stableUnless("telemetry") },
  comparable,
  // Names are stable (see serving/naming.ts), so a replacement under the same name must delete first.
  deleteBeforeReplace: (old, news) => old.name === news.name,
};

/** The declaration as outputs keep it (update/read/delete receive only outputs). */
function toOutputs(inputs: ServingEndpointInputs, ep: WireEndpoint): ServingEndpointOutputs {
  return compact({ ...inputs, ...serverFields(ep), ...telemetryFacts(ep) });
}

export function desiredOf(inputs: ServingEndpointInputs): DesiredEndpoint {
  const entities = normalizeEntities(wholeEntities(inputs));
  return {
    name: inputs.name as string,
    route: "regular",
    servedEntities: entities.map(servedEntityToWire),
    traffic: inputs.traffic ? trafficToWire(inputs.traffic) : undefined,
    autoCapture: inputs.autoCapture ? autoCaptureToWire(inputs.autoCapture) : undefined,
    aiGateway: aiGatewayToWire(inputs.aiGateway ?? {}),
    tags: inputs.tags,
    managedBy: inputs.managedBy,
    description: inputs.description,
    budgetPolicyId: inputs.budgetPolicyId,
    routeOptimized: inputs.routeOptimized,
    emailNotifications: inputs.emailNotifications ? emailNotificationsToWire(inputs.emailNotifications) : undefined,
    telemetry: inputs.telemetry ? telemetryToWire(inputs.telemetry) : undefined,
    manageTelemetry: true,
  };
}

/** Entities with their names filled in, in the order declared (secret paths refer to declared positions). */
const named = (entities: ServedEntityInput[]) => entities.map((e) => ({ ...e, name: e.name ?? defaultEntityName(e) }));

const isCreate = (olds: object | undefined) => !olds || Object.keys(olds).length === 0;

export const kind: ResourceKind<ServingEndpointInputs, ServingEndpointOutputs> = {
  spec,

  async check(olds, news) {
    const withName = withEndpointName(news) as Record<string, unknown>;
    // Validation sees whole entities (secrets put back), so every rule applies to secret values too; errors on
    // secret paths give the reason without the value.
    const whole =
      Array.isArray(withName.servedEntities) && withName.secrets !== null && typeof withName.secrets === "object" && !isUnknown(withName.secrets)
        ? { ...withName, servedEntities: mergeSecrets(withName.servedEntities as object[], withName.secrets as SecretValues) }
        : withName;
    // The secret values are checked where they belong, inside the entities; the map itself only carries them.
    const parsed = parseInputs(servingEndpointInputs, { ...whole, secrets: undefined }, { isSecretPath });
    const failures = parsed.failures;
    const value = parsed.value && ({ ...parsed.value, secrets: withName.secrets as SecretValues | undefined } as ServingEndpointInputs);
    if (!value) return { inputs: withName as ServingEndpointInputs, failures };
    // What the inputs keep is the split form again: secret values stay in `secrets` only (see serving/secrets.ts).
    const split: ServingEndpointInputs = { ...value, servedEntities: withoutSecrets(value.servedEntities, value.secrets) };
    const rules = endpointRules("servedEntities", named(value.servedEntities), "traffic", value.traffic);
    if (rules.length) return { inputs: split, failures: rules };
    const server = await serverChecks(value, isCreate(olds) ? undefined : (olds as ServingEndpointInputs), news.name !== undefined);
    if (server.length) return { inputs: split, failures: server };
    const entities = named(split.servedEntities);
    const inputs: ServingEndpointInputs = compact({
      ...split,
      servedEntities: entities,
      traffic: normalizeTraffic(split.traffic, entities.map((e) => e.name)),
      aiGateway: normalizeAiGateway(split.aiGateway),
      tags: normalizeTags(split.tags),
      telemetry: normalizeTelemetry(split.telemetry),
      secrets: split.secrets && Object.keys(split.secrets).length > 0 ? split.secrets : undefined,
      routeOptimized: split.routeOptimized || undefined,
    });
    return { inputs, failures: [] };
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

  async locate(inputs) {
    const ep = await getEndpoint(await clientFor(inputs.connection), inputs.name as string);
    return ep ? { ...serverFields(ep), ...telemetryFacts(ep) } : undefined;
  },

  async read(id, props) {
    const client = await clientFor(props.connection);
    const ep = await getEndpoint(client, id);
    if (!ep) return undefined;
    const inputs = inputsFromRemote(props.servedEntities ? (declaredOf(spec, props) as ServingEndpointInputs) : undefined, ep);
    return { id, props: toOutputs(inputs, ep), inputs };
  },

  async update(id, olds, news) {
    const client = await clientFor(news.connection);
    const desired = desiredOf(news);
    // A changed write-only secret is invisible on the server: send the config whenever the declaration changed.
    const changed = plan(spec, declaredOf(spec, olds), declaredOf(spec, news)).changed;
    const forceConfig = ["servedEntities", "traffic", "autoCapture"].some((k) => changed.includes(k));
    const current = await getEndpoint(client, id);
    if (!current) throw new Error(`serving endpoint ${id} no longer exists: run \`pulumi refresh\` to forget it, then \`pulumi up\` to create it again`);
    assertOwnedForUpdate(current, olds, news);
    try {
      // Table names are write-only: a changed telemetry declaration is sent even when the server's copy looks equal.
      const ep = await converge(client, desired, current, { timeoutMs: timeoutMs(news), progress, forceConfig, forceTelemetry: changed.includes("telemetry") });
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
    await deleteEndpoint(client, id, props.managedBy, { timeoutMs: timeoutMs(props), progress });
  },
};

/** What identifies a served entity's model and sizing: unchanged ones were checked when they were declared. */
const entityKey = (e: ServedEntityInput) =>
  JSON.stringify([e.entityName, e.entityVersion, e.minProvisionedThroughput, e.maxProvisionedThroughput, e.provisionedModelUnits]);

/**
 * Checks against the server, at preview, of what is new in this declaration (an unchanged declaration costs no call):
 * a create under an explicit name must not take over another stack's endpoint; a served Unity Catalog model version must exist and be
 * READY; foundation models served with provisioned throughput are sized like ProvisionedThroughputEndpoint's,
 * against get-model-optimization-info.
 */
async function serverChecks(inputs: ServingEndpointInputs, olds: ServingEndpointInputs | undefined, explicitName: boolean): Promise<CheckFailure[]> {
  const seen = new Set((olds?.servedEntities ?? []).map(entityKey));
  const fresh = [...inputs.servedEntities.entries()].filter(([, e]) => e.entityName && e.entityVersion && !seen.has(entityKey(e)));
  // Default names carry the project and stack (serving/naming.ts): only an explicit name can be another stack's.
  const ownership = !olds && explicitName;
  if (!ownership && fresh.length === 0) return [];
  const client = await clientFor(inputs.connection);
  const failures: CheckFailure[] = [];
  if (ownership) {
    const taken = await adoptionFailure(client, inputs.name as string, inputs.managedBy, inputs.adopt);
    if (taken) failures.push({ property: "name", reason: taken });
  }
  const field: Record<string, string> = { min: "minProvisionedThroughput", max: "maxProvisionedThroughput", modelUnits: "provisionedModelUnits" };
  for (const [i, e] of fresh) {
    if (!e.entityName || !e.entityVersion) continue;
    const sized = e.maxProvisionedThroughput !== undefined || e.minProvisionedThroughput !== undefined || e.provisionedModelUnits !== undefined;
    if (!sized) {
      failures.push(...(await versionFailures(client, e.entityName, Number(e.entityVersion), `servedEntities[${i}].entityVersion`, `served entity ${e.name ?? defaultEntityName(e)}`)));
      continue;
    }
    const found = sizingFailures(
      {
        entityPath: `servedEntities[${i}].entityName`,
        throughputPath: `servedEntities[${i}]`,
        entityName: e.entityName,
        entityVersion: e.entityVersion,
        throughput: { min: e.minProvisionedThroughput, max: e.maxProvisionedThroughput, modelUnits: e.provisionedModelUnits },
      },
      await sizingOf(client, e.entityName, e.entityVersion),
    );
    // The PT resource's field names (throughput.min/max/modelUnits) map to this resource's own.
    failures.push(...found.map((f) => ({ ...f, property: f.property.replace(/\.(min|max|modelUnits)$/, (_m, k: string) => `.${field[k]}`) })));
  }
  return failures;
}

/**
 * The declaration rebuilt from the server, for refresh: fields the user declared are taken from the server (so
 * out-of-band edits show as drift), server defaults of undeclared fields are not, and secret values come back to
 * `secrets` (see serving/remote.ts), so an unchanged endpoint reads back equal to its declaration.
 */
export function inputsFromRemote(declared: ServingEndpointInputs | undefined, ep: WireEndpoint): ServingEndpointInputs {
  const { servedEntities, secrets } = entitiesFromRemote(declared?.servedEntities, declared?.secrets, ep.config?.served_entities ?? []);
  const traffic = trafficFromWire(ep.config?.traffic_config);
  const autoCapture = autoCaptureFromWire(ep.config?.auto_capture_config);
  return compact({
    ...(declared ?? {}),
    name: ep.name ?? declared?.name,
    servedEntities,
    secrets: Object.keys(secrets).length > 0 ? secrets : undefined,
    traffic: traffic ? normalizeTraffic(traffic, servedEntities.map((e) => e.name as string)) : undefined,
    autoCapture: declared?.autoCapture !== undefined || autoCapture?.enabled ? autoCapture : undefined,
    aiGateway: normalizeAiGateway(aiGatewayFromWire(ep.ai_gateway)),
    tags: normalizeTags(tagsFromWire(ep.tags)),
    description: declared?.description !== undefined || ep.description ? ep.description : undefined,
    budgetPolicyId: ep.budget_policy_id,
    routeOptimized: ep.route_optimized || undefined,
    emailNotifications: emailNotificationsFromWire(ep.email_notifications),
    telemetry: telemetryFromRemote(declared?.telemetry, (ep as WireEndpointWithTelemetry).telemetry_config),
  }) as ServingEndpointInputs;
}

/**
 * Telemetry as the server holds it, in declaration terms: the signals (none listed means all), the sampling, the
 * profile when the declaration names one; the declared table names stay (write-only: the server shows the profile
 * it made from them instead).
 */
function telemetryFromRemote(declared: TelemetryInput | undefined, w: WireTelemetry | undefined): TelemetryInput | undefined {
  const r = telemetryFromWire(w);
  if (!r) return undefined;
  const all = ["INFERENCE_TABLE", "LOGS", "METRICS", "TRACES"] as const;
  return normalizeTelemetry(
    compact({
      enabledFeatures: r.enabledFeatures ?? (declared?.enabledFeatures !== undefined ? [...all] : undefined),
      inferenceTable: r.samplingFraction !== undefined ? { samplingFraction: r.samplingFraction } : undefined,
      tableNames: declared?.tableNames,
      profileId: declared?.tableNames !== undefined ? undefined : r.profileId,
    }) as TelemetryInput,
  );
}

export type ServingEndpointArgs = Omit<ArgsOf<ServingEndpointInputs>, "logicalName" | "nameSeed" | "managedBy" | "secrets">;

/**
 * A Databricks model serving endpoint: custom Unity Catalog models, external models or foundation models, with
 * traffic routes, AI gateway, tags and notifications. Config changes are one in-place `PUT config`; a new name,
 * route optimization, description, budget policy or a switch between external and non-external models replaces it.
 * Secret values in served entities (credentials, secret environment variables) are kept apart in `secrets`, so a
 * preview masks only them.
 */
export class ServingEndpoint extends DynamicResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly endpointId: pulumi.Output<string>;
  declare readonly endpointUrl: pulumi.Output<string | undefined>;
  declare readonly servedEntities: pulumi.Output<ServedEntityInput[]>;
  declare readonly traffic: pulumi.Output<{ servedEntityName: string; trafficPercentage: number }[]>;
  declare readonly tags: pulumi.Output<Record<string, string> | undefined>;
  declare readonly state: pulumi.Output<{ ready?: string; configUpdate?: string }>;
  declare readonly configVersion: pulumi.Output<number | undefined>;
  declare readonly task: pulumi.Output<string | undefined>;
  declare readonly workspaceId: pulumi.Output<string | undefined>;

  constructor(name: string, args: ServingEndpointArgs, opts?: pulumi.CustomResourceOptions) {
    const { servedEntities, secrets } = splitSecrets(args.servedEntities);
    super(
      "ServingEndpoint",
      spec,
      name,
      {
        ...args,
        servedEntities,
        secrets,
        // Listed even when auto-named, so `name` is an output (only registered keys are).
        name: args.name,
        logicalName: name,
        nameSeed: `${pulumi.getProject()}/${pulumi.getStack()}`,
        managedBy: ownerId(pulumi.getProject(), pulumi.getStack(), "ServingEndpoint", name),
      },
      opts,
    );
  }
}
