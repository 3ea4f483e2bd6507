import { randomBytes } from "node:crypto";
import { invalidParameter, notFound } from "../errors";
import { getMeta, setMeta, type DB } from "../store";
import { TELEMETRY_FEATURE_WIRE_PREFIX, TELEMETRY_TABLES } from "../../common/serving-vocabulary";
import type { TelemetryConfig } from "./schemas";

/**
 * Endpoint telemetry (`telemetry_config`, `PATCH …/{name}/telemetry-config`; databricks-sdk-go v0.182 `TelemetryConfig`).
 * A config names a telemetry profile: an existing one (`telemetry_profile_id`) or a new one made from `table_names`.
 * Profiles are workspace objects, kept in the meta table by id. GET answers the profile id, never the table names
 * (write-only, facts: serving-api-2026), and the inference table the endpoint writes to (`inference_table_config.name`,
 * output-only: what a client sends there is ignored).
 */
export interface StoredTelemetry {
  enabled_telemetry_features?: string[];
  inference_table_config?: { name?: string; sampling_fraction?: number };
  telemetry_profile_id: string;
}

type TableNames = Partial<Record<(typeof TELEMETRY_TABLES)[number], string>>;

const UC_TABLE = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/;
const profileKey = (id: string) => `telemetry-profile:${id}`;

function loadProfile(db: DB, id: string): TableNames | undefined {
  const doc = getMeta(db, profileKey(id));
  return doc ? (JSON.parse(doc) as TableNames) : undefined;
}

/** Validates a requested telemetry config and resolves (or creates) its profile; mutates nothing else. */
export function buildTelemetry(db: DB, endpointName: string, t: TelemetryConfig): StoredTelemetry {
  const features = t.enabled_telemetry_features ?? [];
  const dup = features.find((f, i) => features.indexOf(f) !== i);
  if (dup) throw invalidParameter(`telemetry_config.enabled_telemetry_features lists '${dup}' more than once.`);
  const sampling = t.inference_table_config?.sampling_fraction;
  if (sampling !== undefined && !(sampling >= 0 && sampling <= 1)) {
    throw invalidParameter(`telemetry_config.inference_table_config.sampling_fraction ${sampling} must be between 0.0 and 1.0.`);
  }
  const inferenceOn = features.length === 0 || features.includes(`${TELEMETRY_FEATURE_WIRE_PREFIX}INFERENCE_TABLE`);
  if (sampling !== undefined && !inferenceOn) {
    throw invalidParameter("telemetry_config.inference_table_config needs TELEMETRY_FEATURE_INFERENCE_TABLE among enabled_telemetry_features.");
  }
  if ((t.table_names === undefined) === (t.telemetry_profile_id === undefined)) {
    throw invalidParameter("telemetry_config: set exactly one of table_names (a new telemetry profile) or telemetry_profile_id (an existing one).");
  }
  let profileId: string;
  let tables: TableNames;
  if (t.table_names) {
    tables = Object.fromEntries(Object.entries(t.table_names).filter(([, v]) => v !== undefined)) as TableNames;
    if (Object.keys(tables).length === 0) throw invalidParameter(`telemetry_config.table_names: name at least one of ${TELEMETRY_TABLES.join(", ")}.`);
    for (const [k, v] of Object.entries(tables)) {
      if (!UC_TABLE.test(v!)) throw invalidParameter(`telemetry_config.table_names.${k} '${v}' is not a Unity Catalog table name <catalog>.<schema>.<table>.`);
    }
    profileId = randomBytes(16).toString("hex");
    setMeta(db, profileKey(profileId), JSON.stringify(tables));
  } else {
    profileId = t.telemetry_profile_id!;
    const found = loadProfile(db, profileId);
    if (!found) throw notFound(`Telemetry profile '${profileId}' does not exist.`);
    tables = found;
  }
  const out: StoredTelemetry = { telemetry_profile_id: profileId };
  if (features.length > 0) out.enabled_telemetry_features = [...features];
  if (inferenceOn) {
    // The payload table lives beside the profile's first table, named after the endpoint.
    const first = TELEMETRY_TABLES.map((k) => tables[k]).find((v) => v !== undefined)!;
    const [catalog, schema] = first.split(".");
    out.inference_table_config = { name: `${catalog}.${schema}.${endpointName.replace(/-/g, "_")}_payload` };
    if (sampling !== undefined) out.inference_table_config.sampling_fraction = sampling;
  }
  return out;
}
