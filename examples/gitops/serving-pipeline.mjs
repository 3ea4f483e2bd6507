#!/usr/bin/env node
// The GitOps pipeline's steps, called by the GitHub Actions workflows and the GitLab CI file beside it. Every step
// lives here, not in the YAML, so that the test suite runs exactly what CI runs (tests/package/gitops-pipeline.test.ts).
//
//   node serving-pipeline.mjs preview --stacks dev,prod   `dbserve preview-comment` per stack, one sticky PR/MR comment
//   node serving-pipeline.mjs up --stack prod             `pulumi up --refresh` for one stack
//   node serving-pipeline.mjs drift --stacks dev,prod     `dbserve drift` per stack; opens/updates/closes the drift issue
//
// Databricks auth: with SERVING_AUTH=databricks-oidc each stack's commands get a short-lived token of the service
// principal DATABRICKS_CLIENT_ID, exchanged for the CI's OIDC token at that stack's workspace (workload identity
// federation); otherwise the SDK's unified auth applies as usual (e.g. DATABRICKS_AUTH_TYPE=azure-cli after an
// Azure OIDC login). The workspace of a stack is its `databricks-serving:host` config (Pulumi.<stack>.yaml).
//
// Run in the Pulumi project's directory, after `npm ci`, with `pulumi` on PATH and PULUMI_BACKEND_URL set. The forge
// (GitHub or GitLab) is found from the CI's own variables; elsewhere the reports are only printed and written to
// $PIPELINE_OUT (default .pipeline/). Exit codes: 0 ok, 1 a preview/up/refresh failed, 2 usage, 3 drift found.
// No dependencies beyond Node.js 20 and the project's own node_modules.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const DRIFT_EXIT = 3;
const DRIFT_LABEL = process.env.DRIFT_ISSUE_LABEL || "serving-drift";
const OUT = path.resolve(process.env.PIPELINE_OUT || ".pipeline");

class UsageError extends Error {}

function log(message) {
  process.stderr.write(`serving-pipeline: ${message}\n`);
}

/** Runs a command, streaming its stderr to ours (CI logs) and collecting stdout. Never rejects on exit codes. */
function run(file, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => process.stderr.write(d));
    child.on("error", (err) => reject(err.code === "ENOENT" ? new Error(`\`${file}\` is not on PATH`) : err));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout }));
  });
}

/** `dbserve` from the project's node_modules (installed by `npm ci`). */
function dbserve(args, env) {
  const bin = path.resolve("node_modules", "pulumi-databricks-serving", "bin", "dbserve.js");
  if (!fs.existsSync(bin)) throw new Error(`${bin} not found: run \`npm ci\` in the Pulumi project first`);
  return run(process.execPath, [bin, ...args], { env });
}

/**
 * Selects a stack, creating it (with PULUMI_SECRETS_PROVIDER, e.g. a KMS key, else the passphrase) on first use, and
 * returns the environment its commands run with (the stack's Databricks token under SERVING_AUTH=databricks-oidc).
 */
async function selectStack(stack) {
  const provider = process.env.PULUMI_SECRETS_PROVIDER || "passphrase";
  const r = await run("pulumi", ["stack", "select", stack, "--create", "--secrets-provider", provider, "--non-interactive"]);
  if (r.code !== 0) throw new Error(`pulumi stack select ${stack} failed (${r.code})`);
  const auth = process.env.SERVING_AUTH || "";
  if (auth === "" || auth === "unified") return {};
  if (auth !== "databricks-oidc") throw new UsageError(`SERVING_AUTH must be databricks-oidc or unified (got ${JSON.stringify(auth)})`);
  const host = (await run("pulumi", ["config", "get", "databricks-serving:host", "--stack", stack])).stdout.trim() || process.env.DATABRICKS_HOST;
  if (!host) throw new Error(`stack ${stack} has no databricks-serving:host in Pulumi.${stack}.yaml and DATABRICKS_HOST is not set`);
  return { DATABRICKS_HOST: host, DATABRICKS_TOKEN: await databricksToken(host), DATABRICKS_AUTH_TYPE: "pat" };
}

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const flags = {};
  for (let i = 0; i < rest.length; i++) {
    const m = rest[i].match(/^--([a-z-]+)(?:=(.*))?$/);
    if (!m) throw new UsageError(`unexpected argument ${JSON.stringify(rest[i])}`);
    if (m[2] !== undefined) flags[m[1]] = m[2];
    else if (i + 1 < rest.length && !rest[i + 1].startsWith("--")) flags[m[1]] = rest[++i];
    else throw new UsageError(`--${m[1]} needs a value`);
  }
  return { command, flags };
}

function stacksFlag(flags) {
  const stacks = (flags.stacks ?? flags.stack ?? "")
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (stacks.length === 0) throw new UsageError("--stacks needs at least one stack name (comma-separated)");
  for (const s of stacks) if (!/^[A-Za-z0-9_.\-/]+$/.test(s)) throw new UsageError(`not a stack name: ${JSON.stringify(s)}`);
  return stacks;
}

function writeOut(name, text) {
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, name), text);
}

// ---------------------------------------------------------------------------------------------------------------
// The forge: where comments and issues go. Each is a few REST calls through fetch; the base URL comes from the CI's
// own variables (GITHUB_API_URL, CI_API_V4_URL), which also lets the test suite stand in a local server.

async function api(method, url, headers, body) {
  const res = await fetch(url, {
    method,
    headers: { "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url.replace(/\?.*/, "")}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

function githubForge() {
  const base = process.env.GITHUB_API_URL || "https://api.github.com";
  const repo = process.env.GITHUB_REPOSITORY;
  const token = process.env.GITHUB_TOKEN;
  if (!repo || !token) throw new Error("GITHUB_REPOSITORY and GITHUB_TOKEN must be set (the workflow passes secrets.GITHUB_TOKEN)");
  const h = { Authorization: `Bearer ${token}`, Accept: "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28" };
  const r = `${base}/repos/${repo}`;
  const all = async (url) => {
    const items = [];
    for (let page = 1; ; page++) {
      const batch = await api("GET", `${url}${url.includes("?") ? "&" : "?"}per_page=100&page=${page}`, h);
      items.push(...batch);
      if (batch.length < 100) return items;
    }
  };
  return {
    name: "GitHub",
    changeRequest() {
      if (process.env.PR_NUMBER) return Number(process.env.PR_NUMBER);
      const event = process.env.GITHUB_EVENT_PATH && JSON.parse(fs.readFileSync(process.env.GITHUB_EVENT_PATH, "utf8"));
      return event?.pull_request?.number;
    },
    async upsertComment(number, marker, body) {
      const mine = (await all(`${r}/issues/${number}/comments`)).find((c) => c.body?.includes(marker));
      if (mine) await api("PATCH", `${r}/issues/comments/${mine.id}`, h, { body });
      else await api("POST", `${r}/issues/${number}/comments`, h, { body });
      return mine ? "updated" : "created";
    },
    async findIssue(marker) {
      const open = await all(`${r}/issues?state=open&labels=${encodeURIComponent(DRIFT_LABEL)}`);
      const issue = open.find((i) => !i.pull_request && i.body?.includes(marker));
      return issue && { id: issue.number, url: issue.html_url };
    },
    async openIssue(title, body) {
      const i = await api("POST", `${r}/issues`, h, { title, body, labels: [DRIFT_LABEL] });
      return { id: i.number, url: i.html_url };
    },
    updateIssue: (issue, body) => api("PATCH", `${r}/issues/${issue.id}`, h, { body }),
    async closeIssue(issue, note) {
      await api("POST", `${r}/issues/${issue.id}/comments`, h, { body: note });
      await api("PATCH", `${r}/issues/${issue.id}`, h, { state: "closed", state_reason: "completed" });
    },
  };
}

function gitlabForge() {
  const base = process.env.CI_API_V4_URL;
  const project = process.env.CI_PROJECT_ID;
  // A project access token with the `api` scope (masked CI/CD variable): CI_JOB_TOKEN cannot write notes or issues.
  const token = process.env.GITLAB_TOKEN;
  if (!base || !project || !token) throw new Error("CI_API_V4_URL, CI_PROJECT_ID and GITLAB_TOKEN must be set");
  const h = { "PRIVATE-TOKEN": token };
  const p = `${base}/projects/${encodeURIComponent(project)}`;
  return {
    name: "GitLab",
    changeRequest: () => (process.env.CI_MERGE_REQUEST_IID ? Number(process.env.CI_MERGE_REQUEST_IID) : undefined),
    async upsertComment(iid, marker, body) {
      const notes = await api("GET", `${p}/merge_requests/${iid}/notes?per_page=100&sort=asc`, h);
      const mine = notes.find((n) => n.body?.includes(marker));
      if (mine) await api("PUT", `${p}/merge_requests/${iid}/notes/${mine.id}`, h, { body });
      else await api("POST", `${p}/merge_requests/${iid}/notes`, h, { body });
      return mine ? "updated" : "created";
    },
    async findIssue(marker) {
      const open = await api("GET", `${p}/issues?state=opened&labels=${encodeURIComponent(DRIFT_LABEL)}&per_page=100`, h);
      const issue = open.find((i) => i.description?.includes(marker));
      return issue && { id: issue.iid, url: issue.web_url };
    },
    async openIssue(title, description) {
      const i = await api("POST", `${p}/issues`, h, { title, description, labels: DRIFT_LABEL });
      return { id: i.iid, url: i.web_url };
    },
    updateIssue: (issue, description) => api("PUT", `${p}/issues/${issue.id}`, h, { description }),
    async closeIssue(issue, note) {
      await api("POST", `${p}/issues/${issue.id}/notes`, h, { body: note });
      await api("PUT", `${p}/issues/${issue.id}`, h, { state_event: "close" });
    },
  };
}

function forge() {
  if (process.env.GITHUB_ACTIONS === "true") return githubForge();
  if (process.env.GITLAB_CI === "true") return gitlabForge();
  return undefined;
}

/** Identifies this pipeline's comment and issue among others (several projects may share a repository). */
function marker(kind) {
  const project = path.relative(process.env.GITHUB_WORKSPACE || process.env.CI_PROJECT_DIR || process.cwd(), process.cwd()) || ".";
  return `<!-- dbserve:${kind}:${project} -->`;
}

function runLink() {
  if (process.env.GITHUB_ACTIONS === "true")
    return `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`;
  return process.env.CI_JOB_URL;
}

// ---------------------------------------------------------------------------------------------------------------
// The steps.

async function preview(flags) {
  const stacks = stacksFlag(flags);
  const sections = [];
  const failed = [];
  for (const stack of stacks) {
    const env = await selectStack(stack);
    const r = await dbserve(["preview-comment", "--stack", stack, "--title", `Stack \`${stack}\``], env);
    sections.push(r.stdout.trim() || `### Stack \`${stack}\`\n\n**❌ The preview did not run** (exit ${r.code}): see the job log.`);
    if (r.code !== 0) failed.push(stack);
  }
  const link = runLink();
  const head = process.env.GITHUB_SHA || process.env.CI_COMMIT_SHA;
  const footer = [head && `for ${head.slice(0, 7)}`, link && `[run](${link})`].filter(Boolean).join(" · ");
  const body = [
    marker("preview"),
    "## Pulumi preview: model serving",
    "",
    ...sections.flatMap((s) => [s, ""]),
    footer ? `<sub>Updated ${footer}</sub>\n` : "",
  ].join("\n");
  writeOut("preview.md", body);
  process.stdout.write(body);

  const f = forge();
  const number = f?.changeRequest();
  if (f && number) log(`${f.name} comment on #${number} ${await f.upsertComment(number, marker("preview"), body)}`);
  else log(`not a pull/merge request: the comment is in ${path.join(OUT, "preview.md")}`);
  if (failed.length > 0) {
    log(`preview failed for: ${failed.join(", ")}`);
    return 1;
  }
  return 0;
}

async function up(flags) {
  const [stack, ...more] = stacksFlag(flags);
  if (more.length) throw new UsageError("up takes one --stack (run one job per stack, each behind its environment)");
  const env = await selectStack(stack);
  // --refresh: out-of-band changes (what the drift check reports) are read first, so `up` puts them right.
  const r = await run("pulumi", ["up", "--yes", "--skip-preview", "--refresh", "--non-interactive", "--stack", stack], { env });
  process.stdout.write(r.stdout);
  return r.code === 0 ? 0 : 1;
}

async function drift(flags) {
  const stacks = stacksFlag(flags);
  const sections = [];
  const drifted = [];
  for (const stack of stacks) {
    const env = await selectStack(stack);
    const r = await dbserve(["drift", "--stack", stack, "--format", "markdown"], env);
    if (r.code !== 0 && r.code !== DRIFT_EXIT) throw new Error(`dbserve drift --stack ${stack} failed (${r.code})`);
    if (r.code === DRIFT_EXIT) drifted.push(stack);
    sections.push(r.stdout.trim().replace(/^### Drift check/, `### Stack \`${stack}\``));
  }
  const link = runLink();
  const body = [
    marker("drift"),
    `Found by the scheduled drift check${link ? ` ([run](${link}))` : ""}. Run the deploy pipeline (\`pulumi up\`) to restore the declared state, or change the program to adopt the change.`,
    "",
    ...sections.flatMap((s) => [s, ""]),
  ].join("\n");
  writeOut("drift.md", body);
  process.stdout.write(body);

  const f = forge();
  if (f) {
    const existing = await f.findIssue(marker("drift"));
    if (drifted.length > 0) {
      const title = `Drift in ${drifted.join(", ")}: the workspace differs from the stack${drifted.length > 1 ? "s" : ""}`;
      if (existing) {
        await f.updateIssue(existing, body);
        log(`updated the drift issue ${existing.url ?? existing.id}`);
      } else log(`opened the drift issue ${(await f.openIssue(title, body)).url ?? ""}`);
    } else if (existing) {
      await f.closeIssue(existing, `No drift any more in ${stacks.join(", ")}${link ? ` ([run](${link}))` : ""}: closing.`);
      log(`closed the drift issue ${existing.url ?? existing.id}`);
    }
  }
  return drifted.length > 0 ? DRIFT_EXIT : 0;
}

/**
 * Workload identity federation: exchanges the CI's OIDC token (GitHub: requested with ACTIONS_ID_TOKEN_REQUEST_*;
 * GitLab: the `id_tokens:` variable named by DATABRICKS_OIDC_TOKEN_VAR) for an OAuth token of the service principal
 * DATABRICKS_CLIENT_ID at the workspace's token endpoint. The token lives about an hour and only in the environment
 * of this stack's commands: never in a file, a log or the state.
 */
async function databricksToken(workspace) {
  const host = workspace.replace(/\/+$/, "");
  const clientId = process.env.DATABRICKS_CLIENT_ID;
  if (!clientId) throw new UsageError("DATABRICKS_CLIENT_ID (the service principal's application id) must be set for SERVING_AUTH=databricks-oidc");
  let subject;
  if (process.env.DATABRICKS_OIDC_TOKEN_VAR) subject = process.env[process.env.DATABRICKS_OIDC_TOKEN_VAR];
  else if (process.env.ACTIONS_ID_TOKEN_REQUEST_URL && process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    const url = new URL(process.env.ACTIONS_ID_TOKEN_REQUEST_URL);
    url.searchParams.set("audience", process.env.DATABRICKS_OIDC_AUDIENCE || host);
    subject = (await api("GET", url.toString(), { Authorization: `Bearer ${process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` })).value;
  }
  if (!subject)
    throw new UsageError(
      "no OIDC token: on GitHub give the job `permissions: id-token: write`; on GitLab set DATABRICKS_OIDC_TOKEN_VAR to an `id_tokens:` entry",
    );
  const res = await fetch(`${host}/oidc/v1/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      subject_token: subject,
      client_id: clientId,
      scope: "all-apis",
    }),
  });
  const text = await res.text();
  // An error answer may echo what was sent: report only the status and the server's error code.
  if (!res.ok) throw new Error(`token exchange at ${host}/oidc/v1/token: HTTP ${res.status} ${safeError(text)}`);
  const token = JSON.parse(text).access_token;
  if (!token) throw new Error(`token exchange at ${host}/oidc/v1/token answered without an access_token`);
  if (process.env.GITHUB_ACTIONS === "true") process.stdout.write(`::add-mask::${token}\n`);
  return token;
}

function safeError(text) {
  try {
    const e = JSON.parse(text);
    return [e.error, e.error_code].filter(Boolean).join(" ") || "(no error code)";
  } catch {
    return "(not JSON)";
  }
}

const COMMANDS = { preview, up, drift };

async function main() {
  const { command, flags } = parseArgs(process.argv.slice(2));
  const step = COMMANDS[command];
  if (!step) throw new UsageError(`unknown command ${JSON.stringify(command)}: one of ${Object.keys(COMMANDS).join(", ")}`);
  return step(flags);
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    log(err.message);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
