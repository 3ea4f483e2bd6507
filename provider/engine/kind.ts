import type { CheckFailure } from "./validate";
import type { KindSpec } from "./plan";

/** What `check` hands back to the engine: normalized inputs (canonical order, defaults, names) or failures. */
export interface CheckOutcome<I> {
  inputs: I;
  failures: CheckFailure[];
}

export interface DiffOutcome {
  /**
   * `false`: nothing the server cares about changed (order, server defaults, unchanged secrets).
   * `undefined`: something changed; the engine then computes the per-property diff of old and new inputs itself,
   * so previews and `preview --json` show which fields change (a dynamic provider cannot send a detailed diff).
   */
  changes: false | undefined;
  replaces?: string[];
  deleteBeforeReplace?: boolean;
}

export interface ReadOutcome<O, I> {
  id: string;
  props: O;
  /** Inputs reconstructed from the remote object, so the next diff compares the declaration with the truth. */
  inputs?: I;
}

/**
 * One resource kind's implementation, loaded lazily inside the dynamic provider process. Inputs (`I`) are the
 * zod-parsed declaration; outputs (`O`) are everything `update`/`delete`/`read` need later, since those receive
 * only the stored outputs (pulumi/pulumi#9086).
 *
 * There is no per-kind `diff`: `dispatch` diffs every kind by the rules declared in `spec` (engine/plan.ts), carries
 * stable outputs through `check`, and guards every call with the workspace the resource lives in.
 */
export interface ResourceKind<I extends object, O extends object> {
  readonly spec: KindSpec;
  check(olds: Partial<I> | undefined, news: Record<string, unknown>): Promise<CheckOutcome<I>>;
  create(inputs: I): Promise<{ id: string; outs: O }>;
  /** Resolves to undefined when the object no longer exists. */
  read(id: string, props: O): Promise<ReadOutcome<O, I> | undefined>;
  update(id: string, olds: O, news: I): Promise<{ outs: O }>;
  delete(id: string, props: O): Promise<void>;
  /**
   * The outputs of the object this resource manages, read from the server: `check` uses them when the stored
   * inputs predate the stable outputs (right after a create, or state from an older release). `null` says the server
   * has no such fact (e.g. no endpoint URL): it is stored as such, so later checks do not read again to find out.
   */
  locate?(inputs: I): Promise<{ [K in keyof O]?: O[K] | null } | undefined>;
}


/**
 * Thrown from create/update after the remote object exists: the engine keeps the resource (with these
 * properties) in state as a failed-initialization resource, so the next `up` retries instead of orphaning it
 * (pulumi/pulumi#15958).
 */
export class PartialFailure extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
    readonly reasons: string[] = [message],
  ) {
    super(message);
    this.name = "PartialFailure";
  }
}
