/**
 * The residency table: (region, model, mode, crossGeo) → expected preview outcome. Some of these cases also run
 * through the real CLI preview in tests/e2e/uc-residency.test.ts.
 */
import { GEOS, REGIONS } from "../../common/geos";
import { FOUNDATION_MODELS, MODE_AVAILABILITY, SERVING_MODES } from "../../provider/data/availability";
import { assessResidency, checkResidency } from "../../provider/residency";

type Expect = "ok" | "ok-cross-geo" | "needs-cross-geo" | "mode-unavailable" | "model-unavailable" | "unknown-region";
const PPT = "pay-per-token" as const;
const PT = "provisioned-throughput" as const;

const table: [string, string, typeof PPT | typeof PT, boolean, Expect][] = [
  // EU Data Boundary: Llama 3.3 70B and GTE are hosted in the EU, other pay-per-token models only in the US.
  ["westeurope", "databricks-meta-llama-3-3-70b-instruct", PPT, false, "ok"],
  ["francecentral", "databricks-gte-large-en", PPT, false, "ok"],
  ["northeurope", "databricks-claude-sonnet-4", PPT, false, "needs-cross-geo"],
  ["northeurope", "databricks-claude-sonnet-4", PPT, true, "ok-cross-geo"],
  ["swedencentral", "system.ai.llama_v3_3_70b_instruct", PT, false, "ok"],
  // United States: everything pay-per-token is hosted there.
  ["eastus", "databricks-claude-sonnet-4", PPT, false, "ok"],
  ["westus2", "databricks-gpt-oss-120b", PPT, false, "ok"],
  ["eastus2", "system.ai.llama-4-maverick", PT, false, "ok"],
  // A Geo with pay-per-token only through cross-Geo processing, but native provisioned throughput.
  ["japaneast", "databricks-meta-llama-3-3-70b-instruct", PPT, false, "needs-cross-geo"],
  ["japaneast", "databricks-meta-llama-3-3-70b-instruct", PPT, true, "ok-cross-geo"],
  ["japaneast", "system.ai.llama_v3_3_70b_instruct", PT, false, "ok"],
  ["uksouth", "databricks-gte-large-en", PPT, false, "needs-cross-geo"],
  // Geos with no pay-per-token at all, even with cross-Geo processing.
  ["mexicocentral", "databricks-meta-llama-3-3-70b-instruct", PPT, false, "mode-unavailable"],
  ["mexicocentral", "databricks-meta-llama-3-3-70b-instruct", PPT, true, "mode-unavailable"],
  // Mainland China: no Foundation Model APIs in either mode.
  ["chinaeast2", "databricks-meta-llama-3-3-70b-instruct", PPT, true, "mode-unavailable"],
  ["chinanorth3", "system.ai.llama_v3_3_70b_instruct", PT, true, "mode-unavailable"],
  // Middle East Geos: provisioned throughput only through cross-Geo processing.
  ["uaenorth", "system.ai.llama_v3_3_70b_instruct", PT, false, "needs-cross-geo"],
  ["qatarcentral", "system.ai.llama_v3_3_70b_instruct", PT, true, "ok-cross-geo"],
  // Models that do not exist in a mode.
  ["eastus", "system.ai.claude-sonnet-4", PT, false, "model-unavailable"],
  ["eastus", "system.ai.dbrx_instruct", PPT, false, "model-unavailable"],
  // A custom fine-tune: the Geo's provisioned-throughput availability decides.
  ["westeurope", "main.genai.support_bot_ft", PT, false, "ok"],
  ["southafricanorth", "main.genai.support_bot_ft", PT, false, "needs-cross-geo"],
  // AWS and GCP Geos.
  ["us-east-1", "databricks-claude-sonnet-4", PPT, false, "ok"],
  ["eu-central-1", "databricks-claude-sonnet-4", PPT, false, "needs-cross-geo"],
  ["ap-south-1", "system.ai.llama_v3_3_70b_instruct", PT, false, "ok"],
  ["europe-west3", "databricks-meta-llama-3-3-70b-instruct", PPT, false, "ok"],
  // Unknown region.
  ["westeurop", "databricks-gte-large-en", PPT, false, "unknown-region"],
];

describe("residency table", () => {
  it.each(table)("%s · %s · %s · crossGeo=%s → %s", (region, model, mode, crossGeoProcessing, expected) => {
    const outcome = assessResidency({ region, model, mode, crossGeoProcessing });
    const got: Expect = outcome.allowed ? (outcome.processedIn === "workspace Geo" ? "ok" : "ok-cross-geo") : outcome.reason === "geo-mismatch" ? "unknown-region" : outcome.reason;
    expect(got).toBe(expected);
  });
});

describe("checkResidency failures", () => {
  it("name the model, the Geo and the remedy, at the model's property", () => {
    const [f, ...rest] = checkResidency({ region: "westeurope", model: "databricks-claude-sonnet-4", mode: PPT, property: "endpoint" });
    expect(rest).toEqual([]);
    expect(f.property).toBe("endpoint");
    expect(f.reason).toContain("Claude Sonnet 4 (databricks-claude-sonnet-4)");
    expect(f.reason).toContain("EU Data Boundary");
    expect(f.reason).toMatch(/allow cross-Geo processing/);
    expect(f.reason).toMatch(/crossGeoProcessing: true/);
    // and what would be valid without cross-Geo processing
    expect(f.reason).toContain("databricks-meta-llama-3-3-70b-instruct");
    expect(f.reason).toContain("databricks-gte-large-en");
  });

  it("point region problems at the workspaceGeo input, with the nearest regions", () => {
    const [f] = checkResidency({ region: "westeurop", model: "databricks-gte-large-en", mode: PPT, geoProperty: "workspaceGeo.region" });
    expect(f.property).toBe("workspaceGeo.region");
    expect(f.reason).toMatch(/nearest known regions: westeurope/);
  });

  it("refuse a Geo that contradicts the region, and a Geo name that does not exist", () => {
    expect(checkResidency({ region: "eastus", geo: "EU Data Boundary", model: "x.y.z", mode: PT })[0].reason).toMatch(/eastus is in the United States Geo, not EU Data Boundary/);
    expect(checkResidency({ geo: "Atlantis", model: "x.y.z", mode: PT })[0].reason).toMatch(/valid Geos: United States/);
  });

  it("suggest provisioned throughput where pay-per-token is missing but PT is native", () => {
    const [f] = checkResidency({ region: "japaneast", model: "databricks-meta-llama-3-3-70b-instruct", mode: PPT });
    expect(f.reason).toMatch(/serve it with provisioned throughput/);
    const [m] = checkResidency({ region: "mexicocentral", model: "databricks-meta-llama-3-3-70b-instruct", mode: PPT, crossGeoProcessing: true });
    expect(m.reason).toMatch(/not available in the Mexico Geo, even with cross-Geo processing/);
  });

  it("return nothing when allowed", () => {
    expect(checkResidency({ geo: "United States", model: "databricks-claude-sonnet-4", mode: PPT })).toEqual([]);
  });
});

describe("availability data", () => {
  it("covers every Geo in every mode", () => {
    for (const mode of SERVING_MODES) expect(Object.keys(MODE_AVAILABILITY[mode]).sort()).toEqual([...GEOS].sort());
  });
  it("gives every region a decision (no region falls through the table)", () => {
    for (const r of REGIONS) for (const mode of SERVING_MODES) {
      const o = assessResidency({ region: r.region, model: "system.ai.llama_v3_3_70b_instruct", mode, crossGeoProcessing: true });
      expect(o.allowed || (o.reason === "mode-unavailable")).toBe(true);
    }
  });
  it("hosts only GTE Large and Llama 3.3 70B pay-per-token in the EU", () => {
    expect(FOUNDATION_MODELS.filter((m) => m.payPerTokenHosting?.includes("EU")).map((m) => m.id).sort()).toEqual(["gte_large_en_v1_5", "llama_v3_3_70b_instruct"]);
  });
});
