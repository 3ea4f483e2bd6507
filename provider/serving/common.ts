/** Pieces shared by the endpoint resource kinds: server fields in outputs, naming, timeouts, secret-safe failures. */
import { compact } from "../engine/reconcile";
import type { CheckFailure } from "../engine/validate";
import { endpointAutoName } from "./naming";
import { isSecretPath } from "./normalize";
import { DEFAULT_WAIT_TIMEOUT_SECONDS } from "./schemas";
import { endpointState } from "./remote";
import type { WireEndpoint } from "./wire";

/** Server facts kept beside the declaration (update/read/delete receive only outputs: pulumi/pulumi#9086). */
export interface EndpointServerFields {
  endpointId: string;
  endpointUrl?: string;
  state?: { ready?: string; configUpdate?: string };
  configVersion?: number;
  task?: string;
  creator?: string;
  createdAt?: number;
  updatedAt?: number;
}

export const SERVER_FIELDS = ["endpointId", "endpointUrl", "state", "configVersion", "task", "creator", "createdAt", "updatedAt"] as const;

/** Inputs that steer the provider, not the endpoint: a change to them alone is nothing to apply. */
export const LOCAL_FIELDS = ["adopt", "waitTimeoutSeconds", "logicalName", "nameSeed"] as const;

export function serverFields(ep: WireEndpoint): EndpointServerFields {
  return compact({
    endpointId: ep.id ?? "",
    endpointUrl: ep.endpoint_url,
    state: endpointState(ep),
    configVersion: ep.config?.config_version,
    task: ep.task,
    creator: ep.creator,
    createdAt: ep.creation_timestamp,
    updatedAt: ep.last_updated_timestamp,
  });
}

/** Outputs without the server fields: the declaration as stored. */
export function withoutServerFields<T extends object>(outs: T): Omit<T, (typeof SERVER_FIELDS)[number]> {
  const copy = { ...outs } as Record<string, unknown>;
  for (const k of SERVER_FIELDS) delete copy[k];
  return copy as Omit<T, (typeof SERVER_FIELDS)[number]>;
}

/** Placeholders for the server fields, so the Resource classes expose them as outputs. */
export const SERVER_FIELD_PLACEHOLDERS = Object.fromEntries(SERVER_FIELDS.map((k) => [k, undefined])) as Record<(typeof SERVER_FIELDS)[number], undefined>;

export const timeoutMs = (inputs: { waitTimeoutSeconds?: number }) => (inputs.waitTimeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS) * 1000;

/** Secret values never appear in an error: only their path does. */
export function withoutSecretValues(failures: CheckFailure[]): CheckFailure[] {
  return failures.map((f) => (isSecretPath(f.property) ? { property: f.property, reason: "invalid value (not shown: it may be a secret)" } : f));
}

/** Fills in the endpoint name (explicit, or the stable auto-name) on whatever shape the inputs have. */
export function withEndpointName<T extends object>(news: T): T {
  const n = news as { name?: unknown; logicalName?: unknown; nameSeed?: unknown };
  if (n.name !== undefined || typeof n.logicalName !== "string") return news;
  return { ...news, name: endpointAutoName(n.logicalName, typeof n.nameSeed === "string" ? n.nameSeed : "") };
}
