/** Rewrites the README's generated table of what a change of each input does (see provider/engine/rules-table.ts). */
import * as fs from "node:fs";
import * as path from "node:path";
import { KIND_NAMES, load } from "../provider/dispatch";
import { rulesTable, withRulesTable } from "../provider/engine/rules-table";

const readmePath = path.resolve(__dirname, "../README.md");
const table = rulesTable(KIND_NAMES.map((name) => ({ name, spec: load(name).spec })));
fs.writeFileSync(readmePath, withRulesTable(fs.readFileSync(readmePath, "utf8"), table));
console.log(`README.md: ${table.split("\n").length} lines of field rules written`);
