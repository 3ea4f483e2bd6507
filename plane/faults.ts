import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { DB } from "./store";

/**
 * Injectable faults, for testing clients' retry and wait logic. A rule matches requests by method and a route glob
 * (`*` matches any characters, `/` included) and fires with a probability, optionally a limited number of times.
 * Rules are stored in the DB so a fault set by the admin route survives a restart, like everything else.
 *
 * Kinds:
 * - `error`: answer with `status` (500, 502, 503 or 504) in the Databricks error model.
 * - `latency`: delay the request by `latency_ms`, then serve it normally.
 * - `drop`: destroy the socket without answering (the client sees a connection reset).
 * - `deployment_failure`: requests matching the rule that start a deployment make it end in UPDATE_FAILED with
 *   `message` as the served entities' deployment_state_message.
 */
export const FaultRuleInput = z.strictObject({
  kind: z.enum(["error", "latency", "drop", "deployment_failure"]),
  route: z.string().min(1).default("*"),
  method: z.string().optional(),
  /** deployment_failure only: a glob on the endpoint name, to fail one endpoint's deployments. */
  endpoint: z.string().optional(),
  probability: z.number().min(0).max(1).default(1),
  status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
  latency_ms: z.number().int().min(0).max(600000).optional(),
  message: z.string().optional(),
  /** Fire at most this many times, then remove the rule. */
  times: z.number().int().min(1).optional(),
});
export type FaultRuleInput = z.infer<typeof FaultRuleInput>;
export type FaultRule = FaultRuleInput & { id: string };

export type FaultDecision =
  | { kind: "none" }
  | { kind: "error"; status: number; message: string }
  | { kind: "latency"; ms: number }
  | { kind: "drop" };

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

export class Faults {
  private rules: FaultRule[];

  constructor(
    private readonly db: DB,
    /** Injected for deterministic tests; defaults to Math.random. */
    private readonly random: () => number = Math.random,
  ) {
    this.rules = (db.prepare("SELECT doc FROM faults").all() as { doc: string }[]).map((r) => JSON.parse(r.doc) as FaultRule);
  }

  list(): FaultRule[] {
    return [...this.rules];
  }

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { ...input, id: randomUUID() };
    this.db.prepare("INSERT INTO faults (id, doc) VALUES (?, ?)").run(rule.id, JSON.stringify(rule));
    this.rules.push(rule);
    return rule;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    this.db.prepare("DELETE FROM faults WHERE id = ?").run(id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
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
    for (const rule of this.rules) {
      if (!kindOk(rule.kind)) continue;
      if (rule.endpoint !== undefined && (endpointName === undefined || !globToRegExp(rule.endpoint).test(endpointName))) continue;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (!globToRegExp(rule.route).test(path)) continue;
      if (this.random() >= rule.probability) continue;
      if (rule.times !== undefined) {
        const left = rule.times - 1;
        if (left <= 0) this.remove(rule.id);
        else {
          rule.times = left;
          this.db.prepare("UPDATE faults SET doc = ? WHERE id = ?").run(JSON.stringify(rule), rule.id);
        }
      }
      return rule;
    }
    return undefined;
  }
}
