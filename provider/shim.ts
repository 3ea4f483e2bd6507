import type * as pulumi from "@pulumi/pulumi";

/**
 * The serialized provider. Pulumi stores the source of these functions in every resource's state and reuses it
 * for later update/refresh/delete, so they capture nothing but the kind name: no credentials, clients, schemas or
 * classes (pulumi/pulumi#8265, #13960, #5294). Each method requires the implementation at run time by the
 * package's public name, resolved from the program's directory where the dynamic provider host runs.
 */
export function makeProvider(kind: string): pulumi.dynamic.ResourceProvider {
  const impl = "pulumi-databricks-serving/dist/provider/dispatch";
  return {
    configure: async (req) => require(impl).configure(req.config),
    check: async (olds, news) => require(impl).dispatch(kind, "check", [olds, news]),
    diff: async (id, olds, news) => require(impl).dispatch(kind, "diff", [id, olds, news]),
    create: async (inputs) => require(impl).dispatch(kind, "create", [inputs]),
    read: async (id, props) => require(impl).dispatch(kind, "read", [id, props]),
    update: async (id, olds, news) => require(impl).dispatch(kind, "update", [id, olds, news]),
    delete: async (id, props) => require(impl).dispatch(kind, "delete", [id, props]),
  };
}
