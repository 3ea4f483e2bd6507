import * as pulumi from "@pulumi/pulumi";
import type { serving } from "@databricks/sdk-experimental";
import { z } from "zod";
import { DatabricksApiError } from "../client/errors";
import { clientFor, connectionSchema } from "../engine/connection";
import type { ResourceKind } from "../engine/kind";
import { compact } from "../engine/reconcile";
import { localOnly, replaces, stable, updates } from "../engine/fields";
import type { KindSpec } from "../engine/plan";
import type { ArgsOf } from "../engine/types";
import { parseInputs } from "../engine/validate";
import { DynamicResource } from "../dynamic-resource";
import { PERMISSION_LEVELS } from "../../common/serving-vocabulary";

export const grantSchema = z
  .strictObject({
    userName: z.string().min(1).optional(),
    groupName: z.string().min(1).optional(),
    servicePrincipalName: z.string().min(1).optional(),
    permissionLevel: z.enum(PERMISSION_LEVELS),
  })
  .superRefine((v, ctx) => {
    const set = (["userName", "groupName", "servicePrincipalName"] as const).filter((k) => v[k] !== undefined);
    if (set.length !== 1) ctx.addIssue({ code: "custom", path: ["userName"], message: `set exactly one of userName, groupName or servicePrincipalName (got ${set.length ? set.join(", ") : "none"})` });
  });
export type Grant = z.infer<typeof grantSchema>;

/**
 * Why an empty id cannot be granted on: permissions are addressed by endpoint id, and Databricks' pay-per-token
 * endpoints have no id on some workspaces (facts: serving-api-2026), so `PayPerTokenGateway.endpointId` is "" there.
 */
export const NO_ENDPOINT_ID =
  "is empty: the endpoint has no id. Permissions are set by endpoint id, and Databricks' pay-per-token endpoints have " +
  "no id on some workspaces, so their permissions cannot be read or set through the API there (the workspace's own " +
  "defaults apply). Remove this EndpointPermissions, or point it at an endpoint you create (ServingEndpoint or " +
  "ProvisionedThroughputEndpoint `endpointId`)";

export const endpointPermissionsInputs = z.strictObject({
  /**
   * The endpoint's id (not its name): permissions belong to one endpoint object, so pass the endpoint resource's
   * `endpointId` output and a replaced endpoint's new id flows in.
   */
  endpointId: replaces(z.string().min(1, NO_ENDPOINT_ID), "permissions belong to one endpoint object: a new endpoint gets a new ACL"),
  /** The direct grants, exactly (inherited grants such as the admins group's are not listed and not touched). */
  accessControl: updates(z.array(grantSchema), "one PUT replaces the direct grants"),
  connection: localOnly(connectionSchema.optional(), "which workspace to reach (the workspace guard refuses another one)"),
});
export type EndpointPermissionsInputs = z.infer<typeof endpointPermissionsInputs>;
export type EndpointPermissionsOutputs = EndpointPermissionsInputs & { objectId?: string };

const principalOf = (g: Grant) => `${g.userName ? "u" : g.groupName ? "g" : "s"}:${g.userName ?? g.groupName ?? g.servicePrincipalName}`;

/** Grants sorted by principal, so their order is never a diff. */
export function normalizeGrants(grants: Grant[]): Grant[] {
  return [...grants].sort((a, b) => (principalOf(a) < principalOf(b) ? -1 : principalOf(a) > principalOf(b) ? 1 : 0));
}

const path = (id: string) => `/api/2.0/permissions/serving-endpoints/${encodeURIComponent(id)}`;

function toWire(grants: Grant[]): serving.ServingEndpointAccessControlRequest[] {
  return grants.map((g) => compact({ user_name: g.userName, group_name: g.groupName, service_principal_name: g.servicePrincipalName, permission_level: g.permissionLevel }));
}

/** The direct (non-inherited) grants of a permissions answer. */
function directGrants(p: serving.ServingEndpointPermissions): Grant[] {
  const out: Grant[] = [];
  for (const e of p.access_control_list ?? []) {
    for (const perm of e.all_permissions ?? []) {
      if (perm.inherited || !perm.permission_level) continue;
      out.push(compact({ userName: e.user_name, groupName: e.group_name, servicePrincipalName: e.service_principal_name, permissionLevel: perm.permission_level }));
    }
  }
  return normalizeGrants(out);
}

const spec: KindSpec = { inputs: endpointPermissionsInputs, outputs: { objectId: stable } };

export const kind: ResourceKind<EndpointPermissionsInputs, EndpointPermissionsOutputs> = {
  spec,
  async check(_olds, news) {
    const { value, failures } = parseInputs(endpointPermissionsInputs, news);
    if (!value) return { inputs: news as EndpointPermissionsInputs, failures };
    const seen = new Map<string, number>();
    const dupes = value.accessControl.flatMap((g, i) => {
      const prev = seen.get(principalOf(g));
      seen.set(principalOf(g), i);
      return prev === undefined ? [] : [{ property: `accessControl[${i}]`, reason: `${principalOf(g).slice(2)} already has a grant at accessControl[${prev}]; give each principal one level` }];
    });
    if (dupes.length) return { inputs: value, failures: dupes };
    return { inputs: { ...value, accessControl: normalizeGrants(value.accessControl) }, failures: [] };
  },

  async create(inputs) {
    const client = await clientFor(inputs.connection);
    // PUT replaces the endpoint's direct grants with exactly these.
    const p = await client.put<serving.ServingEndpointPermissions>(path(inputs.endpointId), { access_control_list: toWire(inputs.accessControl) });
    return { id: inputs.endpointId, outs: compact({ ...inputs, objectId: p.object_id }) };
  },

  async read(id, props) {
    const client = await clientFor(props.connection);
    let p: serving.ServingEndpointPermissions;
    try {
      p = await client.get<serving.ServingEndpointPermissions>(path(id));
    } catch (err) {
      if (err instanceof DatabricksApiError && err.isNotFound) return undefined;
      throw err;
    }
    const inputs: EndpointPermissionsInputs = compact({ endpointId: id, accessControl: directGrants(p), connection: props.connection });
    return { id, props: compact({ ...inputs, objectId: p.object_id }), inputs };
  },

  async locate(inputs) {
    const client = await clientFor(inputs.connection);
    const p = await client.get<serving.ServingEndpointPermissions>(path(inputs.endpointId));
    return { objectId: p.object_id };
  },

  async update(_id, _olds, news) {
    return this.create(news).then((r) => ({ outs: r.outs }));
  },

  async delete(id, props) {
    const client = await clientFor(props.connection);
    try {
      // No direct grants left: only inherited ones (workspace admins) remain.
      await client.put(path(id), { access_control_list: [] });
    } catch (err) {
      // The endpoint went first (e.g. replaced): its ACL went with it.
      if (!(err instanceof DatabricksApiError && err.isNotFound)) throw err;
    }
  },
};

export type EndpointPermissionsArgs = ArgsOf<EndpointPermissionsInputs>;

/** The access control list of one serving endpoint (CAN_MANAGE, CAN_QUERY, CAN_VIEW for users, groups, service principals). */
export class EndpointPermissions extends DynamicResource {
  declare readonly endpointId: pulumi.Output<string>;
  declare readonly accessControl: pulumi.Output<Grant[]>;
  declare readonly objectId: pulumi.Output<string | undefined>;

  constructor(name: string, args: EndpointPermissionsArgs, opts?: pulumi.CustomResourceOptions) {
    super("EndpointPermissions", spec, name, { ...args }, opts);
  }
}
