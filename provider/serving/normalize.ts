/**
 * Canonical forms, so that what the server does not preserve (entity and route order), what it fills in
 * (default entity names, the single 100% route, "off" gateway pieces) and what it never returns (plaintext
 * secrets) never shows up as a diff.
 */
import { createHash } from "node:crypto";
import { compact } from "../engine/reconcile";
import type { AiGatewayInput, RateLimitInput, TrafficRouteInput } from "./schemas";

export type NamedEntity<E> = E & { name: string };

const byKey = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * The server's default served-entity name (facts §1): `<last part of entity_name>-<version>`, or for an external
 * model its name with `.` and `:` replaced by `-`. We compute it ourselves and always send it.
 */
export function defaultEntityName(e: { entityName?: string; entityVersion?: string; externalModel?: { name: string } }): string {
  if (e.externalModel) return e.externalModel.name.replace(/[.:]/g, "-");
  const last = (e.entityName ?? "entity").split(".").pop() as string;
  return `${last}-${e.entityVersion ?? "1"}`;
}

/** Entities with their names filled in, sorted by name (the server may return them in any order). */
export function normalizeEntities<E extends { name?: string; entityName?: string; entityVersion?: string; externalModel?: { name: string } }>(
  entities: E[],
): NamedEntity<E>[] {
  return entities.map((e) => ({ ...e, name: e.name ?? defaultEntityName(e) })).sort(byKey((e) => e.name));
}

/** Routes sorted by entity name; with one entity and no routes, the 100% route the server would create anyway. */
export function normalizeTraffic(routes: TrafficRouteInput[] | undefined, entityNames: string[]): TrafficRouteInput[] | undefined {
  if (routes === undefined || routes.length === 0) {
    return entityNames.length === 1 ? [{ servedEntityName: entityNames[0], trafficPercentage: 100 }] : undefined;
  }
  return [...routes].sort(byKey((r) => r.servedEntityName));
}

function normalizeRateLimit(r: RateLimitInput): RateLimitInput {
  return compact({ calls: r.calls, tokens: r.tokens, key: r.key ?? "endpoint", principal: r.principal, renewalPeriod: r.renewalPeriod ?? "minute" });
}

const rateLimitKey = (r: RateLimitInput) => `${r.key}|${r.principal ?? ""}|${r.calls ?? ""}|${r.tokens ?? ""}`;

/**
 * The AI gateway in canonical form: server defaults filled in (key "endpoint", period "minute"), rate limits
 * sorted, pieces that mean "off" dropped (usage tracking false, a disabled inference table, empty guardrails),
 * and `undefined` when nothing is on.
 */
export function normalizeAiGateway(g: AiGatewayInput | undefined): AiGatewayInput | undefined {
  if (!g) return undefined;
  const guard = (p: NonNullable<NonNullable<AiGatewayInput["guardrails"]>["input"]> | undefined) => {
    if (!p) return undefined;
    const out = compact({
      safety: p.safety ? true : undefined,
      pii: p.pii && p.pii !== "NONE" ? p.pii : undefined,
      invalidKeywords: p.invalidKeywords?.length ? p.invalidKeywords : undefined,
      validTopics: p.validTopics?.length ? p.validTopics : undefined,
    });
    return Object.keys(out).length ? out : undefined;
  };
  const guardrails = g.guardrails ? compact({ input: guard(g.guardrails.input), output: guard(g.guardrails.output) }) : undefined;
  const out = compact({
    usageTracking: g.usageTracking ? true : undefined,
    rateLimits: g.rateLimits?.length ? g.rateLimits.map(normalizeRateLimit).sort(byKey(rateLimitKey)) : undefined,
    guardrails: guardrails && Object.keys(guardrails).length ? guardrails : undefined,
    inferenceTable: g.inferenceTable?.enabled ? g.inferenceTable : undefined,
    fallback: g.fallback ? true : undefined,
  });
  return Object.keys(out).length ? out : undefined;
}

export function normalizeTags(tags: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!tags || Object.keys(tags).length === 0) return undefined;
  return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// ---- write-only secrets (see serving/secrets.ts) ----

export const HASH_PREFIX = "sha256:";

/** The form a secret takes where it is compared: a hash, never the plaintext. */
export function hashSecret(value: string): string {
  return HASH_PREFIX + createHash("sha256").update(`pulumi-databricks-serving\0${value}`).digest("hex");
}
