import * as fs from "node:fs";
import * as path from "node:path";
import { renderRouteTable } from "./routes";
import { renderLimitsTable } from "./limits";

/**
 * plane/README.md carries two generated sections: the route table (plane/routes.ts) and the limits (plane/limits.ts).
 * `npx ts-node --transpile-only plane/readme.ts` rewrites them; tests/plane/routes.test.ts fails when they drift.
 */
export const README = path.join(__dirname, "README.md");

const SECTIONS: Record<string, () => string> = { routes: renderRouteTable, limits: renderLimitsTable };

export function withGeneratedSections(text: string): string {
  let out = text;
  for (const [name, render] of Object.entries(SECTIONS)) {
    const begin = `<!-- BEGIN generated: ${name} -->`;
    const end = `<!-- END generated: ${name} -->`;
    const i = out.indexOf(begin);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`plane/README.md lacks the ${begin} … ${end} markers`);
    out = `${out.slice(0, i + begin.length)}\n${render()}\n${out.slice(j)}`;
  }
  return out;
}

if (require.main === module) {
  fs.writeFileSync(README, withGeneratedSections(fs.readFileSync(README, "utf8")));
  process.stdout.write(`updated ${README}\n`);
}
