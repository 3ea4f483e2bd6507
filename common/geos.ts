/**
 * Cloud region → Databricks Geo.
 *
 * A Geo is the unit of data residency for Databricks Designated Services (Foundation Model APIs among them): customer
 * content is processed in the workspace's Geo unless an account admin allows cross-Geo processing. The workspace's
 * Geo follows from its region, so this table is the one place that decides it.
 *
 * Sources (see ../shared/facts/geos.md; re-check there when regions are added):
 * - Azure regions: "Azure Databricks regions" (learn.microsoft.com/azure/databricks/resources/supported-regions),
 *   every row of which appears below exactly once.
 * - Azure Geo names: "Databricks Designated Services" (Azure), columns United States … South Africa, plus Mainland
 *   China for the 21Vianet-operated regions (docs.azure.cn).
 * - Azure region → Geo: "Data residency in Azure". Norway and Switzerland are EFTA members and Microsoft's EU Data
 *   Boundary covers the EU and EFTA, so their regions sit in the EU Data Boundary Geo. Azure Government regions
 *   (usgovaz/usgovva, also spelled usgovarizona/usgovvirginia) are in the United States.
 * - AWS / GCP Geo names: the AWS and GCP "Designated Services" pages (Americas, Asia, Australia & New Zealand, Europe,
 *   India, Mainland China, Middle East and Africa). Only regions where Databricks runs workspaces and whose Geo is
 *   unambiguous are listed; an unknown region yields `undefined`, never a guess.
 *
 * This module is shared by provider/ and plane/ and must import neither.
 */
import { z } from "zod";

/** Every Geo name, Azure's first, then the AWS/GCP groupings. Shared names (India, Mainland China) appear once. */
export const GEOS = [
  // Azure Geos
  "United States",
  "Canada",
  "Brazil",
  "Mexico",
  "Asia Pacific",
  "Japan",
  "South Korea",
  "Australia",
  "EU Data Boundary",
  "United Kingdom",
  "UAE",
  "Qatar",
  "India",
  "South Africa",
  "Mainland China",
  // AWS / GCP Geos
  "Americas",
  "Asia",
  "Australia & New Zealand",
  "Europe",
  "Middle East and Africa",
] as const;

export const GeoSchema = z.enum(GEOS);
export type Geo = z.infer<typeof GeoSchema>;

export const CLOUDS = ["azure", "aws", "gcp"] as const;
export type Cloud = (typeof CLOUDS)[number];

/** Azure Databricks regions (the supported-regions page, lower-case names) → Azure Geo. */
const AZURE: Readonly<Record<string, Geo>> = {
  // United States (including the EUAP canary region and Azure Government)
  centralus: "United States",
  eastus: "United States",
  eastus2: "United States",
  eastus2euap: "United States",
  northcentralus: "United States",
  southcentralus: "United States",
  westcentralus: "United States",
  westus: "United States",
  westus2: "United States",
  westus3: "United States",
  usgovaz: "United States",
  usgovva: "United States",
  // Canada
  canadacentral: "Canada",
  canadaeast: "Canada",
  // Brazil
  brazilsouth: "Brazil",
  // Mexico
  mexicocentral: "Mexico",
  // Asia Pacific
  eastasia: "Asia Pacific",
  southeastasia: "Asia Pacific",
  // Japan
  japaneast: "Japan",
  japanwest: "Japan",
  // South Korea
  koreacentral: "South Korea",
  // Australia
  australiacentral: "Australia",
  australiacentral2: "Australia",
  australiaeast: "Australia",
  australiasoutheast: "Australia",
  // EU Data Boundary (EU + EFTA)
  francecentral: "EU Data Boundary",
  germanywestcentral: "EU Data Boundary",
  northeurope: "EU Data Boundary",
  norwayeast: "EU Data Boundary",
  swedencentral: "EU Data Boundary",
  switzerlandnorth: "EU Data Boundary",
  switzerlandwest: "EU Data Boundary",
  westeurope: "EU Data Boundary",
  // United Kingdom
  uksouth: "United Kingdom",
  ukwest: "United Kingdom",
  // UAE
  uaenorth: "UAE",
  // Qatar
  qatarcentral: "Qatar",
  // India
  centralindia: "India",
  southindia: "India",
  westindia: "India",
  // South Africa
  southafricanorth: "South Africa",
  // Mainland China (operated by 21Vianet)
  chinaeast2: "Mainland China",
  chinaeast3: "Mainland China",
  chinanorth2: "Mainland China",
  chinanorth3: "Mainland China",
};

/** Azure's long spellings of the Government regions; accepted as input, not listed as separate regions. */
const AZURE_ALIASES: Readonly<Record<string, string>> = {
  usgovarizona: "usgovaz",
  usgovvirginia: "usgovva",
};

/** Databricks on AWS regions → AWS Geo. */
const AWS: Readonly<Record<string, Geo>> = {
  "us-east-1": "Americas",
  "us-east-2": "Americas",
  "us-west-1": "Americas",
  "us-west-2": "Americas",
  "ca-central-1": "Americas",
  "sa-east-1": "Americas",
  "eu-central-1": "Europe",
  "eu-west-1": "Europe",
  "eu-west-2": "Europe",
  "eu-west-3": "Europe",
  "ap-northeast-1": "Asia",
  "ap-northeast-2": "Asia",
  "ap-southeast-1": "Asia",
  "ap-southeast-2": "Australia & New Zealand",
  "ap-south-1": "India",
};

/** Databricks on Google Cloud regions → GCP Geo. */
const GCP: Readonly<Record<string, Geo>> = {
  "us-central1": "Americas",
  "us-east1": "Americas",
  "us-east4": "Americas",
  "us-west1": "Americas",
  "us-west4": "Americas",
  "northamerica-northeast1": "Americas",
  "southamerica-east1": "Americas",
  "europe-west1": "Europe",
  "europe-west2": "Europe",
  "europe-west3": "Europe",
  "asia-northeast1": "Asia",
  "asia-southeast1": "Asia",
  "australia-southeast1": "Australia & New Zealand",
  "asia-south1": "India",
};

const TABLES: Readonly<Record<Cloud, Readonly<Record<string, Geo>>>> = { azure: AZURE, aws: AWS, gcp: GCP };

export interface RegionInfo {
  region: string;
  cloud: Cloud;
  geo: Geo;
}

/** Every known region with its cloud and Geo, in table order. Region names are unique across clouds. */
export const REGIONS: readonly RegionInfo[] = CLOUDS.flatMap((cloud) =>
  Object.entries(TABLES[cloud]).map(([region, geo]) => ({ region, cloud, geo })),
);

export const AZURE_REGIONS: readonly string[] = Object.keys(AZURE);
export const AWS_REGIONS: readonly string[] = Object.keys(AWS);
export const GCP_REGIONS: readonly string[] = Object.keys(GCP);

/** The Geos a cloud uses; Azure's never mix with AWS/GCP groupings except the shared India / Mainland China names. */
export function geosForCloud(cloud: Cloud): Geo[] {
  return [...new Set(Object.values(TABLES[cloud]))];
}

/**
 * Canonical region name: lower case, no spaces, so Azure display names ("West Europe") and ARM names ("westeurope")
 * both resolve. AWS/GCP names keep their dashes.
 */
export function normalizeRegion(region: string): string {
  const r = region.trim().toLowerCase().replace(/\s+/g, "");
  return AZURE_ALIASES[r] ?? r;
}

/** The region's record, or undefined for a region this table does not know. */
export function regionInfo(region: string): RegionInfo | undefined {
  const r = normalizeRegion(region);
  for (const cloud of CLOUDS) {
    const geo = TABLES[cloud][r];
    if (geo) return { region: r, cloud, geo };
  }
  return undefined;
}

/** The Geo of a Databricks region on any cloud, or undefined if the region is not a known Databricks region. */
export function geoForRegion(region: string): Geo | undefined {
  return regionInfo(region)?.geo;
}

/** Known regions nearest to a mistyped one (by edit distance), for error messages that say what would be valid. */
export function suggestRegions(region: string, max = 5): string[] {
  const r = normalizeRegion(region);
  const scored = REGIONS.map(({ region: known }) => ({ known, d: editDistance(r, known) }));
  scored.sort((a, b) => a.d - b.d || a.known.localeCompare(b.known));
  return scored.slice(0, max).map((s) => s.known);
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
