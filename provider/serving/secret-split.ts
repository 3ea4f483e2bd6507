/**
 * In the program (the Resource class), before registration: secret values of served entities move from
 * `servedEntities` to the `secrets` input, keyed by the path the user wrote them at (see serving/secrets.ts for why).
 *
 * - every `*Plaintext` credential of an external model moves, and is made a Pulumi secret even if it was given as a
 *   plain string: a credential is never stored in the clear;
 * - an environment variable whose value is a Pulumi Output moves when that Output is secret, and stays in place
 *   otherwise (decided when its value resolves, so a value unknown at preview stays unknown in both places);
 * - plain environment values stay in place: they are not secrets.
 * Entities (or the whole list, or a provider config) given as a single Output cannot be walked before they resolve:
 * they are registered as given, and the engine then masks the whole list if anything in it is secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { secretPath } from "./secrets";

type Obj = Record<string, unknown>;
const isPlainObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v) && !pulumi.Output.isInstance(v);

export function splitSecrets(entities: unknown): { servedEntities: unknown; secrets: Record<string, pulumi.Input<string>> } {
  const secrets: Record<string, pulumi.Input<string>> = {};
  if (!Array.isArray(entities)) return { servedEntities: entities, secrets };
  const servedEntities = entities.map((e: unknown, i: number) => {
    if (!isPlainObject(e)) return e;
    const out: Obj = { ...e };
    if (isPlainObject(e.environmentVars)) {
      const env: Obj = {};
      for (const [name, value] of Object.entries(e.environmentVars)) {
        if (!pulumi.Output.isInstance(value)) {
          env[name] = value;
          continue;
        }
        const v = value as pulumi.Output<string>;
        const secret = pulumi.output(pulumi.isSecret(v));
        env[name] = pulumi.unsecret(pulumi.all([v, secret]).apply(([s, isSecret]) => (isSecret ? undefined : s)));
        secrets[secretPath(i, "environmentVars", name)] = pulumi.all([v, secret]).apply(([s, isSecret]) => (isSecret ? s : undefined)) as pulumi.Output<string>;
      }
      out.environmentVars = env;
    }
    if (isPlainObject(e.externalModel)) out.externalModel = moveCredentials(e.externalModel, [i, "externalModel"], secrets);
    return out;
  });
  return { servedEntities, secrets };
}

function moveCredentials(config: Obj, at: [number, ...string[]], secrets: Record<string, pulumi.Input<string>>): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(config)) {
    if (/Plaintext$/.test(k) && v !== undefined) {
      const [index, ...rest] = at;
      secrets[secretPath(index, ...rest, k)] = pulumi.secret(v as pulumi.Input<string>);
    } else if (isPlainObject(v)) {
      out[k] = moveCredentials(v, [...at, k], secrets);
    } else {
      out[k] = v;
    }
  }
  return out;
}
