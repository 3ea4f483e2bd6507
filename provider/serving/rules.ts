/**
 * Rules across the fields of one endpoint declaration (zod checks each field; these need several at once).
 * Paths use the declaration's own indices, so messages point at what the user wrote.
 */
import type { CheckFailure } from "../engine/validate";
import { containsUnknown } from "../engine/unknown";
import type { TrafficRouteInput } from "./schemas";

export const MAX_SERVED_ENTITIES = 10;

interface EntityLike {
  name: string;
  externalModel?: { task: string };
}

/** The engine prints the property beside the reason, so the reason does not repeat it. */
const fail = (property: string, message: string): CheckFailure => ({ property, reason: message });

/**
 * Names unique, traffic complete (required with more than one entity, naming existing entities once each,
 * summing to 100), external models all-or-nothing with a single task.
 */
export function endpointRules(entitiesPath: string, entities: EntityLike[], trafficPath: string, traffic: TrafficRouteInput[] | undefined): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const seen = new Map<string, number>();
  entities.forEach((e, i) => {
    const prev = seen.get(e.name);
    if (prev !== undefined) failures.push(fail(`${entitiesPath}[${i}].name`, `served entity name ${JSON.stringify(e.name)} is already used by ${entitiesPath}[${prev}]; give one of them another \`name\``));
    else seen.set(e.name, i);
  });
  const external = entities.filter((e) => e.externalModel !== undefined);
  if (external.length > 0 && external.length < entities.length) {
    const i = entities.findIndex((e) => e.externalModel === undefined);
    failures.push(fail(`${entitiesPath}[${i}]`, "an endpoint serves either only external models or none: move the external model(s) to their own endpoint"));
  }
  const tasks = [...new Set(external.map((e) => e.externalModel!.task))];
  if (tasks.length > 1) {
    // Pointing at the entity (not the whole list) also keeps the engine from printing the list's values.
    const i = entities.findIndex((e) => e.externalModel && e.externalModel.task !== external[0].externalModel!.task);
    failures.push(fail(`${entitiesPath}[${i}].externalModel.task`, `all external models of one endpoint must share a task (got ${tasks.join(", ")})`));
  }

  if (traffic === undefined || containsUnknown(traffic)) {
    if (traffic === undefined && entities.length > 1) failures.push(fail(trafficPath, `is required with more than one served entity: give a route for each of ${entities.map((e) => JSON.stringify(e.name)).join(", ")} (percentages summing to 100)`));
    return failures;
  }
  const routed = new Set<string>();
  traffic.forEach((r, i) => {
    if (!seen.has(r.servedEntityName)) failures.push(fail(`${trafficPath}[${i}].servedEntityName`, `${JSON.stringify(r.servedEntityName)} is not a served entity of this endpoint; valid: ${[...seen.keys()].map((n) => JSON.stringify(n)).join(", ")}`));
    if (routed.has(r.servedEntityName)) failures.push(fail(`${trafficPath}[${i}].servedEntityName`, `${JSON.stringify(r.servedEntityName)} has more than one route`));
    routed.add(r.servedEntityName);
  });
  const sum = traffic.reduce((s, r) => s + r.trafficPercentage, 0);
  if (sum !== 100) failures.push(fail(trafficPath, `traffic percentages must sum to 100 (got ${sum})`));
  return failures;
}
