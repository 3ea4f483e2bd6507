import type { DB } from "./store";
import type { Lifecycle } from "./serving/lifecycle";
import type { Faults } from "./faults";
import type { OperationLimiter } from "./ratelimit";
import type { CallLog } from "./calls";

/** What handlers share: storage, the workspace's identity, and the plane's services. Plain data and objects. */
export interface PlaneContext {
  db: DB;
  dataDir: string;
  /** Simulated deployment duration for endpoint config updates. */
  deploySeconds: number;
  /** The URL clients reach the plane at (known once listening). */
  baseUrl(): string;
  metastoreId: string;
  /** Stable numeric workspace id (created at first start), sent as `x-databricks-org-id`. */
  workspaceId: string;
  version: string;
  now(): number;
  log(line: string): void;
  lifecycle: Lifecycle;
  faults: Faults;
  limiter: OperationLimiter;
  calls: CallLog;
}
