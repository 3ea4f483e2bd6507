/**
 * Code under test that finds no workspace (no DATABRICKS_HOST) starts the embedded plane of $DBSERVE_DATA, detached so
 * it outlives the process, and by default in the developer's ~/.dbserve. Each test file gets a data directory of its
 * own under .tmp instead (a test that needs another sets DBSERVE_DATA itself), and a plane started there is stopped when
 * the file's tests end.
 */
import * as path from "node:path";
import { REPO } from "../helpers/paths";
import { stopEmbeddedPlane } from "../helpers/plane";

const dataDir = path.join(REPO, ".tmp", `dbserve-data-${process.pid}-${Date.now().toString(36)}`);
process.env.DBSERVE_DATA = dataDir;
afterAll(() => stopEmbeddedPlane(dataDir));
