/**
 * ModelVersion, ModelAlias, WorkspaceGeo and RegisteredModel implementations called directly (no Pulumi engine):
 * input validation names the field path and what would be valid; registration failures surface the server's message;
 * the delete guard; WorkspaceGeo against a host that is not the plane is check-only and says so.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { startPlane, RunningPlane } from "../../plane/index";
import { setStackConfig } from "../../provider/engine/connection";
import { UNKNOWN } from "../../provider/engine/unknown";
import { kind as aliasKind } from "../../provider/resources/model-alias";
import { kind as versionKind } from "../../provider/resources/model-version";
import { kind as modelKind } from "../../provider/resources/registered-model";
import { kind as geoKind } from "../../provider/resources/workspace-geo";
import { hashModelFiles, listModelFiles } from "../../provider/uc/local-model";
import { REPO, tempDir } from "../helpers/paths";

const EXAMPLE = path.join(REPO, "examples/fine-tuned-model");
/** Puts DATABRICKS_HOST/TOKEN back as they were (assigning undefined to process.env would store "undefined"). */
function restoreEnv(saved: { host?: string; token?: string }): void {
  for (const [key, value] of [["DATABRICKS_HOST", saved.host], ["DATABRICKS_TOKEN", saved.token]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}
const byProperty = (failures: { property: string; reason: string }[]) => Object.fromEntries(failures.map((f) => [f.property, f.reason]));

describe("local model directories", () => {
  it("hash content, not location; any changed byte is a new hash", () => {
    const a = tempDir("model-a");
    const b = tempDir("model-b");
    fs.cpSync(path.join(EXAMPLE, "model-v1"), a, { recursive: true });
    fs.cpSync(path.join(EXAMPLE, "model-v1"), b, { recursive: true });
    fs.mkdirSync(path.join(b, ".git"));
    fs.writeFileSync(path.join(b, ".git", "HEAD"), "ref: main\n"); // clutter is not content
    const ha = hashModelFiles(listModelFiles(a));
    expect(hashModelFiles(listModelFiles(b))).toBe(ha);
    fs.appendFileSync(path.join(b, "weights.bin"), "x");
    expect(hashModelFiles(listModelFiles(b))).not.toBe(ha);
    expect(hashModelFiles(listModelFiles(path.join(EXAMPLE, "model-v2")))).not.toBe(ha);
  });
});

describe("check: bad inputs name the field and what would be valid", () => {
  it("ModelVersion", async () => {
    const both = await versionKind.check(undefined, { model: "main.genai.bot", source: "runs:/abc/model", directory: path.join(EXAMPLE, "model-v1") });
    expect(byProperty(both.failures).directory).toMatch(/either `source` \(an artifact URI\) or `directory`/);
    const neither = await versionKind.check(undefined, { model: "main.genai.bot" });
    expect(byProperty(neither.failures).source).toMatch(/is required: give `source` \(an artifact URI: runs:\/, models:\//);
    const scheme = await versionKind.check(undefined, { model: "main.genai.bot", source: "/home/me/model" });
    expect(byProperty(scheme.failures).source).toMatch(/got "\/home\/me\/model": must be an artifact URI starting with one of runs:\/.*for files on this machine use `directory`/);
    const model = await versionKind.check(undefined, { model: "bot", source: "runs:/abc/model" });
    expect(byProperty(model.failures).model).toMatch(/full name `catalog.schema.model`/);
    const missing = await versionKind.check(undefined, { model: "main.genai.bot", directory: "no/such/dir" });
    expect(byProperty(missing.failures).directory).toMatch(/does not exist \(relative paths are resolved from the Pulumi program's folder/);
    const noMlmodel = tempDir("nomlmodel");
    fs.writeFileSync(path.join(noMlmodel, "weights.bin"), "w");
    const bare = await versionKind.check(undefined, { model: "main.genai.bot", directory: noMlmodel });
    expect(byProperty(bare.failures).directory).toMatch(/has no MLmodel file at its top level \(found weights.bin\).*or at a Hugging Face snapshot \(with its config.json\)/);
    const timeout = await versionKind.check(undefined, { model: "main.genai.bot", source: "runs:/abc/model", waitTimeoutSeconds: 0 });
    expect(byProperty(timeout.failures).waitTimeoutSeconds).toMatch(/got 0/);
  });

  it("ModelVersion hashes the directory even while the model name is unknown at preview", async () => {
    const r = await versionKind.check(undefined, { model: UNKNOWN, directory: path.join(EXAMPLE, "model-v1") });
    expect(r.failures).toEqual([]);
    expect(r.inputs.contentHash).toBe(hashModelFiles(listModelFiles(path.join(EXAMPLE, "model-v1"))));
  });

  it("ModelAlias", async () => {
    const reserved = await aliasKind.check(undefined, { model: "main.genai.bot", alias: "latest", version: 1 });
    expect(byProperty(reserved.failures).alias).toMatch(/is reserved .*choose another alias, e.g. "champion"/);
    const bad = await aliasKind.check(undefined, { model: "main.genai.bot", alias: "1st", version: "v2" });
    expect(byProperty(bad.failures).alias).toMatch(/must be letters, digits/);
    expect(byProperty(bad.failures).version).toMatch(/got "v2"/);
    const zero = await aliasKind.check(undefined, { model: "main.genai.bot", alias: "champion", version: 0 });
    expect(byProperty(zero.failures).version).toBeDefined();
  });

  it("WorkspaceGeo", async () => {
    const r = await geoKind.check(undefined, { region: "westeurop", crossGeoProcessing: "yes" });
    const f = byProperty(r.failures);
    expect(f.region).toMatch(/got "westeurop": not a known Databricks region; nearest known regions: westeurope/);
    expect(f.crossGeoProcessing).toMatch(/expected boolean/);
    const ok = await geoKind.check(undefined, { region: "West Europe" });
    expect(ok.failures).toEqual([]);
    expect(ok.inputs).toMatchObject({ region: "westeurope", geo: "EU Data Boundary" });
  });

  it("RegisteredModel lower-cases identifiers (UC stores them so) and derives the full name", async () => {
    const r = await modelKind.check(undefined, { catalog: "Main", schema: "GenAI", name: "Support_Bot" });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toMatchObject({ catalog: "main", schema: "genai", name: "support_bot", fullName: "main.genai.support_bot" });
    const bad = await modelKind.check(undefined, { catalog: "main", schema: "gen-ai", name: "9bot" });
    expect(Object.keys(byProperty(bad.failures)).sort()).toEqual(["name", "schema"]);
  });
});

describe("against the plane (in process)", () => {
  let plane: RunningPlane;
  const saved = { host: process.env.DATABRICKS_HOST, token: process.env.DATABRICKS_TOKEN };

  beforeAll(async () => {
    plane = await startPlane({ dataDir: tempDir("uc-kinds-plane"), deploySeconds: 0.1 });
    process.env.DATABRICKS_HOST = plane.url;
    process.env.DATABRICKS_TOKEN = plane.token;
    setStackConfig(undefined);
    await modelKind.create({ catalog: "main", schema: "genai", name: "bot" });
  });
  afterAll(async () => {
    await plane?.close();
    restoreEnv(saved);
    setStackConfig(undefined);
  });

  it("refuses to take over an existing model unless adopt: true", async () => {
    await expect(modelKind.create({ catalog: "main", schema: "genai", name: "bot" })).rejects.toThrow(/already exists.*`adopt: true`/);
    const adopted = await modelKind.create({ catalog: "main", schema: "genai", name: "bot", comment: "adopted", adopt: true });
    expect(adopted.outs).toMatchObject({ fullName: "main.genai.bot", comment: "adopted" });
  });

  it("surfaces FAILED_REGISTRATION with the server's message and removes the broken version", async () => {
    // A source with no artifacts bypasses check (which would refuse the directory) to reach the server's own validation.
    const err = await versionKind.create({ model: "main.genai.bot", source: "file:///tmp/x" }).catch((e: Error) => e);
    expect(String(err)).toMatch(/failed to register \(FAILED_REGISTRATION\): No MLmodel file found/);
    expect(String(err)).toMatch(/the incomplete version 1 of main.genai.bot was deleted/);
    const list = await fetch(`${plane.url}/api/2.1/unity-catalog/models/main.genai.bot/versions`, { headers: { Authorization: `Bearer ${plane.token}` } });
    expect(((await list.json()) as { model_versions: unknown[] }).model_versions).toEqual([]);
  });

  it("registers a Hugging Face snapshot as a transformers model: snapshot under model/, a generated MLmodel on top", async () => {
    const snap = tempDir("hf-snapshot");
    fs.writeFileSync(path.join(snap, "config.json"), JSON.stringify({ _name_or_path: "meta-llama/Llama-3.2-1B", transformers_version: "4.46.0" }));
    fs.writeFileSync(path.join(snap, "model.safetensors"), "tensor bytes");
    const { inputs, failures } = await versionKind.check(undefined, { model: "main.genai.bot", directory: snap });
    expect(failures).toEqual([]);
    const v = await versionKind.create(inputs);
    expect(v.outs).toMatchObject({ status: "READY", contentHash: inputs.contentHash });
    const res = await fetch(`${plane.url}/api/2.0/dbserve/artifacts/main.genai.bot/${v.outs.version}`, { headers: { Authorization: `Bearer ${plane.token}` } });
    const listed = ((await res.json()) as { files: { path: string }[] }).files.map((f) => f.path);
    expect(listed).toEqual(["MLmodel", "model/config.json", "model/model.safetensors"]);
    const mlmodel = await fetch(`${plane.url}/api/2.0/dbserve/artifacts/main.genai.bot/${v.outs.version}/MLmodel`, { headers: { Authorization: `Bearer ${plane.token}` } });
    expect(await mlmodel.text()).toMatch(/transformers:[\s\S]*source_model_name: "meta-llama\/Llama-3.2-1B"/);
    await versionKind.delete(v.id, v.outs);
  });

  it("registers from an artifact URI, refuses an alias to a missing version at check, and guards deletes", async () => {
    const v = await versionKind.create({ model: "main.genai.bot", source: "runs:/0123abcd/model", runId: "0123abcd" });
    expect(v.outs).toMatchObject({ version: 3, status: "READY", registeredSource: "runs:/0123abcd/model" });
    const missing = await aliasKind.check(undefined, { model: "main.genai.bot", alias: "champion", version: 7 });
    expect(byProperty(missing.failures).version).toMatch(/version 7 of main.genai.bot does not exist .*existing READY versions: 3\. If a ModelVersion in this program creates it, pass its `version` output/);
    const ok = await aliasKind.check(undefined, { model: "main.genai.bot", alias: "Champion", version: "3" });
    expect(ok.failures).toEqual([]);
    expect(ok.inputs).toMatchObject({ alias: "champion", version: 3 });
    await aliasKind.create(ok.inputs);
    await expect(versionKind.delete(v.id, v.outs)).rejects.toThrow(/refusing to delete version 3 of main.genai.bot: alias\(es\) @champion point to it/);
    await aliasKind.delete("main.genai.bot@champion", { ...ok.inputs, entityVersion: "3", uri: "" });
    await versionKind.delete(v.id, v.outs);
    expect(await versionKind.read(v.id, v.outs)).toBeUndefined();
  });
});

describe("WorkspaceGeo against a host that is not the plane", () => {
  let server: http.Server;
  let host: string;
  const saved = { host: process.env.DATABRICKS_HOST, token: process.env.DATABRICKS_TOKEN };
  const seen: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.setHeader("Content-Type", "application/json");
      if (req.url === "/api/2.0/settings/types/llm_proxy_partner_powered/names/default") {
        res.end(JSON.stringify({ setting_name: "default", etag: "e1", boolean_val: { value: true } }));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ error_code: "ENDPOINT_NOT_FOUND", message: "No API found" }));
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.DATABRICKS_HOST = host;
    process.env.DATABRICKS_TOKEN = "dapi-not-a-real-token-000000";
    setStackConfig(undefined);
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    restoreEnv(saved);
    setStackConfig(undefined);
  });

  it("only reads, and says plainly what it cannot set", async () => {
    const { inputs } = await geoKind.check(undefined, { region: "japaneast", crossGeoProcessing: true });
    const { outs } = await geoKind.create(inputs);
    expect(outs).toMatchObject({ region: "japaneast", geo: "Japan", crossGeoProcessing: true, management: "check-only", partnerPoweredAi: true });
    expect(outs.warning).toMatch(/check-only: a real workspace's region and its cross-Geo processing setting cannot be read or set through any public Databricks API/);
    expect(outs.warning).toMatch(/partner-powered AI features \(llm_proxy_partner_powered\), is enabled/);
    expect(outs.warning).not.toContain("dapi-");
    // Nothing but reads went to the workspace.
    expect(seen.every((s) => s.startsWith("GET "))).toBe(true);
  });
});
