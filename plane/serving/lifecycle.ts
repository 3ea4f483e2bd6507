import type { PlaneContext } from "../context";
import { allEndpoints, loadEndpoint, saveEndpoint, type EndpointRecord, type PendingRecord } from "./records";

/**
 * The deployment state machine. A config update becomes `pending` with a deadline stored in the DB; at the deadline
 * the pending config replaces the active one (READY) or, if the deployment was set to fail, the update ends in
 * UPDATE_FAILED with the failure as the entities' deployment_state_message. Timers are only a convenience: reads
 * also settle due deployments, and `resume()` reschedules deadlines found in the DB after a restart.
 */
export class Lifecycle {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly plane: PlaneContext,
    private readonly log: (line: string) => void,
  ) {}

  /** Start deploying `pending` on `rec` (mutates rec; caller saves it in its transaction, then calls schedule). */
  begin(rec: EndpointRecord, pending: Omit<PendingRecord, "start_time" | "deadline">): void {
    const now = this.plane.now();
    rec.pending = { ...pending, start_time: now, deadline: now + Math.round(this.plane.deploySeconds * 1000) };
    rec.config_update = "IN_PROGRESS";
    rec.last_updated_timestamp = now;
  }

  schedule(rec: EndpointRecord): void {
    if (this.stopped || !rec.pending || rec.config_update !== "IN_PROGRESS") return;
    const key = rec.name;
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    const delay = Math.max(0, rec.pending.deadline - this.plane.now());
    const id = rec.id;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      try {
        this.settle(key, id);
      } catch (err) {
        // The DB may have been closed by a shutdown racing the timer; the deadline stays stored for next start.
        this.log(`settle ${key} failed: ${(err as Error).message}`);
      }
    }, delay);
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Reschedule every in-flight deployment (called once the server listens). */
  resume(): void {
    for (const rec of allEndpoints(this.plane.db)) {
      if (rec.config_update === "IN_PROGRESS" && rec.pending) {
        this.log(`resuming deployment of ${rec.name} (config_version ${rec.pending.config_version})`);
        this.schedule(rec);
      }
    }
  }

  /** Settle one endpoint if its deployment is due; returns the (possibly updated) record. */
  settle(name: string, expectedId?: string): EndpointRecord | undefined {
    const db = this.plane.db;
    return db.transaction(() => {
      const rec = loadEndpoint(db, name);
      if (!rec || (expectedId && rec.id !== expectedId)) return rec;
      if (this.settleInPlace(rec)) saveEndpoint(db, rec);
      return rec;
    })();
  }

  /** Apply a due deployment to `rec` in memory; true when something changed. */
  settleInPlace(rec: EndpointRecord): boolean {
    const p = rec.pending;
    if (!p || rec.config_update !== "IN_PROGRESS" || p.deadline > this.plane.now()) return false;
    const now = this.plane.now();
    const { start_time: _s, deadline: _d, failure, ...config } = p;
    const mark = (deployment: "DEPLOYMENT_READY" | "DEPLOYMENT_FAILED", message: string) => {
      for (const e of [...(config.served_entities ?? []), ...(config.served_models ?? [])]) {
        e.state = { deployment, deployment_state_message: message };
      }
    };
    if (failure === undefined) {
      mark("DEPLOYMENT_READY", "");
      rec.config = config;
      delete rec.pending;
      rec.config_update = "NOT_UPDATING";
    } else if (!rec.config) {
      // A first deployment that fails leaves the failed config as the endpoint's config, NOT_READY.
      mark("DEPLOYMENT_FAILED", failure);
      rec.config = config;
      delete rec.pending;
      rec.config_update = "UPDATE_FAILED";
    } else {
      // A failed update keeps serving the previous config; the failed pending config stays visible (with the
      // failure message on its entities) until the next update replaces it, so clients can report why.
      mark("DEPLOYMENT_FAILED", failure);
      rec.pending = { ...p, ...config };
      rec.config_update = "UPDATE_FAILED";
    }
    rec.last_updated_timestamp = now;
    this.log(`deployment of ${rec.name} config_version ${config.config_version}: ${rec.config_update}`);
    return true;
  }

  cancel(name: string): void {
    const t = this.timers.get(name);
    if (t) clearTimeout(t);
    this.timers.delete(name);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
