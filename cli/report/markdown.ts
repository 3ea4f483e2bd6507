import { describeUrn, EngineJson, Step } from "./engine-json";
import { describeChange, valueAt } from "./values";

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

/** One change of a step: the field's path, before → after, and whether it forces a replacement. */
export interface FieldChange {
  path: string;
  change: string;
  replaces: boolean;
}

const isInternal = (path: string) => path === "__provider" || path.startsWith("__provider.");

/**
 * What a step changes, field by field, with before → after values from the old and new inputs (outputs when a step
 * carries no inputs, as refresh steps may). Only secret values are masked: the CLI has already replaced them.
 */
export function fieldChanges(step: Step): FieldChange[] {
  const before = step.oldState?.inputs ?? step.oldState?.outputs;
  const after = step.newState?.inputs ?? step.newState?.outputs;
  const topReplaces = new Set(step.replaceReasons ?? []);
  const detailed = Object.entries(step.detailedDiff ?? {}).filter(([p]) => !isInternal(p));
  const entries: [string, string][] = detailed.length > 0 ? detailed.map(([p, d]) => [p, d.kind]) : (step.diffReasons ?? []).filter((p) => !isInternal(p)).map((p) => [p, "update"]);
  return entries
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, kind]) => ({
      path,
      change: describeChange(kind, valueAt(before, path), valueAt(after, path)),
      replaces: kind.endsWith("-replace") || topReplaces.has(path.split(/[.[]/)[0]),
    }));
}

/** The changes of a step as one table cell. */
function changedFields(step: Step): string {
  return fieldChanges(step)
    .map((c) => `\`${c.path}\`: ${c.change}${c.replaces ? " (forces replacement)" : ""}`)
    .join("<br>");
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
    lines.push("", "| change | resource | type | what changes |", "|---|---|---|---|");
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
  /** Field by field: what state says (before) → what the workspace holds (after). */
  changes: FieldChange[];
}

/** What `pulumi refresh --preview-only --json` found changed or deleted outside Pulumi. */
export function findDrift(refresh: EngineJson): DriftItem[] {
  return meaningfulSteps(refresh.steps)
    .filter((s) => s.op === "update" || s.op === "delete")
    .map((s) => {
      const { name, type } = describeUrn(s.urn);
      const changes = s.op === "delete" ? [] : fieldChanges(s);
      const fields = [...new Set([...(s.diffReasons ?? []), ...Object.keys(s.detailedDiff ?? {})])].filter((f) => !isInternal(f)).sort();
      return { name, type, kind: s.op === "delete" ? "deleted" : "changed", fields, changes };
    });
}

export function renderDrift(items: DriftItem[], format: "text" | "markdown"): string {
  if (format === "markdown") {
    if (items.length === 0) return "### Drift check\n\nNo drift: the workspace matches the stack.\n";
    const rows = items.map((d) => `| \`${escapeCell(d.name)}\` | ${d.type} | ${d.kind === "deleted" ? "deleted outside Pulumi" : escapeCell(d.changes.map((c) => `\`${c.path}\`: ${c.change}`).join("<br>"))} |`);
    return ["### Drift check", "", `**${items.length} resource${items.length === 1 ? "" : "s"} drifted.**`, "", "| resource | type | drift |", "|---|---|---|", ...rows, ""].join("\n");
  }
  if (items.length === 0) return "No drift: the workspace matches the stack.\n";
  return items.map((d) => `${d.kind === "deleted" ? "deleted" : "changed"} ${d.type} ${d.name}${d.changes.length ? `: ${d.changes.map((c) => `${c.path} ${c.change}`).join(", ")}` : ""}`).join("\n") + "\n";
}
