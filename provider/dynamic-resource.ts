import * as pulumi from "@pulumi/pulumi";
import { perSpec, possiblyStable, withCommonOutputs, type KindSpec } from "./engine/plan";
import { MODULE } from "./engine/types";

/** The run-time side, required by the package's public name from the program's folder (where the host runs). */
const DISPATCH = "pulumi-databricks-serving/dist/provider/dispatch";

/**
 * The provider text Pulumi keeps in `__provider`: one line naming the kind. The `pulumi-nodejs` dynamic provider host
 * loads this text as a module and calls its `handler()` for the provider object (the form `pulumi.dynamic.Resource`
 * produces by serializing a closure). We write it ourselves because that text is stored twice in every resource's
 * state and rewritten with every checkpoint: the closure serializer's form of the same seven calls is 2.2 KB, this
 * is about 110 bytes, and the state's size is most of what an `up` of many resources costs the engine (bench/).
 * It captures nothing: no credentials, clients, schemas or classes (pulumi/pulumi#8265, #13960, #5294); the
 * implementation always comes from the installed package version.
 */
export function providerSource(kind: string): string {
  return `exports.handler = () => require(${JSON.stringify(DISPATCH)}).provider(${JSON.stringify(kind)});`;
}

/**
 * What a kind adds to every registration, computed once per kind: a placeholder for each output (only registered
 * keys become outputs) and `ignoreChanges` for the outputs `check` carries through updates (engine/plan.ts), so the
 * engine never shows those carried values as changed inputs.
 */
const registrationOf = perSpec((spec) => {
  const full = withCommonOutputs(spec);
  return { placeholders: Object.fromEntries(Object.keys(full.outputs).map((k) => [k, undefined])), ignoreChanges: [...possiblyStable(full)] };
});

/**
 * What `pulumi.dynamic.Resource` does, with our provider text, for every kind: the type token
 * `pulumi-nodejs:dynamic/databricks-serving:<Kind>` (unchanged, so existing stacks keep their URNs), `__provider`,
 * and the kind's output placeholders and `ignoreChanges`.
 *
 * Registration runs with V8's stack capture off. The SDK wraps every registered property in four promises and
 * formats a stack trace for each one eagerly, kept only to print if the program exits with a promise still pending;
 * under ts-node each frame goes through source maps. Our kinds register 10 to 19 properties (inputs, internal inputs
 * and output placeholders), so those traces were the largest cost of a program declaring many resources (bench/).
 * What is lost is nothing users read: a pending promise is still reported with its resource and property, the SDK
 * records where each resource was declared with its own stack capture (which sets its own limit), and an error thrown
 * on the spot gets its stack back below.
 */
export abstract class DynamicResource extends pulumi.CustomResource {
  protected constructor(kind: string, spec: KindSpec, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    if ("__provider" in props) throw new Error("a resource must not define the __provider key");
    const { placeholders, ignoreChanges } = registrationOf(spec);
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(`pulumi-nodejs:dynamic/${MODULE}:${kind}`, name, { ...props, ...placeholders, __provider: providerSource(kind) }, { ...opts, ignoreChanges: [...(opts?.ignoreChanges ?? []), ...ignoreChanges] });
    } catch (err) {
      // A declaration the SDK refuses on the spot (a missing name, a bad option) still points at the program's line.
      Error.stackTraceLimit = limit;
      if (err instanceof Error) Error.captureStackTrace(err);
      throw err;
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
