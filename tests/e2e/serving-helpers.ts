/** Shared bits of the serving e2e suites: an official-SDK client on the plane, and plane admin calls. */
import { WorkspaceClient } from "@databricks/sdk-experimental";
import type { PlaneProcess } from "../helpers/plane";
import type { PreviewJson, PreviewStep } from "../helpers/stack";

export function sdk(plane: { url: string; token: string }): WorkspaceClient {
  return new WorkspaceClient({ host: plane.url, token: plane.token, authType: "pat", retryTimeoutSeconds: 5 });
}

/** A raw call to the plane (admin routes such as faults are the plane's own, not in the SDK). */
export async function planeApi<T = Record<string, unknown>>(plane: PlaneProcess, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${plane.url}${route}`, {
    method,
    headers: { Authorization: `Bearer ${plane.token}`, ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export async function addFault(plane: PlaneProcess, rule: Record<string, unknown>): Promise<string> {
  return (await planeApi<{ id: string }>(plane, "POST", "/api/2.0/dbserve/faults", rule)).id;
}

export async function clearFaults(plane: PlaneProcess): Promise<void> {
  await planeApi(plane, "DELETE", "/api/2.0/dbserve/faults");
}

/** Names of the endpoints that are not Databricks' own pay-per-token ones. */
export async function userEndpoints(w: WorkspaceClient): Promise<string[]> {
  const names: string[] = [];
  for await (const e of w.servingEndpoints.list()) if (e.name && !e.name.startsWith("databricks-")) names.push(e.name);
  return names.sort();
}

/** The step of a preview for one logical resource name. */
export function step(preview: PreviewJson, logicalName: string): PreviewStep {
  const s = preview.steps.find((x) => x.urn.endsWith(`::${logicalName}`));
  if (!s) throw new Error(`no step for ${logicalName} in ${JSON.stringify(preview.steps.map((x) => `${x.op} ${x.urn}`))}`);
  return s;
}

/** Ops of a preview for our resources, by logical name. */
export function ops(preview: PreviewJson): Record<string, string> {
  return Object.fromEntries(preview.steps.filter((s) => s.urn.includes("dynamic")).map((s) => [s.urn.split("::").pop() as string, s.op]));
}

export const diagnosticsText = (preview: PreviewJson) => (preview.diagnostics ?? []).map((d) => d.message).join("\n");
