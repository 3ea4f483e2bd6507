/**
 * Every size limit the plane applies, in one place. Where Databricks documents a limit it is used (the source is named);
 * elsewhere the value is the plane's own, chosen generously above what real clients send and far below what would let
 * one request hurt the plane. plane/README.md prints this table (a test keeps the two equal).
 */
interface Limit {
  value: number;
  doc: string;
}

const limit = (value: number, doc: string): Limit => ({ value, doc });

export const LIMITS = {
  headerBytes: limit(16 * 1024, "request line + headers, in bytes (larger: 431 `REQUEST_LIMIT_EXCEEDED`)"),
  jsonBodyBytes: limit(1024 * 1024, "JSON body of a control-plane route, in bytes (larger: 413 `REQUEST_LIMIT_EXCEEDED`)"),
  payloadBytes: limit(16 * 1024 * 1024, "query payload (`/serving-endpoints/...`) and artifact upload, in bytes (serving payload limit, facts §7)"),
  depth: limit(32, "nesting depth of a JSON body (query payloads included)"),
  arrayItems: limit(1000, "items of any JSON array in a control-plane body"),
  objectKeys: limit(1000, "keys of any JSON object in a control-plane body"),
  stringChars: limit(64 * 1024, "characters of any string in a control-plane body (query payloads excepted)"),
  name: limit(255, "identifiers: UC catalog/schema/model names, aliases, principals (owner, user_name, group_name), AI gateway principals, ids"),
  text: limit(5000, "free text: comments and descriptions (newlines and tabs allowed)"),
  url: limit(2048, "URLs and storage locations (external model API bases, sources)"),
  secret: limit(16 * 1024, "secret values and secret references (`*_plaintext`, API keys, private keys)"),
  endpointTags: limit(50, "tags per serving endpoint"),
  endpointTagKey: limit(255, "serving endpoint tag key"),
  endpointTagValue: limit(255, "serving endpoint tag value"),
  envVars: limit(30, "environment variables per served entity"),
  envName: limit(255, "environment variable name (`[A-Za-z_][A-Za-z0-9_]*`)"),
  envValue: limit(16 * 1024, "environment variable value"),
  emails: limit(100, "addresses per notification list"),
  email: limit(254, "an email address (RFC 5321)"),
  keywords: limit(100, "guardrail `invalid_keywords` / `valid_topics` entries"),
  keyword: limit(255, "one guardrail keyword or topic"),
  rateLimits: limit(20, "rate limits per endpoint (AI gateway or legacy)"),
  aclEntries: limit(200, "entries of one permissions request"),
  grantChanges: limit(200, "changes of one Unity Catalog permissions request"),
  mlflowTags: limit(100, "MLflow tags per registered model or model version"),
  mlflowTagKey: limit(250, "MLflow tag key (MLflow's limit)"),
  mlflowTagValue: limit(5000, "MLflow tag value (MLflow's limit)"),
  echo: limit(80, "characters of a client value quoted back in an error message"),
  errorMessage: limit(1024, "characters of any error message"),
} as const;

export type LimitName = keyof typeof LIMITS;
export const max = (name: LimitName): number => LIMITS[name].value;

export function renderLimitsTable(): string {
  const rows = Object.entries(LIMITS).map(([name, l]) => `| \`${name}\` | ${l.value} | ${l.doc} |`);
  return ["| limit | value | applies to |", "|---|---|---|", ...rows].join("\n");
}
