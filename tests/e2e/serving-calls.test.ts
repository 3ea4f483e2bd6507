/**
 * ServingEndpoint's API calls per operation, through the real Pulumi CLI, counted by a proxy in front of the plane
 * (bench/calls.ts): the fewest calls each operation needs, and pacing under the workspace's operation limit.
 * - a no-op preview makes no call; refresh and preview --refresh read each endpoint once; an in-place update reads it
 *   once and writes once (its outputs come from the answers, and the next preview is quiet);
 * - an unchanged resource is never read to carry its stable outputs (the engine keeps its outputs): a no-op `up` after
 *   a create leaves the state as it was;
 * - under a create/update limit, `up` converges with no failure, the provider pacing itself (a refusal per request
 *   in flight when the limit is first hit, none after) rather than retrying each refused request on its own.
 * The workspace guard's identity read (at most one per provider process) is allowed wherever an operation reads.
 */
import { startPlaneProcess, type PlaneProcess } from "../helpers/plane";
import { TestStack } from "../helpers/stack";
import { byRoute, countingProxy, type CallSource } from "../../bench/calls";
import { planeApi } from "./serving-helpers";

const ENDPOINTS = "/api/2.0/serving-endpoints";
const IDENTITY = "GET /api/2.0/preview/scim/v2/Me";

const program = (n: number, o: { team: string; calls?: number }) => `
import * as serving from "pulumi-databricks-serving";
for (let i = 0; i < ${n}; i++) {
  new serving.ServingEndpoint(\`chat-\${i}\`, {
    servedEntities: [{ name: "gpt", externalModel: { name: "gpt-4o-mini", provider: "openai", task: "llm/v1/chat", openaiConfig: { openaiApiKeyPlaintext: "sk-test", openaiApiBase: "http://127.0.0.1:9/v1" } } }],
    tags: { team: "${o.team}" },
    ${o.calls !== undefined ? `aiGateway: i === 0 ? { rateLimits: [{ calls: ${o.calls}, key: "user" }] } : undefined,` : ""}
  });
}
`;

/** Calls by `METHOD route`, without the identity read (at most one per provider process, checked separately). */
function counted(calls: [string, number][]): Record<string, number> {
  return Object.fromEntries(calls.filter(([k]) => k !== IDENTITY));
}
const identityReads = (calls: [string, number][]) => calls.find(([k]) => k === IDENTITY)?.[1] ?? 0;

describe("ServingEndpoint calls per operation", () => {
  let plane: PlaneProcess;
  let proxy: CallSource;
  let stack: TestStack;
  const N = 3;

  /** Runs `pulumi <args>` and returns the calls it made, by route. */
  const run = async (args: string[]) => {
    await proxy.take();
    const r = await stack.pulumi(args);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
    return byRoute(await proxy.take());
  };

  beforeAll(async () => {
    plane = await startPlaneProcess({ deploySeconds: 0.2, args: ["--rate-limit", "0"] });
    proxy = await countingProxy(plane.url);
    stack = await TestStack.create({ program: program(N, { team: "a" }), plane: { url: proxy.url, token: plane.token } });
  });
  afterAll(async () => {
    await stack?.destroy();
    stack?.dispose();
    await proxy?.close();
    await plane?.stop();
  });

  test("create, then a preview and an up with nothing to do make no call and write nothing", async () => {
    const create = await run(["up", "--yes", "--skip-preview"]);
    expect(counted(create)[`POST ${ENDPOINTS}`]).toBe(N);
    expect(Object.keys(counted(create)).filter((k) => !k.startsWith("GET "))).toEqual([`POST ${ENDPOINTS}`]);
    // Inputs and outputs as stored (secrets shown, so a re-encryption alone would not count as a change).
    const stored = async () => {
      const r = await stack.must(["stack", "export", "--show-secrets"]);
      const d = JSON.parse(r.stdout) as { deployment: { resources: { urn: string; inputs?: unknown; outputs?: unknown }[] } };
      // Each resource's inputs and outputs, flattened to `key=value` lines (a failure lists only what differs).
      return d.deployment.resources.flatMap((x) =>
        (["inputs", "outputs"] as const).flatMap((side) => Object.entries((x[side] ?? {}) as Record<string, unknown>).map(([k, v]) => `${x.urn} ${side}.${k}=${k === "__provider" ? String(v).length : JSON.stringify(v)}`)),
      );
    };
    const before = await stored();

    // The stored inputs of a created endpoint predate its stable outputs, but an unchanged endpoint keeps its outputs:
    // nothing is read to carry them, so the state stays byte for byte what the create wrote.
    expect(await run(["preview"])).toEqual([]);
    expect(await run(["up", "--yes", "--skip-preview"])).toEqual([]);
    const after = await stored();
    expect([after.filter((l) => !before.includes(l)), before.filter((l) => !after.includes(l))]).toEqual([[], []]);
  });

  test("refresh and preview --refresh read each endpoint once", async () => {
    const refresh = await run(["refresh", "--yes", "--skip-preview"]);
    expect(counted(refresh)).toEqual({ [`GET ${ENDPOINTS}/{name}`]: N });
    expect(identityReads(refresh)).toBeLessThanOrEqual(1);
    const previewRefresh = await run(["preview", "--refresh"]);
    expect(counted(previewRefresh)).toEqual({ [`GET ${ENDPOINTS}/{name}`]: N });
    expect(identityReads(previewRefresh)).toBeLessThanOrEqual(1);
    // What refresh stored keeps the next preview free of calls too.
    expect(await run(["preview"])).toEqual([]);
  });

  test("an in-place update reads each endpoint once and writes once; its outputs need no read after the write", async () => {
    stack.writeProgram(program(N, { team: "b", calls: 7 }));
    const update = await run(["up", "--yes", "--skip-preview"]);
    expect(counted(update)).toEqual({
      [`GET ${ENDPOINTS}/{name}`]: N,
      [`PATCH ${ENDPOINTS}/{name}/tags`]: N,
      [`PUT ${ENDPOINTS}/{name}/ai-gateway`]: 1,
    });
    expect(identityReads(update)).toBeLessThanOrEqual(1);
    // The server holds what was declared, the outputs say so, and nothing is left to change.
    const names = (await stack.managedResources()).map((r) => r.id as string).sort();
    expect(names).toHaveLength(N);
    for (const name of names) {
      const ep = await planeApi<{ tags?: { key: string; value?: string }[]; ai_gateway?: { rate_limits?: { calls: number }[] } }>(plane, "GET", `${ENDPOINTS}/${name}`);
      expect(ep.tags).toEqual(expect.arrayContaining([{ key: "team", value: "b" }]));
    }
    const outputs = (await stack.managedResources()).map((r) => r.outputs ?? {});
    for (const o of outputs) expect(o).toMatchObject({ tags: { team: "b" }, state: { ready: "READY", configUpdate: "NOT_UPDATING" }, endpointId: expect.any(String) });
    const p = await stack.preview();
    expect(p.changeSummary).toEqual({ same: N + 1 });
    expect(counted(byRoute(await proxy.take()))).toEqual({});
  });

  test("destroy reads each endpoint once (the owner marker) and deletes it", async () => {
    const destroy = await run(["destroy", "--yes", "--skip-preview"]);
    expect(counted(destroy)).toEqual({ [`GET ${ENDPOINTS}/{name}`]: N, [`DELETE ${ENDPOINTS}/{name}`]: N });
  });
});

describe("ServingEndpoint under the workspace's operation limit", () => {
  let plane: PlaneProcess;
  let proxy: CallSource;
  let stack: TestStack;

  afterAll(async () => {
    await stack?.destroy();
    stack?.dispose();
    await proxy?.close();
    await plane?.stop();
  });

  test("16 creates against 2 per 2 s: no failure, and only the requests in flight when the limit is first hit are refused", async () => {
    const n = 16;
    plane = await startPlaneProcess({ deploySeconds: 0, args: ["--rate-limit", "2", "--rate-window", "2"] });
    proxy = await countingProxy(plane.url);
    stack = await TestStack.create({ program: program(n, { team: "a" }), plane: { url: proxy.url, token: plane.token } });
    const up = await stack.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code).toBe(0);
    const calls = await proxy.take();
    const creates = calls.filter((c) => c.method === "POST" && c.path === ENDPOINTS);
    expect(creates.filter((c) => c.status === 200)).toHaveLength(n);
    expect((await stack.managedResources()).length).toBe(n);
    // Retrying each refused request on its own would be refused about six times per window (8 in flight, 2 taken)
    // for 7 windows; the pacer is refused only for what was already on its way when it learned the limit.
    const refused = creates.filter((c) => c.status === 429).length;
    expect(refused).toBeLessThanOrEqual(8);
    expect(up.stdout + up.stderr).toMatch(/workspace operation limit reached: \d+ per [\d.]+ s by the server's answers; pacing create\/update operations to it/);
    // The limit alone forces 7 windows between the first create and the last; the creates keep to about that.
    const accepted = creates.filter((c) => c.status === 200).map((c) => c.at);
    expect(Math.max(...accepted) - Math.min(...accepted)).toBeGreaterThanOrEqual(7 * 2000 - 500);
  });
});
