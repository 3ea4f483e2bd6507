/**
 * The property matrix through the real Pulumi CLI, for every kind and every input field (tables in
 * tests/e2e/matrix/<kind>.ts, harness in tests/e2e/matrix/harness.ts). Prints its size.
 */
import { fieldTable } from "../../provider/engine/fields";
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { coverageProblems, runRound, type KindMatrix, type MatrixCase } from "./matrix/harness";
import { endpointPermissionsMatrix } from "./matrix/endpoint-permissions";
import { modelAliasMatrix } from "./matrix/model-alias";
import { modelVersionMatrix } from "./matrix/model-version";
import { payPerTokenGatewayMatrix } from "./matrix/pay-per-token-gateway";
import { ptEndpointMatrix } from "./matrix/provisioned-throughput-endpoint";
import { registeredModelMatrix } from "./matrix/registered-model";
import { servingEndpointMatrix } from "./matrix/serving-endpoint";
import { workspaceGeoMatrix } from "./matrix/workspace-geo";
import { planeApi } from "./serving-helpers";

const KINDS: KindMatrix[] = [
  servingEndpointMatrix,
  ptEndpointMatrix,
  payPerTokenGatewayMatrix,
  endpointPermissionsMatrix,
  registeredModelMatrix,
  modelVersionMatrix,
  modelAliasMatrix,
  workspaceGeoMatrix,
];

const SECRETS = { envSecret1: "env-secret-one", envSecret2: "env-secret-two", key1: "sk-matrix-one", key2: "sk-matrix-two" };

let plane: PlaneProcess;
beforeAll(async () => {
  // A US workspace: every pay-per-token model used here is hosted in the US Geo.
  plane = await startPlaneProcess({ deploySeconds: 0.2, args: ["--region", "eastus", "--rate-limit", "0"] });
  // A second principal to grant to.
  await planeApi(plane, "POST", "/api/2.0/dbserve/users", { user_name: "zoe@example.com" });
  // The custom model the serving cases serve (versions 1 and 2, READY).
  await planeApi(plane, "POST", "/api/2.1/unity-catalog/models", { catalog_name: "main", schema_name: "mx", name: "m" });
  for (const run of ["r1", "r2"]) {
    const v = await planeApi<{ model_version: { version: string } }>(plane, "POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: "main.mx.m", source: `runs:/${run}/model` });
    await planeApi(plane, "POST", "/api/2.0/mlflow/unity-catalog/model-versions/finalize", { name: "main.mx.m", version: v.model_version.version });
  }
});
afterAll(async () => {
  await plane?.stop();
});

test("every input field of every kind has a matrix case, or says why users never set it", () => {
  expect(KINDS.flatMap(coverageProblems)).toEqual([]);
});

test("no false diffs, exactly the declared step and exactly the writes each field needs", async () => {
  const shared: { kind: KindMatrix; c: MatrixCase }[] = KINDS.filter((k) => !k.exclusive).flatMap((kind) => kind.cases.map((c) => ({ kind, c })));
  const rounds = [shared, ...KINDS.filter((k) => k.exclusive).flatMap((kind) => kind.cases.map((c) => [{ kind, c }]))];
  const failures: string[] = [];
  for (const round of rounds) failures.push(...(await runRound(plane, round, { secrets: SECRETS })).failures);
  const fields = KINDS.reduce((n, k) => n + fieldTable(k.spec.inputs).length, 0);
  const cases = KINDS.reduce((n, k) => n + k.cases.length, 0);
  console.log(`property matrix: ${KINDS.length} kinds, ${fields} input fields, ${cases} cases in ${rounds.length} rounds; 5 properties per case (${cases * 5} checks)`);
  expect(failures).toEqual([]);
});
