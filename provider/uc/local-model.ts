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
  /** The file on disk, or "" for a file generated in memory (`content`). */
  absolute: string;
  size: number;
  content?: Buffer;
}

/** A file's bytes, from memory or disk. */
export function readLocalFile(f: LocalFile): Buffer {
  return f.content ?? fs.readFileSync(f.absolute);
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
    const content = createHash("sha256").update(readLocalFile(f)).digest("hex");
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
    if (files.some((f) => f.path === "config.json")) return { files: asTransformersModel(files) };
    return {
      files,
      problem: `directory ${JSON.stringify(dir)} has no MLmodel file at its top level (found ${files.slice(0, 5).map((f) => f.path).join(", ")}${files.length > 5 ? ", …" : ""}): Unity Catalog only registers MLflow models; save the model with mlflow.<flavor>.save_model, point at the directory that holds MLmodel, or at a Hugging Face snapshot (with its config.json)`,
    };
  }
  return { files };
}

/**
 * A Hugging Face snapshot (config.json, weights, tokenizer files) registered as an MLflow `transformers` model: the
 * snapshot goes under `model/` and a minimal MLmodel, generated from config.json, sits at the top — the layout
 * `mlflow.transformers.save_model` writes. Deterministic, so the content hash stays stable between runs.
 */
function asTransformersModel(files: LocalFile[]): LocalFile[] {
  const config = files.find((f) => f.path === "config.json")!;
  let meta: { _name_or_path?: string; transformers_version?: string; architectures?: string[] } = {};
  try {
    meta = JSON.parse(readLocalFile(config).toString("utf8")) as typeof meta;
  } catch {
    /* a config.json we cannot parse still marks a snapshot; the MLmodel just says less */
  }
  const lines = [
    "artifact_path: model",
    "flavors:",
    "  python_function:",
    "    loader_module: mlflow.transformers",
    "    model_binary: model",
    "  transformers:",
    "    framework: pt",
    "    model_binary: model",
    ...(meta._name_or_path ? [`    source_model_name: ${JSON.stringify(meta._name_or_path)}`] : []),
    ...(meta.transformers_version ? [`    transformers_version: ${JSON.stringify(meta.transformers_version)}`] : []),
    ...(meta.architectures?.length ? [`    architectures: ${JSON.stringify(meta.architectures)}`] : []),
    "metadata:",
    "  generated_by: pulumi-databricks-serving (from a Hugging Face snapshot)",
    "",
  ];
  const content = Buffer.from(lines.join("\n"), "utf8");
  return [{ path: "MLmodel", absolute: "", size: content.length, content }, ...files.map((f) => ({ ...f, path: `model/${f.path}` }))];
}
