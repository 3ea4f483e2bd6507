/**
 * The foundation's proof: our dynamic resources run under the real Pulumi engine (CLI built from Go modules),
 * from compiled dist/, against the embedded plane — preview, up, refresh, destroy — and no credential reaches state.
 */
import { startPlaneProcess, PlaneProcess } from "../helpers/plane";
import { stepsFor, TestStack } from "../helpers/stack";

const program = (comment: string) => `
import * as serving from "pulumi-databricks-serving";
const model = new serving.RegisteredModel("support-bot", {
  catalog: "main",
  schema: "genai",
  name: "support_bot",
  comment: ${JSON.stringify(comment)},
});
export const fullName = model.fullName;
export const owner = model.effectiveOwner;
`;

describe("RegisteredModel through the real Pulumi CLI", () => {
  let plane: PlaneProcess;
  let stack: TestStack;

  beforeAll(async () => {
    plane = await startPlaneProcess();
    stack = await TestStack.create({ program: program("first"), plane });
  });
  afterAll(async () => {
    await plane?.stop();
    stack?.dispose();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${plane.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${plane.token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("previews a create with the model's inputs", async () => {
    const preview = await stack.preview();
    expect(preview.code).toBe(0);
    const steps = stepsFor(preview, "RegisteredModel");
    expect(steps).toHaveLength(1);
    expect(steps[0].op).toBe("create");
    expect(steps[0].urn).toContain("pulumi-nodejs:dynamic/databricks-serving:RegisteredModel::support-bot");
    expect(steps[0].newState?.inputs).toMatchObject({ catalog: "main", schema: "genai", name: "support_bot", comment: "first" });
  });

  it("creates the model and exports its outputs", async () => {
    const up = await stack.up();
    expect(up.stderr + up.stdout).not.toMatch(/error:/);
    expect(up.code).toBe(0);
    const outputs = await stack.outputs();
    expect(outputs.fullName).toBe("main.genai.support_bot");
    const remote = await api("GET", "/api/2.1/unity-catalog/models/main.genai.support_bot");
    expect(remote.status).toBe(200);
    expect(remote.body.comment).toBe("first");
    expect(outputs.owner).toBe(remote.body.owner);
  });

  it("keeps credentials and the host out of the state", async () => {
    const state = await stack.exportState();
    expect(state.text).not.toContain(plane.token);
    expect(state.text).not.toContain(plane.url);
    expect(state.text).not.toMatch(/DATABRICKS_TOKEN|Bearer /);
    // The provider text is one line naming the kind, not a captured client. It is stored twice per resource and
    // rewritten with every checkpoint, so its size is part of what an update of many resources costs (bench/).
    const model = state.resources.find((r) => r.type.endsWith(":RegisteredModel"));
    for (const side of [model?.inputs, model?.outputs]) {
      expect(side?.__provider).toBe('exports.handler = () => require("pulumi-databricks-serving/dist/provider/dispatch").provider("RegisteredModel");');
    }
  });

  it("shows no changes on a second preview", async () => {
    const preview = await stack.preview();
    expect(preview.code).toBe(0);
    // `preview --json` lists only steps that do something; the summary counts the unchanged ones.
    expect(stepsFor(preview, "RegisteredModel")).toEqual([]);
    expect(preview.changeSummary).toEqual({ same: 2 });
  });

  it("previews a comment change as an in-place update and applies it", async () => {
    stack.writeProgram(program("second"));
    const preview = await stack.preview();
    const [step] = stepsFor(preview, "RegisteredModel");
    expect(step.op).toBe("update");
    expect(step.diffReasons).toEqual(["comment"]);
    expect((await stack.up()).code).toBe(0);
    expect((await api("GET", "/api/2.1/unity-catalog/models/main.genai.support_bot")).body.comment).toBe("second");
  });

  it("finds an out-of-band change on refresh", async () => {
    const patched = await api("PATCH", "/api/2.1/unity-catalog/models/main.genai.support_bot", { comment: "edited by hand" });
    expect(patched.status).toBe(200);
    const refresh = await stack.refresh();
    expect(refresh.code).toBe(0);
    const state = await stack.exportState();
    const model = state.resources.find((r) => r.type.endsWith(":RegisteredModel"));
    expect(model?.outputs?.comment).toBe("edited by hand");
    // The declaration still says "second": the next preview wants to put it back.
    const preview = await stack.preview();
    const [step] = stepsFor(preview, "RegisteredModel");
    expect(step.op).toBe("update");
    expect(step.diffReasons).toEqual(["comment"]);
  });

  it("destroys everything it created", async () => {
    const destroy = await stack.destroy();
    expect(destroy.code).toBe(0);
    expect((await api("GET", "/api/2.1/unity-catalog/models/main.genai.support_bot")).status).toBe(404);
    expect(await stack.managedResources()).toEqual([]);
  });
});

/**
 * Aliases declared on RegisteredModel (issue 14): applied and read back, and each alias managed in one place, refused
 * both ways against ModelAlias (the owner marker both write on the model).
 */
describe("RegisteredModel.aliases and ModelAlias, one place per alias", () => {
  let plane: PlaneProcess;
  let stack: TestStack;
  const MODEL = "main.genai.promoted";
  const prog = (aliases: string, modelAlias: string) => `
import * as serving from "pulumi-databricks-serving";
const m = new serving.RegisteredModel("promoted", { catalog: "main", schema: "genai", name: "promoted", adopt: true${aliases} });
new serving.ModelAlias("promoted-alias", { model: m.fullName, alias: "${modelAlias}", version: 1 });
`;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${plane.url}${path}`, { method, headers: { Authorization: `Bearer ${plane.token}`, "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await res.json()) as Record<string, unknown>;
  };
  const aliases = async () => ((await api("GET", `/api/2.1/unity-catalog/models/${MODEL}?include_aliases=true`)).aliases as { alias_name: string; version_num: number }[] | undefined ?? []).map((a) => `${a.alias_name}=${a.version_num}`).sort();

  beforeAll(async () => {
    plane = await startPlaneProcess();
    await api("POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "genai", name: "promoted" });
    for (const run of ["a", "b"]) {
      const v = (await api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: MODEL, source: `runs:/${run}/model` })) as { model_version: { version: string } };
      await api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/finalize", { name: MODEL, version: v.model_version.version });
    }
    stack = await TestStack.create({ program: prog(`, aliases: { stable: 2 }`, "champion"), plane });
  });
  afterAll(async () => {
    await stack?.destroy();
    stack?.dispose();
    await plane?.stop();
  });

  it("applies declared aliases beside a ModelAlias's, and reads them back without a diff", async () => {
    const up = await stack.up();
    expect(up.stderr + up.stdout).not.toMatch(/error:/);
    expect(await aliases()).toEqual(["champion=1", "stable=2"]);
    await stack.must(["refresh", "--yes", "--skip-preview"]);
    const again = await stack.preview();
    expect(again.steps.filter((s) => s.op !== "same")).toEqual([]);
  });

  it("refuses at preview an alias on RegisteredModel that a ModelAlias manages", async () => {
    stack.writeProgram(prog(`, aliases: { stable: 2, champion: 2 }`, "champion"));
    const preview = await stack.preview();
    expect(preview.code).not.toBe(0);
    const text = (preview.diagnostics ?? []).map((d) => d.message).join("\n");
    expect(text).toContain("aliases.champion: alias @champion of main.genai.promoted is managed by ");
    expect(text).toContain("/ModelAlias/promoted-alias: declare each alias in one place");
  });

  it("refuses a ModelAlias for an alias RegisteredModel declares, naming the RegisteredModel", async () => {
    stack.writeProgram(prog(`, aliases: { stable: 2 }`, "stable"));
    const up = await stack.up();
    expect(up.code).not.toBe(0);
    expect(up.stdout).toContain("/RegisteredModel/promoted");
    expect(up.stdout).toContain("remove it from that RegisteredModel's `aliases`");
    // Nothing moved: the declared alias still points where RegisteredModel put it.
    expect(await aliases()).toContain("stable=2");
  });
});

