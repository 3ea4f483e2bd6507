import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { flag, parseArgs, UsageError } from "../args";
import { parseEngineJson } from "./engine-json";
import { findDrift, renderDrift, renderPreviewMarkdown } from "./markdown";

export const REPORT_USAGE = `Reports for pull requests and scheduled checks (run where \`pulumi\` works for the stack):
  dbserve preview-comment [--cwd DIR] [--stack NAME] [--title TEXT]   run \`pulumi preview --json\`, print Markdown
  dbserve preview-comment --input FILE|-                              render a saved \`pulumi preview --json\`
  dbserve drift [--cwd DIR] [--stack NAME] [--format text|markdown|json]
                                                                      \`pulumi refresh --preview-only\`: exit 0 no drift, 3 drift`;

/** Exit code of `dbserve drift` when drift was found, distinct from failures (1) and usage errors (2). */
export const DRIFT_EXIT_CODE = 3;

function runPulumi(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // PULUMI_SKIP_CONFIRMATIONS (common in CI) implies --yes, which `refresh --preview-only` refuses.
    const env = { ...process.env, PULUMI_SKIP_CONFIRMATIONS: undefined };
    execFile("pulumi", [...args, "--json", "--non-interactive"], { cwd, env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === "ENOENT") {
        reject(new Error("`pulumi` is not on PATH (scripts/ensure-pulumi prints a directory that has it)"));
        return;
      }
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

function stackArgs(stack: string | undefined): string[] {
  return stack ? ["--stack", stack] : [];
}

export async function previewCommentCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, new Set());
  const input = flag(args, "input");
  let text: string;
  let failed = false;
  if (input !== undefined) {
    text = fs.readFileSync(input === "-" ? 0 : input, "utf8");
  } else {
    const r = await runPulumi(["preview", ...stackArgs(flag(args, "stack"))], flag(args, "cwd") ?? ".");
    if (!r.stdout.trim()) throw new Error(`pulumi preview failed (${r.code}) without JSON output:\n${r.stderr}`);
    text = r.stdout;
    failed = r.code !== 0;
  }
  const preview = parseEngineJson(text, input ?? "pulumi preview output");
  process.stdout.write(renderPreviewMarkdown(preview, { title: flag(args, "title") }));
  return failed || preview.diagnostics.some((d) => d.severity === "error") ? 1 : 0;
}

export async function driftCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, new Set());
  const format = flag(args, "format") ?? "text";
  if (format !== "text" && format !== "markdown" && format !== "json") throw new UsageError(`--format must be text, markdown or json (got ${JSON.stringify(format)}).`);
  const r = await runPulumi(["refresh", "--preview-only", ...stackArgs(flag(args, "stack"))], flag(args, "cwd") ?? ".");
  if (r.code !== 0 || !r.stdout.trim()) throw new Error(`pulumi refresh --preview-only failed (${r.code}):\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(0, 2000)}`);
  const drift = findDrift(parseEngineJson(r.stdout, "pulumi refresh output"));
  process.stdout.write(format === "json" ? JSON.stringify({ drifted: drift.length, resources: drift }, null, 2) + "\n" : renderDrift(drift, format));
  return drift.length > 0 ? DRIFT_EXIT_CODE : 0;
}
