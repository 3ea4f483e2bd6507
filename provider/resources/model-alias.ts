import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DatabricksApiError } from "../client/errors";
import { clientFor, connectionSchema } from "../engine/connection";
import type { ResourceKind } from "../engine/kind";
import { compact, declaredFromRemote } from "../engine/reconcile";
import { localOnly, replaces, stable, stableUnless, updates } from "../engine/fields";
import { adoptInput, leftInPlace, managedByInput, mayAdopt, ownerId, ownershipOf } from "../engine/ownership";
import type { KindSpec } from "../engine/plan";
import { progress } from "../serving/remote";
import { deleteModelTag, modelTags, setModelTags, type RegistryTag } from "../uc/registry";
import type { ArgsOf } from "../engine/types";
import { CheckFailure, parseInputs } from "../engine/validate";
import { DynamicResource } from "../dynamic-resource";
import { ModelVersionInfo, aliasMarkerKey, aliasName, aliasPath, modelFullName, versionNumber } from "../uc/names";
import { versionFailures } from "../uc/versions";


export const modelAliasInputs = z
  .object({
    /** The registered model's full name, usually `RegisteredModel.fullName`. */
    model: replaces(modelFullName, "an alias belongs to one model"),
    alias: replaces(aliasName, "a new alias name is a new alias (the old one is removed)"),
    /** The version the alias points to, usually `ModelVersion.version`; moving it is an in-place update. */
    version: updates(versionNumber, "PUT the alias onto the new version"),
    /** Take over an alias this resource did not set (another stack's, or one set by hand). */
    adopt: adoptInput,
    managedBy: managedByInput,
    connection: localOnly(connectionSchema.optional(), "which workspace to reach (the workspace guard refuses another one)"),
  })
  .strict();
export type ModelAliasInputs = z.infer<typeof modelAliasInputs>;

export const modelAliasOutputs = modelAliasInputs.extend({
  /** The version as a string, the form serving entities take (`entityVersion`). */
  entityVersion: z.string(),
  /** `models:/<model>@<alias>`, the MLflow URI of the alias. */
  uri: z.string(),
});
export type ModelAliasOutputs = z.infer<typeof modelAliasOutputs>;

const derived = (inputs: ModelAliasInputs) => ({ entityVersion: String(inputs.version), uri: `models:/${inputs.model}@${inputs.alias}` });

function toOutputs(inputs: ModelAliasInputs): ModelAliasOutputs {
  return compact({ ...inputs, ...derived(inputs) });
}

function declaredInputs(outs: ModelAliasOutputs): ModelAliasInputs {
  const { entityVersion: _e, uri: _u, ...inputs } = outs;
  return inputs;
}

const parseId = (id: string) => {
  const i = id.lastIndexOf("@");
  return { model: id.slice(0, i), alias: id.slice(i + 1) };
};

/** At preview, when everything is known: the target version must exist and be READY (uc/versions.ts). */
async function targetFailures(inputs: ModelAliasInputs): Promise<CheckFailure[]> {
  return versionFailures(await clientFor(inputs.connection), inputs.model, inputs.version, "version", `alias @${inputs.alias}`);
}

const spec: KindSpec = { inputs: modelAliasInputs, outputs: { entityVersion: stableUnless("version"), uri: stable } };

/**
 * Aliases have no tags of their own, so an alias's owner marker is a registry tag on its model, one per alias.
 * It is set before the alias itself, so an interrupted create always finds its marker.
 */
const markerKey = aliasMarkerKey;

function aliasOwnership(tags: RegistryTag[] | undefined, alias: string, mine: string | undefined) {
  const marker = (tags ?? []).find((t) => t.key === markerKey(alias))?.value;
  return ownershipOf(marker, false, mine);
}

const describeAlias = (model: string, alias: string) => `alias @${alias} of ${model}`;

/** What to do instead of adopting: a RegisteredModel that declares the alias in its `aliases` is its one place. */
const otherWay = (ownership: { state: string; owner?: string }) =>
  ownership.state === "foreign" && ownership.owner?.includes("/RegisteredModel/")
    ? "remove it from that RegisteredModel's `aliases` (each alias is declared in one place), or choose another alias name"
    : "choose another alias name";

/** The version an alias points to now, or undefined when it is not set. */
async function currentTarget(client: Awaited<ReturnType<typeof clientFor>>, model: string, alias: string): Promise<number | undefined> {
  try {
    return Number((await client.get<ModelVersionInfo>(aliasPath(model, alias))).version);
  } catch (err) {
    if (err instanceof DatabricksApiError && err.isNotFound) return undefined;
    throw err;
  }
}

export const kind: ResourceKind<ModelAliasInputs, ModelAliasOutputs> = {
  spec,

  async check(olds, news) {
    const { value, failures } = parseInputs(modelAliasInputs, news);
    if (value) failures.push(...(await targetFailures(value)));
    // Creating an alias another stack (or someone by hand) already set fails at preview.
    if (value && failures.length === 0 && (!olds || Object.keys(olds).length === 0) && value.adopt !== true) {
      const client = await clientFor(value.connection);
      const existing = await currentTarget(client, value.model, value.alias).catch(() => undefined);
      if (existing !== undefined) {
        const ownership = aliasOwnership(await modelTags(client, value.model).catch(() => undefined), value.alias, value.managedBy);
        try {
          mayAdopt(describeAlias(value.model, value.alias), ownership, value.adopt, otherWay(ownership));
        } catch (err) {
          failures.push({ property: "alias", reason: (err as Error).message });
        }
      }
    }
    // The derived outputs ride along, so they are known at preview like the declared values they come from.
    return { inputs: (value ? { ...value, ...derived(value) } : news) as ModelAliasInputs, failures };
  },

  async create(inputs) {
    const client = await clientFor(inputs.connection);
    const what = describeAlias(inputs.model, inputs.alias);
    if ((await currentTarget(client, inputs.model, inputs.alias)) !== undefined) {
      const ownership = aliasOwnership(await modelTags(client, inputs.model), inputs.alias, inputs.managedBy);
      mayAdopt(what, ownership, inputs.adopt, otherWay(ownership));
      if (ownership.state !== "ours") progress(`${what} already exists: adopting it (adopt: true)`);
    }
    if (inputs.managedBy) await setModelTags(client, inputs.model, [{ key: markerKey(inputs.alias), value: inputs.managedBy }]);
    await client.put(aliasPath(inputs.model, inputs.alias), { version_num: inputs.version });
    return { id: `${inputs.model}@${inputs.alias}`, outs: toOutputs(inputs) };
  },

  async read(id, props) {
    const client = await clientFor(props.connection);
    const { model, alias } = parseId(id);
    let info: ModelVersionInfo;
    try {
      info = await client.get<ModelVersionInfo>(aliasPath(model, alias));
    } catch (err) {
      if (err instanceof DatabricksApiError && err.isNotFound) return undefined;
      throw err;
    }
    const declared = props.model ? declaredInputs(props) : ({ model, alias } as ModelAliasInputs);
    const inputs = declaredFromRemote(declared, { version: Number(info.version) });
    return { id, props: toOutputs(inputs), inputs };
  },

  async update(id, olds, news) {
    const client = await clientFor(news.connection);
    const { model, alias } = parseId(id);
    const ownership = aliasOwnership(await modelTags(client, model), alias, olds.managedBy);
    if (ownership.state === "foreign" && ownership.owner !== news.managedBy) mayAdopt(describeAlias(model, alias), ownership, news.adopt, "remove it from this stack");
    if (news.managedBy && (ownership.state !== "ours" || news.managedBy !== olds.managedBy)) await setModelTags(client, model, [{ key: markerKey(alias), value: news.managedBy }]);
    await client.put(aliasPath(model, alias), { version_num: news.version });
    return { outs: toOutputs(news) };
  },

  async delete(id, props) {
    const client = await clientFor(props.connection);
    const { model, alias } = parseId(id);
    const tags = await modelTags(client, model);
    if (tags === undefined) return; // the model went, and its aliases with it
    const ownership = aliasOwnership(tags, alias, props.managedBy);
    if (ownership.state === "foreign") {
      progress(leftInPlace(describeAlias(model, alias), ownership.owner));
      return;
    }
    await client.delete(aliasPath(model, alias)).catch((err: unknown) => {
      if (!(err instanceof DatabricksApiError && err.isNotFound)) throw err;
    });
    await deleteModelTag(client, model, markerKey(alias));
  },
};

export type ModelAliasArgs = ArgsOf<Omit<z.input<typeof modelAliasInputs>, "managedBy">>;

/**
 * A Unity Catalog model alias (e.g. `champion`) pointing at a version. Moving it to another version is an in-place
 * update, so whatever serves `entityVersion` follows in the same `pulumi up`. At preview the target version must
 * exist and be READY.
 */
export class ModelAlias extends DynamicResource {
  declare readonly model: pulumi.Output<string>;
  declare readonly alias: pulumi.Output<string>;
  declare readonly version: pulumi.Output<number>;
  /**
   * The version as a string, the form serving entities take. Derived in the program from the declared version and
   * tied to this resource's URN: known at preview (a promotion shows the endpoint's new version), and a dependency,
   * so the endpoint is updated after the alias has moved.
   */
  readonly entityVersion: pulumi.Output<string>;
  /** `models:/<model>@<alias>` (also known at preview). */
  readonly uri: pulumi.Output<string>;

  constructor(name: string, args: ModelAliasArgs, opts?: pulumi.CustomResourceOptions) {
    super("ModelAlias", spec, name, { ...args, managedBy: ownerId(pulumi.getProject(), pulumi.getStack(), "ModelAlias", name) }, opts);
    this.entityVersion = pulumi.all([this.urn, args.version]).apply(([, v]) => String(Number(v)));
    this.uri = pulumi.all([this.urn, args.model, args.alias]).apply(([, m, a]) => `models:/${m.toLowerCase()}@${a.toLowerCase()}`);
  }
}
