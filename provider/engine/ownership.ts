/**
 * Which stack and resource own a remote object. Every object we create carries a marker (a tag on endpoints, an
 * MLflow registry tag on Unity Catalog models and versions) naming `<project>/<stack>/<Kind>/<logical name>`,
 * passed to the provider as the `managedBy` input by each Resource class. With it:
 * - a create adopts an existing object only when the marker names this same resource (an interrupted or retried
 *   create), or when the declaration says `adopt: true`; anything else fails at `up` (and at preview when a read can
 *   tell), naming the owner;
 * - a delete never removes an object whose marker names another resource: it leaves it in place and says so.
 */
import { z } from "zod";
import { updates, localOnly } from "./fields";

/** The marker's key (endpoint tag key, registry tag key). */
export const OWNER_TAG = "pulumi-owner";
/** The package-wide tag of earlier releases, still written so older tooling recognises our objects. */
export const MANAGED_BY_TAG = "managed-by";
export const MANAGED_BY_VALUE = "pulumi-databricks-serving";
/** Tag keys users may not set themselves. */
export const RESERVED_TAGS = [OWNER_TAG, MANAGED_BY_TAG] as const;

/** `<project>/<stack>/<Kind>/<logical name>`: what a Resource class passes as `managedBy`. */
export function ownerId(project: string, stack: string, kind: string, logicalName: string): string {
  return `${project}/${stack}/${kind}/${logicalName}`;
}

/** The input every object-creating kind takes (set by its Resource class, never by users). */
export const managedByInput = updates(
  z.string().min(1).max(255).optional(),
  "the owner marker is rewritten in place (e.g. after `pulumi stack rename`)",
);

/** Take over an existing object this resource did not create (`pulumi import` cannot adopt dynamic resources). */
export const adoptInput = localOnly(z.boolean().optional(), "only decides what a create does with an existing object");

export type Ownership =
  | { state: "ours" }
  /** Marked by another resource (maybe another stack). */
  | { state: "foreign"; owner: string }
  /** No marker: created outside Pulumi, or by a release before markers (then only the package-wide tag is there). */
  | { state: "unmarked"; legacy: boolean };

export function ownershipOf(marker: string | undefined, legacyTag: boolean, mine: string | undefined): Ownership {
  if (marker === undefined || marker === "") return { state: "unmarked", legacy: legacyTag };
  if (mine !== undefined && marker === mine) return { state: "ours" };
  return { state: "foreign", owner: marker };
}

/** An existing object a create must not take over. */
export class NotOurs extends Error {
  constructor(what: string, ownership: Exclude<Ownership, { state: "ours" }>, alternative: string) {
    const who =
      ownership.state === "foreign"
        ? `is owned by ${ownership.owner} (<project>/<stack>/<kind>/<resource>)`
        : ownership.legacy
          ? "was created by an earlier pulumi-databricks-serving release that did not record which stack owns it"
          : "was not created by pulumi-databricks-serving";
    super(
      `${what} already exists and ${who}. Pulumi will not take over or later delete an object another stack owns. ` +
        "To manage it from this resource deliberately, set `adopt: true` on it (this rewrites the owner marker; the other stack will then leave it alone on destroy), " +
        `or ${alternative}.`,
    );
    this.name = "NotOurs";
  }
}

/** Whether a create may proceed with an existing object, or must fail. */
export function mayAdopt(what: string, ownership: Ownership, adopt: boolean | undefined, alternative: string): void {
  if (ownership.state === "ours" || adopt === true) return;
  throw new NotOurs(what, ownership, alternative);
}

/** The line a delete prints when it leaves another stack's object in place. */
export function leftInPlace(what: string, owner: string): string {
  return `${what} is now owned by ${owner}: not deleted (only removed from this stack)`;
}
