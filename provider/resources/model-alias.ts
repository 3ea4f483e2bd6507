import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DatabricksApiError } from "../client/errors";
import { clientFor, connectionSchema } from "../engine/connection";
import type { ResourceKind } from "../engine/kind";
import { compact, declaredFromRemote, jsonEqual } from "../engine/reconcile";
import { ArgsOf, MODULE } from "../engine/types";
import { CheckFailure, parseInputs } from "../engine/validate";
import { makeProvider } from "../shim";
import { ModelVersionInfo, aliasPath, modelFullName, modelPath, versionNumber, versionPath } from "../uc/names";

/** Alias names as Unity Catalog accepts them; `latest` and `v<N>` are reserved (they already mean a version). */
const aliasName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,254}$/, "must be letters, digits, '_' or '-', not starting with a digit (e.g. \"champion\")")
  .refine((a) => a.toLowerCase() !== "latest" && !/^v\d+$/i.test(a), "is reserved (`latest` and `v<N>` already name versions): choose another alias, e.g. \"champion\"")
  .transform((a) => a.toLowerCase());

export const modelAliasInputs = z
  .object({
    /** The registered model's full name, usually `RegisteredModel.fullName`. */
    model: modelFullName,
    alias: aliasName,
    /** The version the alias points to, usually `ModelVersion.version`; moving it is an in-place update. */
    version: versionNumber,
    connection: connectionSchema.optional(),
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

function toOutputs(inputs: ModelAliasInputs): ModelAliasOutputs {
  return compact({ ...inputs, entityVersion: String(inputs.version), uri: `models:/${inputs.model}@${inputs.alias}` });
}

function declaredInputs(outs: ModelAliasOutputs): ModelAliasInputs {
  const { entityVersion: _e, uri: _u, ...inputs } = outs;
  return inputs;
}

const parseId = (id: string) => {
  const i = id.lastIndexOf("@");
  return { model: id.slice(0, i), alias: id.slice(i + 1) };
};

/**
 * At preview, when everything is known: the target version must exist and be READY. A model that does not exist
 * yet (created in this same update) cannot be checked, so it is not.
 */
async function targetFailures(inputs: ModelAliasInputs): Promise<CheckFailure[]> {
  const client = await clientFor(inputs.connection);
  try {
    await client.get(modelPath(inputs.model));
  } catch (err) {
    if (err instanceof DatabricksApiError) return []; // not there yet, or not ours to read: nothing to check against
    throw err;
  }
  let info: ModelVersionInfo;
  try {
    info = await client.get<ModelVersionInfo>(versionPath(inputs.model, inputs.version));
  } catch (err) {
    if (!(err instanceof DatabricksApiError && err.isNotFound)) return [];
    const list = await client
      .get<{ model_versions?: ModelVersionInfo[] }>(`${modelPath(inputs.model)}/versions`, { max_results: 1000 })
      .catch(() => ({ model_versions: [] as ModelVersionInfo[] }));
    const ready = (list.model_versions ?? []).filter((v) => v.status === "READY").map((v) => v.version);
    return [{
      property: "version",
      reason:
        `version ${inputs.version} of ${inputs.model} does not exist (deleted, or not created yet), so alias @${inputs.alias} cannot point to it; ` +
        `existing READY versions: ${ready.length ? ready.join(", ") : "none"}. If a ModelVersion in this program creates it, pass its \`version\` output instead of a number, so the alias waits for it.`,
    }];
  }
  if (info.status !== "READY") {
    return [{ property: "version", reason: `version ${inputs.version} of ${inputs.model} is ${info.status}; an alias may only point to a READY version` }];
  }
  return [];
}

export const kind: ResourceKind<ModelAliasInputs, ModelAliasOutputs> = {
  async check(_olds, news) {
    const { value, failures } = parseInputs(modelAliasInputs, news);
    if (value) failures.push(...(await targetFailures(value)));
    return { inputs: (value ?? news) as ModelAliasInputs, failures };
  },

  async diff(_id, olds, news) {
    const old = declaredInputs(olds);
    const replaces = (["model", "alias"] as const).filter((k) => !jsonEqual(old[k], news[k]));
    const inPlace = (["version", "connection"] as const).some((k) => !jsonEqual(old[k], news[k]));
    if (replaces.length === 0 && !inPlace) return { changes: false };
    return { changes: undefined, replaces: [...replaces] };
  },

  async create(inputs) {
    const client = await clientFor(inputs.connection);
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

  async update(id, _olds, news) {
    const client = await clientFor(news.connection);
    const { model, alias } = parseId(id);
    await client.put(aliasPath(model, alias), { version_num: news.version });
    return { outs: toOutputs(news) };
  },

  async delete(id, props) {
    const client = await clientFor(props.connection);
    const { model, alias } = parseId(id);
    await client.delete(aliasPath(model, alias)).catch((err: unknown) => {
      if (!(err instanceof DatabricksApiError && err.isNotFound)) throw err;
    });
  },
};

const provider = makeProvider("ModelAlias");

export type ModelAliasArgs = ArgsOf<z.input<typeof modelAliasInputs>>;

/**
 * A Unity Catalog model alias (e.g. `champion`) pointing at a version. Moving it to another version is an in-place
 * update, so whatever serves `entityVersion` follows in the same `pulumi up`. At preview the target version must
 * exist and be READY.
 */
export class ModelAlias extends pulumi.dynamic.Resource {
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
    super(provider, name, { ...args }, opts, MODULE, "ModelAlias");
    this.entityVersion = pulumi.all([this.urn, args.version]).apply(([, v]) => String(Number(v)));
    this.uri = pulumi.all([this.urn, args.model, args.alias]).apply(([, m, a]) => `models:/${m.toLowerCase()}@${a.toLowerCase()}`);
  }
}
