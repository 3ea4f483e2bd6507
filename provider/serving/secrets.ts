/**
 * Secret values of served entities (external-model credentials `*Plaintext`, environment variables given as Pulumi
 * secrets) travel beside the entities, in the `secrets` input: a map from the path the user wrote
 * (`servedEntities[0].externalModel.openaiConfig.openaiApiKeyPlaintext`) to the value.
 *
 * Why: the engine marks a checked input secret when the program's input at the same top-level key contains a secret,
 * and an array is marked whole. One key inside `servedEntities` would mask every entity field in every preview and PR
 * comment (`[secret] => [secret]`). Kept apart, only the secret values are masked; the Resource class does the split
 * in the program (serving/secret-split.ts), and the provider merges them back wherever it needs the whole entity.
 */
import { HASH_PREFIX, hashSecret } from "./normalize";
import type { ServedEntityInput } from "./schemas";

export type SecretValues = Record<string, string>;

const PATH = /^servedEntities\[(\d+)\]\.(environmentVars|externalModel)\.(.+)$/;

/** The path of a secret value: where the user wrote it. */
export function secretPath(index: number, ...rest: string[]): string {
  return `servedEntities[${index}].${rest.join(".")}`;
}

/**
 * A copy of a JSON-like entity (what inputs and state hold). Not structuredClone: that serializes through the
 * structured-clone machinery and costs several times as much, on every read and diff of every endpoint.
 */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = copy(v);
  return out;
}

/** Entities with the secret values put back where the user wrote them (a copy; unknown paths are ignored). */
export function mergeSecrets<E extends object>(entities: E[], secrets: SecretValues | undefined): E[] {
  if (!secrets || Object.keys(secrets).length === 0) return entities;
  const out = entities.map((e) => copy(e) as Record<string, unknown>);
  for (const [path, value] of Object.entries(secrets)) {
    const m = PATH.exec(path);
    if (!m || value === undefined) continue;
    const entity = out[Number(m[1])];
    if (!entity) continue;
    if (m[2] === "environmentVars") {
      // Everything after the field is the variable's name, whatever it contains.
      entity.environmentVars = { ...((entity.environmentVars as Record<string, string>) ?? {}), [m[3]]: value };
    } else {
      let cur = (entity.externalModel ??= {}) as Record<string, unknown>;
      const keys = m[3].split(".");
      for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>;
      cur[keys[keys.length - 1]] = value;
    }
  }
  return out as E[];
}

/** Entities without the values `secrets` holds (the inverse of mergeSecrets): what the `servedEntities` input keeps. */
export function withoutSecrets<E extends object>(entities: E[], secrets: SecretValues | undefined): E[] {
  if (!secrets || Object.keys(secrets).length === 0) return entities;
  const out = entities.map((e) => copy(e) as Record<string, unknown>);
  for (const path of Object.keys(secrets)) {
    const m = PATH.exec(path);
    const entity = m ? out[Number(m[1])] : undefined;
    if (!m || !entity) continue;
    if (m[2] === "environmentVars") {
      const env = entity.environmentVars as Record<string, string> | undefined;
      if (env) delete env[m[3]];
      continue;
    }
    const keys = m[3].split(".");
    let cur = entity.externalModel as Record<string, unknown> | undefined;
    for (const k of keys.slice(0, -1)) cur = cur?.[k] as Record<string, unknown> | undefined;
    if (cur) delete cur[keys[keys.length - 1]];
  }
  return out as E[];
}

/** Paths of a declaration whose values may be secrets: never echoed in an error. */
export function isSecretPath(property: string): boolean {
  return /Plaintext(\W|$)/.test(property) || /environmentVars\./.test(property) || /^secrets\b/.test(property);
}

/** Databricks secret references (`{{secrets/scope/key}}`) are not secret material. */
const SECRET_REF = /^\{\{secrets\/[^/{}]+\/[^/{}]+\}\}$/;

function hashValue(value: unknown): unknown {
  return typeof value !== "string" || value.startsWith(HASH_PREFIX) || SECRET_REF.test(value) ? value : hashSecret(value);
}

function hashPlaintextFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hashPlaintextFields);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, /Plaintext$/.test(k) ? hashValue(v) : hashPlaintextFields(v)]));
  }
  return value;
}

/**
 * An entity in the form two declarations are compared in: every environment value and credential hashed. State
 * written by releases before the `secrets` split stored exactly these hashes inline, so it compares equal too.
 */
export function comparableEntity<E extends ServedEntityInput>(e: E): E {
  const out: E = { ...e };
  if (e.environmentVars) out.environmentVars = Object.fromEntries(Object.entries(e.environmentVars).map(([k, v]) => [k, hashValue(v) as string]));
  if (e.externalModel) out.externalModel = hashPlaintextFields(e.externalModel) as E["externalModel"];
  return out;
}
