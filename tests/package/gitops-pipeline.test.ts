/**
 * The GitOps pipeline of examples/gitops, run as its GitHub workflows run it: the example project (with the packed
 * package installed) and `serving-pipeline.mjs`, the one script every workflow step calls, against the embedded
 * plane behind a workspace URL with Databricks' OIDC token exchange, a shared file state backend outside the project
 * (the bucket), and a stand-in GitHub for comments and issues.
 *   preview → one sticky comment (updated, not duplicated, on the next push; failing on a bad input)
 *   → up (per stack) → out-of-band change → drift exit 3 + issue → up → clean + issue closed
 * Also: the workflows and the GitLab file call exactly these steps and nothing else of substance.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { startPlaneProcess, PlaneProcess } from "../helpers/plane";
import { REPO } from "../helpers/paths";
import { FakeForge, WorkspaceFront } from "./ci-world";
import { InstalledProject, RunResult } from "./installed-project";

const EXAMPLE = path.join(REPO, "examples/gitops");
const CLIENT_ID = "6f1c2a9e-sp-application-id";
const MARKER = "<!-- dbserve:preview:. -->";

describe("the GitOps pipeline (examples/gitops)", () => {
  let plane: PlaneProcess;
  let front: WorkspaceFront;
  let forge: FakeForge;
  let project: InstalledProject;
  let bucket: string;
  let env: NodeJS.ProcessEnv;
  const pipeline = (...args: string[]): Promise<RunResult> => project.run(process.execPath, ["serving-pipeline.mjs", ...args], env);
  const planeApi = (method: string, p: string, body?: unknown) =>
    fetch(`${plane.url}${p}`, { method, headers: { Authorization: `Bearer ${plane.token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
  const prComments = () => forge.comments.get(7) ?? [];
  // A commit to the pull request that changes a stack's configuration (what a team edits in Pulumi.<stack>.yaml).
  const setConfig = async (stack: string, key: string, value: string) =>
    expect((await project.run("pulumi", ["config", "set", key, value, "--stack", stack], env)).code).toBe(0);

  beforeAll(async () => {
    plane = await startPlaneProcess();
    front = await WorkspaceFront.start(plane, CLIENT_ID);
    forge = await FakeForge.start();
    project = await InstalledProject.create("gitops", {}, { fromDir: EXAMPLE });
    // The team's one-time set-up: each stack file names its workspace (here both on the one local plane).
    for (const stack of ["dev", "prod"]) {
      const file = path.join(project.dir, `Pulumi.${stack}.yaml`);
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/https:\/\/adb-[0-9.]+\.azuredatabricks\.net/, front.url));
    }
    bucket = fs.mkdtempSync(path.join(os.tmpdir(), "dbserve-bucket-"));
    const event = path.join(project.dir, "..", `${path.basename(project.dir)}-event.json`);
    fs.writeFileSync(event, JSON.stringify({ pull_request: { number: 7 } }));
    // What the runner and the workflow's env give the script (no Databricks token: it comes from the OIDC exchange).
    env = {
      PULUMI_BACKEND_URL: `file://${bucket}`,
      PULUMI_SECRETS_PROVIDER: "passphrase",
      PULUMI_CONFIG_PASSPHRASE: "pipeline-test-passphrase",
      GITHUB_ACTIONS: "true",
      GITHUB_API_URL: forge.url,
      GITHUB_SERVER_URL: "https://github.example",
      GITHUB_REPOSITORY: "acme/serving",
      GITHUB_RUN_ID: "4242",
      GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
      GITHUB_TOKEN: forge.forgeToken,
      GITHUB_WORKSPACE: project.dir,
      GITHUB_EVENT_PATH: event,
      ACTIONS_ID_TOKEN_REQUEST_URL: `${forge.url}/_oidc/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: forge.requestToken,
      SERVING_AUTH: "databricks-oidc",
      DATABRICKS_CLIENT_ID: CLIENT_ID,
      // Were a resource to miss its workspace, the embedded plane would start here: the last test checks it did not.
      DBSERVE_DATA: project.dataDir,
    };
  });
  afterAll(async () => {
    await front?.close();
    await forge?.close();
    await plane?.stop();
    if (project) fs.rmSync(path.join(project.dir, "..", `${path.basename(project.dir)}-event.json`), { force: true });
    project?.dispose();
    if (bucket) fs.rmSync(bucket, { recursive: true, force: true });
  });

  it("previews every stack on a pull request as one sticky comment, updated on the next push", async () => {
    const first = await pipeline("preview", "--stacks", "dev,prod");
    expect(first.stderr).not.toMatch(/Error|failed/);
    expect(first.code).toBe(0);
    expect(prComments()).toHaveLength(1);
    const [comment] = prComments();
    expect(comment.body).toContain(MARKER);
    expect(comment.body).toMatch(/### Stack `dev`[\s\S]*4 to create[\s\S]*### Stack `prod`[\s\S]*4 to create/);
    expect(comment.body).toContain("[run](https://github.example/acme/serving/actions/runs/4242)");
    // Each stack authenticated through the token exchange with the job's OIDC token.
    expect(front.exchanges.length).toBe(2);

    // The next push: the same comment now speaks of the new commit.
    await setConfig("prod", "throughputMax", "4740");
    env.GITHUB_SHA = "89abcdef0123456789abcdef0123456789abcdef";
    expect((await pipeline("preview", "--stacks", "dev,prod")).code).toBe(0);
    expect(prComments()).toHaveLength(1);
    expect(prComments()[0].id).toBe(comment.id);
    expect(prComments()[0].body).toContain("Updated for 89abcde");
    expect(forge.calls.filter((c) => c.startsWith("PATCH /repos/acme/serving/issues/comments/"))).toHaveLength(1);
  });

  it("fails the preview job on a bad input, and the comment names the field", async () => {
    await setConfig("prod", "throughputMax", "1000");
    const r = await pipeline("preview", "--stacks", "dev,prod");
    await setConfig("prod", "throughputMax", "4740");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("preview failed for: prod");
    expect(prComments()).toHaveLength(1);
    expect(prComments()[0].body).toMatch(/### Stack `prod`[\s\S]*The preview failed[\s\S]*throughput\.max[\s\S]*1000 is not a multiple of 1580/);
  });

  it("deploys each stack on merge", async () => {
    for (const stack of ["dev", "prod"]) {
      const r = await pipeline("up", "--stack", stack);
      expect(r.stderr).not.toMatch(/error:/);
      expect(r.code).toBe(0);
    }
    const models = (await (await planeApi("GET", "/api/2.1/unity-catalog/models?catalog_name=main&schema_name=genai")).json()) as {
      registered_models?: { name: string }[];
    };
    expect((models.registered_models ?? []).map((m) => m.name).sort()).toEqual(expect.arrayContaining(["assistant_dev", "assistant_prod"]));
    // The shared backend (the bucket) holds both stacks; the short-lived token never reached it.
    const stateText = fs
      .readdirSync(bucket, { recursive: true })
      .filter((f) => String(f).endsWith(".json"))
      .map((f) => fs.readFileSync(path.join(bucket, String(f)), "utf8"))
      .join("\n");
    expect(stateText).toContain("assistant_prod");
    expect(stateText).not.toContain(plane.token);
  });

  it("checks drift on a schedule: no issue when clean, one issue on out-of-band change (exit 3), closed after `up`", async () => {
    const clean = await pipeline("drift", "--stacks", "dev,prod");
    expect(clean.code).toBe(0);
    expect(forge.issues).toEqual([]);

    expect((await planeApi("PATCH", "/api/2.1/unity-catalog/models/main.genai.assistant_prod", { comment: "edited in the UI" })).status).toBe(200);
    const drifted = await pipeline("drift", "--stacks", "dev,prod");
    expect(drifted.code).toBe(3);
    expect(forge.issues).toHaveLength(1);
    const [issue] = forge.issues;
    expect(issue).toMatchObject({ state: "open", labels: ["serving-drift"] });
    expect(issue.title).toContain("prod");
    expect(issue.title).not.toContain("dev");
    expect(issue.body).toMatch(/`assistant` \| RegisteredModel \| `comment`/);

    // Still drifted the next day: the same issue is updated, not a second one opened.
    expect((await pipeline("drift", "--stacks", "dev,prod")).code).toBe(3);
    expect(forge.issues).toHaveLength(1);

    expect((await pipeline("up", "--stack", "prod")).code).toBe(0);
    const back = (await (await planeApi("GET", "/api/2.1/unity-catalog/models/main.genai.assistant_prod")).json()) as { comment: string };
    expect(back.comment).toContain("Internal assistant");
    const after = await pipeline("drift", "--stacks", "dev,prod");
    expect(after.code).toBe(0);
    expect(forge.issues[0].state).toBe("closed");
    expect(forge.issues[0].comments.join("\n")).toContain("No drift any more");
  });

  it("never prints the Databricks token except in GitHub's mask command", async () => {
    const r = await pipeline("drift", "--stacks", "dev");
    const lines = (r.stdout + r.stderr).split("\n").filter((l) => l.includes(plane.token));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l === `::add-mask::${plane.token}`)).toBe(true);
    // Every resource talked to its stack's workspace: no embedded plane was started on the side.
    expect(fs.existsSync(path.join(project.dataDir, "plane.json"))).toBe(false);
  });
});

describe("the workflows call the pipeline script and nothing else of substance", () => {
  type Step = { uses?: string; run?: string; if?: string };
  const workflow = (name: string) =>
    parse(fs.readFileSync(path.join(EXAMPLE, ".github/workflows", name), "utf8")) as {
      on: Record<string, unknown>;
      jobs: Record<
        string,
        {
          steps?: Step[];
          uses?: string;
          with?: Record<string, string>;
          permissions?: Record<string, string>;
          environment?: string;
          concurrency?: { group: string; "cancel-in-progress": boolean };
        }
      >;
    };

  it("GitHub: each mode's job ends in one serving-pipeline.mjs call; deploys are per stack, protected and serialized", () => {
    const reusable = workflow("serving-stacks.yml");
    expect(Object.keys(reusable.on)).toEqual(["workflow_call"]);
    const runs = Object.fromEntries(
      Object.entries(reusable.jobs).map(([name, job]) => [name, (job.steps ?? []).filter((s) => s.run).map((s) => s.run!.trim())]),
    );
    expect(runs).toEqual({
      preview: ["npm ci --no-audit --no-fund", 'node serving-pipeline.mjs preview --stacks "$STACKS"'],
      deploy: ["npm ci --no-audit --no-fund", 'node serving-pipeline.mjs up --stack "$STACK"'],
      drift: ["npm ci --no-audit --no-fund", 'node serving-pipeline.mjs drift --stacks "$STACKS"'],
    });
    expect(reusable.jobs.deploy.environment).toBe("${{ matrix.stack }}");
    expect(reusable.jobs.deploy.concurrency).toEqual({ group: expect.stringContaining("${{ matrix.stack }}"), "cancel-in-progress": false });
    for (const job of Object.values(reusable.jobs)) expect(job.permissions?.["id-token"]).toBe("write");
    // No credential in the files: only OIDC logins, variables and the passphrase secret.
    const text = fs.readFileSync(path.join(EXAMPLE, ".github/workflows/serving-stacks.yml"), "utf8");
    expect(text).not.toMatch(/DATABRICKS_TOKEN|client-secret|AZURE_CLIENT_SECRET|ARM_CLIENT_SECRET/);

    const caller = workflow("serving.yml");
    expect(Object.keys(caller.on).sort()).toEqual(["pull_request", "push", "schedule", "workflow_dispatch"]);
    expect(caller.jobs.serving.uses).toBe("./.github/workflows/serving-stacks.yml");
  });

  it("GitLab: the same three steps, with protected environments and one job per stack at a time", () => {
    const ci = parse(fs.readFileSync(path.join(EXAMPLE, ".gitlab-ci.yml"), "utf8")) as Record<
      string,
      { script?: string[]; extends?: string; resource_group?: string; environment?: { name: string }; variables?: Record<string, string> }
    >;
    const scripts = (job: string) => (ci[job].script ?? ci[ci[job].extends ?? ""]?.script ?? []).join("\n");
    expect(scripts("preview")).toBe('node serving-pipeline.mjs preview --stacks "$STACKS"');
    expect(scripts("drift")).toBe('node serving-pipeline.mjs drift --stacks "$STACKS"');
    for (const stack of ["dev", "prod"]) {
      const job = ci[`deploy-${stack}`];
      expect(scripts(`deploy-${stack}`)).toBe('node serving-pipeline.mjs up --stack "$STACK"');
      expect(job).toMatchObject({ variables: { STACK: stack }, environment: { name: stack }, resource_group: `serving-${stack}` });
    }
  });
});
