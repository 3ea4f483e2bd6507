import type * as pulumi from "@pulumi/pulumi";

/**
 * A value any part of which may be a Pulumi Input, so programs can nest outputs and secrets where they belong
 * (`openaiApiKeyPlaintext: config.requireSecret("key")`, `entityVersion: version.version.apply(String)`) instead of
 * wrapping a whole list in one `apply`, which would hide which part is secret or unknown.
 */
export type DeepInput<T> = T extends (infer U)[]
  ? pulumi.Input<DeepInput<U>[]>
  : T extends Record<string, unknown>
    ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
    : pulumi.Input<T>;

/** Resource args from a zod-inferred input type: every field, at any depth, may be a Pulumi Input. */
export type ArgsOf<T> = { [K in keyof T]: DeepInput<T[K]> };

/** The module part of every type token: `pulumi-nodejs:dynamic/databricks-serving:<Kind>`. */
export const MODULE = "databricks-serving";
