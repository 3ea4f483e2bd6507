/** Reading endpoints back from the server into our declaration's shape (for refresh and outputs). */
import type { serving } from "@databricks/sdk-experimental";
import { defaultEntityName, hashSecret } from "./normalize";
import type { ServedEntityInput } from "./schemas";
import { secretPath, type SecretValues } from "./secrets";
import { servedEntityFromWire, type WireEndpoint } from "./wire";

/** Progress lines go to stderr, which the engine shows while a resource is being created or updated. */
export function progress(message: string): void {
  process.stderr.write(`[databricks-serving] ${message}\n`);
}

export function endpointState(ep: WireEndpoint): { ready?: string; configUpdate?: string } {
  return { ready: ep.state?.ready, configUpdate: ep.state?.config_update };
}

/** Keeps the declared `*Plaintext` values (never returned by the server) inside the server's external model. */
function withDeclaredPlaintext(declared: unknown, remote: unknown): unknown {
  if (declared === null || typeof declared !== "object" || Array.isArray(declared)) return remote;
  const out: Record<string, unknown> = { ...((remote as Record<string, unknown>) ?? {}) };
  for (const [k, v] of Object.entries(declared)) {
    if (k.endsWith("Plaintext")) out[k] = v;
    else if (v !== null && typeof v === "object" && !Array.isArray(v) && out[k] !== undefined) out[k] = withDeclaredPlaintext(v, out[k]);
  }
  return out;
}

const nameOf = (e: ServedEntityInput) => e.name ?? defaultEntityName(e);

/**
 * Served entities and secret values as the server holds them, in the declaration's terms and order, so that when
 * nothing changed they compare equal to the declaration (secrets included):
 * - a declared entity keeps only the fields the user declared (server defaults such as a filled-in workload size are
 *   not drift); one gone from the server is gone from the result; one added out of band is appended whole;
 * - an environment variable declared as a secret goes back to `secrets` with the server's value (an out-of-band
 *   change shows as a masked change there); one declared in the clear stays in place; one nobody declared is stored
 *   hashed, because it may well be a secret someone added by hand;
 * - credentials are never returned by the server: the declared values stay.
 */
export function entitiesFromRemote(
  declared: ServedEntityInput[] | undefined,
  declaredSecrets: SecretValues | undefined,
  remote: serving.ServedEntityOutput[],
): { servedEntities: ServedEntityInput[]; secrets: SecretValues } {
  const secrets: SecretValues = {};
  const fromServer = remote.map((r) => servedEntityFromWire(r));
  const used = new Set<string>();
  const servedEntities: ServedEntityInput[] = [];
  (declared ?? []).forEach((mine, i) => {
    const theirs = fromServer.find((e) => e.name === nameOf(mine));
    if (!theirs) return;
    used.add(theirs.name as string);
    const picked: Record<string, unknown> = {};
    for (const key of Object.keys(mine)) {
      if (key === "environmentVars") continue;
      const value = (theirs as Record<string, unknown>)[key];
      if (key === "externalModel") picked[key] = withDeclaredPlaintext(mine.externalModel, value);
      else if (value !== undefined) picked[key] = value;
    }
    for (const [path, value] of Object.entries(declaredSecrets ?? {})) {
      if (path.startsWith(secretPath(i, "externalModel"))) secrets[path] = value;
    }
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(theirs.environmentVars ?? {})) {
      const path = secretPath(i, "environmentVars", name);
      if (declaredSecrets && path in declaredSecrets) secrets[path] = value;
      else if (mine.environmentVars && name in mine.environmentVars) env[name] = value;
      else env[name] = hashSecret(value);
    }
    if (Object.keys(env).length > 0 || mine.environmentVars !== undefined) picked.environmentVars = env;
    servedEntities.push(picked as ServedEntityInput);
  });
  for (const e of fromServer) {
    if (used.has(e.name as string)) continue;
    const env = e.environmentVars ? Object.fromEntries(Object.entries(e.environmentVars).map(([k, v]) => [k, hashSecret(v)])) : undefined;
    servedEntities.push(env ? { ...e, environmentVars: env } : e);
  }
  return { servedEntities, secrets };
}
