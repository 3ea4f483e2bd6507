import type * as s from "@databricks/sdk-experimental/dist/apis/serving/model";
import type { DB } from "../store";

/** The serving API owns this table: one JSON document per endpoint, keyed by name, with its id unique. */
export const ENDPOINTS_SCHEMA = "CREATE TABLE IF NOT EXISTS endpoints (name TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL);";

/** A config as stored: the SDK's output shape plus its version. */
export interface ConfigRecord {
  config_version: number;
  served_entities?: s.ServedEntityOutput[];
  served_models?: s.ServedModelOutput[];
  traffic_config?: s.TrafficConfig;
  auto_capture_config?: s.AutoCaptureConfigOutput;
}

/** A config being deployed; `deadline` (epoch ms) is persisted so a restart finishes the deployment on time. */
export interface PendingRecord extends ConfigRecord {
  start_time: number;
  deadline: number;
  /** Set when the deployment is destined to fail (injected fault): the entities' deployment_state_message. */
  failure?: string;
}

export type EndpointKind = "custom" | "pay_per_token";

export interface EndpointRecord {
  id: string;
  name: string;
  kind: EndpointKind;
  creator: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description?: string;
  budget_policy_id?: string;
  route_optimized: boolean;
  tags: s.EndpointTag[];
  ai_gateway?: s.AiGatewayConfig;
  email_notifications?: s.EmailNotifications;
  rate_limits?: s.RateLimit[];
  task?: string;
  config?: ConfigRecord;
  pending?: PendingRecord;
  config_update: s.EndpointStateConfigUpdate;
  /** Config versions only grow, also across failed updates. */
  last_config_version: number;
}

export function loadEndpoint(db: DB, name: string): EndpointRecord | undefined {
  const row = db.prepare("SELECT doc FROM endpoints WHERE name = ?").get(name) as { doc: string } | undefined;
  return row ? (JSON.parse(row.doc) as EndpointRecord) : undefined;
}

export function loadEndpointById(db: DB, id: string): EndpointRecord | undefined {
  const row = db.prepare("SELECT doc FROM endpoints WHERE id = ?").get(id) as { doc: string } | undefined;
  return row ? (JSON.parse(row.doc) as EndpointRecord) : undefined;
}

export function allEndpoints(db: DB): EndpointRecord[] {
  return (db.prepare("SELECT doc FROM endpoints ORDER BY name").all() as { doc: string }[]).map((r) => JSON.parse(r.doc) as EndpointRecord);
}

export function saveEndpoint(db: DB, rec: EndpointRecord): void {
  db.prepare("INSERT INTO endpoints (name, id, doc) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET id = excluded.id, doc = excluded.doc").run(
    rec.name,
    rec.id,
    JSON.stringify(rec),
  );
}

export function deleteEndpointRow(db: DB, name: string): void {
  db.prepare("DELETE FROM endpoints WHERE name = ?").run(name);
}

export function isReady(rec: EndpointRecord): boolean {
  const c = rec.config;
  if (!c) return false;
  const entities = [...(c.served_entities ?? []), ...(c.served_models ?? [])];
  return entities.length > 0 && entities.every((e) => e.state?.deployment === "DEPLOYMENT_READY");
}
