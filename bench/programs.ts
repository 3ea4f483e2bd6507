/**
 * The Pulumi programs the engine bench compares, declaring the same N resources with the same arguments:
 * - ours: N external-model ServingEndpoints (the case: an OpenAI-compatible model, its key a Pulumi secret,
 *   a tag the update step changes);
 * - the floor: N no-op dynamic resources whose provider does nothing (no network, no package of ours loaded), with
 *   the same arguments, so state size and secret handling cost the engine the same;
 * - the same-work floor: the work any provider of these endpoints must do, and none of our code: ours's API calls,
 *   route for route, and ours's state, field for field (bench/engine.ts checks both), made and kept the cheapest way
 *   (bench/work-floor-provider.js). What ours costs beyond it is what our code adds to the work itself.
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

/** Where the same-work floor's provider finds the module that does its work (in its environment). */
export const workFloorEnv = { BENCH_WORK_FLOOR: path.join(__dirname, "work-floor-provider.js") };

/**
 * The same-work floor: a dynamic resource declared with the inputs ours's ServingEndpoint class hands its provider
 * (naming inputs, the key split into \`secrets\`, default traffic) and the placeholders it registers for its outputs,
 * whose provider is bench/work-floor-provider.js. Its provider text in state is one line, as ours's is (a serialized
 * closure would cost it 2 KB of state per resource that ours does not pay, and its mutating operations with it).
 */
export function workFloorProgram(n: number, round: number): string {
  return `import * as pulumi from "@pulumi/pulumi";

const PROVIDER = "exports.handler = () => require(process.env.BENCH_WORK_FLOOR);";
const OUTPUTS = ["configVersion", "createdAt", "creator", "endpointId", "endpointUrl", "state", "task", "updatedAt", "workspaceId"];

class Work extends pulumi.CustomResource {
  constructor(name: string, args: { servedEntities: any[]; tags: Record<string, string> }) {
    const e = args.servedEntities[0];
    const { openaiApiKeyPlaintext, ...openaiConfig } = e.externalModel.openaiConfig;
    const seed = \`\${pulumi.getProject()}/\${pulumi.getStack()}\`;
    super("pulumi-nodejs:dynamic/bench:Work", name, {
      __provider: PROVIDER,
      logicalName: name,
      nameSeed: seed,
      managedBy: \`\${seed}/ServingEndpoint/\${name}\`,
      name: \`\${name}-work\`,
      secrets: { "servedEntities[0].externalModel.openaiConfig.openaiApiKeyPlaintext": openaiApiKeyPlaintext },
      servedEntities: [{ ...e, externalModel: { ...e.externalModel, openaiConfig } }],
      tags: args.tags,
      traffic: [{ servedEntityName: e.name, trafficPercentage: 100 }],
      ...Object.fromEntries(OUTPUTS.map((k) => [k, undefined])),
    });
  }
}

const key = pulumi.secret("sk-bench-not-a-real-key");
for (let i = 0; i < ${n}; i++) {
  new Work(\`ep-\${i}\`, ${argsSource(round)});
}
`;
}
