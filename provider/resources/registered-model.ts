import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DatabricksApiError } from "../client/errors";
import type { ApiClient } from "../client/http";
import { clientFor, connectionSchema } from "../engine/connection";
import { computed, localOnly, replaces, stable, stableUnless, updates } from "../engine/fields";
import type { ResourceKind } from "../engine/kind";
import { adoptInput, leftInPlace, managedByInput, mayAdopt, ownerId, OWNER_TAG } from "../engine/ownership";
import type { KindSpec } from "../engine/plan";
import { compact, declaredFromRemote } from "../engine/reconcile";
import type { ArgsOf } from "../engine/types";
import { parseInputs } from "../engine/validate";
import { DynamicResource } from "../dynamic-resource";
import { deleteModelTag, modelTags, ownerTags, ownershipOfTags, REGISTRY, setModelTags, type RegistryTag } from "../uc/registry";
import { ALIAS_PATTERN, ALIAS_RULE, aliasMarkerKey, aliasPath, isReservedAlias, RESERVED_ALIAS_RULE, versionNumber } from "../uc/names";
import { versionFailures } from "../uc/versions";
import type { CheckFailure } from "../engine/validate";
import { progress } from "../serving/remote";

/** Unity Catalog identifiers: letters, digits and underscores (hyphens need quoting in SQL, so we refuse them). UC
 * stores them in lower case, so that is the canonical form: `Support_Bot` must not read back as a rename. */
const ucName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a Unity Catalog identifier: letters, digits, underscores, not starting with a digit")
  .max(255)
  .transform((s) => s.toLowerCase());

export const registeredModelInputs = z
  .object({
    catalog: replaces(ucName, "a model cannot move between catalogs"),
    schema: replaces(ucName, "a model cannot move between schemas"),
    name: replaces(ucName, "a rename is a new model (the new one is created before the old is deleted)"),
    comment: updates(z.string().max(4096).optional(), "PATCH comment"),
    owner: updates(z.string().min(1).optional(), "PATCH owner"),
    storageLocation: replaces(z.string().min(1).optional(), "fixed when the model is created"),
    /**
     * Aliases this resource sets, alias → version (e.g. `{ champion: 3 }`), read back with `include_aliases`. They
     * point at versions that exist before this update (for a version a ModelVersion registers in the same program,
     * use ModelAlias). Each alias is managed in one place: one a ModelAlias manages is refused here, and the reverse.
     * Aliases of the model that were never declared here are left alone.
     */
    aliases: updates(
      z.record(z.string().regex(ALIAS_PATTERN, ALIAS_RULE).refine((a) => !isReservedAlias(a), RESERVED_ALIAS_RULE), versionNumber).optional(),
      "PUT / DELETE each alias that changed",
    ),
    /** Take over a model of this name that another stack (or no one) owns (`pulumi import` cannot adopt dynamic resources). */
    adopt: adoptInput,
    managedBy: managedByInput,
    connection: localOnly(connectionSchema.optional(), "which workspace to reach (the workspace guard refuses another one)"),
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
  /** With `include_aliases=true`. */
  aliases?: { alias_name?: string; version_num?: number }[];
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

const spec: KindSpec = {
  inputs: registeredModelInputs,
  outputs: { fullName: stable, effectiveOwner: stableUnless("owner"), effectiveStorageLocation: stable, metastoreId: stable, createdAt: stable, updatedAt: computed },
  // Same full name (a new storage location): the old model must go first. A rename creates the new model first, so
  // anything serving from the old one keeps working until its dependents have moved.
  deleteBeforeReplace: (old, news) => fullNameOf(old as RegisteredModelInputs) === fullNameOf(news as RegisteredModelInputs),
};

const what = (fullName: string) => `registered model ${fullName}`;
const otherName = "choose another name";

export const kind: ResourceKind<RegisteredModelInputs, RegisteredModelOutputs> = {
  spec,

  async check(olds, news) {
    const { value, failures } = parseInputs(registeredModelInputs, news);
    // fullName rides along with the checked inputs: the engine previews outputs from them, so dependents (versions,
    // aliases, endpoints) see a known name at preview instead of an unknown that looks like a replacement.
    const inputs = value ? ({ ...value, fullName: fullNameOf(value) } as RegisteredModelInputs) : (news as RegisteredModelInputs);
    // A create (nothing in state) of a model that exists and is not ours fails at preview already.
    if (value && failures.length === 0 && (!olds || Object.keys(olds).length === 0) && value.adopt !== true) {
      const client = await clientFor(value.connection);
      const tags = await modelTags(client, fullNameOf(value)).catch(() => undefined);
      if (tags !== undefined) {
        const ownership = ownershipOfTags(tags, value.managedBy);
        if (ownership.state !== "ours") {
          try {
            mayAdopt(what(fullNameOf(value)), ownership, value.adopt, otherName);
          } catch (err) {
            failures.push({ property: "name", reason: (err as Error).message });
          }
        }
      }
    }
    if (value && failures.length === 0) {
      const aliases = normalizeAliases(value.aliases);
      if (aliases.failures.length) failures.push(...aliases.failures);
      else {
        // Only when declared: an undefined member would not serialize back to the engine.
        if (aliases.value !== undefined) (inputs as RegisteredModelInputs).aliases = aliases.value;
        const previous = olds && Object.keys(olds).length > 0 ? (olds as RegisteredModelInputs).aliases : undefined;
        failures.push(...(await aliasFailures({ ...value, aliases: aliases.value }, previous)));
      }
    }
    return { inputs, failures };
  },

  async create(inputs) {
    const client = await clientFor(inputs.connection);
    const fullName = fullNameOf(inputs);
    try {
      await createMarked(client, inputs);
    } catch (err) {
      if (!(err instanceof DatabricksApiError && err.isConflict)) throw err;
      // It exists: ours (a retried or interrupted create), another stack's, or nobody's.
      const tags = (await modelTags(client, fullName)) ?? [];
      let ownership = ownershipOfTags(tags, inputs.managedBy);
      if (ownership.state === "unmarked" && inputs.managedBy) {
        const existing = await client.get<RegisteredModelInfo>(modelPath(fullName));
        if (existing.comment === pendingMarker(inputs.managedBy)) ownership = { state: "ours" };
      }
      mayAdopt(what(fullName), ownership, inputs.adopt, otherName);
      if (ownership.state !== "ours") progress(`${what(fullName)} already exists: adopting it (adopt: true)`);
      await setModelTags(client, fullName, ownerTags(inputs.managedBy));
    }
    let info = await client.get<RegisteredModelInfo>(modelPath(fullName));
    const clearMarker = inputs.managedBy !== undefined && info.comment === pendingMarker(inputs.managedBy);
    info = await patchIfNeeded(client, { ...inputs, comment: inputs.comment ?? (clearMarker ? "" : undefined) }, info);
    await applyAliases(client, fullName, inputs.aliases, undefined, inputs.managedBy);
    return { id: info.full_name, outs: toOutputs(inputs, info) };
  },

  async locate(inputs) {
    const client = await clientFor(inputs.connection);
    return toOutputs(inputs, await client.get<RegisteredModelInfo>(modelPath(fullNameOf(inputs))));
  },

  async read(id, props) {
    const client = await clientFor(props.connection);
    let info: RegisteredModelInfo;
    try {
      info = await client.get<RegisteredModelInfo>(modelPath(id), { include_aliases: true });
    } catch (err) {
      if (err instanceof DatabricksApiError && err.isNotFound) return undefined;
      throw err;
    }
    const declared = props.catalog ? declaredInputs(props) : { catalog: info.catalog_name, schema: info.schema_name, name: info.name };
    const inputs = declaredFromRemote(declared, {
      catalog: info.catalog_name,
      schema: info.schema_name,
      name: info.name,
      comment: info.comment === "" && declared.comment === undefined ? undefined : info.comment,
      owner: info.owner,
      storageLocation: info.storage_location,
      // Only the aliases declared here: others (a ModelAlias's, or set by hand) are not this resource's.
      aliases: declared.aliases ? declaredAliases(info, Object.keys(declared.aliases)) : undefined,
    });
    // Same shape as check's inputs (with fullName), so a later diff does not list fullName as a change.
    return { id: info.full_name, props: toOutputs(inputs, info), inputs: { ...inputs, fullName: info.full_name } as RegisteredModelInputs };
  },

  async update(id, olds, news) {
    const client = await clientFor(news.connection);
    const tags = await modelTags(client, id);
    if (tags === undefined) throw new Error(`${what(id)} no longer exists: run \`pulumi refresh\` to forget it, then \`pulumi up\` to create it again`);
    const ownership = ownershipOfTags(tags, olds.managedBy ?? news.managedBy);
    if (ownership.state === "foreign" && ownership.owner !== news.managedBy) mayAdopt(what(id), ownership, news.adopt, "remove it from this stack");
    // Stamp (or restamp, after a stack rename or an adoption) the owner marker.
    if (news.managedBy && !tags.some((t) => t.key === OWNER_TAG && t.value === news.managedBy)) await setModelTags(client, id, ownerTags(news.managedBy));
    const current = await client.get<RegisteredModelInfo>(modelPath(id));
    // A comment removed from the declaration is cleared, not left behind.
    const target = news.comment === undefined && olds.comment !== undefined ? { ...news, comment: "" } : news;
    const info = await patchIfNeeded(client, target, current);
    await applyAliases(client, id, news.aliases, olds.aliases, news.managedBy);
    return { outs: toOutputs(news, info) };
  },

  async delete(id, props) {
    const client = await clientFor(props.connection);
    const tags = await modelTags(client, id);
    if (tags === undefined) return; // already gone: the outcome delete wants
    const ownership = ownershipOfTags(tags, props.managedBy);
    if (ownership.state === "foreign") {
      progress(leftInPlace(what(id), ownership.owner));
      return;
    }
    try {
      await client.delete(modelPath(id));
    } catch (err) {
      if (!(err instanceof DatabricksApiError && err.isNotFound)) throw err;
    }
  },
};

/**
 * Creates the model with its owner marker in one request (the registry's create takes tags), so a lost answer never
 * leaves an unmarked model. A storage location is only accepted by the UC create; there the marker rides in the
 * comment until the tag is set, so a retry still recognises the model as ours.
 */
async function createMarked(client: ApiClient, inputs: RegisteredModelInputs): Promise<void> {
  const fullName = fullNameOf(inputs);
  if (inputs.storageLocation === undefined) {
    await client.post(`${REGISTRY}/registered-models/create`, compact({ name: fullName, description: inputs.comment, tags: ownerTags(inputs.managedBy) }));
    return;
  }
  const comment = inputs.managedBy ? pendingMarker(inputs.managedBy) : inputs.comment;
  await client.post(MODELS, compact({ catalog_name: inputs.catalog, schema_name: inputs.schema, name: inputs.name, comment, storage_location: inputs.storageLocation }));
  await setModelTags(client, fullName, ownerTags(inputs.managedBy));
}

/** The comment a model carries between its UC create and its owner tag (storage-location path only). */
const pendingMarker = (managedBy: string) => `[pulumi-databricks-serving: being created by ${managedBy}]`;

/** One PATCH carrying only what differs from the server, or none at all. */
async function patchIfNeeded(client: ApiClient, inputs: RegisteredModelInputs, info: RegisteredModelInfo): Promise<RegisteredModelInfo> {
  const body = compact({
    comment: inputs.comment !== undefined && inputs.comment !== (info.comment ?? "") ? inputs.comment : undefined,
    owner: inputs.owner !== undefined && inputs.owner !== info.owner ? inputs.owner : undefined,
  });
  if (Object.keys(body).length === 0) return info;
  return client.patch<RegisteredModelInfo>(modelPath(info.full_name), body);
}

// ---- aliases declared on the model ----

type Aliases = Record<string, number>;

/** Aliases keyed in lower case (Unity Catalog's canonical form) and sorted; two spellings of one alias are refused. */
function normalizeAliases(aliases: Aliases | undefined): { value?: Aliases; failures: CheckFailure[] } {
  if (aliases === undefined) return { failures: [] };
  const out: Aliases = {};
  const failures: CheckFailure[] = [];
  for (const [k, v] of Object.entries(aliases)) {
    const key = k.toLowerCase();
    if (key in out) failures.push({ property: `aliases.${k}`, reason: `names the same alias as another key (aliases are case-insensitive): keep one` });
    out[key] = v;
  }
  return { value: Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1))), failures };
}

function declaredAliases(info: RegisteredModelInfo, names: string[]): Aliases {
  const server = new Map((info.aliases ?? []).map((a) => [a.alias_name, a.version_num]));
  return Object.fromEntries(names.filter((n) => server.get(n) !== undefined).map((n) => [n, Number(server.get(n))]));
}

const ONE_PLACE = (owner: string) =>
  `is managed by ${owner}: declare each alias in one place, either in RegisteredModel.aliases or in a ModelAlias, not both ` +
  "(remove it from one of them; to move it here, delete that ModelAlias first)";

/**
 * At preview, for aliases that are new or move: the model and the version must exist (aliases here point at versions
 * registered before this update), the version must be READY, and no other resource (a ModelAlias) may manage the alias.
 */
async function aliasFailures(inputs: RegisteredModelInputs, previous: Aliases | undefined): Promise<CheckFailure[]> {
  const fresh = Object.entries(inputs.aliases ?? {}).filter(([k, v]) => previous?.[k] !== v);
  if (fresh.length === 0) return [];
  const client = await clientFor(inputs.connection);
  const fullName = fullNameOf(inputs);
  let exists: boolean;
  try {
    await client.get(modelPath(fullName));
    exists = true;
  } catch (err) {
    if (!(err instanceof DatabricksApiError && err.isNotFound)) return []; // cannot read it (permissions): the up will tell
    exists = false;
  }
  if (!exists) {
    return [{
      property: `aliases.${fresh[0][0]}`,
      reason:
        `${fullName} does not exist yet (this update creates it), so it has no version ${fresh[0][1]} to point to: aliases declared on ` +
        "RegisteredModel point at versions that exist before the update. For a version a ModelVersion registers in this program, declare a ModelAlias instead (it runs after the version)",
    }];
  }
  // Owner markers are registry tags; unreadable ones only leave the one-place rule to the up.
  const tags = (await modelTags(client, fullName).catch(() => undefined)) ?? [];
  const failures: CheckFailure[] = [];
  for (const [alias, version] of fresh) {
    const owner = markerOwner(tags, alias);
    if (owner !== undefined && owner !== inputs.managedBy) failures.push({ property: `aliases.${alias}`, reason: `alias @${alias} of ${fullName} ${ONE_PLACE(owner)}` });
    failures.push(
      ...(await versionFailures(client, fullName, version, `aliases.${alias}`, `alias @${alias}`, "Aliases on RegisteredModel point at existing versions; for a version registered in this program use a ModelAlias.")),
    );
  }
  return failures;
}

const markerOwner = (tags: RegistryTag[], alias: string) => tags.find((t) => t.key === aliasMarkerKey(alias))?.value || undefined;

/**
 * Makes the declared aliases so: each alias gets this resource's owner marker (the one ModelAlias reads, so the two
 * never fight over an alias) and is PUT when it points elsewhere; aliases declared before and now removed are deleted
 * with their marker. Aliases never declared here are not touched.
 */
async function applyAliases(client: ApiClient, fullName: string, want: Aliases | undefined, had: Aliases | undefined, managedBy: string | undefined): Promise<void> {
  const removed = Object.keys(had ?? {}).filter((k) => !(k in (want ?? {})));
  if (Object.keys(want ?? {}).length === 0 && removed.length === 0) return;
  const info = await client.get<RegisteredModelInfo>(modelPath(fullName), { include_aliases: true });
  const current = declaredAliases(info, [...Object.keys(want ?? {}), ...removed]);
  const tags = (await modelTags(client, fullName)) ?? [];
  for (const alias of removed) {
    const owner = markerOwner(tags, alias);
    if (owner !== undefined && owner !== managedBy) continue; // another resource took it over since: theirs now
    if (current[alias] !== undefined) {
      await client.delete(aliasPath(fullName, alias)).catch((err: unknown) => {
        if (!(err instanceof DatabricksApiError && err.isNotFound)) throw err;
      });
    }
    if (owner !== undefined) await deleteModelTag(client, fullName, aliasMarkerKey(alias));
  }
  for (const [alias, version] of Object.entries(want ?? {})) {
    const owner = markerOwner(tags, alias);
    if (owner !== undefined && owner !== managedBy) throw new Error(`aliases.${alias}: alias @${alias} of ${fullName} ${ONE_PLACE(owner)}`);
    if (managedBy && owner !== managedBy) await setModelTags(client, fullName, [{ key: aliasMarkerKey(alias), value: managedBy }]);
    if (current[alias] !== version) await client.put(aliasPath(fullName, alias), { version_num: version });
  }
}

export type RegisteredModelArgs = Omit<ArgsOf<RegisteredModelInputs>, "managedBy">;

/**
 * A Unity Catalog registered model (`catalog.schema.name`). Comment and owner change in place; a new catalog,
 * schema, name or storage location is a new model (replacement, deleting the old one first since names collide).
 */
export class RegisteredModel extends DynamicResource {
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
      "RegisteredModel",
      spec,
      name,
      { ...args, managedBy: ownerId(pulumi.getProject(), pulumi.getStack(), "RegisteredModel", name) },
      opts,
    );
  }
}
