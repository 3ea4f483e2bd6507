/**
 * The Pulumi programs the engine bench compares, declaring the same N resources with the same arguments:
 * - ours: N external-model ServingEndpoints (the case: an OpenAI-compatible model, its key a Pulumi secret,
 *   a tag the update step changes);
 * - the floor: N no-op dynamic resources whose provider does nothing (no network, no package of ours loaded), with
 *   the same arguments, so state size and secret handling cost the engine the same;
 * - the calls floor: the floor's resources, whose provider makes the API calls ours makes, route for route (the bench
 *   checks the counts), the cheapest way: one kept-alive node:http connection pool, a bearer token from the
 *   environment, answers read and dropped. What ours costs beyond it is what our provider adds to the calls themselves.
 */
import * as path from "node:path";

/** The arguments of resource `i` (the same in every program). `round` is the tag value the update step changes. */
function argsSource(round: number): string {
  return `{
    servedEntities: [{
      name: "chat",
      externalModel: {
        name: "gpt-4o-mini",
        provider: "openai",
        task: "llm/v1/chat",
        openaiConfig: { openaiApiKeyPlaintext: key, openaiApiBase: "http://127.0.0.1:9/v1" },
      },
    }],
    tags: { team: "bench", round: "${round}" },
  }`;
}

export function oursProgram(n: number, round: number): string {
  return `import * as pulumi from "@pulumi/pulumi";
import * as serving from "pulumi-databricks-serving";

const key = pulumi.secret("sk-bench-not-a-real-key");
for (let i = 0; i < ${n}; i++) {
  new serving.ServingEndpoint(\`ep-\${i}\`, ${argsSource(round)});
}
`;
}

export function floorProgram(n: number, round: number): string {
  return `import * as pulumi from "@pulumi/pulumi";

// A dynamic provider that does nothing: the cost of a dynamic resource in the engine, and nothing else.
const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: inputs.benchName, outs: inputs };
  },
  async read(id, props) {
    return { id, props };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
  async delete() {},
};

class Noop extends pulumi.dynamic.Resource {
  constructor(name: string, args: Record<string, unknown>) {
    super(provider, name, { ...args, benchName: name }, undefined, "bench", "Noop");
  }
}

const key = pulumi.secret("sk-bench-not-a-real-key");
for (let i = 0; i < ${n}; i++) {
  new Noop(\`ep-\${i}\`, ${argsSource(round)});
}
`;
}

/** Where the calls floor's provider finds the module that makes its calls (in its environment: see callsFloorEnv). */
export const callsFloorEnv = { BENCH_CALLS_FLOOR: path.join(__dirname, "calls-floor-provider.js") };

/**
 * The calls floor: the floor's provider, delegating each method to bench/calls-floor-provider.js, which makes ours's
 * calls for it (create: POST + GET; read: GET; update: GET + PATCH of the tags; delete: GET + DELETE; one identity GET
 * per process before the first read, update or delete, as ours's workspace guard makes).
 */
export function callsFloorProgram(n: number, round: number): string {
  return `import * as pulumi from "@pulumi/pulumi";

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return require(process.env.BENCH_CALLS_FLOOR!).create(inputs);
  },
  async read(id, props) {
    return require(process.env.BENCH_CALLS_FLOOR!).read(id, props);
  },
  async update(id, olds, news) {
    return require(process.env.BENCH_CALLS_FLOOR!).update(id, olds, news);
  },
  async delete(id, props) {
    return require(process.env.BENCH_CALLS_FLOOR!).delete(id, props);
  },
};

class Calls extends pulumi.dynamic.Resource {
  constructor(name: string, args: Record<string, unknown>) {
    super(provider, name, { ...args, benchName: name }, undefined, "bench", "Calls");
  }
}

const key = pulumi.secret("sk-bench-not-a-real-key");
for (let i = 0; i < ${n}; i++) {
  new Calls(\`ep-\${i}\`, ${argsSource(round)});
}
`;
}
