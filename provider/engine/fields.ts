/**
 * Diff rules live beside the schema field they govern (like pulumi-command's `replaceOnChanges`): every input field
 * of every kind is wrapped in `updates(…)`, `replaces(…)`, `localOnly(…)` or `changes(…)`, and every output is
 * declared `stable` or `computed`. One generic diff (`engine/plan.ts`) reads these declarations; the README's table
 * of what replaces is generated from them (`scripts/field-rules.ts`), and the property matrix in tests/e2e reads them.
 */
import { z } from "zod";

/** What a change of one input does to the remote object. */
export type ChangeKind =
  /** sent to the server in place (the object keeps its identity) */
  | "update"
  /** the object must be created anew (the server has no update for it) */
  | "replace"
  /** steers the provider only (waits, adoption, naming inputs): recorded in state, nothing is sent */
  | "local";

export interface FieldRule {
  /**
   * What a change does. A function decides from the old and new declarations (canonical form) when it depends on
   * the values, e.g. switching an endpoint between external and non-external models replaces it.
   */
  change: ChangeKind | ((old: Record<string, unknown>, news: Record<string, unknown>) => ChangeKind);
  /** Shown in the README table: why a change replaces, or what an in-place change sends. */
  why?: string;
}

const rules = z.registry<FieldRule>();

/**
 * A field whose effect depends on the values (see FieldRule.change). The rule is attached to a copy of the schema,
 * so a schema shared by several kinds (a model's full name) carries each kind's own rule.
 */
export function changes<T extends z.ZodType>(schema: T, rule: FieldRule): T {
  const own = schema.clone() as T;
  rules.add(own as z.ZodType, rule);
  return own;
}

/** A field changed in place by an API call. */
export const updates = <T extends z.ZodType>(schema: T, why?: string): T => changes(schema, { change: "update", why });

/** A field the service cannot change: a new value means a new object. */
export const replaces = <T extends z.ZodType>(schema: T, why?: string): T => changes(schema, { change: "replace", why });

/** A field that only steers the provider: changing it records the new value and sends nothing. */
export const localOnly = <T extends z.ZodType>(schema: T, why?: string): T => changes(schema, { change: "local", why });

/** The rule declared on a field; a field without one is a programming error the unit tests catch for every kind. */
export function ruleOf(schema: z.ZodType): FieldRule | undefined {
  return rules.get(schema);
}

/**
 * What becomes of an output across an in-place update. `stable` outputs (ids, creation facts) are carried into
 * the checked inputs so they stay known in preview; `true` means always, a list of input names means "unless one
 * of these inputs changes" (e.g. a model's effective owner follows its declared owner).
 */
export type OutputRule = { stable: true } | { stable: readonly string[] } | { stable: false };

export const stable: OutputRule = { stable: true };
export const computed: OutputRule = { stable: false };
export const stableUnless = (...inputs: string[]): OutputRule => ({ stable: inputs });

/** The output facts every kind records: the workspace it lives in (see engine/workspace.ts). */
export const COMMON_OUTPUTS = { workspaceId: stable } as const;

/** Input names of a kind's schema, in declaration order. */
export function inputNames(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape);
}

/** Every input field with its rule; throws when a field has none, so a new field cannot skip the table. */
export function fieldTable(schema: z.ZodObject): { name: string; rule: FieldRule }[] {
  return inputNames(schema).map((name) => {
    const rule = ruleOf(schema.shape[name] as z.ZodType);
    if (!rule) throw new Error(`input ${name} declares no diff rule: wrap it in updates(), replaces(), localOnly() or changes()`);
    return { name, rule };
  });
}
