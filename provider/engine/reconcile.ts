/**
 * Inputs rebuilt from what the server holds, for `read`: only the fields the user declared are taken from the
 * server, so server-side defaults of undeclared fields never show as drift, while out-of-band edits of declared
 * fields do.
 */
export function declaredFromRemote<I extends object>(declared: I, remote: Partial<Record<keyof I, unknown>>): I {
  const out: Record<string, unknown> = { ...(declared as Record<string, unknown>) };
  for (const key of Object.keys(declared)) {
    if (key in remote) {
      const value = (remote as Record<string, unknown>)[key];
      if (value === undefined) delete out[key];
      else out[key] = value;
    }
  }
  return out as I;
}

/** Drops undefined members, so objects compare and serialize the same whether a field was absent or undefined. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Deep equality over JSON-like values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}
