import type * as pulumi from "@pulumi/pulumi";

/** Resource args from a zod-inferred input type: every top-level field may be a Pulumi Input. */
export type ArgsOf<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** The module part of every type token: `pulumi-nodejs:dynamic/databricks-serving:<Kind>`. */
export const MODULE = "databricks-serving";
