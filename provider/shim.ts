import type * as pulumi from "@pulumi/pulumi";

/**
 * The serialized provider. Pulumi stores the source of these functions in every resource's state (inputs and outputs
 * both) and reuses it for later update/refresh/delete, so they capture nothing but the kind name: no credentials,
 * clients, schemas or classes (pulumi/pulumi#8265, #13960, #5294). Each method requires the implementation at run
 * time by the package's public name, resolved from the program's directory where the dynamic provider host runs.
 *
 * Every method goes through one captured function, so each serialized method is a one-line call: the text is a fifth
 * smaller than with the dispatch written out per method, and the engine rewrites it with every checkpoint of every
 * resource (bench/: the state's size is what an update of many resources costs the engine).
 */
export function makeProvider(kind: string): pulumi.dynamic.ResourceProvider {
  const impl = "pulumi-databricks-serving/dist/provider/dispatch";
  const d = (method: string, args: unknown[]) => require(impl).dispatch(kind, method, args);
  return {
    configure: async (req) => require(impl).configure(req.config),
    check: (...a) => d("check", a),
    diff: (...a) => d("diff", a),
    create: (...a) => d("create", a),
    read: (...a) => d("read", a),
    update: (...a) => d("update", a),
    delete: (...a) => d("delete", a),
  };
}
