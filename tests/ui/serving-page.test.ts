import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { readyVersion, startTestPlane, type TestPlane } from "../plane/harness";
import { ARTIFACTS, axeViolations, dbserve, launchBrowser, screenshot } from "./browser";

/**
 * The Serving page in real headless Chromium, as a user meets it: signed in by the link `dbserve ui` prints, watching
 * an endpoint created through the official SDK deploy, opening it, querying it, and a user without grants refused.
 * Each page is screenshotted to .tmp/ui/ and checked with axe-core.
 */
let t: TestPlane;
let browser: Browser;
let admin: BrowserContext;
let page: Page;
const MODEL = "main.genai.support_bot";

/** The page-side globals the callbacks below use (the tests' tsconfig has no DOM library). */
declare const document: { cookie: string; activeElement: { getAttribute(name: string): string | null; textContent: string | null; id: string } | null };
declare const window: { sameDocument?: boolean; scrollTo(x: number, y: number): void };
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  // Deployments take 6 s: well over the list's idle refresh (2 s), so "Updating" is always seen.
  t = await startTestPlane({ deploySeconds: 6, rateLimit: { limit: 0 } });
  await t.w.registeredModels.create({ catalog_name: "main", schema_name: "genai", name: "support_bot", comment: "Support assistant" });
  const v = await readyVersion(t, MODEL);
  await t.api("PUT", `/api/2.1/unity-catalog/models/${MODEL}/aliases/champion`, { version_num: Number(v) });
  // A version whose registration fails (no MLmodel uploaded): the page must say why.
  await t.api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/create", { name: MODEL, source: "/local/empty" });
  await t.api("POST", "/api/2.0/mlflow/unity-catalog/model-versions/finalize", { name: MODEL, version: "2" });
  browser = await launchBrowser();
});

afterAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, "figures.json"), JSON.stringify(figures, null, 2) + "\n");
  await browser?.close();
  await t?.close();
});

async function expectAccessible(p: Page, name: string): Promise<void> {
  const violations = await axeViolations(p);
  if (violations.length > 0) {
    throw new Error(`axe-core on ${name}:\n${violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => `${n.target.join(" ")} ${n.failureSummary ?? ""}`).join("; ")}`).join("\n")}`);
  }
}

/** Wait until a locator's text contains `text` (the page refreshes on its own; nothing here reloads it). */
async function hasText(locator: Locator, text: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    last = await locator.innerText({ timeout: 1000 }).catch(() => "");
    if (last.includes(text)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected ${String(locator)} to contain '${text}'; it shows '${last.slice(0, 500)}'`);
}

const row = (p: Page, name: string) => p.locator(`#endpoints tbody tr[data-key="${name}"]`);

test("a browser without a session sees the sign-in form and no workspace data", async () => {
  const anon = await browser.newContext();
  const p = await anon.newPage();
  await p.goto(`${t.url}/ml/endpoints`);
  await p.getByLabel("Access token").waitFor();
  const text = await p.locator("body").innerText();
  expect(text).not.toContain("databricks-");
  expect(text).not.toContain("westeurope");
  // The API itself answers 401 to this browser, with or without the page's header.
  const status = await p.evaluate(async () => (await fetch("/api/2.0/serving-endpoints", { headers: { "X-Dbserve-UI": "1" } })).status);
  expect(status).toBe(401);
  // The token field has focus on load and Enter submits; a wrong token is refused in place.
  await p.keyboard.type("dapinotatoken");
  await p.keyboard.press("Enter");
  await hasText(p.locator("#login-error"), "Invalid access token");
  await expectAccessible(p, "sign-in");
  await screenshot(p, "sign-in");
  await anon.close();
});

test("the link dbserve ui prints signs the browser in once, with an HttpOnly SameSite=Strict cookie", async () => {
  const { stdout } = await dbserve(["ui", "--data", t.dataDir]);
  const url = stdout.trim();
  expect(url).toMatch(new RegExp(`^${t.url}/login#code=[A-Za-z0-9_-]{40,}$`));
  expect(url).not.toContain(t.token);

  admin = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await admin.newPage();
  await page.goto(url);
  await row(page, "databricks-meta-llama-3-3-70b-instruct").waitFor();
  // The code left the address bar and history; the cookie is out of the page's reach.
  expect(new URL(page.url()).pathname).toBe("/ml/endpoints");
  expect(new URL(page.url()).hash).toBe("");
  const cookies = await admin.cookies();
  expect(cookies).toHaveLength(1);
  expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/" });
  expect(cookies[0].name).toBe(`dbserve_session_${t.port}`);
  expect(await page.evaluate(() => document.cookie)).toBe("");
  await hasText(page.locator("#user-name"), "admin@dbserve.local");
  await hasText(page.locator("#workspace"), "westeurope");
  await hasText(page.locator("#workspace"), "EU Data Boundary");

  // The same link does not work twice.
  const other = await browser.newContext();
  const p2 = await other.newPage();
  await p2.goto(url);
  await hasText(p2.locator("#login-error"), "already used or has expired");
  await other.close();
});

test("an endpoint created through the SDK appears, goes from Updating to Ready, without a reload", async () => {
  await page.evaluate(() => (window.sameDocument = true));
  await t.w.servingEndpoints.create({
    name: "llama-pt",
    config: {
      name: "llama-pt",
      served_entities: [{ entity_name: "system.ai.llama_v3_3_70b_instruct", entity_version: "3", min_provisioned_throughput: 0, max_provisioned_throughput: 3160 }],
    },
    ai_gateway: { usage_tracking_config: { enabled: true }, rate_limits: [{ calls: 100, key: "user" as never, renewal_period: "minute" as never }] },
    tags: [{ key: "team", value: "genai" }],
  });
  const r = row(page, "llama-pt");
  await hasText(r.locator(".badge"), "Updating");
  await hasText(r, "0–3160 tokens/s");
  await screenshot(page, "endpoints-updating");
  await hasText(r.locator(".badge"), "Ready");
  expect(await page.evaluate(() => window.sameDocument)).toBe(true);
  const text = await r.innerText();
  for (const part of ["llm/v1/chat", "system.ai.llama_v3_3_70b_instruct v3", "usage tracking, 1 rate limit", "team: genai", "admin@dbserve.local"]) {
    expect(text).toContain(part);
  }
  // Pay-per-token endpoints come first, as in the product.
  const keys = await page.locator("#endpoints tbody tr").evaluateAll((rows) => rows.map((x) => x.getAttribute("data-key") ?? ""));
  const firstCustom = keys.indexOf("llama-pt");
  expect(keys.slice(0, firstCustom).every((k) => k.startsWith("databricks-"))).toBe(true);
  expect(keys.slice(0, firstCustom)).toHaveLength(12);
});

test("a failed deployment shows Failed with the deployment message", async () => {
  await t.api("POST", "/api/2.0/dbserve/faults", { kind: "deployment_failure", endpoint: "broken-*", message: "Container image build failed: requirements.txt pins torch==0.0.1." });
  await t.api("POST", "/api/2.0/serving-endpoints", { name: "broken-bot", config: { served_entities: [{ entity_name: MODEL, entity_version: "1" }] } });
  const r = row(page, "broken-bot");
  await hasText(r.locator(".badge"), "Failed");
  await hasText(r, "Container image build failed");
  await expectAccessible(page, "endpoint list");
  await screenshot(page, "endpoints");
});

test("the list is usable from the keyboard: skip link, filter, tab to the endpoint, Enter opens it", async () => {
  // After a load, the first Tab lands on the skip link, which moves focus to the main content.
  await page.reload();
  await row(page, "llama-pt").waitFor();
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
  await page.keyboard.press("Enter");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
  await page.getByLabel("Filter endpoints").focus();
  await page.keyboard.type("llama-pt");
  await hasText(page.locator("#endpoint-count"), "(1 of 14)");
  // Tab leaves the filter, passes the table region (scrollable, so focusable), then reaches the link.
  let reached = false;
  for (let i = 0; i < 6 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement?.getAttribute("href") === "/ml/endpoints/llama-pt");
  }
  expect(reached).toBe(true);
  await page.keyboard.press("Enter");
  await page.locator("#active-config").waitFor();
  expect(new URL(page.url()).pathname).toBe("/ml/endpoints/llama-pt");
});

test("the endpoint page shows config side by side, gateway, permissions and logs; a query answers and is charted", async () => {
  await page.reload();
  await hasText(page.locator("#active-config"), "Active config (version 1)");
  await hasText(page.locator("#pending-config"), "No update in progress");
  await hasText(page.locator("#gateway"), "100 calls per minute, per user");
  await hasText(page.locator("#permissions"), "admin@dbserve.local");
  await hasText(page.locator("#logs"), "Build logs · llama_v3_3_70b_instruct-3");
  await page.locator("#usage-chart canvas").waitFor();

  // Chat queries ask for a stream; the plane answers Server-Sent Events, shown as they arrive.
  await page.getByLabel("Message").fill("What is provisioned throughput?");
  await page.getByRole("button", { name: "Send query" }).click();
  await hasText(page.locator("#query-meta"), "Streamed in");
  expect(await page.locator("#query-answer").innerText()).toBe("You asked: What is provisioned throughput?");
  // The endpoint tracks usage: the chart reads the usage table; the counters come from /metrics.
  await hasText(page.locator("#usage-summary"), "1 request (0 failed) and");
  await hasText(page.locator("#usage-summary"), "from the usage table");
  await hasText(page.locator("#usage-counters"), "Since the plane started: 1 request (0 4xx, 0 5xx)");
  await expectAccessible(page, "endpoint page");
  await screenshot(page, "endpoint");

  // A config update: the pending config appears beside the active one, then replaces it.
  const upd = await t.api("PUT", "/api/2.0/serving-endpoints/llama-pt/config", {
    served_entities: [{ entity_name: "system.ai.llama_v3_3_70b_instruct", entity_version: "3", min_provisioned_throughput: 0, max_provisioned_throughput: 4740 }],
  });
  expect(upd.status).toBe(200);
  await hasText(page.locator("#pending-config"), "Pending config (version 2)");
  await hasText(page.locator("#pending-config"), "0–4740 tokens/s");
  await hasText(page.locator("#active-config"), "0–3160 tokens/s");
  await hasText(page.locator("#endpoint-state"), "Updating");
  await screenshot(page, "endpoint-updating");
  // The README's picture (docs/serving-page.png is a copy of this file): the top of the page, mid-deployment.
  await page.setViewportSize({ width: 1200, height: 760 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, "readme.png") });
  await page.setViewportSize({ width: 1400, height: 900 });
  await hasText(page.locator("#active-config"), "Active config (version 2)");
  await hasText(page.locator("#pending-config"), "No update in progress");
});

test("models: versions with status, failure message and aliases; the workspace's Geo settings", async () => {
  await page.getByRole("link", { name: "Models" }).click();
  await page.getByRole("link", { name: MODEL }).click();
  const versions = page.locator("#model-versions");
  await hasText(versions, "READY");
  await hasText(versions, "FAILED_REGISTRATION");
  await hasText(versions, "No MLmodel file found");
  await hasText(versions, "@champion");
  await hasText(page.locator("#model-about"), "@champion → v1");
  await expectAccessible(page, "model page");
  await screenshot(page, "model");
  await page.getByRole("link", { name: "Models", exact: true }).first().click();
  await hasText(page.locator("#models-system"), "system.ai.llama_v3_3_70b_instruct");
  await expectAccessible(page, "models");
  await screenshot(page, "models");
  // Cross-Geo processing turned on elsewhere shows on the next load.
  await t.api("PATCH", "/api/2.0/dbserve/workspace-geo", { cross_geo_processing: true });
  await page.reload();
  await hasText(page.locator("#cross-geo"), "on");
});

test("page weight: a cold load of the endpoint page (the heaviest: it charts) stays under a few hundred KB", async () => {
  const ctx = await browser.newContext({ storageState: await admin.storageState() });
  const p = await ctx.newPage();
  const sizes: { url: string; bytes: number }[] = [];
  p.on("requestfinished", async (req) => {
    const s = await req.sizes();
    sizes.push({ url: req.url(), bytes: s.responseBodySize + s.responseHeadersSize });
  });
  await p.goto(`${t.url}/ml/endpoints/llama-pt`);
  await p.locator("#usage-chart canvas").waitFor();
  await hasText(p.locator("#permissions"), "admins");
  await p.waitForLoadState("networkidle");
  const kb = (list: typeof sizes) => Math.round(list.reduce((n, x) => n + x.bytes, 0) / 102.4) / 10;
  const isStatic = (u: string) => !new URL(u).pathname.startsWith("/api/");
  figures.endpointPageColdLoad = { staticKB: kb(sizes.filter((x) => isStatic(x.url))), apiKB: kb(sizes.filter((x) => !isStatic(x.url))), requests: sizes.length };
  expect(kb(sizes.filter((x) => isStatic(x.url)))).toBeLessThan(300);
  // Nothing left this machine's loopback plane.
  expect(sizes.every((x) => x.url.startsWith(t.url))).toBe(true);
  await ctx.close();
});

test("a user without grants gets their own view and is refused the endpoint; a grant opens it", async () => {
  const created = await t.api("POST", "/api/2.0/dbserve/users", { user_name: "ana@example.com" });
  const token = String(created.body.token);
  const { stdout } = await dbserve(["ui", "--host", t.url], { DATABRICKS_TOKEN: token });
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const p = await ctx.newPage();
  await p.goto(stdout.trim());
  await row(p, "databricks-meta-llama-3-3-70b-instruct").waitFor();
  await hasText(p.locator("#user-name"), "ana@example.com");
  expect(await p.locator("#user-name .pill").count()).toBe(0);
  expect(await row(p, "llama-pt").count()).toBe(0);
  expect(await row(p, "broken-bot").count()).toBe(0);

  await p.goto(`${t.url}/ml/endpoints/llama-pt`);
  await hasText(p.locator(".refused"), "does not have CAN_VIEW permission");
  expect(await p.locator("#query-input").count()).toBe(0);
  await expectAccessible(p, "refused endpoint");
  await screenshot(p, "endpoint-refused");

  // CAN_QUERY: the endpoint is visible and can be queried; logs stay for managers.
  const ep = await t.api("GET", "/api/2.0/serving-endpoints/llama-pt");
  await t.api("PATCH", `/api/2.0/permissions/serving-endpoints/${ep.body.id}`, { access_control_list: [{ user_name: "ana@example.com", permission_level: "CAN_QUERY" }] });
  await p.reload();
  await hasText(p.locator("#summary"), "CAN_QUERY");
  await hasText(p.locator("#logs"), "Logs need CAN_MANAGE");
  await hasText(p.locator("#usage-summary"), "needs CAN_MANAGE");
  await p.getByRole("button", { name: "Send query" }).click();
  await hasText(p.locator("#query-answer"), "You asked: Hello! What can you do?");
  await hasText(p.locator("#usage-counters"), "Since the plane started: 2 requests");
  await ctx.close();
});

test("signing out ends the session for good", async () => {
  const [cookie] = await admin.cookies();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("Access token").waitFor();
  // The old cookie, replayed with the page's header, is refused.
  const res = await fetch(`${t.url}/api/2.0/serving-endpoints`, { headers: { Cookie: `${cookie.name}=${cookie.value}`, "X-Dbserve-UI": "1" } });
  expect(res.status).toBe(401);
  expect(((await res.json()) as { error_code: string }).error_code).toBe("UNAUTHENTICATED");
});
