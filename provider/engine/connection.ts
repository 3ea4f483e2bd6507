import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";
import { ApiClient, Authenticator } from "../client/http";
import { plainTokenAuth } from "./token-auth";

/**
 * Where a resource's control plane is, resolved at run time inside the provider process — never captured in the
 * serialized provider and never written to state. Order:
 *   1. the resource's own `connection` input (host and/or profile; no secrets), e.g. from AzureServingWorkspace;
 *   2. stack config `databricks-serving:host` / `:token` (secret) / `:profile`;
 *   3. the environment, following Databricks unified auth (`DATABRICKS_HOST`, `DATABRICKS_TOKEN`,
 *      `DATABRICKS_CONFIG_PROFILE`, OAuth M2M variables…) through the official SDK's `Config`;
 *   4. otherwise the embedded local plane (started on demand in `$DBSERVE_DATA` or `~/.dbserve`).
 */
export const connectionSchema = z
  .object({
    host: z.string().url().optional(),
    profile: z.string().min(1).optional(),
  })
  .strict();
export type ConnectionInput = z.infer<typeof connectionSchema>;

/** Stack configuration, as received by the dynamic provider's `configure`. */
export interface StackConfig {
  get(key: string): string | undefined;
}

let stackConfig: StackConfig | undefined;
export function setStackConfig(config: StackConfig | undefined): void {
  stackConfig = config;
  clients.clear();
}

const CONFIG_NS = "databricks-serving";
function fromConfig(key: string): string | undefined {
  try {
    return stackConfig?.get(`${CONFIG_NS}:${key}`) || undefined;
  } catch {
    return undefined;
  }
}

const clients = new Map<string, Promise<ApiClient>>();

/** One client per distinct connection, shared by every resource in this provider process. */
export function clientFor(connection?: ConnectionInput): Promise<ApiClient> {
  const key = JSON.stringify(connection ?? {});
  let client = clients.get(key);
  if (!client) {
    client = resolveClient(connection);
    // A failed resolution (e.g. the plane did not start) must not be cached forever.
    client.catch(() => clients.delete(key));
    clients.set(key, client);
  }
  return client;
}

function progress(message: string): void {
  process.stderr.write(`[databricks-serving] ${message}\n`);
}

async function resolveClient(connection?: ConnectionInput): Promise<ApiClient> {
  const host = connection?.host ?? fromConfig("host") ?? process.env.DATABRICKS_HOST;
  const profile = connection?.profile ?? fromConfig("profile") ?? process.env.DATABRICKS_CONFIG_PROFILE;
  if (host || profile) {
    const token = fromConfig("token");
    const authenticate = plainTokenAuth({ host, profile, token }) ?? (await sdkAuthenticator({ host, profile, token }));
    return new ApiClient({ host: authenticate.host, authenticate: authenticate.fn, onRetry: progress });
  }
  const plane = ensureEmbeddedPlane();
  return new ApiClient({
    host: plane.url,
    authenticate: async (headers) => headers.set("Authorization", `Bearer ${plane.token}`),
    onRetry: progress,
  });
}

/**
 * Databricks unified auth through the official SDK (PAT, OAuth M2M/U2M, Azure, profiles in ~/.databrickscfg), for
 * everything plainTokenAuth (token-auth.ts) does not take.
 */
async function sdkAuthenticator(opts: { host?: string; profile?: string; token?: string }): Promise<{ host: string; fn: Authenticator }> {
  // Loaded lazily, and only its config module (the one class unified auth needs): the SDK's index loads every service
  // client, which costs a provider process about three times as much before its first call.
  const { Config } = await import("@databricks/sdk-experimental/dist/config/Config");
  const config = new Config({
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.token ? { token: opts.token } : {}),
  });
  await config.ensureResolved();
  const host = (await config.getHost()).toString();
  return {
    host,
    fn: async (sink) => {
      const headers = new Headers();
      await config.authenticate(headers);
      headers.forEach((value, name) => sink.set(name, value));
    },
  };
}

export interface EmbeddedPlane {
  url: string;
  token: string;
}

function embeddedDataDir(): string {
  return process.env.DBSERVE_DATA || path.join(os.homedir(), ".dbserve");
}

/**
 * Finds the embedded plane of `dataDir`, starting it (detached, so it outlives this provider process and keeps
 * deployments moving between `pulumi` runs) when it is not running.
 */
export function ensureEmbeddedPlane(dataDir = embeddedDataDir()): EmbeddedPlane {
  const running = readRunningPlane(dataDir);
  if (running) return announced(running, dataDir, "using");
  const cli = path.join(packageRoot(), "bin/dbserve.js");
  progress(`no workspace configured (DATABRICKS_HOST, a profile or databricks-serving:host): starting the embedded control plane in ${dataDir}`);
  try {
    execFileSync(process.execPath, [cli, "plane", "start", "--detach", "--data", dataDir], { stdio: ["ignore", "pipe", "inherit"], timeout: 60_000 });
  } catch (err) {
    // Another `pulumi` run may have started the same plane a moment ago: use it rather than fail.
    const raced = readRunningPlane(dataDir);
    if (raced) return announced(raced, dataDir, "using");
    throw err;
  }
  const started = readRunningPlane(dataDir);
  if (!started) throw new Error(`the embedded control plane did not start in ${dataDir}: see ${path.join(dataDir, "plane.log")}`);
  return announced(started, dataDir, "started");
}

/**
 * Says where the embedded plane runs and how to stop it, once per provider process, so a run against it is never
 * mistaken for a run against a workspace (a refresh against the wrong workspace is refused, see engine/workspace.ts).
 */
function announced(plane: EmbeddedPlane, dataDir: string, how: "started" | "using"): EmbeddedPlane {
  progress(
    `${how} the embedded control plane at ${plane.url} (data in ${dataDir}), not a Databricks workspace; ` +
      `it keeps running between runs: see it with \`npx dbserve ui --data ${dataDir}\`, stop it with \`npx dbserve plane stop --data ${dataDir}\`, or set DATABRICKS_HOST to manage a real workspace`,
  );
  return plane;
}

/** This package's root (from dist/provider/engine in an install, from provider/engine when run from source). */
function packageRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      if ((JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string }).name === "pulumi-databricks-serving") return dir;
    } catch {
      // no package.json here: keep walking up
    }
  }
  throw new Error(`cannot find the pulumi-databricks-serving package above ${__dirname}`);
}

function readRunningPlane(dataDir: string): EmbeddedPlane | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, "plane.json"), "utf8")) as { pid: number; url: string };
    process.kill(info.pid, 0); // throws when the process is gone (a stale plane.json after a crash)
    const token = fs.readFileSync(path.join(dataDir, "token"), "utf8").trim();
    return { url: info.url, token };
  } catch {
    return undefined;
  }
}
