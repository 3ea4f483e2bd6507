import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { ADMIN_USER_NAME, registerUser } from "./auth";
import type { PlaneContext } from "./context";
import { defaultDataDir, ensureDataDir, loadOrCreateToken, pidAlive, readPlaneInfo, removePlaneInfo, writePlaneInfo } from "./datadir";
import { Faults, type FaultRuleInput } from "./faults";
import { OperationLimiter } from "./ratelimit";
import { Router } from "./router";
import { createPlaneServer } from "./server";
import { getMeta, openStore, setMeta } from "./store";
import { registerAdminRoutes } from "./admin";
import { registerGeoRoutes, initRegion } from "./geo";
import { registerModelRoutes, seedSystemModels } from "./catalog/models";
import { registerMlflowRoutes } from "./catalog/mlflow";
import { registerServingRoutes } from "./serving/routes";
import { Lifecycle } from "./serving/lifecycle";
import { seedPayPerTokenEndpoints } from "./serving/payPerToken";
import { registerUiRoutes } from "./ui/routes";

export { defaultDataDir } from "./datadir";
export type { FaultRuleInput } from "./faults";

export const PLANE_VERSION = "0.1.0";

export interface PlaneOptions {
  /** TCP port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Data directory; default `$DBSERVE_DATA`, else `~/.dbserve`. */
  dataDir?: string;
  /** Simulated deployment time of an endpoint config update, in seconds (default 2). */
  deploySeconds?: number;
  /** Azure region of the simulated workspace (default `westeurope`, kept from the previous start if omitted). */
  region?: string;
  /** Create/update operations allowed per window (default 50 per 300 s; limit 0 disables). */
  rateLimit?: { limit: number; windowSeconds?: number };
  /** Fault rules to install at start (in addition to those stored by the admin route). */
  faults?: FaultRuleInput[];
  /** Random source for fault probabilities (tests). */
  random?: () => number;
  /** Log sink; default: silent. */
  log?: (line: string) => void;
}

export interface RunningPlane {
  url: string;
  token: string;
  port: number;
  dataDir: string;
  close(): Promise<void>;
}

/** Data dirs served by a plane in this process: two planes on one directory would race each other's timers. */
const openDirs = new Set<string>();

export async function startPlane(options: PlaneOptions = {}): Promise<RunningPlane> {
  const dataDir = path.resolve(options.dataDir ?? defaultDataDir());
  ensureDataDir(dataDir);
  if (openDirs.has(dataDir)) throw new Error(`A plane in this process already serves ${dataDir}.`);
  const existing = readPlaneInfo(dataDir);
  if (existing && existing.pid !== process.pid && pidAlive(existing.pid)) {
    throw new Error(`A plane (pid ${existing.pid}) is already running on ${dataDir} at ${existing.url}.`);
  }
  openDirs.add(dataDir);
  const log = options.log ?? (() => undefined);
  try {
    const token = loadOrCreateToken(dataDir);
    const db = openStore(dataDir);
    registerUser(db, ADMIN_USER_NAME, token, true);
    let workspaceId = getMeta(db, "workspace_id");
    if (!workspaceId) {
      workspaceId = String(1000000000000000 + Math.floor(Math.random() * 8999999999999999));
      setMeta(db, "workspace_id", workspaceId);
    }
    let metastoreId = getMeta(db, "metastore_id");
    if (!metastoreId) {
      metastoreId = randomUUID();
      setMeta(db, "metastore_id", metastoreId);
    }
    let baseUrl = "";
    const plane: PlaneContext = {
      db,
      dataDir,
      deploySeconds: options.deploySeconds ?? 2,
      baseUrl: () => baseUrl,
      metastoreId,
      workspaceId,
      now: () => Date.now(),
    };
    initRegion(plane, options.region);
    seedSystemModels(plane);
    seedPayPerTokenEndpoints(plane);

    const faults = new Faults(db, options.random);
    for (const f of options.faults ?? []) faults.add(f);
    const limiter = new OperationLimiter(options.rateLimit?.limit ?? 50, options.rateLimit?.windowSeconds ?? 300, plane.now);
    const lifecycle = new Lifecycle(plane, log);

    const router = new Router();
    registerAdminRoutes(router, plane, faults, limiter, PLANE_VERSION);
    registerGeoRoutes(router, plane);
    registerModelRoutes(router, plane);
    registerMlflowRoutes(router, plane);
    registerServingRoutes(router, plane, lifecycle, faults);
    registerUiRoutes(router, { plane, lifecycle });

    const server = createPlaneServer({ db, router, faults, limiter, log });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    baseUrl = `http://127.0.0.1:${port}`;
    // Deployments that were in flight when the previous process died resume (or finish) now.
    lifecycle.resume();
    writePlaneInfo(dataDir, { pid: process.pid, port, url: baseUrl });
    log(`plane listening on ${baseUrl} (data ${dataDir})`);

    let closed = false;
    return {
      url: baseUrl,
      token,
      port,
      dataDir,
      close: async () => {
        if (closed) return;
        closed = true;
        lifecycle.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        removePlaneInfo(dataDir, process.pid, port);
        db.close();
        openDirs.delete(dataDir);
      },
    };
  } catch (err) {
    openDirs.delete(dataDir);
    throw err;
  }
}
