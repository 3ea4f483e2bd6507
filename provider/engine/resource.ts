/**
 * What every Resource class adds when it registers: a placeholder for each output (only registered keys become
 * outputs) and `ignoreChanges` for the outputs `check` carries through updates (engine/plan.ts), so the engine
 * never shows those carried values as changed inputs.
 */
import type * as pulumi from "@pulumi/pulumi";
import { possiblyStable, withCommonOutputs, type KindSpec } from "./plan";

export function outputPlaceholders(spec: KindSpec): Record<string, undefined> {
  return Object.fromEntries(Object.keys(withCommonOutputs(spec).outputs).map((k) => [k, undefined]));
}

export function registrationOptions(spec: KindSpec, opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
  return { ...opts, ignoreChanges: [...(opts?.ignoreChanges ?? []), ...possiblyStable(withCommonOutputs(spec))] };
}
