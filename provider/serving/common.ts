/** Pieces shared by the endpoint resource kinds: server fields in outputs, their diff rules, naming, timeouts. */
import { computed, stable, stableUnless, type OutputRule } from "../engine/fields";
import { compact } from "../engine/reconcile";
import { endpointAutoName } from "./naming";
import { DEFAULT_WAIT_TIMEOUT_SECONDS } from "./schemas";
import { endpointState } from "./remote";
import type { WireEndpoint } from "./wire";

/**
 * Server facts kept beside the declaration (update/read/delete receive only outputs: pulumi/pulumi#9086). A stable
 * fact the server does not have is `null` rather than absent (see serverFields).
 */
export interface EndpointServerFields {
  endpointId: string;
  endpointUrl?: string | null;
  state?: { ready?: string; configUpdate?: string };
  configVersion?: number;
  task?: string | null;
  creator?: string | null;
  createdAt?: number | null;
  updatedAt?: number;
}

/**
 * What an in-place update does to each server field. The task follows the served entities (`entityFields` names the
 * inputs that declare them); the id, URL and creation facts belong to the endpoint for its whole life.
 */
export function endpointOutputRules(...entityFields: string[]): Record<keyof EndpointServerFields, OutputRule> {
  return {
    endpointId: stable,
    endpointUrl: stable,
    state: computed,
    configVersion: computed,
    task: stableUnless(...entityFields),
    creator: stable,
    createdAt: stable,
    updatedAt: computed,
  };
}

/**
 * The endpoint's facts as outputs. The stable ones are `null` when the server has none (an endpoint URL exists only
 * for route-optimized endpoints), so that once `check` has carried them into the stored inputs (engine/plan.ts) it
 * knows the absence and never reads the endpoint again to find out.
 */
export function serverFields(ep: WireEndpoint): EndpointServerFields {
  return {
    endpointId: ep.id ?? "",
    endpointUrl: ep.endpoint_url ?? null,
    task: ep.task ?? null,
    creator: ep.creator ?? null,
    createdAt: ep.creation_timestamp ?? null,
    ...compact({ state: endpointState(ep), configVersion: ep.config?.config_version, updatedAt: ep.last_updated_timestamp }),
  };
}

export const timeoutMs = (inputs: { waitTimeoutSeconds?: number }) => (inputs.waitTimeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS) * 1000;

/** Fills in the endpoint name (explicit, or the stable auto-name) on whatever shape the inputs have. */
export function withEndpointName<T extends object>(news: T): T {
  const n = news as { name?: unknown; logicalName?: unknown; nameSeed?: unknown };
  if (n.name !== undefined || typeof n.logicalName !== "string") return news;
  return { ...news, name: endpointAutoName(n.logicalName, typeof n.nameSeed === "string" ? n.nameSeed : "") };
}
