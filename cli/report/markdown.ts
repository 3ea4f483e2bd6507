import { describeUrn, EngineJson, Step } from "./engine-json";

const OP_ORDER = ["create", "replace", "create-replacement", "delete-replaced", "update", "delete", "read", "import"];
const OP_LABEL: Record<string, string> = {
  create: "🟢 create",
  update: "🟡 update",
  replace: "🔴 replace",
  "create-replacement": "🔴 replace",
  "delete-replaced": "🔴 replace",
  delete: "🔴 delete",
  read: "read",
  import: "import",
};

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** The fields a step changes, replacement-forcing ones marked. Internal `__provider` is never shown. */
function changedFields(step: Step): string {
  const fields = new Set<string>([...(step.diffReasons ?? []), ...Object.keys(step.detailedDiff ?? {})]);
  fields.delete("__provider");
  const replaces = new Set(step.replaceReasons ?? []);
  return [...fields]
    .sort()
    .map((f) => (replaces.has(f) ? `\`${f}\` (forces replacement)` : `\`${f}\``))
    .join(", ");
}

/** Steps that change something, one per resource (a replacement's create/delete halves fold into one row). */
function meaningfulSteps(steps: Step[]): Step[] {
  const seen = new Set<string>();
  return steps
    .filter((s) => s.op !== "same" && s.op !== "refresh" && !s.urn.includes("::pulumi:pulumi:Stack::"))
    .filter((s) => {
      const key = s.urn;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => OP_ORDER.indexOf(a.op) - OP_ORDER.indexOf(b.op) || a.urn.localeCompare(b.urn));
}

/** Renders a preview as a pull-request comment: a summary line, a table of changes, and any errors. */
export function renderPreviewMarkdown(preview: EngineJson, opts: { title?: string } = {}): string {
  const lines = [`### ${opts.title ?? "Pulumi preview"}`, ""];
  const errors = preview.diagnostics.filter((d) => d.severity === "error");
  const steps = meaningfulSteps(preview.steps);
  const summary = Object.entries(preview.changeSummary ?? {})
    .filter(([op]) => op !== "same")
    .map(([op, n]) => `${n} to ${op}`)
    .join(", ");
  if (errors.length > 0) lines.push(`**❌ The preview failed with ${errors.length} error${errors.length === 1 ? "" : "s"}.**`, "");
  lines.push(steps.length === 0 ? "No changes." : `**${summary || `${steps.length} changes`}** (${preview.changeSummary?.same ?? 0} unchanged)`);
  if (steps.length > 0) {
    lines.push("", "| change | resource | type | fields |", "|---|---|---|---|");
    for (const step of steps) {
      const { name, type } = describeUrn(step.urn);
      lines.push(`| ${OP_LABEL[step.op] ?? step.op} | \`${escapeCell(name)}\` | ${escapeCell(type)} | ${escapeCell(changedFields(step)) || "–"} |`);
    }
  }
  if (errors.length > 0) {
    lines.push("", "<details open><summary>Errors</summary>", "");
    for (const e of errors) {
      const where = e.urn ? `\`${describeUrn(e.urn).name}\`: ` : "";
      lines.push(`- ${where}${escapeCell(e.message.trim())}`);
    }
    lines.push("", "</details>");
  }
  return lines.join("\n") + "\n";
}

export interface DriftItem {
  name: string;
  type: string;
  kind: "changed" | "deleted";
  fields: string[];
}

/** What `pulumi refresh --preview-only --json` found changed or deleted outside Pulumi. */
export function findDrift(refresh: EngineJson): DriftItem[] {
  return meaningfulSteps(refresh.steps)
    .filter((s) => s.op === "update" || s.op === "delete")
    .map((s) => {
      const { name, type } = describeUrn(s.urn);
      const fields = [...new Set([...(s.diffReasons ?? []), ...Object.keys(s.detailedDiff ?? {})])].filter((f) => f !== "__provider").sort();
      return { name, type, kind: s.op === "delete" ? "deleted" : "changed", fields };
    });
}

export function renderDrift(items: DriftItem[], format: "text" | "markdown"): string {
  if (format === "markdown") {
    if (items.length === 0) return "### Drift check\n\nNo drift: the workspace matches the stack.\n";
    const rows = items.map((d) => `| \`${escapeCell(d.name)}\` | ${d.type} | ${d.kind === "deleted" ? "deleted outside Pulumi" : d.fields.map((f) => `\`${f}\``).join(", ")} |`);
    return ["### Drift check", "", `**${items.length} resource${items.length === 1 ? "" : "s"} drifted.**`, "", "| resource | type | drift |", "|---|---|---|", ...rows, ""].join("\n");
  }
  if (items.length === 0) return "No drift: the workspace matches the stack.\n";
  return items.map((d) => `${d.kind === "deleted" ? "deleted" : "changed"} ${d.type} ${d.name}${d.fields.length ? `: ${d.fields.join(", ")}` : ""}`).join("\n") + "\n";
}
