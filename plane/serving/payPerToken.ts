import { randomBytes } from "node:crypto";
import type { PlaneContext } from "../context";
import { PAY_PER_TOKEN_ENDPOINTS } from "../catalog/foundation";
import { loadEndpoint, saveEndpoint, type EndpointRecord } from "./records";

/**
 * Databricks-managed pay-per-token endpoints exist in every workspace; seed any that are missing at start.
 * `withIds: false` models the workspaces where they have no public id (facts: serving-api-2026), so their
 * permissions cannot be read or set through the API; each start applies its choice to the seeded endpoints.
 */
export function seedPayPerTokenEndpoints(plane: PlaneContext, withIds = true): void {
  const { db } = plane;
  const now = plane.now();
  db.transaction(() => {
    for (const spec of PAY_PER_TOKEN_ENDPOINTS) {
      const existing = loadEndpoint(db, spec.endpoint);
      if (existing) {
        if (Boolean(existing.no_public_id) !== !withIds) {
          if (withIds) delete existing.no_public_id;
          else existing.no_public_id = true;
          saveEndpoint(db, existing);
        }
        continue;
      }
      const rec: EndpointRecord = {
        id: randomBytes(16).toString("hex"),
        name: spec.endpoint,
        kind: "pay_per_token",
        creator: "System user",
        creation_timestamp: now,
        last_updated_timestamp: now,
        description: spec.description,
        route_optimized: false,
        tags: [],
        task: spec.task,
        config_update: "NOT_UPDATING",
        last_config_version: 1,
        ...(withIds ? {} : { no_public_id: true }),
        config: {
          config_version: 1,
          served_entities: [
            {
              name: spec.endpoint,
              foundation_model: {
                name: spec.endpoint,
                display_name: spec.displayName,
                description: spec.description,
                docs: `https://docs.databricks.com/machine-learning/foundation-models/supported-models.html#${spec.endpoint}`,
              },
              creator: "System user",
              creation_timestamp: now,
              state: { deployment: "DEPLOYMENT_READY", deployment_state_message: "" },
            },
          ],
          traffic_config: { routes: [{ served_entity_name: spec.endpoint, served_model_name: spec.endpoint, traffic_percentage: 100 }] },
        },
      };
      saveEndpoint(db, rec);
    }
  })();
}
