import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { DB } from "./store";

/**
 * Injectable faults, for testing clients' retry and wait logic. A rule matches requests by method and a route glob
 * (`*` matches any characters, `/` included) and fires with a probability, optionally a limited number of times.
 * Rules live in the DB only (no cache), so a fault set by the admin route survives a restart and a rolled-back request
 * leaves a rule's remaining `times` as it was.
 *
 * Kinds:
 * - `error`: answer with `status` (500, 502, 503 or 504) in the Databricks error model, without handling the request.
 * - `latency`: delay the request by `latency_ms`, then serve it normally.
 * - `drop`: destroy the socket without handling the request or answering (the client sees a connection reset).
 * - `lose_response`: handle the request completely (its writes are committed), then destroy the socket without
 *   answering: the client sees a dropped connection after the server acted, as after a lost response.
 * - `deployment_failure`: requests matching the rule that start a deployment make it end in UPDATE_FAILED with
 *   `message` as the served entities' deployment_state_message.
 */
export const FAULT_KINDS = ["error", "latency", "drop", "lose_response", "deployment_failure"] as const;

export const FaultRuleInput = z.strictObject({
  kind: z.enum(FAULT_KINDS),
  route: z.string().min(1).max(1024).default("*"),
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "get", "post", "put", "patch", "delete"]).optional(),
  /** deployment_failure only: a glob on the endpoint name, to fail one endpoint's deployments. */
  endpoint: z.string().max(255).optional(),
  probability: z.number().min(0).max(1).default(1),
  status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
  latency_ms: z.number().int().min(0).max(600000).optional(),
  message: z.string().max(1000).optional(),
  /** Fire at most this many times, then remove the rule. */
  times: z.number().int().min(1).max(1_000_000).optional(),
});
export type FaultRuleInput = z.infer<typeof FaultRuleInput>;
export type FaultRule = FaultRuleInput & { id: string };

export const FAULTS_SCHEMA = "CREATE TABLE IF NOT EXISTS faults (id TEXT PRIMARY KEY, doc TEXT NOT NULL);";

export type FaultDecision =
  | { kind: "none" }
  | { kind: "error"; status: number; message: string }
  | { kind: "latency"; ms: number }
  | { kind: "drop" }
  | { kind: "lose_response" };

/** Globs are compiled without backtracking hazards: `*` becomes a lazy `.*?` between literal runs. */
function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*+/g, ".*?");
  return new RegExp(`^${escaped}$`, "s");
}

export class Faults {
  constructor(
    private readonly db: DB,
    /** Injected for deterministic tests; defaults to Math.random. */
    private readonly random: () => number = Math.random,
  ) {}

  list(): FaultRule[] {
    return (this.db.prepare("SELECT doc FROM faults ORDER BY rowid").all() as { doc: string }[]).map((r) => JSON.parse(r.doc) as FaultRule);
  }

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { ...input, ...(input.method ? { method: input.method.toUpperCase() as FaultRule["method"] } : {}), id: randomUUID() };
    this.db.prepare("INSERT INTO faults (id, doc) VALUES (?, ?)").run(rule.id, JSON.stringify(rule));
    return rule;
  }

  remove(id: string): boolean {
    return this.db.prepare("DELETE FROM faults WHERE id = ?").run(id).changes > 0;
  }

  clear(): void {
    this.db.prepare("DELETE FROM faults").run();
  }

  /** Decide what happens to a request at the transport level (all kinds except deployment_failure). */
  onRequest(method: string, path: string): FaultDecision {
    const rule = this.fire(method, path, (k) => k !== "deployment_failure");
    if (!rule) return { kind: "none" };
    switch (rule.kind) {
      case "error":
        return { kind: "error", status: rule.status ?? 500, message: rule.message ?? `Injected fault on ${method} ${path}.` };
      case "latency":
        return { kind: "latency", ms: rule.latency_ms ?? 1000 };
      case "drop":
        return { kind: "drop" };
      case "lose_response":
        return { kind: "lose_response" };
      default:
        return { kind: "none" };
    }
  }

  /** When a request starts a deployment: the failure message to deploy with, if a rule fires. */
  deploymentFailure(method: string, path: string, endpointName: string): string | undefined {
    const rule = this.fire(method, path, (k) => k === "deployment_failure", endpointName);
    if (!rule) return undefined;
    return rule.message ?? "Served entity deployment failed: container exited with code 1 (injected fault).";
  }

  private fire(method: string, path: string, kindOk: (k: FaultRule["kind"]) => boolean, endpointName?: string): FaultRule | undefined {
    for (const rule of this.list()) {
      if (!kindOk(rule.kind)) continue;
      if (rule.endpoint !== undefined && (endpointName === undefined || !globToRegExp(rule.endpoint).test(endpointName))) continue;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (!globToRegExp(rule.route).test(path)) continue;
      if (this.random() >= rule.probability) continue;
      if (rule.times !== undefined) {
        if (rule.times <= 1) this.remove(rule.id);
        else this.db.prepare("UPDATE faults SET doc = ? WHERE id = ?").run(JSON.stringify({ ...rule, times: rule.times - 1 }), rule.id);
      }
      return rule;
    }
    return undefined;
  }
}
