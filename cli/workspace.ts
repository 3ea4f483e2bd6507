/**
 * Where the query commands (`usage`, `inference-log`, `batch`) send their requests, resolved like the provider does:
 * `DATABRICKS_HOST` / `DATABRICKS_CONFIG_PROFILE` (Databricks unified auth through the official SDK: PAT, OAuth,
 * Azure, ~/.databrickscfg) for a real workspace; otherwise the local plane of `--data DIR` (or `$DBSERVE_DATA`, else
 * `~/.dbserve`), which must be running. Credentials are only ever put in request headers, never printed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultDataDir, pidAlive, readPlaneInfo, tokenPath } from "../plane/datadir";
import { flag, UsageError, type ParsedArgs } from "./args";

export interface Workspace {
  host: string;
  /** Adds the Authorization header (and whatever else the auth method needs). */
  authenticate(headers: Headers): Promise<void>;
  /** True for the local plane (its own routes, e.g. the usage table, exist only there). */
  local: boolean;
}

export async function resolveWorkspace(args: ParsedArgs): Promise<Workspace> {
  const dataFlag = flag(args, "data");
  if (!dataFlag && (process.env.DATABRICKS_HOST || process.env.DATABRICKS_CONFIG_PROFILE)) {
    const { Config } = await import("@databricks/sdk-experimental");
    const config = new Config({});
    await config.ensureResolved();
    const host = (await config.getHost()).toString().replace(/\/+$/, "");
    // A plane started with `dbserve plane start` prints DATABRICKS_HOST too: it is still the local plane.
    const local = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(host);
    return { host, authenticate: (h) => config.authenticate(h), local };
  }
  const dataDir = path.resolve(dataFlag ?? defaultDataDir());
  const info = readPlaneInfo(dataDir);
  if (!info || !pidAlive(info.pid)) {
    throw new UsageError(`No workspace configured (DATABRICKS_HOST) and no plane running on ${dataDir}: start one with 'dbserve plane start --data ${dataDir} --detach'.`);
  }
  const token = fs.readFileSync(tokenPath(dataDir), "utf8").trim();
  return { host: info.url, authenticate: async (h) => h.set("Authorization", `Bearer ${token}`), local: true };
}

export async function getJson<T>(ws: Workspace, route: string): Promise<T> {
  const headers = new Headers({ Accept: "application/json" });
  await ws.authenticate(headers);
  const res = await fetch(`${ws.host}${route}`, { headers });
  const text = await res.text();
  if (!res.ok) {
    let msg = text;
    try {
      const j = JSON.parse(text) as { error_code?: string; message?: string };
      msg = `${j.error_code ?? res.status}: ${j.message ?? text}`;
    } catch {
      /* keep the text */
    }
    throw new Error(`GET ${route}: ${msg}`);
  }
  return JSON.parse(text) as T;
}
