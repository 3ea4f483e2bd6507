/**
 * DynamicResource (provider/dynamic-resource.ts), through the real CLI: registration runs with stack capture off for
 * speed, so these check that what users read of a refused declaration still points at their program or resource.
 */
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { TestStack } from "../helpers/stack";

const ARGS = `{ servedEntities: [{ externalModel: { name: "gpt-4o", provider: "openai", task: "llm/v1/chat", openaiConfig: { openaiApiKey: "{{secrets/s/k}}" } } }] }`;

describe("DynamicResource", () => {
  let plane: PlaneProcess;
  let stack: TestStack | undefined;
  beforeAll(async () => {
    plane = await startPlaneProcess({ deploySeconds: 0 });
  });
  afterEach(() => stack?.dispose());
  afterAll(async () => plane.stop());

  async function preview(body: string): Promise<string> {
    stack = await TestStack.create({
      program: `import * as serving from "pulumi-databricks-serving";\n\n${body}\n`,
      plane: { url: plane.url, token: plane.token },
    });
    const r = await stack.pulumi(["preview"]);
    expect(r.code).not.toBe(0);
    return r.stdout + r.stderr;
  }

  it("a declaration the SDK refuses on the spot names the program's line", async () => {
    const out = await preview(`const unnamed: string = undefined as any;\nnew serving.ServingEndpoint(unnamed, ${ARGS});`);
    expect(out).toContain("Missing resource name argument");
    expect(out).toMatch(/index\.ts:4:\d+/);
  });

  it("two declarations of one name fail with the engine's message naming the resource", async () => {
    const out = await preview(`new serving.ServingEndpoint("dup", ${ARGS});\nnew serving.ServingEndpoint("dup", ${ARGS});`);
    expect(out).toMatch(/ServingEndpoint \(dup\):\s+error: Duplicate resource URN '[^']*ServingEndpoint::dup'/);
  });
});
