/**
 * plainTokenAuth (provider/engine/token-auth.ts) skips the SDK only where the SDK's unified auth would do exactly the
 * same: checked here against the installed SDK's own `Config`, case by case.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Config } from "@databricks/sdk-experimental/dist/config/Config";
import { plainTokenAuth, SDK_ENV_PREFIXES } from "../../provider/engine/token-auth";

const TOKEN = "dapi-test-token";

/** Every environment variable the installed SDK's Config reads, from its own attribute table. */
const sdkVariables = new Config({ env: {} }).attributes.attributes.map((a) => a.envVar).filter((v): v is string => typeof v === "string");

/** What the SDK resolves to: its host (scheme://authority) and the headers it sets, or its error. */
async function sdk(opts: { host?: string; token?: string }, env: NodeJS.ProcessEnv): Promise<{ host: string; headers: Record<string, string>; authType?: string } | { error: string }> {
  try {
    const config = new Config({ ...opts, env });
    const headers = new Headers();
    await config.authenticate(headers);
    const url = await config.getHost();
    return { host: `${url.protocol}//${url.host}`, headers: Object.fromEntries(headers), authType: config.authType };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

async function ours(opts: { host?: string; token?: string; profile?: string }, env: NodeJS.ProcessEnv) {
  const found = plainTokenAuth(opts, env);
  if (!found) return undefined;
  const headers: Record<string, string> = {};
  await found.fn({ set: (name, value) => (headers[name.toLowerCase()] = value) });
  return { host: found.host, headers };
}

describe("plainTokenAuth against the SDK's unified auth", () => {
  // An empty HOME: no ~/.databrickscfg of the developer's can take part.
  let home: string;
  let savedHome: string | undefined;
  beforeAll(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "token-auth-"));
    savedHome = process.env.HOME;
    process.env.HOME = home;
  });
  afterAll(() => {
    if (savedHome === undefined) delete process.env.HOME;
    else process.env.HOME = savedHome;
    fs.rmSync(home, { recursive: true, force: true });
  });

  test("the SDK reads only variables under the prefixes the shortcut watches", () => {
    expect(sdkVariables.length).toBeGreaterThan(20);
    expect(sdkVariables).toEqual(expect.arrayContaining(["DATABRICKS_HOST", "DATABRICKS_TOKEN"]));
    expect(sdkVariables.filter((v) => !SDK_ENV_PREFIXES.some((p) => v.startsWith(p)))).toEqual([]);
  });

  const hosts = [
    "https://adb-1234567890123456.7.azuredatabricks.net",
    "https://adb-1234567890123456.7.azuredatabricks.net/",
    "adb-1234567890123456.7.azuredatabricks.net",
    "https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/?o=123",
    "https://1234567890123456.7.gcp.databricks.com:443/some/path",
    "http://127.0.0.1:8787",
    "http://localhost:8787/",
  ];
  const sources = [
    { name: "both from the environment", opts: {}, env: (h: string) => ({ DATABRICKS_HOST: h, DATABRICKS_TOKEN: TOKEN }) },
    { name: "both given (connection / stack config)", opts: (h: string) => ({ host: h, token: TOKEN }), env: () => ({}) },
    { name: "host given, token from the environment", opts: (h: string) => ({ host: h }), env: () => ({ DATABRICKS_TOKEN: TOKEN }) },
    { name: "given values over the environment's", opts: (h: string) => ({ host: h, token: TOKEN }), env: () => ({ DATABRICKS_HOST: "https://other.cloud.databricks.com", DATABRICKS_TOKEN: "dapi-other" }) },
  ];
  const cases = hosts.flatMap((host) => sources.map((s) => ({ host, ...s })));

  test.each(cases.map((c) => [c.host, c.name, c] as const))("%s, %s: the same host and header as the SDK, which chose pat", async (_h, _n, c) => {
    const opts = typeof c.opts === "function" ? c.opts(c.host) : c.opts;
    const env = c.env(c.host);
    const mine = await ours(opts, env);
    const theirs = await sdk(opts, env);
    expect(mine).toBeDefined();
    expect(theirs).toEqual({ host: mine!.host, headers: mine!.headers, authType: "pat" });
    expect(mine!.headers).toEqual({ authorization: `Bearer ${TOKEN}` });
  });

  // Every other variable the SDK reads, set beside host and token (even to ""), sends the run to the SDK.
  const others = sdkVariables.filter((v) => v !== "DATABRICKS_HOST" && v !== "DATABRICKS_TOKEN");
  test.each(others.flatMap((v) => [[v, "x"] as const, [v, ""] as const]))("%s=%j beside host and token: left to the SDK", (variable, value) => {
    const env = { DATABRICKS_HOST: hosts[0], DATABRICKS_TOKEN: TOKEN, [variable]: value };
    expect(plainTokenAuth({}, env)).toBeUndefined();
  });

  test("a variable the SDK does not read yet, under its prefixes, is left to the SDK too", () => {
    expect(plainTokenAuth({}, { DATABRICKS_HOST: hosts[0], DATABRICKS_TOKEN: TOKEN, DATABRICKS_SOMETHING_NEW: "1" })).toBeUndefined();
  });

  test("unrelated variables do not matter", async () => {
    const env = { DATABRICKS_HOST: hosts[0], DATABRICKS_TOKEN: TOKEN, PULUMI_HOME: "/x", DBSERVE_DATA: "/y", AZURE_CORE_OUTPUT: "json" };
    expect(await ours({}, env)).toEqual(await sdk({}, env).then((r) => ("error" in r ? r : { host: r.host, headers: r.headers })));
  });

  test.each([
    ["a profile", { host: hosts[0], token: TOKEN, profile: "dev" }, {}],
    ["no token", { host: hosts[0] }, {}],
    ["no host", { token: TOKEN }, {}],
    ["an empty token", {}, { DATABRICKS_HOST: hosts[0], DATABRICKS_TOKEN: "" }],
    ["an empty host", {}, { DATABRICKS_HOST: "", DATABRICKS_TOKEN: TOKEN }],
    ["a host that is no URL", { host: "https://exa mple.com", token: TOKEN }, {}],
  ] as const)("%s: left to the SDK", (_name, opts, env) => {
    expect(plainTokenAuth(opts, env)).toBeUndefined();
  });

  test("a ~/.databrickscfg DEFAULT profile with other credentials: the SDK ignores it once a host is set, as the shortcut does", async () => {
    fs.writeFileSync(path.join(home, ".databrickscfg"), "[DEFAULT]\nhost = https://cfg.cloud.databricks.com\nclient_id = abc\nclient_secret = def\n");
    try {
      const env = { DATABRICKS_HOST: hosts[0], DATABRICKS_TOKEN: TOKEN };
      const mine = await ours({}, env);
      expect(await sdk({}, env)).toEqual({ ...mine, authType: "pat" });
    } finally {
      fs.rmSync(path.join(home, ".databrickscfg"));
    }
  });
});
