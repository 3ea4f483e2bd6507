/**
 * Waiting for an endpoint to settle: polls GET with capped exponential backoff and jitter until the config update
 * is over (`NOT_UPDATING`) and the endpoint is `READY`, and fails with the server's own deployment message.
 *
 * Pulumi's `customTimeouts` do not reach dynamic providers (the Node dynamic provider host calls
 * `create(inputs)` / `update(id, olds, news)` without the request's timeout), so the limit is an input
 * (`waitTimeoutSeconds`) instead.
 */
import type { ApiClient } from "../client/http";
import { backoffDelay, sleep } from "../client/backoff";
import type { WireEndpoint } from "./wire";

export const ENDPOINTS = "/api/2.0/serving-endpoints";
export const endpointPath = (name: string) => `${ENDPOINTS}/${encodeURIComponent(name)}`;

/** The update we waited for ended in UPDATE_FAILED or UPDATE_CANCELED; `endpoint` is what the server holds now. */
export class DeploymentFailed extends Error {
  constructor(message: string, readonly endpoint: WireEndpoint) {
    super(message);
    this.name = "DeploymentFailed";
  }
}

export class WaitTimedOut extends Error {
  constructor(message: string, readonly endpoint: WireEndpoint | undefined) {
    super(message);
    this.name = "WaitTimedOut";
  }
}

export interface WaitOptions {
  timeoutMs: number;
  /** Also wait for READY (not only for the update to end). */
  ready?: boolean;
  progress?: (message: string) => void;
  /** Poll pacing; tests and the plane's short deployments keep the defaults. */
  initialMs?: number;
  maxMs?: number;
}

/** The server's own words on why a deployment failed, from the pending config (the update) or the active one. */
export function deploymentMessage(ep: WireEndpoint): string {
  const entities = [...(ep.pending_config?.served_entities ?? []), ...(ep.config?.served_entities ?? [])];
  const messages = entities
    .filter((e) => e.state?.deployment_state_message && e.state.deployment !== "DEPLOYMENT_READY")
    .map((e) => `${e.name}: ${e.state!.deployment_state_message}`);
  const unique = [...new Set(messages)];
  return unique.length ? unique.join("; ") : `config update ${ep.state?.config_update ?? "failed"} (the server gave no deployment message)`;
}

/** The endpoint's state and each deploying entity's, e.g. `updating (ready: NOT_READY); m-1: DEPLOYMENT_CREATING`. */
function describe(ep: WireEndpoint): string {
  const update = ep.state?.config_update === "IN_PROGRESS" ? "updating" : (ep.state?.config_update ?? "?").toLowerCase().replace(/_/g, " ");
  const entities = (ep.pending_config?.served_entities ?? ep.config?.served_entities ?? [])
    .filter((e) => e.state?.deployment && e.state.deployment !== "DEPLOYMENT_READY")
    .map((e) => `${e.name}: ${e.state!.deployment}${e.state!.deployment_state_message ? ` (${e.state!.deployment_state_message})` : ""}`);
  return [`${update} (ready: ${ep.state?.ready ?? "?"})`, ...entities].join("; ");
}

/** A wait reports each change of state at once and, while nothing changes, a line at this cadence (no flooding). */
export const PROGRESS_EVERY_MS = 10_000;

/**
 * Polls until the endpoint's update is over. Resolves with the endpoint when NOT_UPDATING (and READY when asked);
 * rejects with DeploymentFailed on UPDATE_FAILED / UPDATE_CANCELED, and WaitTimedOut after `timeoutMs`.
 */
export async function waitForEndpoint(client: ApiClient, name: string, opts: WaitOptions): Promise<WireEndpoint> {
  const started = Date.now();
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
  let last: WireEndpoint | undefined;
  let lastReported = "";
  let lastReportAt = 0;
  for (let attempt = 0; ; attempt++) {
    last = await client.get<WireEndpoint>(endpointPath(name));
    const update = last.state?.config_update;
    if (update === "UPDATE_FAILED" || update === "UPDATE_CANCELED") {
      throw new DeploymentFailed(`serving endpoint ${name}: ${update === "UPDATE_FAILED" ? "deployment failed" : "update was canceled"}: ${deploymentMessage(last)}`, last);
    }
    if (update === "NOT_UPDATING" && (!opts.ready || last.state?.ready === "READY")) {
      if (attempt > 0) opts.progress?.(`serving endpoint ${name}: ready after ${elapsed()} (${attempt + 1} polls)`);
      return last;
    }
    const now = describe(last);
    if (now !== lastReported || Date.now() - lastReportAt >= PROGRESS_EVERY_MS) {
      opts.progress?.(`serving endpoint ${name}: ${now}; waiting, ${elapsed()} so far`);
      lastReported = now;
      lastReportAt = Date.now();
    }
    // Polls grow as a capped backoff: every ≤2 s for the first two minutes (a READY is noticed within 2 s, and the
    // plane's short deployments end there), then every ≤10 s (real deployments take many minutes).
    const cap = opts.maxMs ?? (Date.now() - started < 120_000 ? 2_000 : 10_000);
    const delay = backoffDelay(Math.min(attempt, 12), { initialMs: opts.initialMs ?? 200, maxMs: cap, factor: 1.5 });
    if (Date.now() - started + delay > opts.timeoutMs) {
      throw new WaitTimedOut(`serving endpoint ${name} was not ready after ${Math.round(opts.timeoutMs / 1000)} s (${now}); raise waitTimeoutSeconds, or run \`pulumi up\` again to keep waiting`, last);
    }
    await sleep(delay);
  }
}

/** Waits only for a running update to end (whatever its outcome): used before retrying after a 409 conflict. */
export async function waitForUpdateToEnd(client: ApiClient, name: string, opts: WaitOptions): Promise<WireEndpoint> {
  try {
    return await waitForEndpoint(client, name, { ...opts, ready: false });
  } catch (err) {
    if (err instanceof DeploymentFailed) return err.endpoint;
    throw err;
  }
}
