/**
 * The run-time side of every dynamic resource. The provider text in Pulumi state (dynamic-resource.ts) requires this
 * module by the package's public name and asks it for `provider(kind)`, so what is frozen into state is one stable
 * line, while the implementation always comes from the installed package version.
 *
 * Contract kept across releases, with the kind names below: `provider(kind)` (written by this release),
 * `dispatch(kind, method, args)` and `configure(config)` (called by the provider text earlier releases wrote).
 */
import type { ResourceKind } from "./engine/kind";
import { PartialFailure } from "./engine/kind";
import { clientFor, setStackConfig, StackConfig, type ConnectionInput } from "./engine/connection";
import { diffByRules, possiblyStable, withCommonOutputs, withStableOutputs, type KindSpec } from "./engine/plan";
import type { CheckFailure } from "./engine/validate";
import { COMMON_OUTPUTS } from "./engine/fields";
import { assertSameWorkspace } from "./engine/workspace";
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


/** Every kind this release knows, in registry order. */
export const KIND_NAMES = Object.keys(registry);

export function load(name: string): AnyKind {
  const modulePath = registry[name];
  if (!modulePath) throw new Error(`unknown resource kind ${JSON.stringify(name)}: this version of pulumi-databricks-serving knows ${Object.keys(registry).join(", ")}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(modulePath) as { kind: AnyKind }).kind;
}

export async function configure(config: StackConfig): Promise<void> {
  setStackConfig(config);
}

type Method = "check" | "diff" | "create" | "read" | "update" | "delete";
type Props = Record<string, unknown>;

/** The object the `pulumi-nodejs` dynamic provider host calls for a resource of this kind. */
export function provider(name: string): Record<"configure" | Method, (...args: never[]) => Promise<unknown>> {
  const call = (method: Method) => (...args: unknown[]) => dispatch(name, method, args);
  return {
    configure: (req: { config: StackConfig }) => configure(req.config),
    check: call("check"),
    diff: call("diff"),
    create: call("create"),
    read: call("read"),
    update: call("update"),
    delete: call("delete"),
  };
}

export async function dispatch(name: string, method: Method, args: unknown[]): Promise<unknown> {
  const kind = load(name);
  try {
    return await run(kind, name, method, args.map(withoutProvider));
  } catch (err) {
    throw toEngineError(err, name, method, args);
  }
}

/**
 * The engine-facing contract, the same for every kind: the rules-driven diff, stable outputs carried through
 * check, failures in the form the engine prints best, and the workspace guard around every remote call.
 */
async function run(kind: AnyKind, name: string, method: Method, args: unknown[]): Promise<unknown> {
  const spec = withCommonOutputs(kind.spec);
  switch (method) {
    case "check": {
      const [olds, news] = args as [Props | undefined, Props];
      const out = await kind.check(olds, withoutOutputs(spec, news));
      if (out.failures.length > 0) return { inputs: out.inputs, failures: out.failures.map(engineFailure) };
      const inputs = out.inputs as Props;
      return { inputs: await withStableOutputs(spec, olds, inputs, (missing) => locate(kind, inputs, missing)), failures: [] };
    }
    case "diff": {
      const [, olds, news] = args as [string, Props, Props];
      return diffByRules(spec, olds, news);
    }
    case "create": {
      const [inputs] = args as [Props];
      const result = await kind.create(inputs as object);
      return { id: result.id, outs: await recordWorkspace(inputs, result.outs as Props) };
    }
    case "read": {
      const [id, props] = args as [string, Props];
      await guard(props, `${name} ${id}`);
      const result = await kind.read(id, props as object);
      // A resource deleted out of band reads as an empty id, which tells the engine it is gone.
      if (result === undefined) return { id: "", props: {} };
      const outs = await recordWorkspace(props, result.props as Props);
      return { id: result.id, props: outs, inputs: result.inputs ? withFacts(spec, result.inputs as Props, outs) : undefined };
    }
    case "update": {
      const [id, olds, news] = args as [string, Props, Props];
      await guard(olds, `${name} ${id}`);
      const result = await kind.update(id, olds as object, news as object);
      return { outs: await recordWorkspace(news, result.outs as Props) };
    }
    case "delete": {
      const [id, props] = args as [string, Props];
      await guard(props, `${name} ${id}`);
      await kind.delete(id, props as object);
      return undefined;
    }
  }
}

const connectionOf = (props: Props) => props.connection as ConnectionInput | undefined;

/**
 * Stable outputs missing from the stored inputs. Only the object's own outputs take a read of the object (once: the
 * next `up` stores them, `null` for what the server does not have). The workspace id is the connection's, not the
 * object's: it comes from any answer this process already had, or from the one identity read the workspace guard
 * makes per process (`null` when the workspace does not say).
 */
async function locate(kind: AnyKind, inputs: Props, missing: string[]): Promise<Props | undefined> {
  const out: Props = {};
  if (missing.some((k) => !(k in COMMON_OUTPUTS))) {
    const found = kind.locate ? await kind.locate(inputs as object) : undefined;
    if (!found) return undefined;
    Object.assign(out, found);
    // The object was read: what it does not have is recorded as `null`, so no later check reads again to find out.
    for (const k of missing) if (!(k in COMMON_OUTPUTS) && out[k] === undefined) out[k] = null;
  }
  if (missing.includes("workspaceId")) out.workspaceId = (await (await clientFor(connectionOf(inputs))).identity()) ?? null;
  return out;
}

/** Refuses to touch a resource through a connection that reaches another workspace than the one it lives in. */
async function guard(props: Props, what: string): Promise<void> {
  if (typeof props.workspaceId !== "string") return;
  await assertSameWorkspace(await clientFor(connectionOf(props)), props.workspaceId, what);
}

/**
 * Outputs with the workspace the answers came from; `null` when the workspace does not say (the guard then has nothing
 * to check), recorded so that the stable outputs carried into the inputs know it and never read again to find out.
 */
async function recordWorkspace(inputs: Props, outs: Props): Promise<Props> {
  const id = (await clientFor(connectionOf(inputs))).workspaceId ?? (outs.workspaceId as string | null | undefined);
  return { ...outs, workspaceId: id ?? null };
}

/**
 * Refreshed inputs carry the stable outputs too, so the next check finds them in the stored inputs; one the object
 * does not have is `null` (it was just read: a later check need not read again to find that out).
 */
function withFacts(spec: KindSpec, inputs: Props, outs: Props): Props {
  const out = { ...inputs };
  for (const k of possiblyStable(spec)) out[k] = outs[k] ?? null;
  return out;
}

/**
 * The program registers every output as an input placeholder (so it is an output at all), and the Resource classes
 * list the stable ones in `ignoreChanges`, so the engine hands back their old values: neither is the user's input.
 */
function withoutOutputs(spec: KindSpec, news: Props): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(news)) if (!(k in spec.outputs)) out[k] = v;
  return out;
}

/**
 * The engine prints a failure on a named property as "property <p> value {<value>} has a problem", looking the value
 * up at the top level only: nested paths print `{<nil>}`, and a top-level secret would print. So the path goes into
 * the reason and the property stays empty ("<Kind> resource '<name>' has a problem: <path>: <reason>").
 */
function engineFailure(f: CheckFailure): CheckFailure {
  return { property: "", reason: f.property && f.property !== "(inputs)" ? `${f.property}: ${f.reason}` : f.reason };
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
