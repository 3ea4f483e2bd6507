/** A small flag parser: `--name value`, `--name=value`, boolean `--flag`; repeated flags accumulate. */
export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string[]>;
}

export function parseArgs(argv: string[], booleanFlags: ReadonlySet<string>): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  const push = (k: string, v: string) => flags.set(k, [...(flags.get(k) ?? []), v]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      if (eq > 0) push(a.slice(2, eq), a.slice(eq + 1));
      else if (booleanFlags.has(a.slice(2))) push(a.slice(2), "true");
      else {
        if (i + 1 >= argv.length) throw new UsageError(`Flag ${a} needs a value.`);
        push(a.slice(2), argv[++i]);
      }
    } else positionals.push(a);
  }
  return { positionals, flags };
}

export class UsageError extends Error {}

export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return v ? v[v.length - 1] : undefined;
}

export function numberFlag(args: ParsedArgs, name: string): number | undefined {
  const v = flag(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number, got '${v}'.`);
  return n;
}
