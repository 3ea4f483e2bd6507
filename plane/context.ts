import type { DB } from "./store";

/** What route modules share. Kept to plain data and functions so modules stay independent of the server. */
export interface PlaneContext {
  db: DB;
  dataDir: string;
  /** Simulated deployment duration for endpoint config updates. */
  deploySeconds: number;
  /** The URL clients reach the plane at (known once listening). */
  baseUrl(): string;
  metastoreId: string;
  workspaceId: string;
  now(): number;
}
