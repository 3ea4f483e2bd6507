import type { PlaneContext } from "../context";
import type { Router } from "../router";
import type { Faults } from "../faults";
import { notFound } from "../errors";
import { parseBody } from "../validate";
import { getModel, getVersion } from "../catalog/models";
import { optimizationSpec } from "../catalog/optimization";
import type { Lifecycle } from "./lifecycle";
import { loadEndpointById, saveEndpoint } from "./records";
import { PERMISSION_LEVEL_DESCRIPTIONS, loadAcl, mergeAcl, parseAclRequest, permissionsView, requireLevel, saveAcl } from "./permissions";
import { PermissionsBody } from "./schemas";
import { registerEndpointRoutes } from "./endpoints";
import { registerSettingsRoutes } from "./settings";
import { registerQueryRoutes } from "./query";
import type { ServingDeps } from "./access";

export function registerServingRoutes(router: Router, plane: PlaneContext, lifecycle: Lifecycle, faults: Faults): void {
  const deps: ServingDeps = { plane, lifecycle };
  const { db } = plane;
  registerEndpointRoutes(router, deps, faults);
  registerSettingsRoutes(router, deps);
  registerQueryRoutes(router, deps);

  // Permissions are addressed by endpoint id, not name.
  const perms = "/api/2.0/permissions/serving-endpoints/:id";
  const byId = (id: string) => {
    const rec = loadEndpointById(db, id);
    if (!rec) throw notFound(`Serving endpoint with id '${id}' does not exist.`);
    return rec;
  };
  router.add("GET", perms, (ctx) => {
    const rec = byId(ctx.params.id);
    requireLevel(db, rec, ctx.user, "CAN_VIEW");
    return permissionsView(rec, loadAcl(db, rec.id));
  });
  router.add("GET", `${perms}/permissionLevels`, (ctx) => {
    const rec = byId(ctx.params.id);
    requireLevel(db, rec, ctx.user, "CAN_VIEW");
    return PERMISSION_LEVEL_DESCRIPTIONS;
  });
  for (const method of ["PUT", "PATCH"] as const) {
    router.add(method, perms, (ctx) => {
      const body = parseBody(PermissionsBody, ctx.body);
      return db.transaction(() => {
        const rec = byId(ctx.params.id);
        requireLevel(db, rec, ctx.user, "CAN_MANAGE");
        const requested = parseAclRequest(db, body.access_control_list ?? []);
        // PUT replaces the direct grants; PATCH merges into them. Inherited grants are untouched either way.
        const next = method === "PUT" ? mergeAcl([], requested) : mergeAcl(loadAcl(db, rec.id), requested);
        saveAcl(db, rec.id, next);
        rec.last_updated_timestamp = plane.now();
        saveEndpoint(db, rec);
        return permissionsView(rec, next);
      })();
    });
  }

  router.add("GET", "/api/2.0/serving-endpoints/get-model-optimization-info/:name/:version", (ctx) => {
    const name = ctx.params.name.toLowerCase();
    if (!getModel(db, name)) throw notFound(`Registered model '${name}' does not exist.`);
    if (!/^\d+$/.test(ctx.params.version) || !getVersion(db, name, Number(ctx.params.version))) {
      throw notFound(`Version ${ctx.params.version} of registered model '${name}' does not exist.`);
    }
    const fm = optimizationSpec(db, name, Number(ctx.params.version));
    if (!fm) return { optimizable: false };
    if (fm.throughput.kind === "tokens") {
      return { optimizable: true, model_type: fm.modelType, throughput_chunk_size: fm.throughput.chunkSize };
    }
    // Model-unit families have no chunk size; `provisioned_model_units_increment` is the plane's own hint.
    return { optimizable: true, model_type: fm.modelType, provisioned_model_units_increment: fm.throughput.increment };
  });
}
