import { z } from "zod";

/**
 * The parts of `pulumi preview --json` and `pulumi refresh --preview-only --json` that reports use. Loose
 * objects: the CLI adds fields over time and a report must not break on them.
 */
const stateSchema = z.looseObject({
  type: z.string().optional(),
  id: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
});

export const stepSchema = z.looseObject({
  op: z.string(),
  urn: z.string(),
  diffReasons: z.array(z.string()).optional(),
  replaceReasons: z.array(z.string()).optional(),
  detailedDiff: z.record(z.string(), z.looseObject({ kind: z.string(), inputDiff: z.boolean().optional() })).nullable().optional(),
  oldState: stateSchema.optional(),
  newState: stateSchema.optional(),
});
export type Step = z.infer<typeof stepSchema>;

export const engineJsonSchema = z.looseObject({
  steps: z.array(stepSchema).default([]),
  diagnostics: z.array(z.looseObject({ message: z.string(), severity: z.string(), urn: z.string().optional() })).default([]),
  changeSummary: z.record(z.string(), z.number()).optional(),
});
export type EngineJson = z.infer<typeof engineJsonSchema>;

export function parseEngineJson(text: string, what: string): EngineJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${what} is not JSON: expected the output of \`pulumi preview --json\` (first 200 characters: ${JSON.stringify(text.slice(0, 200))})`);
  }
  const parsed = engineJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${what} does not look like \`pulumi preview --json\` output: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** `urn:pulumi:stack::project::pulumi-nodejs:dynamic/databricks-serving:ServingEndpoint::name` → parts. */
export function describeUrn(urn: string): { name: string; type: string } {
  const parts = urn.split("::");
  const fullType = parts[2] ?? urn;
  const name = parts.slice(3).join("::") || urn;
  const type = fullType.split("$").pop()!.replace(/^pulumi-nodejs:dynamic\/databricks-serving:/, "");
  return { name, type };
}
