import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { createHash } from "node:crypto";
import { backoffDelay, sleep } from "../client/backoff";
import { DatabricksApiError } from "../client/errors";
import { LostAnswer, type ApiClient } from "../client/http";
import { clientFor, connectionSchema } from "../engine/connection";
import { computed, localOnly, replaces, stable, updates } from "../engine/fields";
import { PartialFailure, type ResourceKind } from "../engine/kind";
import { leftInPlace, managedByInput, ownerId } from "../engine/ownership";
import type { KindSpec } from "../engine/plan";
import { compact, declaredFromRemote } from "../engine/reconcile";
import { ownerTags, ownershipOfTags, setVersionTags, versionTags, type RegistryTag } from "../uc/registry";
import type { ArgsOf } from "../engine/types";
import { isUnknown } from "../engine/unknown";
import { CheckFailure, parseInputs } from "../engine/validate";
import { hashModelFiles, inspectModelDirectory } from "../uc/local-model";
import { MLFLOW_UC_API, ModelVersionInfo, modelFullName, modelPath, versionPath } from "../uc/names";
import { TemporaryCredentials, uploadModelFiles } from "../uc/upload";
import { DynamicResource } from "../dynamic-resource";

/** Artifact URIs Unity Catalog can register from (MLflow run and model URIs, DBFS, cloud storage, Hugging Face). */
const SOURCE_SCHEMES = ["runs:/", "models:/", "dbfs:/", "s3://", "s3a://", "abfss://", "wasbs://", "gs://", "hf://"] as const;

export const modelVersionInputs = z
  .object({
    /** The registered model's full name, usually `RegisteredModel.fullName`. */
    model: replaces(modelFullName, "a version belongs to one model"),
    /** An artifact URI to register, e.g. `runs:/<run_id>/model`. Exactly one of `source` and `directory`. */
    source: replaces(
      z
        .string()
        .refine((s) => SOURCE_SCHEMES.some((p) => s.startsWith(p)), `must be an artifact URI starting with one of ${SOURCE_SCHEMES.join(", ")}; for files on this machine use \`directory\``)
        .optional(),
      "versions are immutable: new content is a new version",
    ),
    /**
     * A local model directory that the resource uploads, relative to the program's folder: an MLflow model (with its
     * MLmodel file) or a Hugging Face snapshot (config.json + weights), registered as a `transformers` model.
     */
    directory: localOnly(z.string().min(1).optional(), "where the files are read from; their content is `contentHash`"),
    /** The MLflow run that produced the model (lineage). */
    runId: replaces(z.string().min(1).optional(), "versions are immutable"),
    /** The version's description; the only field that changes in place. */
    comment: updates(z.string().max(4096).optional(), "PATCH comment"),
    /** Set by `check` from the directory's files; a new hash means a new version. */
    contentHash: replaces(z.string().optional(), "new files are a new version"),
    /** How long to wait for READY (Pulumi's customTimeouts do not reach dynamic providers). Default 1200. */
    waitTimeoutSeconds: localOnly(z.number().int().min(1).max(86_400).optional(), "how long the provider waits"),
    managedBy: managedByInput,
    connection: localOnly(connectionSchema.optional(), "which workspace to reach (the workspace guard refuses another one)"),
  })
  .strict();
export type ModelVersionInputs = z.infer<typeof modelVersionInputs>;

export const modelVersionOutputs = modelVersionInputs.extend({
  version: z.number().int(),
  status: z.string(),
  storageLocation: z.string().optional(),
  /** The source recorded on the version (the URI, or the uploaded directory's absolute path). */
  registeredSource: z.string().optional(),
  createdAt: z.number().optional(),
});
export type ModelVersionOutputs = z.infer<typeof modelVersionOutputs>;

const COMPUTED = ["version", "status", "storageLocation", "registeredSource", "createdAt"] as const;

function declaredInputs(outs: ModelVersionOutputs): ModelVersionInputs {
  const rest: Record<string, unknown> = { ...outs };
  for (const k of COMPUTED) delete rest[k];
  return rest as ModelVersionInputs;
}

const parseId = (id: string): { model: string; version: number } => {
  const i = id.lastIndexOf("/");
  return { model: id.slice(0, i), version: Number(id.slice(i + 1)) };
};

function progress(message: string): void {
  process.stderr.write(`[databricks-serving] ${message}\n`);
}

function crossFieldFailures(news: Record<string, unknown>): CheckFailure[] {
  const has = (k: string) => news[k] !== undefined && news[k] !== null;
  if (has("source") && has("directory")) {
    return [{ property: "directory", reason: "give either `source` (an artifact URI) or `directory` (local files to upload), not both" }];
  }
  if (!has("source") && !has("directory")) {
    return [{ property: "source", reason: `is required: give \`source\` (an artifact URI: ${SOURCE_SCHEMES.join(", ")}) or \`directory\` (a local MLflow model directory)` }];
  }
  return [];
}

const spec: KindSpec = {
  inputs: modelVersionInputs,
  outputs: { version: stable, status: computed, storageLocation: stable, registeredSource: stable, createdAt: stable },
};

/** Registry tag naming one create: the same resource registering the same content gets the same key. */
export const CREATE_KEY_TAG = "pulumi-create-key";

function createKey(inputs: ModelVersionInputs): string {
  const identity = JSON.stringify([inputs.managedBy ?? "", inputs.model, inputs.source ?? "", inputs.contentHash ?? "", inputs.runId ?? ""]);
  return createHash("sha256").update(identity).digest("hex").slice(0, 32);
}

const describeVersion = (model: string, version: number | string) => `version ${version} of ${model}`;

export const kind: ResourceKind<ModelVersionInputs, ModelVersionOutputs> = {
  spec,

  async check(_olds, news) {
    const { value, failures } = parseInputs(modelVersionInputs, news);
    failures.push(...crossFieldFailures(news));
    const inputs = { ...((value ?? news) as ModelVersionInputs) };
    delete inputs.contentHash; // never the user's to set
    // The directory is read even while other inputs are unknown, so a changed file shows as a replacement at once.
    if (typeof news.directory === "string" && !isUnknown(news.directory)) {
      const inspected = inspectModelDirectory(path.resolve(news.directory));
      if (inspected.problem) failures.push({ property: "directory", reason: inspected.problem });
      else inputs.contentHash = hashModelFiles(inspected.files);
    }
    return { inputs, failures };
  },

  async create(inputs) {
    const client = await clientFor(inputs.connection);
    let files: ReturnType<typeof inspectModelDirectory>["files"] = [];
    let source = inputs.source;
    if (inputs.directory !== undefined) {
      const dir = path.resolve(inputs.directory);
      const inspected = inspectModelDirectory(dir);
      if (inspected.problem) throw new Error(inspected.problem);
      const hash = hashModelFiles(inspected.files);
      if (inputs.contentHash && hash !== inputs.contentHash) {
        throw new Error(`the files in ${inputs.directory} changed between preview and update (${inputs.contentHash} → ${hash}): run \`pulumi up\` again`);
      }
      files = inspected.files;
      source = dir;
    }
    const key = createKey(inputs);
    // A version this resource registered before (an answer lost, or a run killed before Pulumi saved it) is resumed,
    // never registered twice: creating a version is the one create the server does not refuse when repeated.
    let found = await findOwnVersion(client, inputs.model, source, key);
    if (!found) {
      try {
        const created = await client.post<{ model_version: ModelVersionInfo }>(
          `${MLFLOW_UC_API}/create`,
          compact({ name: inputs.model, source, run_id: inputs.runId, description: inputs.comment, tags: [...ownerTags(inputs.managedBy), { key: CREATE_KEY_TAG, value: key }] }),
          { notIdempotent: true },
        );
        found = { ...created.model_version, version: Number(created.model_version.version) };
      } catch (err) {
        if (!(err instanceof LostAnswer)) throw err;
        found = await findOwnVersion(client, inputs.model, source, key);
        if (!found) throw new Error(`${err.message}; no version of ${inputs.model} carries this resource's create key, so nothing was registered: run \`pulumi up\` again`, { cause: err });
        progress(`${describeVersion(inputs.model, found.version)}: the answer to its create was lost; found it by its create key and resumed`);
      }
    } else {
      progress(`${describeVersion(inputs.model, found.version)} was registered by this resource before (interrupted run): resuming it`);
    }
    const version = Number(found.version);
    const id = `${inputs.model}/${version}`;
    try {
      if (found.status === "PENDING_REGISTRATION") {
        if (files.length > 0) {
          const creds = await client.post<TemporaryCredentials>(`${MLFLOW_UC_API}/generate-temporary-credentials`, {
            name: inputs.model,
            version: String(version),
            operation: "MODEL_VERSION_OPERATION_READ_WRITE",
          });
          const storage = creds.storage_location ?? found.storage_location ?? "";
          progress(`${id}: uploading ${files.length} file(s) from ${inputs.directory}`);
          await uploadModelFiles(client, creds, storage, files, (m) => progress(`${id}: ${m}`));
        }
        await client.post(`${MLFLOW_UC_API}/finalize`, { name: inputs.model, version: String(version) });
      }
      const info = await waitForReady(client, inputs.model, version, (inputs.waitTimeoutSeconds ?? 1200) * 1000);
      return { id, outs: toOutputs(inputs, info) };
    } catch (err) {
      if (err instanceof WaitTimedOut) {
        // Still registering: keep it in state so the next `up` picks it up rather than making another version.
        throw new PartialFailure(err.message, id, toOutputs(inputs, err.info));
      }
      // A version that failed to register or upload is unusable and immutable: remove it, report why.
      await client.delete(versionPath(inputs.model, version)).catch(() => undefined);
      throw new Error(`${(err as Error).message} (the incomplete version ${version} of ${inputs.model} was deleted; fix the cause and run \`pulumi up\` again)`, { cause: err });
    }
  },

  async locate(inputs) {
    const client = await clientFor(inputs.connection);
    const source = inputs.directory !== undefined ? path.resolve(inputs.directory) : inputs.source;
    const found = await findOwnVersion(client, inputs.model, source, createKey(inputs));
    return found ? toOutputs(inputs, found) : undefined;
  },

  async read(id, props) {
    const client = await clientFor(props.connection);
    const { model, version } = parseId(id);
    let info: ModelVersionInfo;
    try {
      info = await client.get<ModelVersionInfo>(versionPath(model, version));
    } catch (err) {
      if (err instanceof DatabricksApiError && err.isNotFound) return undefined;
      throw err;
    }
    const declared = props.model ? declaredInputs(props) : ({ model } as ModelVersionInputs);
    const inputs = declaredFromRemote(declared, { comment: info.comment === "" && declared.comment === undefined ? undefined : info.comment });
    return { id, props: toOutputs(inputs, info), inputs };
  },

  async update(id, olds, news) {
    const client = await clientFor(news.connection);
    const { model, version } = parseId(id);
    let info = await client.get<ModelVersionInfo>(versionPath(model, version));
    if (info.status === "PENDING_REGISTRATION") {
      // A create that timed out waiting: keep waiting now.
      info = await waitForReady(client, model, version, (news.waitTimeoutSeconds ?? 1200) * 1000).catch((err: unknown) => {
        if (err instanceof WaitTimedOut) throw new PartialFailure(err.message, id, toOutputs(news, err.info));
        throw err;
      });
    }
    if (news.managedBy && news.managedBy !== olds.managedBy) {
      const tags = await versionTags(client, model, version);
      const ownership = ownershipOfTags(tags, olds.managedBy);
      if (ownership.state === "foreign" && ownership.owner !== news.managedBy) {
        throw new Error(`${describeVersion(model, version)} is owned by ${ownership.owner}: this stack will not change it`);
      }
      await setVersionTags(client, model, version, ownerTags(news.managedBy));
    }
    const wanted = news.comment ?? "";
    if (wanted !== (info.comment ?? "") && (news.comment !== undefined || olds.comment !== undefined)) {
      info = await client.patch<ModelVersionInfo>(versionPath(model, version), { comment: wanted });
    }
    return { outs: toOutputs(news, info) };
  },

  async delete(id, props) {
    const client = await clientFor(props.connection);
    const { model, version } = parseId(id);
    let info: ModelVersionInfo;
    try {
      info = await client.get<ModelVersionInfo>(versionPath(model, version), { include_aliases: true });
    } catch (err) {
      if (err instanceof DatabricksApiError && err.isNotFound) return;
      throw err;
    }
    const ownership = ownershipOfTags(await versionTags(client, model, version), props.managedBy);
    if (ownership.state === "foreign") {
      progress(leftInPlace(describeVersion(model, version), ownership.owner));
      return;
    }
    const aliases = (info.aliases ?? []).map((a) => a.alias_name).filter((a): a is string => !!a);
    if (aliases.length > 0) {
      // Unity Catalog would silently delete the aliases with the version, and whatever serves "@alias" would break.
      throw new Error(
        `refusing to delete version ${version} of ${model}: alias(es) ${aliases.map((a) => `@${a}`).join(", ")} point to it. ` +
          "Move the alias to another version first (ModelAlias `version`), or delete the ModelAlias, then run the update again.",
      );
    }
    await client.delete(versionPath(model, version)).catch((err: unknown) => {
      if (!(err instanceof DatabricksApiError && err.isNotFound)) throw err;
    });
  },
};

/**
 * The version this resource registered with this content, if any: versions whose recorded source is ours (normally
 * none or one), newest first, checked for our create key. Bounded: a create costs one list when there is none.
 */
async function findOwnVersion(client: ApiClient, model: string, source: string | undefined, key: string): Promise<ModelVersionInfo | undefined> {
  let list: { model_versions?: ModelVersionInfo[] };
  try {
    list = await client.get<{ model_versions?: ModelVersionInfo[] }>(`${modelPath(model)}/versions`, { max_results: 1000 });
  } catch (err) {
    if (err instanceof DatabricksApiError && err.isNotFound) return undefined;
    throw err;
  }
  const candidates = (list.model_versions ?? [])
    .filter((v) => v.source === source && v.status !== "FAILED_REGISTRATION")
    .sort((a, b) => Number(b.version) - Number(a.version));
  for (const v of candidates) {
    const tags: RegistryTag[] = (await versionTags(client, model, Number(v.version))) ?? [];
    if (tags.some((t) => t.key === CREATE_KEY_TAG && t.value === key)) return { ...v, version: Number(v.version) };
  }
  return undefined;
}

function toOutputs(inputs: ModelVersionInputs, info: ModelVersionInfo): ModelVersionOutputs {
  return compact({
    ...inputs,
    version: Number(info.version),
    status: info.status ?? "MODEL_VERSION_STATUS_UNKNOWN",
    storageLocation: info.storage_location,
    registeredSource: info.source,
    createdAt: info.created_at,
  });
}

class WaitTimedOut extends Error {
  constructor(message: string, readonly info: ModelVersionInfo) {
    super(message);
  }
}

/** Polls the version until READY; FAILED_REGISTRATION rejects with the server's status message. */
async function waitForReady(client: ApiClient, model: string, version: number, timeoutMs: number): Promise<ModelVersionInfo> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const info = await client.get<ModelVersionInfo>(versionPath(model, version));
    if (info.status === "READY") return info;
    if (info.status === "FAILED_REGISTRATION") {
      // The UC shape has no message; the MLflow registry's does.
      const mlflow = await client
        .get<{ model_version?: { status_message?: string } }>(`${MLFLOW_UC_API}/get`, { name: model, version: String(version) })
        .catch(() => undefined);
      const message = mlflow?.model_version?.status_message || "the server gave no status message";
      throw new Error(`version ${version} of ${model} failed to register (FAILED_REGISTRATION): ${message}`);
    }
    const delay = backoffDelay(Math.min(attempt, 10), { initialMs: 200, maxMs: 10_000, factor: 1.5 });
    if (Date.now() - started + delay > timeoutMs) {
      throw new WaitTimedOut(`version ${version} of ${model} is still ${info.status} after ${Math.round(timeoutMs / 1000)} s; run \`pulumi up\` again to keep waiting, or raise waitTimeoutSeconds`, info);
    }
    await sleep(delay);
  }
}

export type ModelVersionArgs = ArgsOf<Omit<z.input<typeof modelVersionInputs>, "contentHash" | "managedBy">>;

/**
 * A model version in Unity Catalog, registered from an artifact URI (`source`) or from local files (`directory`,
 * uploaded by the resource) through the MLflow Unity Catalog registry flow: create → upload → finalize → READY.
 * Versions are immutable: a different source, run or directory content registers a NEW version (replacement) and
 * deletes the old one afterwards — unless an alias still points to it, which is refused. `version` is the number.
 * Only `comment` changes in place.
 *
 * Against a real workspace, a `source` URI is registered as given: Unity Catalog copies nothing itself, so prefer
 * `directory`, or a version already produced by `mlflow.register_model`.
 */
export class ModelVersion extends DynamicResource {
  declare readonly model: pulumi.Output<string>;
  declare readonly source: pulumi.Output<string | undefined>;
  declare readonly directory: pulumi.Output<string | undefined>;
  declare readonly runId: pulumi.Output<string | undefined>;
  declare readonly comment: pulumi.Output<string | undefined>;
  declare readonly contentHash: pulumi.Output<string | undefined>;
  declare readonly version: pulumi.Output<number>;
  declare readonly status: pulumi.Output<string>;
  declare readonly storageLocation: pulumi.Output<string | undefined>;
  declare readonly registeredSource: pulumi.Output<string | undefined>;
  declare readonly createdAt: pulumi.Output<number | undefined>;

  constructor(name: string, args: ModelVersionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "ModelVersion",
      spec,
      name,
      { ...args, contentHash: undefined, managedBy: ownerId(pulumi.getProject(), pulumi.getStack(), "ModelVersion", name) },
      opts,
    );
  }
}
