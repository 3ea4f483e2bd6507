/** Reading endpoints back from the server into our declaration's shape (for refresh and outputs). */
import type { serving } from "@databricks/sdk-experimental";
import { hashEntitySecrets, normalizeEntities } from "./normalize";
import type { ServedEntityInput } from "./schemas";
import { servedEntityFromWire, type WireEndpoint } from "./wire";

/** Progress lines go to stderr, which the engine shows while a resource is being created or updated. */
export function progress(message: string): void {
  process.stderr.write(`[databricks-serving] ${message}\n`);
}

export function endpointState(ep: WireEndpoint): { ready?: string; configUpdate?: string } {
  return { ready: ep.state?.ready, configUpdate: ep.state?.config_update };
}

/** Keeps the declared `*Plaintext` hashes (never returned by the server) inside the server's external model. */
function withDeclaredPlaintext(declared: unknown, remote: unknown): unknown {
  if (declared === null || typeof declared !== "object" || Array.isArray(declared)) return remote;
  const out: Record<string, unknown> = { ...((remote as Record<string, unknown>) ?? {}) };
  for (const [k, v] of Object.entries(declared)) {
    if (k.endsWith("Plaintext")) out[k] = v;
    else if (v !== null && typeof v === "object" && !Array.isArray(v) && out[k] !== undefined) out[k] = withDeclaredPlaintext(v, out[k]);
  }
  return out;
}

/**
 * Served entities as the server holds them, in the declaration's terms: for an entity we declared, only the
 * fields we declared (server defaults such as a filled-in workload size are not drift); an entity added out of
 * band appears whole. Environment variables are hashed like the declaration's.
 */
export function entitiesFromRemote(declared: ServedEntityInput[] | undefined, remote: serving.ServedEntityOutput[]): ServedEntityInput[] {
  const entities = remote
    .map((r) => {
      const entity = hashEntitySecrets(servedEntityFromWire(r));
      const mine = declared?.find((d) => d.name === entity.name);
      if (!mine) return entity;
      const picked: Record<string, unknown> = {};
      for (const key of Object.keys(mine)) {
        const value = (entity as Record<string, unknown>)[key];
        if (key === "externalModel") picked[key] = withDeclaredPlaintext(mine.externalModel, value);
        else if (value !== undefined) picked[key] = value;
      }
      return picked as ServedEntityInput;
    })
  ;
  return normalizeEntities(entities);
}
