/**
 * Unity Catalog models through the real Pulumi CLI against a plane process: RegisteredModel (create, in-place
 * comment/owner update, rename as replacement, adopt), ModelVersion from local files (upload → finalize → READY,
 * changed files → a new version), ModelAlias (create, move in place, refresh after an out-of-band move made with the
 * official SDK), and destroy in dependency order. The delete guard (a version an alias points to) is exercised in
 * tests/unit/uc-kinds.test.ts against an in-process plane, to keep this suite's CLI runs few.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { WorkspaceClient } from "@databricks/sdk-experimental";
import { REPO } from "../helpers/paths";
import { startPlaneProcess, PlaneProcess } from "../helpers/plane";
import { stepsFor, TestStack } from "../helpers/stack";

const program = (o: { comment: string; owner?: string; name?: string; champion: "v1" | "v2"; withV2: boolean }) => `
import * as serving from "pulumi-databricks-serving";
const model = new serving.RegisteredModel("bot", {
  catalog: "main", schema: "genai", name: ${JSON.stringify(o.name ?? "support_bot")},
  comment: ${JSON.stringify(o.comment)},${o.owner ? `\n  owner: ${JSON.stringify(o.owner)},` : ""}
});
const v1 = new serving.ModelVersion("v1", { model: model.fullName, directory: "model-a", comment: "first fine-tune" });
${o.withV2 ? `const v2 = new serving.ModelVersion("v2", { model: model.fullName, directory: "model-b" });` : ""}
const champion = new serving.ModelAlias("champion", { model: model.fullName, alias: "champion", version: ${o.champion}.version });
export const fullName = model.fullName;
export const v1Version = v1.version;
${o.withV2 ? "export const v2Version = v2.version;" : ""}
export const championVersion = champion.version;
export const championUri = champion.uri;
`;

describe("Unity Catalog models, versions and aliases through the real Pulumi CLI", () => {
  let plane: PlaneProcess;
  let stack: TestStack;
  let ws: WorkspaceClient;

  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${plane.url}${p}`, {
      method,
      headers: { Authorization: `Bearer ${plane.token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const copyModel = (from: string, to: string) => fs.cpSync(path.join(REPO, "examples/fine-tuned-model", from), path.join(stack.dir, to), { recursive: true });

  beforeAll(async () => {
    plane = await startPlaneProcess();
    stack = await TestStack.create({ program: program({ comment: "first", champion: "v1", withV2: false }), plane });
    copyModel("model-v1", "model-a");
    copyModel("model-v2", "model-b");
    ws = new WorkspaceClient({ host: plane.url, token: plane.token, authType: "pat" });
  });
  afterAll(async () => {
    await plane?.stop();
    stack?.dispose();
  });

  it("previews model, version and alias creates, then registers the version from local files", async () => {
    const preview = await stack.preview();
    expect(preview.code).toBe(0);
    expect(stepsFor(preview, "ModelVersion").map((s) => s.op)).toEqual(["create"]);
    expect(stepsFor(preview, "ModelAlias").map((s) => s.op)).toEqual(["create"]);
    // The directory's content hash is known at preview: it decides the version's identity.
    expect(String(stepsFor(preview, "ModelVersion")[0].newState?.inputs?.contentHash)).toMatch(/^sha256:[0-9a-f]{64}$/);

    const up = await stack.up();
    expect(up.code).toBe(0);
    const out = await stack.outputs();
    expect(out).toMatchObject({ fullName: "main.genai.support_bot", v1Version: 1, championVersion: 1, championUri: "models:/main.genai.support_bot@champion" });
    const v = await api("GET", "/api/2.1/unity-catalog/models/main.genai.support_bot/versions/1");
    expect(v.body).toMatchObject({ status: "READY", comment: "first fine-tune" });
    // The files really were uploaded to the version's storage.
    const files = await api("GET", "/api/2.0/dbserve/artifacts/main.genai.support_bot/1");
    expect((files.body.files as { path: string }[]).map((f) => f.path)).toEqual(["MLmodel", "weights.bin"]);
    const alias = await ws.registeredModels.get({ full_name: "main.genai.support_bot", include_aliases: true });
    expect(alias.aliases).toEqual([expect.objectContaining({ alias_name: "champion", version_num: 1 })]);
  });

  it("updates comment/owner in place, registers v2 and moves the alias in one update, dependents unchanged", async () => {
    stack.writeProgram(program({ comment: "second", owner: "ml-platform@example.com", champion: "v2", withV2: true }));
    const preview = await stack.preview();
    const [model] = stepsFor(preview, "RegisteredModel");
    expect(model.op).toBe("update");
    expect(model.diffReasons?.sort()).toEqual(["comment", "owner"]);
    // The model's full name is known at preview, so its versions do not look replaced.
    expect(stepsFor(preview, "ModelVersion").filter((s) => s.op !== "same").map((s) => `${s.urn.split("::").pop()}:${s.op}`)).toEqual(["v2:create"]);
    const [alias] = stepsFor(preview, "ModelAlias");
    expect(alias.op).toBe("update");
    expect(alias.diffReasons).toEqual(["version"]);

    expect((await stack.up()).code).toBe(0);
    const m = await api("GET", "/api/2.1/unity-catalog/models/main.genai.support_bot");
    expect(m.body).toMatchObject({ comment: "second", owner: "ml-platform@example.com" });
    expect(await stack.outputs()).toMatchObject({ v1Version: 1, v2Version: 2, championVersion: 2 });
    expect((await ws.registeredModels.get({ full_name: "main.genai.support_bot", include_aliases: true })).aliases).toEqual([
      expect.objectContaining({ alias_name: "champion", version_num: 2 }),
    ]);
  });

  it("finds an out-of-band alias move (official SDK) on refresh", async () => {
    await ws.registeredModels.setAlias({ full_name: "main.genai.support_bot", alias: "champion", version_num: 1 });
    const refresh = await stack.refresh();
    expect(refresh.code).toBe(0);
    const alias = (await stack.managedResources()).find((r) => r.type.endsWith(":ModelAlias"));
    expect(alias?.outputs?.version).toBe(1);
    const preview = await stack.preview();
    const [step] = stepsFor(preview, "ModelAlias");
    expect(step.op).toBe("update");
    expect(step.diffReasons).toEqual(["version"]);
    expect(stepsFor(preview, "RegisteredModel").filter((s) => s.op !== "same")).toEqual([]);
  });

  it("replaces a version whose files changed with a new version number, never mutating the old one", async () => {
    fs.appendFileSync(path.join(stack.dir, "model-a", "weights.bin"), "retrained\n");
    const preview = await stack.preview();
    const [step] = stepsFor(preview, "ModelVersion").filter((s) => s.urn.endsWith("::v1"));
    expect(step.op).toBe("replace");
    expect(step.replaceReasons).toEqual(["contentHash"]);
    expect((await stack.up()).code).toBe(0);
    const out = await stack.outputs();
    expect(out.v1Version).toBe(3);
    expect((await api("GET", "/api/2.1/unity-catalog/models/main.genai.support_bot/versions/1")).status).toBe(404);
    // The same up put the alias moved out of band back where the program says.
    expect((await api("GET", "/api/2.1/unity-catalog/models/main.genai.support_bot/aliases/champion")).body.version).toBe(2);
  });

  it("renames the model as a replacement (create first, then delete the old one) and adopts an existing model", async () => {
    await ws.registeredModels.create({ catalog_name: "main", schema_name: "genai", name: "legacy_bot", comment: "made by hand" });
    stack.writeProgram(
      program({ comment: "second", name: "support_bot_v2", champion: "v2", withV2: true }).replace(/const v1 = [^\n]*\n/, "").replace(/export const v1Version[^\n]*\n/, "") +
        `new serving.RegisteredModel("legacy", { catalog: "main", schema: "genai", name: "Legacy_Bot", comment: "now managed", adopt: true });\n`,
    );
    const preview = await stack.preview();
    const [step] = stepsFor(preview, "RegisteredModel").filter((s) => s.urn.endsWith("::bot"));
    expect(step.op).toBe("replace");
    expect(step.replaceReasons).toEqual(["name"]);
    const up = await stack.up();
    expect(up.code).toBe(0);
    expect((await stack.outputs()).fullName).toBe("main.genai.support_bot_v2");
    expect((await api("GET", "/api/2.1/unity-catalog/models/main.genai.support_bot")).status).toBe(404);
    expect((await api("GET", "/api/2.1/unity-catalog/models/main.genai.support_bot_v2/aliases/champion")).body.version).toBe(1);
    expect((await api("GET", "/api/2.1/unity-catalog/models/main.genai.legacy_bot")).body.comment).toBe("now managed");
  });

  it("destroys alias, versions and models in dependency order", async () => {
    const destroy = await stack.destroy();
    expect(destroy.code).toBe(0);
    expect((await api("GET", "/api/2.1/unity-catalog/models/main.genai.support_bot_v2")).status).toBe(404);
    expect((await api("GET", "/api/2.1/unity-catalog/models/main.genai.legacy_bot")).status).toBe(404);
    expect(await stack.managedResources()).toEqual([]);
  });
});
