import Database from "better-sqlite3";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { newToken } from "./auth";

/**
 * The data-dir contract other code relies on:
 * - `<data>/plane.lock`: held exclusively by the one plane serving the directory (see `lockDataDir`).
 * - `<data>/token`: the admin bearer token, created on first start.
 * - `<data>/plane.json`: `{"pid", "port", "url"}` while a plane is listening; removed on clean stop.
 * - `<data>/plane.db` (+ `-wal`, `-shm`): the SQLite store. `<data>/plane.log`: a detached plane's stderr.
 * The directory is 0700 and every file in it 0600, enforced at every start: the token is a credential and the WAL
 * holds environment variable values.
 */
export interface PlaneInfo {
  pid: number;
  port: number;
  url: string;
}

export const DATA_FILES = ["plane.lock", "token", "plane.json", "plane.db", "plane.db-wal", "plane.db-shm", "plane.log"] as const;

export function defaultDataDir(): string {
  const env = process.env.DBSERVE_DATA;
  return env && env.trim() !== "" ? path.resolve(env) : path.join(os.homedir(), ".dbserve");
}

/** Create the directory if needed and make it private (an existing 0755 directory is tightened). */
export function ensureDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/** Tighten every data file that exists to 0600 (by path: no file is opened, so no lock is disturbed). */
export function secureDataFiles(dir: string): void {
  for (const name of DATA_FILES) {
    try {
      fs.chmodSync(path.join(dir, name), 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
}

/**
 * Create an empty file with mode 0600 if it does not exist (SQLite gives its -wal and -shm files the db's mode). An
 * existing file is never opened here: closing any descriptor of a file drops the process's fcntl locks on it.
 */
export function createPrivateFile(file: string): void {
  if (!fs.existsSync(file)) fs.closeSync(fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o600));
  fs.chmodSync(file, 0o600);
}

export function tokenPath(dir: string): string {
  return path.join(dir, "token");
}

export function planeJsonPath(dir: string): string {
  return path.join(dir, "plane.json");
}

export interface DataDirLock {
  release(): void;
}

/**
 * Take the data directory's exclusive lock, or return undefined when another plane (any process) holds it.
 *
 * Node has no flock; SQLite's file locks (POSIX fcntl) are what we use: `plane.lock` is opened in exclusive locking
 * mode and a write transaction is begun and kept open. The operating system drops the lock when the process dies,
 * even by kill -9, so a crashed plane never leaves a stale lock behind, and two planes starting at once cannot both
 * win. Within one process SQLite refuses a second connection the same way.
 */
export function lockDataDir(dir: string): DataDirLock | undefined {
  const file = path.join(dir, "plane.lock");
  createPrivateFile(file);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: 0 });
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
  } catch (err) {
    db?.close();
    if ((err as { code?: string }).code === "SQLITE_BUSY") return undefined;
    throw err;
  }
  const lockDb = db;
  let held = true;
  return {
    release: () => {
      if (!held) return;
      held = false;
      lockDb.close();
    },
  };
}

/** Read the admin token, creating it (0600, exclusive create) on first start. */
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

/** Written atomically (tmp + rename) so a reader never sees a partial file; 0600 like every data file. */
export function writePlaneInfo(dir: string, info: PlaneInfo): void {
  const tmp = planeJsonPath(dir) + `.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info) + "\n", { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
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

/** The plane that serves `dir`, when plane.json names a live process that answers its health route. */
export async function runningPlane(dir: string): Promise<PlaneInfo | undefined> {
  const info = readPlaneInfo(dir);
  if (!info || !pidAlive(info.pid)) return undefined;
  try {
    const res = await fetch(`${info.url}/api/2.0/dbserve/health`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok ? info : undefined;
  } catch {
    return undefined;
  }
}
