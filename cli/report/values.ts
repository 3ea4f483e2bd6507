/**
 * Before → after values for report rows, read from the old and new state in the engine's JSON at the paths its
 * detailed diff names (`servedEntities[0].workloadSize`, `tags.team`, `secrets["servedEntities[0].environmentVars.K"]`).
 * Secret values arrive from the CLI as "[secret]" and stay that way.
 */

/** Splits an engine property path into keys and indices. */
export function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(m[3].replace(/\\(.)/g, "$1"));
  }
  return out;
}

export function valueAt(root: unknown, path: string): unknown {
  let cur = root;
  for (const key of parsePath(path)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

const MAX = 60;

/** A value as a report shows it: JSON, shortened; an absent value as "–". */
export function formatValue(value: unknown): string {
  if (value === undefined) return "–";
  if (value === "[secret]") return "[secret]";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text;
}

/** `"Small" → "Medium"`, `+ "x"` for an addition, `− "x"` for a removal. */
export function describeChange(kind: string, before: unknown, after: unknown): string {
  if (kind.startsWith("add")) return `+ ${formatValue(after)}`;
  if (kind.startsWith("delete")) return `− ${formatValue(before)}`;
  return `${formatValue(before)} → ${formatValue(after)}`;
}
