import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DatabricksApiError } from "../client/errors";
import { clientFor, connectionSchema } from "../engine/connection";
import type { ResourceKind } from "../engine/kind";
import { compact, declaredFromRemote, jsonEqual } from "../engine/reconcile";
import { ArgsOf, MODULE } from "../engine/types";
import { parseInputs } from "../engine/validate";
import { makeProvider } from "../shim";

/** Unity Catalog identifiers: letters, digits and underscores (hyphens need quoting in SQL, so we refuse them). UC
 * stores them in lower case, so that is the canonical form: `Support_Bot` must not read back as a rename. */
const ucName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a Unity Catalog identifier: letters, digits, underscores, not starting with a digit")
  .max(255)
  .transform((s) => s.toLowerCase());

export const registeredModelInputs = z
  .object({
    catalog: ucName,
    schema: ucName,
    name: ucName,
    comment: z.string().max(4096).optional(),
    owner: z.string().min(1).optional(),
    storageLocation: z.string().min(1).optional(),
    /** Take over a model of this name that already exists instead of failing (`pulumi import` cannot adopt dynamic resources). */
    adopt: z.boolean().optional(),
    connection: connectionSchema.optional(),
  })
  .strict();
export type RegisteredModelInputs = z.infer<typeof registeredModelInputs>;

export const registeredModelOutputs = registeredModelInputs.extend({
  fullName: z.string(),
  effectiveOwner: z.string().optional(),
  effectiveStorageLocation: z.string().optional(),
  metastoreId: z.string().optional(),
  createdAt: z.number().optional(),
  updatedAt: z.number().optional(),
});
export type RegisteredModelOutputs = z.infer<typeof registeredModelOutputs>;

/** The wire shape of `RegisteredModelInfo` we use (Unity Catalog API 2.1). */
interface RegisteredModelInfo {
  full_name: string;
  catalog_name: string;
  schema_name: string;
  name: string;
  comment?: string;
  owner?: string;
  storage_location?: string;
  metastore_id?: string;
  created_at?: number;
  updated_at?: number;
}

const MODELS = "/api/2.1/unity-catalog/models";
const fullNameOf = (i: { catalog: string; schema: string; name: string }) => `${i.catalog}.${i.schema}.${i.name}`;
const modelPath = (fullName: string) => `${MODELS}/${encodeURIComponent(fullName)}`;

function toOutputs(inputs: RegisteredModelInputs, info: RegisteredModelInfo): RegisteredModelOutputs {
  return compact({
    ...inputs,
    fullName: info.full_name,
    effectiveOwner: info.owner,
    effectiveStorageLocation: info.storage_location,
    metastoreId: info.metastore_id,
    createdAt: info.created_at,
    updatedAt: info.updated_at,
  });
}

function declaredInputs(outs: RegisteredModelOutputs): RegisteredModelInputs {
  const { fullName: _f, effectiveOwner: _o, effectiveStorageLocation: _s, metastoreId: _m, createdAt: _c, updatedAt: _u, ...inputs } = outs;
  return inputs;
}

/** Fields the server lets us change in place (PATCH); everything else identifies the model. */
const REPLACE_ON = ["catalog", "schema", "name", "storageLocation"] as const;

export const kind: ResourceKind<RegisteredModelInputs, RegisteredModelOutputs> = {
  async check(_olds, news) {
    const { value, failures } = parseInputs(registeredModelInputs, news);
    // fullName rides along with the checked inputs: the engine previews outputs from them, so dependents (versions,
    // aliases, endpoints) see a known name at preview instead of an unknown that looks like a replacement.
    const inputs = value ? ({ ...value, fullName: fullNameOf(value) } as RegisteredModelInputs) : (news as RegisteredModelInputs);
    return { inputs, failures };
  },

  async diff(_id, olds, news) {
    const old = declaredInputs(olds);
    const replaces = REPLACE_ON.filter((k) => !jsonEqual(old[k], news[k]));
    const inPlace = (["comment", "owner", "connection"] as const).some((k) => !jsonEqual(old[k], news[k]));
    if (replaces.length === 0 && !inPlace) return { changes: false };
    // Same full name (a new storage location): the old model must go first. A rename creates the new model first,
    // so anything serving from the old one keeps working until its dependents have moved.
    const sameName = fullNameOf(old) === fullNameOf(news);
    return { changes: undefined, replaces: [...replaces], deleteBeforeReplace: replaces.length > 0 && sameName };
  },

  async create(inputs) {
    const client = await clientFor(inputs.connection);
    const fullName = fullNameOf(inputs);
    let info: RegisteredModelInfo;
    try {
      info = await client.post<RegisteredModelInfo>(MODELS, compact({
        catalog_name: inputs.catalog,
        schema_name: inputs.schema,
        name: inputs.name,
        comment: inputs.comment,
        storage_location: inputs.storageLocation,
      }));
    } catch (err) {
      if (!(err instanceof DatabricksApiError && err.isConflict)) throw err;
      if (!inputs.adopt) {
        throw new Error(`registered model ${fullName} already exists. To manage it with Pulumi, declare it with \`adopt: true\` (this adopts the existing model; \`pulumi import\` does not work for dynamic resources), or choose another name.`);
      }
      info = await client.get<RegisteredModelInfo>(modelPath(fullName));
      info = await patchIfNeeded(inputs, info);
    }
    if (inputs.owner && info.owner !== inputs.owner) info = await patchIfNeeded(inputs, info);
    return { id: info.full_name, outs: toOutputs(inputs, info) };
  },

  async read(id, props) {
    const client = await clientFor(props.connection);
    let info: RegisteredModelInfo;
    try {
      info = await client.get<RegisteredModelInfo>(modelPath(id));
    } catch (err) {
      if (err instanceof DatabricksApiError && err.isNotFound) return undefined;
      throw err;
    }
    const declared = props.catalog ? declaredInputs(props) : { catalog: info.catalog_name, schema: info.schema_name, name: info.name };
    const inputs = declaredFromRemote(declared, {
      catalog: info.catalog_name,
      schema: info.schema_name,
      name: info.name,
      comment: info.comment,
      owner: info.owner,
      storageLocation: info.storage_location,
    });
    // Same shape as check's inputs (with fullName), so a later diff does not list fullName as a change.
    return { id: info.full_name, props: toOutputs(inputs, info), inputs: { ...inputs, fullName: info.full_name } as RegisteredModelInputs };
  },

  async update(id, olds, news) {
    const client = await clientFor(news.connection);
    const current = await client.get<RegisteredModelInfo>(modelPath(id));
    // A comment removed from the declaration is cleared, not left behind.
    const target = news.comment === undefined && olds.comment !== undefined ? { ...news, comment: "" } : news;
    const info = await patchIfNeeded(target, current);
    return { outs: toOutputs(news, info) };
  },

  async delete(id, props) {
    const client = await clientFor(props.connection);
    try {
      await client.delete(modelPath(id));
    } catch (err) {
      // Already gone is the outcome delete wants.
      if (!(err instanceof DatabricksApiError && err.isNotFound)) throw err;
    }
  },
};

/** One PATCH carrying only what differs from the server, or none at all. */
async function patchIfNeeded(inputs: RegisteredModelInputs, info: RegisteredModelInfo): Promise<RegisteredModelInfo> {
  const body = compact({
    comment: inputs.comment !== undefined && inputs.comment !== (info.comment ?? "") ? inputs.comment : undefined,
    owner: inputs.owner !== undefined && inputs.owner !== info.owner ? inputs.owner : undefined,
  });
  if (Object.keys(body).length === 0) return info;
  const client = await clientFor(inputs.connection);
  return client.patch<RegisteredModelInfo>(modelPath(info.full_name), body);
}

const provider = makeProvider("RegisteredModel");

export type RegisteredModelArgs = ArgsOf<RegisteredModelInputs>;

/**
 * A Unity Catalog registered model (`catalog.schema.name`). Comment and owner change in place; a new catalog,
 * schema, name or storage location is a new model (replacement, deleting the old one first since names collide).
 */
export class RegisteredModel extends pulumi.dynamic.Resource {
  declare readonly catalog: pulumi.Output<string>;
  declare readonly schema: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly comment: pulumi.Output<string | undefined>;
  declare readonly owner: pulumi.Output<string | undefined>;
  declare readonly fullName: pulumi.Output<string>;
  declare readonly effectiveOwner: pulumi.Output<string>;
  declare readonly effectiveStorageLocation: pulumi.Output<string | undefined>;
  declare readonly metastoreId: pulumi.Output<string | undefined>;
  declare readonly createdAt: pulumi.Output<number>;
  declare readonly updatedAt: pulumi.Output<number>;

  constructor(name: string, args: RegisteredModelArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...args, fullName: undefined, effectiveOwner: undefined, effectiveStorageLocation: undefined, metastoreId: undefined, createdAt: undefined, updatedAt: undefined },
      opts,
      MODULE,
      "RegisteredModel",
    );
  }
}
