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

/**
 * Deep equality over JSON-like values, a member set to undefined counting as absent and member order not counting.
 * Walks both values instead of serializing sorted copies: every refresh and preview compares each resource's fields.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    // JSON writes an undefined array element as null.
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    defined++;
    if (!Object.prototype.hasOwnProperty.call(y, k) || !jsonEqual(x[k], y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) defined--;
  return defined === 0;
}
