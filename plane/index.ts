import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { randomInt, randomUUID } from "node:crypto";
import { ADMIN_USER_NAME, AUTH_SCHEMA, registerUser } from "./auth";
import type { PlaneContext } from "./context";
import {
  createPrivateFile,
  defaultDataDir,
  ensureDataDir,
  loadOrCreateToken,
  lockDataDir,
  removePlaneInfo,
  runningPlane,
  secureDataFiles,
  writePlaneInfo,
  type DataDirLock,
  type PlaneInfo,
} from "./datadir";
import { FAULTS_SCHEMA, Faults, type FaultRuleInput } from "./faults";
import { OPERATIONS_SCHEMA, OperationLimiter } from "./ratelimit";
import { CallLog } from "./calls";
import { Router } from "./router";
import { ROUTES } from "./routes";
import { createPlaneServer } from "./server";
import { getMeta, openStore, setMeta } from "./store";
import { initRegion } from "./geo";
import { CATALOG_SCHEMA } from "./catalog/store";
import { seedSystemModels } from "./catalog/models";
import { ENDPOINTS_SCHEMA } from "./serving/records";
import { ACL_SCHEMA } from "./serving/permissions";
import { Lifecycle } from "./serving/lifecycle";
import { seedPayPerTokenEndpoints } from "./serving/payPerToken";
import { CREDENTIALS_SCHEMA } from "./query/secrets-store";
import { USAGE_SCHEMA } from "./query/usage-store";
import { SESSIONS_SCHEMA } from "./ui/session";

export { defaultDataDir } from "./datadir";
export type { FaultRuleInput } from "./faults";

export const PLANE_VERSION = "0.2.0";

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
  /**
   * Whether the pay-per-token endpoints have an id (default true). Some workspaces serve them without one, so their
   * permissions cannot be managed through the API (facts: serving-api-2026); `false` models such a workspace.
   */
  payPerTokenIds?: boolean;
  /** Log sink; default: silent. */
  log?: (line: string) => void;
  /** How long a start that finds the directory locked waits for the winner to answer (default 30 s). */
  lockWaitMs?: number;
}

export interface RunningPlane {
  url: string;
  token: string;
  port: number;
  dataDir: string;
  workspaceId: string;
  close(): Promise<void>;
}

/** Another plane holds the data directory; it is running at `info.url` (the token is the directory's, `token`). */
export class PlaneRunningError extends Error {
  constructor(
    readonly dataDir: string,
    readonly info: PlaneInfo,
    readonly token: string,
  ) {
    super(`A plane (pid ${info.pid}) is already running on ${dataDir} at ${info.url}.`);
  }
}

const SCHEMAS = [AUTH_SCHEMA, CATALOG_SCHEMA, ENDPOINTS_SCHEMA, ACL_SCHEMA, FAULTS_SCHEMA, OPERATIONS_SCHEMA, CREDENTIALS_SCHEMA, USAGE_SCHEMA, SESSIONS_SCHEMA];

/**
 * Take the directory's lock, or find the plane that holds it. A plane that won the lock may still be starting, so a
 * loser waits until the winner answers (then throws PlaneRunningError naming it) or the lock frees up (then wins it).
 */
async function lockOrFindWinner(dataDir: string, waitMs: number): Promise<DataDirLock> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const lock = lockDataDir(dataDir);
    if (lock) {
      // A plane from before the lock existed holds no lock but may still serve the directory: use it, never race it.
      const legacy = await runningPlane(dataDir);
      if (legacy && legacy.pid !== process.pid) {
        lock.release();
        throw new PlaneRunningError(dataDir, legacy, loadOrCreateToken(dataDir));
      }
      return lock;
    }
    const winner = await runningPlane(dataDir);
    if (winner) throw new PlaneRunningError(dataDir, winner, loadOrCreateToken(dataDir));
    if (Date.now() > deadline) throw new Error(`${dataDir} is locked by another process, but no plane answered there within ${Math.round(waitMs / 1000)} s.`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A stable numeric workspace id like a real one (16 digits, below 2^53 so any JSON client reads it exactly). */
function newWorkspaceId(): string {
  let id = String(1 + randomInt(7));
  for (let i = 0; i < 15; i++) id += String(randomInt(10));
  return id;
}

export async function startPlane(options: PlaneOptions = {}): Promise<RunningPlane> {
  const dataDir = path.resolve(options.dataDir ?? defaultDataDir());
  ensureDataDir(dataDir);
  // Before anything else: one plane per data directory.
  const lock = await lockOrFindWinner(dataDir, options.lockWaitMs ?? 30_000);
  const log = options.log ?? (() => undefined);
  try {
    secureDataFiles(dataDir);
    const token = loadOrCreateToken(dataDir);
    const dbFile = path.join(dataDir, "plane.db");
    createPrivateFile(dbFile);
    const db = openStore(dbFile, SCHEMAS);
    secureDataFiles(dataDir); // the WAL and SHM files exist now
    registerUser(db, ADMIN_USER_NAME, token, true);
    let workspaceId = getMeta(db, "workspace_id");
    if (!workspaceId || !/^\d{1,16}$/.test(workspaceId) || Number(workspaceId) > Number.MAX_SAFE_INTEGER) {
      workspaceId = newWorkspaceId();
      setMeta(db, "workspace_id", workspaceId);
    }
    let metastoreId = getMeta(db, "metastore_id");
    if (!metastoreId) {
      metastoreId = randomUUID();
      setMeta(db, "metastore_id", metastoreId);
    }
    let baseUrl = "";
    const now = () => Date.now();
    const plane: PlaneContext = {
      db,
      dataDir,
      deploySeconds: options.deploySeconds ?? 2,
      baseUrl: () => baseUrl,
      metastoreId,
      workspaceId,
      version: PLANE_VERSION,
      now,
      log,
      lifecycle: undefined as unknown as Lifecycle,
      faults: new Faults(db, options.random),
      limiter: new OperationLimiter(db, options.rateLimit?.limit ?? 50, options.rateLimit?.windowSeconds ?? 300, now),
      calls: new CallLog(),
    };
    plane.lifecycle = new Lifecycle(plane, log);
    initRegion(plane, options.region);
    seedSystemModels(plane);
    seedPayPerTokenEndpoints(plane, options.payPerTokenIds ?? true);
    for (const f of options.faults ?? []) plane.faults.add(f);

    const server = createPlaneServer(plane, new Router(ROUTES));
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
    plane.lifecycle.resume();
    writePlaneInfo(dataDir, { pid: process.pid, port, url: baseUrl });
    log(`plane listening on ${baseUrl} (data ${dataDir}, workspace ${workspaceId})`);

    let closed = false;
    return {
      url: baseUrl,
      token,
      port,
      dataDir,
      workspaceId,
      close: async () => {
        if (closed) return;
        closed = true;
        plane.lifecycle.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        removePlaneInfo(dataDir, process.pid, port);
        db.close();
        lock.release();
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}
