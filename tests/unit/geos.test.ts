import {
  AWS_REGIONS,
  AZURE_REGIONS,
  GCP_REGIONS,
  GEOS,
  GeoSchema,
  REGIONS,
  geoForRegion,
  geosForCloud,
  regionInfo,
  suggestRegions,
} from "../../common/geos";

/** The Azure Databricks supported-regions page, row for row (the source the table must cover completely). */
const AZURE_DATABRICKS_REGIONS = [
  "australiacentral", "australiacentral2", "australiaeast", "australiasoutheast", "brazilsouth", "canadacentral",
  "canadaeast", "centralindia", "centralus", "chinaeast2", "chinaeast3", "chinanorth2", "chinanorth3", "eastasia",
  "eastus", "eastus2", "eastus2euap", "francecentral", "germanywestcentral", "japaneast", "japanwest", "koreacentral",
  "mexicocentral", "northcentralus", "northeurope", "norwayeast", "qatarcentral", "southafricanorth", "southcentralus",
  "southeastasia", "southindia", "swedencentral", "switzerlandnorth", "switzerlandwest", "uaenorth", "uksouth", "ukwest",
  "usgovaz", "usgovva", "westcentralus", "westeurope", "westindia", "westus", "westus2", "westus3",
];

describe("region → Geo table", () => {
  it("covers every Azure Databricks region exactly once and nothing else", () => {
    expect([...AZURE_REGIONS].sort()).toEqual([...AZURE_DATABRICKS_REGIONS].sort());
  });

  it("gives every region exactly one valid Geo and region names are unique across clouds", () => {
    const names = REGIONS.map((r) => r.region);
    expect(new Set(names).size).toBe(names.length);
    for (const r of REGIONS) expect(GeoSchema.safeParse(r.geo).success).toBe(true);
  });

  it.each([
    // the facts sheet's worked examples
    ["eastus", "United States"], ["westus2", "United States"], ["westeurope", "EU Data Boundary"],
    ["northeurope", "EU Data Boundary"], ["francecentral", "EU Data Boundary"],
    ["germanywestcentral", "EU Data Boundary"], ["swedencentral", "EU Data Boundary"], ["uksouth", "United Kingdom"],
    ["japaneast", "Japan"], ["australiaeast", "Australia"], ["centralindia", "India"], ["uaenorth", "UAE"],
    ["qatarcentral", "Qatar"], ["southafricanorth", "South Africa"], ["brazilsouth", "Brazil"],
    ["canadacentral", "Canada"], ["koreacentral", "South Korea"], ["eastasia", "Asia Pacific"],
    ["southeastasia", "Asia Pacific"], ["mexicocentral", "Mexico"], ["chinaeast2", "Mainland China"],
    ["chinanorth3", "Mainland China"],
    // EFTA regions are inside Microsoft's EU Data Boundary
    ["norwayeast", "EU Data Boundary"], ["switzerlandwest", "EU Data Boundary"],
    // AWS and GCP
    ["us-east-1", "Americas"], ["eu-west-1", "Europe"], ["ap-southeast-2", "Australia & New Zealand"],
    ["ap-south-1", "India"], ["ap-northeast-1", "Asia"], ["europe-west3", "Europe"], ["us-central1", "Americas"],
    ["asia-south1", "India"],
  ])("%s → %s", (region, geo) => {
    expect(geoForRegion(region)).toBe(geo);
  });

  it("accepts display names, case and the long Azure Government spellings", () => {
    expect(geoForRegion("West Europe")).toBe("EU Data Boundary");
    expect(geoForRegion("  EastUS2 ")).toBe("United States");
    expect(geoForRegion("usgovvirginia")).toBe("United States");
    expect(regionInfo("USGovArizona")).toEqual({ region: "usgovaz", cloud: "azure", geo: "United States" });
  });

  it("returns undefined, never a guess, for unknown regions", () => {
    expect(geoForRegion("westeurop")).toBeUndefined();
    expect(geoForRegion("mars-north-1")).toBeUndefined();
    expect(geoForRegion("")).toBeUndefined();
  });

  it("suggests the nearest known regions for a typo", () => {
    expect(suggestRegions("westeurop")[0]).toBe("westeurope");
    expect(suggestRegions("us-east1x", 3)).toContain("us-east1");
  });

  it("keeps Azure and AWS/GCP Geo vocabularies apart except the shared names", () => {
    const azure = new Set(geosForCloud("azure"));
    const other = new Set([...geosForCloud("aws"), ...geosForCloud("gcp")]);
    const shared = [...azure].filter((g) => other.has(g));
    expect(shared).toEqual(["India"]);
    expect(azure.size).toBe(15);
    // no listed AWS/GCP region is in Middle East and Africa (none is certain), so only that Geo is unused
    const used = new Set(REGIONS.map((r) => r.geo));
    expect(GEOS.filter((g) => !used.has(g))).toEqual(["Middle East and Africa"]);
    expect(AWS_REGIONS.length).toBeGreaterThan(10);
    expect(GCP_REGIONS.length).toBeGreaterThan(10);
  });
});
