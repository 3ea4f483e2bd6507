import type { Authenticator } from "../client/http";

/**
 * The prefixes of every environment variable the Databricks SDK's unified auth reads (its `Config` attributes:
 * DATABRICKS_*, ARM_* for Azure, GOOGLE_CREDENTIALS). tests/unit/token-auth.test.ts checks each attribute the installed
 * SDK declares against this list, so an SDK that starts reading another variable fails the test instead of being
 * skipped here.
 */
export const SDK_ENV_PREFIXES = ["DATABRICKS_", "ARM_", "GOOGLE_"] as const;

/** The only two of them the shortcut below may see set. */
const HOST_VAR = "DATABRICKS_HOST";
const TOKEN_VAR = "DATABRICKS_TOKEN";

export interface PlainToken {
  host: string;
  fn: Authenticator;
}

/**
 * A host and a personal access token, without loading the SDK, when that is exactly what unified auth would use.
 *
 * Why: loading the SDK's `Config` costs every provider process about 40 ms before its first call (it loads each
 * credential provider, google-auth-library included), a tenth of a 100-resource refresh; and most pipelines
 * authenticate with DATABRICKS_HOST and DATABRICKS_TOKEN alone.
 *
 * When: a host and a token are given (the resource's connection or stack config first, then the environment, the
 * SDK's own precedence), no profile is, and no other variable the SDK reads is set, not even empty. The SDK would then
 * skip ~/.databrickscfg (it does when a host is set and no profile is), find exactly one auth method (pat), and send
 * `Authorization: Bearer <token>` to `scheme://host` (its `fixHost`: https:// when no scheme, path dropped). Anything
 * else (a profile, OAuth, Azure, a variable we do not expect) returns undefined and goes to the SDK, so its rules and
 * its errors stay the only ones. tests/unit/token-auth.test.ts compares both, case by case, with the SDK itself.
 */
export function plainTokenAuth(opts: { host?: string; profile?: string; token?: string }, env: NodeJS.ProcessEnv = process.env): PlainToken | undefined {
  if (opts.profile !== undefined) return undefined;
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || name === HOST_VAR || name === TOKEN_VAR) continue;
    if (SDK_ENV_PREFIXES.some((p) => name.startsWith(p))) return undefined;
  }
  const host = opts.host ?? env[HOST_VAR];
  const token = opts.token ?? env[TOKEN_VAR];
  if (!host || !token) return undefined;
  let url: URL;
  try {
    url = new URL(host.startsWith("http") ? host : `https://${host}`);
  } catch {
    return undefined; // the SDK says what is wrong with it
  }
  const header = `Bearer ${token}`;
  return { host: `${url.protocol}//${url.host}`, fn: async (headers) => headers.set("Authorization", header) };
}
