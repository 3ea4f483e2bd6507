import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { newToken } from "./auth";

/**
 * The data-dir contract other code relies on:
 * - `<data>/token`: the admin bearer token, created on first start, mode 0600.
 * - `<data>/plane.json`: `{"pid", "port", "url"}` while a plane is listening; removed on clean stop.
 * - `<data>/plane.db` (+ WAL files): the SQLite store.
 */
export interface PlaneInfo {
  pid: number;
  port: number;
  url: string;
}

export function defaultDataDir(): string {
  const env = process.env.DBSERVE_DATA;
  return env && env.trim() !== "" ? path.resolve(env) : path.join(os.homedir(), ".dbserve");
}

export function ensureDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

export function tokenPath(dir: string): string {
  return path.join(dir, "token");
}

export function planeJsonPath(dir: string): string {
  return path.join(dir, "plane.json");
}

/** Read the admin token, creating it (0600, exclusive create so two racing starts agree) on first start. */
export function loadOrCreateToken(dir: string): string {
  const file = tokenPath(dir);
  try {
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    const token = newToken();
    fs.writeSync(fd, token + "\n");
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const token = fs.readFileSync(file, "utf8").trim();
  if (token === "") throw new Error(`Token file ${file} is empty; delete it to have a new token created.`);
  // Tighten permissions if someone loosened them: the token is a credential.
  fs.chmodSync(file, 0o600);
  return token;
}

export function readPlaneInfo(dir: string): PlaneInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(planeJsonPath(dir), "utf8")) as PlaneInfo;
    if (typeof info.pid === "number" && typeof info.port === "number" && typeof info.url === "string") return info;
  } catch {
    /* missing or half-written: treat as absent */
  }
  return undefined;
}

/** Written atomically (tmp + rename) so a reader never sees a partial file. */
export function writePlaneInfo(dir: string, info: PlaneInfo): void {
  const tmp = planeJsonPath(dir) + `.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info) + "\n", { mode: 0o644 });
  fs.renameSync(tmp, planeJsonPath(dir));
}

export function removePlaneInfo(dir: string, pid: number, port: number): void {
  const info = readPlaneInfo(dir);
  // Only remove our own file: a newer plane may have taken over the directory.
  if (info && info.pid === pid && info.port === port) {
    try {
      fs.unlinkSync(planeJsonPath(dir));
    } catch {
      /* already gone */
    }
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
