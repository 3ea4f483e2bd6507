/**
 * The two Pulumi programs the engine bench compares, declaring the same N resources with the same arguments:
 * - ours: N external-model ServingEndpoints (the case: an OpenAI-compatible model, its key a Pulumi secret,
 *   a tag the update step changes);
 * - the floor: N no-op dynamic resources whose provider does nothing (no network, no package of ours loaded), with
 *   the same arguments, so state size and secret handling cost the engine the same.
 */

/** The arguments of resource `i` (the same in both programs). `round` is the tag value the update step changes. */
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
