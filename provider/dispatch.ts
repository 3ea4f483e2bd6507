/**
 * The run-time side of every dynamic resource. The serialized provider (see shim.ts) requires this module by the
 * package's public name inside each method, so what is frozen into Pulumi state is a few lines of stable text,
 * while the implementation always comes from the installed package version.
 *
 * Contract kept across releases: `dispatch(kind, method, args)` and `configure(config)` with kind names below.
 */
import type { ResourceKind } from "./engine/kind";
import { PartialFailure } from "./engine/kind";
import { setStackConfig, StackConfig } from "./engine/connection";
import { redact } from "./client/errors";

type AnyKind = ResourceKind<object, object>;

/** Kind name → module (relative to this file) exporting `kind`. Loaded on first use. */
const registry: Record<string, string> = {
  RegisteredModel: "./resources/registered-model",
  ServingEndpoint: "./resources/serving-endpoint",
  ProvisionedThroughputEndpoint: "./resources/provisioned-throughput-endpoint",
  PayPerTokenGateway: "./resources/pay-per-token-gateway",
  EndpointPermissions: "./resources/endpoint-permissions",
  ModelVersion: "./resources/model-version",
  ModelAlias: "./resources/model-alias",
  WorkspaceGeo: "./resources/workspace-geo",
};


function load(name: string): AnyKind {
  const modulePath = registry[name];
  if (!modulePath) throw new Error(`unknown resource kind ${JSON.stringify(name)}: this version of pulumi-databricks-serving knows ${Object.keys(registry).join(", ")}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(modulePath) as { kind: AnyKind }).kind;
}

export async function configure(config: StackConfig): Promise<void> {
  setStackConfig(config);
}

type Method = "check" | "diff" | "create" | "read" | "update" | "delete";

export async function dispatch(name: string, method: Method, args: unknown[]): Promise<unknown> {
  const kind = load(name);
  try {
    const fn = kind[method] as (...a: unknown[]) => Promise<unknown>;
    const result = await fn.apply(kind, args.map(withoutProvider));
    // A resource deleted out of band reads as an empty id, which tells the engine it is gone.
    if (method === "read" && result === undefined) return { id: "", props: {} };
    return result;
  } catch (err) {
    throw toEngineError(err, name, method, args);
  }
}

/** The serialized provider travels in `__provider`; kinds never see it (the host adds it back to results). */
function withoutProvider(arg: unknown): unknown {
  if (arg === null || typeof arg !== "object" || Array.isArray(arg) || !("__provider" in arg)) return arg;
  const { __provider: _ignored, ...rest } = arg as Record<string, unknown>;
  return rest;
}

/** Errors reach the engine with the resource kind in front and no credential inside. */
function toEngineError(err: unknown, name: string, method: Method, args: unknown[]): Error {
  const message = redact(`${name} ${method}: ${err instanceof Error ? err.message : String(err)}`);
  if (err instanceof PartialFailure) {
    // Shape the dynamic provider host turns into an init-error that keeps the resource in state.
    const inputs = (method === "create" ? args[0] : args[2]) as Record<string, unknown> | undefined;
    const e = new Error(message) as Error & { id: string; properties: Record<string, unknown>; reasons: string[] };
    e.id = err.id;
    e.properties = { ...err.properties, __provider: inputs?.__provider };
    e.reasons = err.reasons.map(redact);
    return e;
  }
  const e = new Error(message);
  e.stack = message; // the engine prints stacks; ours add nothing for users
  return e;
}
