/**
 * The one diff every kind uses, driven by the rules declared beside each schema field (engine/fields.ts), and the
 * preview-time carrying of stable outputs.
 *
 * Why stable outputs ride in the checked inputs: for an update, the engine's preview hands dependents the new
 * *inputs* as the resource's outputs (a dynamic provider cannot preview an update, and the engine drops `stables`),
 * so any output not among the inputs turns unknown and, e.g., an EndpointPermissions on `endpoint.endpointId` would
 * preview as a replacement. `check` therefore returns the stable outputs too, taken from the stored inputs or, for a
 * resource whose stored inputs predate them (just created, or written by an older release), read from the server
 * once. The Resource classes list those keys in `ignoreChanges`, so the engine never shows them as changed inputs.
 */
import type { z } from "zod";
import { COMMON_OUTPUTS, fieldTable, inputNames, type ChangeKind, type OutputRule } from "./fields";
import { jsonEqual } from "./reconcile";

export interface KindSpec {
  /** The input schema; every field carries its diff rule. */
  inputs: z.ZodObject;
  /** Every output that is not an input, with what an in-place update does to it. */
  outputs: Record<string, OutputRule>;
  /**
   * The form two declarations are compared in (e.g. secrets merged into entities and hashed, so state written in an
   * older layout compares equal). Identity by default. Receives and returns top-level input fields.
   */
  comparable?(declared: Record<string, unknown>): Record<string, unknown>;
  /** Whether a replacement must delete the old object first (a name the new object needs too). */
  deleteBeforeReplace?(old: Record<string, unknown>, news: Record<string, unknown>): boolean;
}

/**
 * What a spec implies, computed once per spec object: specs are module constants, and the provider reads these on
 * every call (a refresh of N resources would otherwise rebuild them 2N times), the program on every registration.
 */
export function perSpec<T>(compute: (spec: KindSpec) => T): (spec: KindSpec) => T {
  const cache = new WeakMap<KindSpec, T>();
  return (spec) => {
    let v = cache.get(spec);
    if (v === undefined) cache.set(spec, (v = compute(spec)));
    return v;
  };
}

/** A kind's spec with the outputs every kind records (the workspace it lives in). */
export const withCommonOutputs = perSpec((spec): KindSpec => ({ ...spec, outputs: { ...COMMON_OUTPUTS, ...spec.outputs } }));

const fieldsOf = perSpec((spec) => fieldTable(spec.inputs));
const inputNamesOf = perSpec((spec) => inputNames(spec.inputs));

export interface Plan {
  /** Input fields whose comparable value differs (local-only ones included). */
  changed: string[];
  /** The subset that forces a replacement. */
  replaces: string[];
  /** True when every changed field is local-only: nothing to send. */
  localOnly: boolean;
}

/** The declaration part of stored outputs (or of any props): the schema's input fields, nothing else. */
export function declaredOf(spec: KindSpec, props: object): Record<string, unknown> {
  const p = props as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of inputNamesOf(spec)) if (p[name] !== undefined) out[name] = p[name];
  return out;
}

/** Outputs without the declaration (the server facts). */
export function outputFacts(spec: KindSpec, props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(spec.outputs)) if (props[name] !== undefined) out[name] = props[name];
  return out;
}

function changeOf(rule: ReturnType<typeof fieldTable>[number]["rule"], old: Record<string, unknown>, news: Record<string, unknown>): ChangeKind {
  return typeof rule.change === "function" ? rule.change(old, news) : rule.change;
}

/** Which declared fields changed between two declarations, and what that means, by the declared rules. */
export function plan(spec: KindSpec, oldDeclared: Record<string, unknown>, newDeclared: Record<string, unknown>): Plan {
  const a = spec.comparable ? spec.comparable(oldDeclared) : oldDeclared;
  const b = spec.comparable ? spec.comparable(newDeclared) : newDeclared;
  const changed: string[] = [];
  const replaces: string[] = [];
  let localOnly = true;
  for (const { name, rule } of fieldsOf(spec)) {
    if (jsonEqual(a[name], b[name])) continue;
    changed.push(name);
    // An unknown value (preview) compares unequal, so a replacing field that is not known yet plans a replacement, as
    // the engine itself would; value-dependent rules see the unknown sentinel and must decide on what is known.
    const kind = changeOf(rule, a, b);
    if (kind === "replace") replaces.push(name);
    if (kind !== "local") localOnly = false;
  }
  return { changed, replaces, localOnly };
}

/** The engine-facing diff: `changes: undefined` lets the engine show the per-field input diff (see engine/kind.ts). */
export function diffByRules(spec: KindSpec, oldOutputs: Record<string, unknown>, news: Record<string, unknown>) {
  const old = declaredOf(spec, oldOutputs);
  const next = declaredOf(spec, news);
  const p = plan(spec, old, next);
  if (p.changed.length === 0 || p.localOnly) return { changes: false as const };
  const deleteBeforeReplace = p.replaces.length > 0 && (spec.deleteBeforeReplace?.(old, next) ?? false);
  return { changes: undefined, replaces: p.replaces, deleteBeforeReplace };
}

/** Names of the outputs that survive an in-place update from `old` to `news` (all of them when nothing replaces). */
export function stableOutputs(spec: KindSpec, old: Record<string, unknown>, news: Record<string, unknown>): string[] {
  return stableUnder(spec, plan(spec, old, news));
}

/** The outputs a planned change keeps. */
function stableUnder(spec: KindSpec, p: Plan): string[] {
  if (p.replaces.length > 0) return [];
  return Object.entries(spec.outputs)
    .filter(([, rule]) => rule.stable === true || (Array.isArray(rule.stable) && rule.stable.every((input) => !p.changed.includes(input))))
    .map(([name]) => name);
}

/** Every output a kind may carry across updates (what the Resource classes put in `ignoreChanges`). */
export const possiblyStable = perSpec((spec): readonly string[] => Object.entries(spec.outputs).filter(([, rule]) => rule.stable !== false).map(([name]) => name));

/**
 * Adds the stable outputs to checked inputs. `olds` are the stored inputs (empty for a create); values missing there
 * come from `locate` (told which ones are missing, so it reads only what it must: one read of the server at most),
 * only for a resource that exists, is not being replaced, and is about to change: an unchanged resource keeps its
 * outputs anyway, and reading them into its inputs would cost a read and a state write per resource (the engine
 * checkpoints every step whose inputs changed: quadratic in the stack's size) for nothing the preview shows.
 */
export async function withStableOutputs(
  spec: KindSpec,
  olds: Record<string, unknown> | undefined,
  inputs: Record<string, unknown>,
  locate: ((missing: string[]) => Promise<Record<string, unknown> | undefined>) | undefined,
): Promise<Record<string, unknown>> {
  if (!olds || Object.keys(olds).length === 0) return inputs;
  const p = plan(spec, declaredOf(spec, olds), declaredOf(spec, inputs));
  const keep = stableUnder(spec, p).filter((k) => inputs[k] === undefined);
  if (keep.length === 0) return inputs;
  const out = { ...inputs };
  const missing: string[] = [];
  for (const k of keep) {
    if (olds[k] !== undefined) out[k] = olds[k];
    else missing.push(k);
  }
  if (missing.length === 0 || !locate || p.changed.length === 0 || p.localOnly) return out;
  // A failed read (unreachable workspace, no permission) only leaves the output unknown in the preview.
  const located = await locate(missing).catch(() => undefined);
  for (const k of missing) if (located?.[k] !== undefined) out[k] = located[k];
  return out;
}
