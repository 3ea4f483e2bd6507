import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { WorkspaceClient, ApiError } from "@databricks/sdk-experimental";
import { startPlane, type PlaneOptions, type RunningPlane } from "../../plane";

/** An in-process plane on a fresh data dir, with an SDK client and a raw HTTP helper. */
export interface TestPlane extends RunningPlane {
  w: WorkspaceClient;
  api: (method: string, route: string, body?: unknown, opts?: { token?: string; raw?: string; headers?: Record<string, string> }) => Promise<ApiResult>;
}

export interface ApiResult {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export function freshDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `dbserve-${prefix}-`));
}

export function client(url: string, token: string): WorkspaceClient {
  // retryTimeoutSeconds keeps the SDK from retrying a 429 for minutes inside a test.
  return new WorkspaceClient({ host: url, token, authType: "pat", retryTimeoutSeconds: 5 });
}

export async function startTestPlane(options: PlaneOptions = {}): Promise<TestPlane> {
  const ownDir = options.dataDir === undefined ? freshDir("plane") : undefined;
  const plane = await startPlane({ deploySeconds: 0.2, dataDir: ownDir, ...options });
  const api: TestPlane["api"] = async (method, route, body, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token !== "") headers.Authorization = `Bearer ${opts.token ?? plane.token}`;
    let payload: string | undefined = opts.raw;
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(`${plane.url}${route}`, { method, headers, body: payload });
    const text = await res.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      parsed = { _text: text };
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  // A data dir the harness made is removed with the plane, so test runs leave nothing behind.
  const close = async () => {
    await plane.close();
    if (ownDir) fs.rmSync(ownDir, { recursive: true, force: true });
  };
  return { ...plane, close, w: client(plane.url, plane.token), api };
}

/** Await a promise expected to reject with the SDK's ApiError; returns it for assertions. */
export async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw new Error(`expected an ApiError, got ${(err as Error).constructor.name}: ${(err as Error).message}`, { cause: err });
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** Register a READY model version through the MLflow UC routes (create → upload MLmodel → finalize). */
export async function readyVersion(t: TestPlane, fullName: string, source = "/local/model", mlmodel = "flavors:\n  python_function: {}\n"): Promise<string> {
  const created = await t.api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: fullName, source });
  const version = (created.body.model_version as { version: string }).version;
  const cred = await t.api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/generate-temporary-credentials", {
    name: fullName,
    version,
    operation: "MODEL_VERSION_OPERATION_READ_WRITE",
  });
  const url = (cred.body.credentials as { dbserve_upload: { url: string } }).dbserve_upload.url;
  const up = await fetch(`${url}/MLmodel`, { method: "PUT", headers: { Authorization: `Bearer ${t.token}` }, body: mlmodel });
  if (up.status !== 200) throw new Error(`upload failed: ${up.status}`);
  const fin = await t.api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/finalize", { name: fullName, version });
  if ((fin.body.model_version as { status: string }).status !== "READY") throw new Error(`finalize: ${JSON.stringify(fin.body)}`);
  return version;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
