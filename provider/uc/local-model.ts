/**
 * A local model directory (MLflow model files, or a Hugging Face-style snapshot) as ModelVersion uploads it. The
 * content hash decides identity: the same files give the same hash wherever the directory lives, and any changed
 * byte gives a new hash, hence a new model version (versions are immutable in Unity Catalog).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export interface LocalFile {
  /** Relative path with `/` separators, as uploaded under the version's storage location. */
  path: string;
  absolute: string;
  size: number;
}

/** Version-control and OS clutter is not model content. */
const IGNORED = new Set([".git", ".DS_Store", "__pycache__", ".ipynb_checkpoints"]);

export function listModelFiles(dir: string): LocalFile[] {
  const out: LocalFile[] = [];
  const walk = (abs: string, rel: string) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      if (IGNORED.has(entry.name)) continue;
      const a = path.join(abs, entry.name);
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      const stat = fs.statSync(a); // follows symlinks: a snapshot directory often links into a blob cache
      if (stat.isDirectory()) walk(a, r);
      else if (stat.isFile()) out.push({ path: r, absolute: a, size: stat.size });
    }
  };
  walk(dir, "");
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `sha256:<hex>` over every file's relative path and content hash, in path order. */
export function hashModelFiles(files: LocalFile[]): string {
  const h = createHash("sha256");
  for (const f of files) {
    const content = createHash("sha256").update(fs.readFileSync(f.absolute)).digest("hex");
    h.update(`${f.path}\0${f.size}\0${content}\n`);
  }
  return `sha256:${h.digest("hex")}`;
}

/** Problems that would make registration fail, found before anything is created. */
export function inspectModelDirectory(dir: string): { files: LocalFile[]; problem?: string } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    return { files: [], problem: `directory ${JSON.stringify(dir)} does not exist (relative paths are resolved from the Pulumi program's folder, ${process.cwd()})` };
  }
  if (!stat.isDirectory()) return { files: [], problem: `${JSON.stringify(dir)} is a file; give the model's directory` };
  const files = listModelFiles(dir);
  if (files.length === 0) return { files, problem: `directory ${JSON.stringify(dir)} is empty` };
  if (!files.some((f) => f.path === "MLmodel")) {
    return {
      files,
      problem: `directory ${JSON.stringify(dir)} has no MLmodel file at its top level (found ${files.slice(0, 5).map((f) => f.path).join(", ")}${files.length > 5 ? ", …" : ""}): Unity Catalog only registers MLflow models; save the model with mlflow.<flavor>.save_model, or point at the directory that holds MLmodel`,
    };
  }
  return { files };
}
