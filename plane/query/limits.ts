/**
 * AI-gateway rate limits on queries: `rate_limits[]` with `calls` and/or `tokens` per `renewal_period` (a minute), per
 * key. Windows slide (the last 60 s), so "the third call within a minute" is refused whenever it comes, and
 * `Retry-After` says when the oldest counted call leaves the window.
 *
 * Which limits apply to a caller:
 * - `endpoint`: every call, one shared budget;
 * - `user`: a limit naming the caller as `principal` replaces the default (principal-less) per-user limit;
 *   each user has their own budget;
 * - `user_group`: the limit of each group the caller is in (everyone is in `users`, admins in `admins`), one budget
 *   per group shared by its members;
 * - `service_principal`: a limit whose `principal` is the caller.
 * The legacy `rate_limits` of an endpoint (key `user` or `endpoint`, calls only) apply the same way.
 * A limit of 0 is no limit: the service reads it so (terraform-provider-databricks#5362; the provider refuses 0 at
 * preview for that reason, provider/serving/schemas.ts). Token limits count a call's prompt and
 * completion tokens once it finished; a call is admitted while the window holds fewer tokens than the limit.
 * Budgets live in memory: a plane restart starts every window afresh.
 */
import type * as s from "@databricks/sdk-experimental/dist/apis/serving/model";
import type { User } from "../auth";
import { rateLimited } from "../errors";

const WINDOW_MS = 60_000;

interface Event {
  at: number;
  tokens: number;
}

interface Applicable {
  bucket: string;
  calls?: number;
  tokens?: number;
  describe: string;
}

export interface Admission {
  /** Record the tokens the call used once known. */
  settle(tokens: number): void;
}

function groupsOf(user: User): string[] {
  return user.isAdmin ? ["users", "admins"] : ["users"];
}

function applicable(endpointId: string, limits: readonly s.AiGatewayRateLimit[], user: User): Applicable[] {
  const out: Applicable[] = [];
  const user_ = limits.filter((l) => (l.key ?? "endpoint") === "user");
  const mine = user_.find((l) => l.principal === user.userName) ?? user_.find((l) => l.principal === undefined);
  for (const l of limits) {
    const key = l.key ?? "endpoint";
    const base = { calls: l.calls, tokens: l.tokens };
    if (key === "endpoint") out.push({ bucket: `${endpointId}|endpoint`, ...base, describe: "the endpoint's" });
    else if (key === "user" && l === mine) out.push({ bucket: `${endpointId}|user|${user.userName}`, ...base, describe: `user ${user.userName}'s` });
    else if (key === "user_group" && l.principal !== undefined && groupsOf(user).includes(l.principal)) {
      out.push({ bucket: `${endpointId}|group|${l.principal}`, ...base, describe: `group ${l.principal}'s` });
    } else if (key === "service_principal" && l.principal === user.userName) {
      out.push({ bucket: `${endpointId}|sp|${l.principal}`, ...base, describe: `service principal ${l.principal}'s` });
    }
  }
  return out;
}

export class QueryLimiter {
  private readonly events = new Map<string, Event[]>();

  constructor(private readonly now: () => number = Date.now) {}

  private window(bucket: string, now: number): Event[] {
    const list = (this.events.get(bucket) ?? []).filter((e) => e.at > now - WINDOW_MS);
    this.events.set(bucket, list);
    return list;
  }

  /**
   * Admit a call or throw 429 REQUEST_LIMIT_EXCEEDED with Retry-After. The limits are the endpoint's AI-gateway
   * limits plus its legacy ones.
   */
  admit(rec: { id: string; name: string; ai_gateway?: s.AiGatewayConfig; rate_limits?: s.RateLimit[] }, user: User): Admission {
    const limits: s.AiGatewayRateLimit[] = [
      ...(rec.ai_gateway?.rate_limits ?? []),
      ...(rec.rate_limits ?? []).map((r) => ({ calls: r.calls, key: r.key as s.AiGatewayRateLimitKey, renewal_period: "minute" as const })),
    ];
    const rules = applicable(rec.id, limits, user);
    const now = this.now();
    for (const r of rules) {
      const w = this.window(r.bucket, now);
      const overCalls = r.calls !== undefined && r.calls > 0 && w.length >= r.calls;
      const used = w.reduce((n, e) => n + e.tokens, 0);
      const overTokens = r.tokens !== undefined && r.tokens > 0 && used >= r.tokens;
      if (overCalls || overTokens) {
        const oldest = w.length > 0 ? w[0].at : now;
        const retryAfter = Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
        const what = overCalls ? `${r.calls} calls` : `${r.tokens} tokens`;
        throw rateLimited(`Exceeded ${r.describe} rate limit of ${what} per minute on endpoint '${rec.name}'. Retry after ${retryAfter} s.`, retryAfter);
      }
    }
    const mine: Event[] = rules.map(() => ({ at: now, tokens: 0 }));
    rules.forEach((r, i) => this.window(r.bucket, now).push(mine[i]));
    return {
      settle: (tokens: number) => {
        for (const e of mine) e.tokens = tokens;
      },
    };
  }
}
