/**
 * Our resources against the engine's floor: N ServingEndpoints vs N no-op dynamic resources (bench/programs.ts), under
 * the same Pulumi CLI, in the same run, operation by operation: up, preview, preview --refresh, refresh, update,
 * destroy. Prints wall times, their ratio, and the API calls each operation made (counted on the plane's side, per
 * route). Beside them, the same-work floor: the work any provider of these endpoints must do (ours's calls, route for
 * route, and ours's state, field for field: both checked here) with none of our code; ours against it is what our
 * code adds to the work itself. Figures only: nothing here asserts a time.
 *
 *   npx ts-node --transpile-only bench/engine.ts [--n 10,100,300] [--repeat 3]
 *
 * The plane runs as its own process with zero deployment time and no operation limit, so what is measured is the
 * provider and the engine, not simulated waits. Read-only operations run `--repeat` times, floor and ours
 * alternating, and the median counts; mutating ones run once per N.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startPlaneProcess, type PlaneProcess } from "../tests/helpers/plane";
import { TestStack } from "../tests/helpers/stack";
import { REPO } from "../tests/helpers/paths";
import { byRoute, countCalls, type CallSource } from "./calls";
import { floorProgram, oursProgram, workFloorEnv, workFloorProgram } from "./programs";
import { ensurePulumi, flagList, flagNumber, median, table } from "./util";

interface Row {
  n: number;
  op: string;
  /** Wall seconds (median of the runs). */
  ours: number;
  floor: number;
  /** The same-work floor's wall seconds (median): ours's calls and state, none of our code. */
  workFloor: number;
  /** CPU seconds (user + system) of the whole `pulumi` process tree, and by process (medians). */
  oursCpu: Cpu;
  floorCpu: Cpu;
  workFloorCpu: Cpu;
  calls: [string, number][];
  note?: string;
  /** Bytes of state per resource after the create (what every checkpoint of the engine rewrites). */
  stateBytes?: Record<Side, number>;
}

type Side = "ours" | "floor" | "work";

/** CPU seconds of one run, by process: the program, the dynamic provider, and the rest (the Go CLI and language host). */
export interface Cpu {
  total: number;
  program: number;
  provider: number;
  engine: number;
}

/**
 * Runs `pulumi <args>` under GNU time: wall seconds, and the CPU seconds of the whole process tree (the CLI and every
 * plugin and program it started and waited for), split by process with bench/cpu-acct.js. On a loaded machine CPU time
 * is the steadier of the two.
 */
async function timed(stack: TestStack, args: string[]): Promise<{ wall: number; cpu: Cpu }> {
  const out = path.join(stack.dir, ".time");
  const acct = path.join(stack.dir, ".cpu-acct");
  fs.rmSync(acct, { force: true });
  const t0 = process.hrtime.bigint();
  const r = await stack.exec("/usr/bin/time", [
    "-f",
    "%U %S",
    "-o",
    out,
    "env",
    `NODE_OPTIONS=--require ${path.join(__dirname, "cpu-acct.js")}`,
    `BENCH_CPU_ACCT=${acct}`,
    "pulumi",
    ...args,
    "--non-interactive",
  ]);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed (${r.code}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
  const [user, sys] = fs.readFileSync(out, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
  const by: Record<string, number> = {};
  for (const line of fs.existsSync(acct) ? fs.readFileSync(acct, "utf8").trim().split("\n") : []) {
    const [role, ms] = line.split(" ");
    by[role] = (by[role] ?? 0) + Number(ms) / 1000;
  }
  const total = user + sys;
  const program = by.program ?? 0;
  const provider = by.provider ?? 0;
  return { wall, cpu: { total, program, provider, engine: total - program - provider } };
}

/**
 * `skipCheckpoints`: both stacks run with PULUMI_SKIP_CHECKPOINTS=true, so the engine writes the state once per
 * operation instead of after every step (the cost that grows with the number of resources times their state size).
 */
export async function engineBench(opts: { sizes: number[]; repeat: number; skipCheckpoints?: boolean; log?: (line: string) => void }): Promise<Row[]> {
  const log = opts.log ?? ((line: string) => console.log(line));
  ensurePulumi();
  const plane: PlaneProcess = await startPlaneProcess({ deploySeconds: 0, args: ["--rate-limit", "0"] });
  const calls: CallSource = await countCalls(plane);
  log(
    `engine bench: node ${process.version}, ${os.cpus().length} CPU(s), load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; calls counted by ${calls.how}` +
      (opts.skipCheckpoints ? "; PULUMI_SKIP_CHECKPOINTS=true (state written once per operation)" : ""),
  );
  const env: Record<string, string> = opts.skipCheckpoints ? { PULUMI_SKIP_CHECKPOINTS: "true" } : {};
  const rows: Row[] = [];
  try {
    for (const n of opts.sizes) {
      const stacks: Record<Side, TestStack> = {
        floor: await TestStack.create({ program: floorProgram(n, 1), projectName: "bench-floor", env }),
        ours: await TestStack.create({ program: oursProgram(n, 1), projectName: "bench-ours", plane: { url: calls.url, token: plane.token }, env }),
        work: await TestStack.create({ program: workFloorProgram(n, 1), projectName: "bench-work", plane: { url: calls.url, token: plane.token }, env: { ...env, ...workFloorEnv } }),
      };
      const sides: Side[] = ["ours", "floor", "work"];
      try {
        let turn = 0;
        /** Runs one operation on the three stacks (the order rotating between runs), `times` times; medians of each. */
        const measure = async (op: string, args: string[], times: number, note?: string) => {
          const t: Record<Side, number[]> = { ours: [], floor: [], work: [] };
          const cpu: Record<Side, Cpu[]> = { ours: [], floor: [], work: [] };
          const counted: Record<Side, [string, number][]> = { ours: [], floor: [], work: [] };
          for (let i = 0; i < times; i++) {
            turn++;
            for (const side of [...sides.slice(turn % 3), ...sides.slice(0, turn % 3)]) {
              await calls.take();
              const m = await timed(stacks[side], args);
              t[side].push(m.wall);
              cpu[side].push(m.cpu);
              counted[side] = byRoute(await calls.take());
            }
            if (counted.floor.length > 0) throw new Error(`the floor stack made API calls: ${JSON.stringify(counted.floor)}`);
            if (JSON.stringify(counted.work) !== JSON.stringify(counted.ours)) {
              throw new Error(`${op}: the same-work floor made other calls than ours: ${JSON.stringify(counted.work)} against ${JSON.stringify(counted.ours)}`);
            }
          }
          const med = (xs: Cpu[]): Cpu => ({
            total: median(xs.map((x) => x.total)),
            program: median(xs.map((x) => x.program)),
            provider: median(xs.map((x) => x.provider)),
            engine: median(xs.map((x) => x.engine)),
          });
          const row: Row = {
            n,
            op,
            ours: median(t.ours),
            floor: median(t.floor),
            workFloor: median(t.work),
            oursCpu: med(cpu.ours),
            floorCpu: med(cpu.floor),
            workFloorCpu: med(cpu.work),
            calls: counted.ours,
            note,
          };
          rows.push(row);
          log(formatRow(row));
          return row;
        };
        const up = ["up", "--yes", "--skip-preview"];
        const created = await measure("up (create)", up, 1);
        await sameShape(stacks.ours, stacks.work, "after the create");
        created.stateBytes = { ours: await stateBytesPerResource(stacks.ours), floor: await stateBytesPerResource(stacks.floor), work: await stateBytesPerResource(stacks.work) };
        log(`  N=${n} state per resource: ours ${created.stateBytes.ours} B, floor ${created.stateBytes.floor} B, same-work floor ${created.stateBytes.work} B`);
        await measure("preview (first after create)", ["preview"], 1);
        await measure("up (nothing to do)", up, 1);
        await measure("preview", ["preview"], opts.repeat);
        await measure("preview --refresh", ["preview", "--refresh"], opts.repeat);
        await measure("refresh", ["refresh", "--yes", "--skip-preview"], opts.repeat);
        await sameShape(stacks.ours, stacks.work, "after a refresh");
        stacks.floor.writeProgram(floorProgram(n, 2));
        stacks.ours.writeProgram(oursProgram(n, 2));
        stacks.work.writeProgram(workFloorProgram(n, 2));
        await measure("update (a tag)", up, 1);
        await measure("destroy", ["destroy", "--yes", "--skip-preview"], 1);
      } finally {
        for (const side of sides) stacks[side].dispose();
      }
    }
  } finally {
    await calls.close();
    await plane.stop();
  }
  return rows;
}

/**
 * Fails the bench when the same-work floor keeps other fields than ours (inputs and outputs, top level): it would
 * no longer measure the same work. Ours's fields change with the package; the floor's list must follow.
 */
async function sameShape(ours: TestStack, work: TestStack, when: string): Promise<void> {
  const shape = async (stack: TestStack) => {
    const r = (await stack.exportState()).resources.find((x) => x.type.startsWith("pulumi-nodejs:dynamic")) as { inputs?: object; outputs?: object } | undefined;
    const keys = (o?: object) => Object.keys(o ?? {}).sort().join(", ");
    return `inputs: ${keys(r?.inputs)}; outputs: ${keys(r?.outputs)}`;
  };
  const [a, b] = [await shape(ours), await shape(work)];
  if (a !== b) throw new Error(`the same-work floor keeps other fields than ours ${when}:\n  ours: ${a}\n  work: ${b}\n(bench/programs.ts, bench/work-floor-provider.js)`);
}

/** Mean JSON bytes of one dynamic resource's entry in the exported state (inputs, outputs, URN and the rest). */
async function stateBytesPerResource(stack: TestStack): Promise<number> {
  const resources = await stack.managedResources();
  return Math.round(resources.reduce((sum, r) => sum + JSON.stringify(r).length, 0) / Math.max(1, resources.length));
}

function callSummary(row: Row): string {
  const total = row.calls.reduce((s, [, c]) => s + c, 0);
  if (total === 0) return "0";
  return `${total} (${(total / row.n).toFixed(2)}/res): ${row.calls.map(([k, c]) => `${c}× ${k}`).join(", ")}`;
}

/** Where ours spent more CPU than the floor, by process: "+program/+provider/+engine" seconds. */
function cpuDelta(r: Row): string {
  const d = (k: keyof Cpu) => {
    const v = r.oursCpu[k] - r.floorCpu[k];
    return `${v >= 0 ? "+" : ""}${v.toFixed(1)}`;
  };
  return `${d("program")}/${d("provider")}/${d("engine")}`;
}

function formatRow(r: Row): string {
  return `  N=${r.n} ${r.op}: ours ${r.ours.toFixed(2)} s, floor ${r.floor.toFixed(2)} s, ratio ${(r.ours / r.floor).toFixed(2)}; same-work floor ${r.workFloor.toFixed(2)} s, ours / same work ${(r.ours / r.workFloor).toFixed(2)}; cpu ${r.oursCpu.total.toFixed(2)} / ${r.floorCpu.total.toFixed(2)} s = ${(r.oursCpu.total / r.floorCpu.total).toFixed(2)} (program/provider/engine ${cpuDelta(r)}); calls ${callSummary(r)}`;
}

/** The table, then the cost per resource between consecutive sizes (how each side grows with N). */
export function report(rows: Row[]): string {
  const lines: string[] = [];
  lines.push(
    table(
      ["N", "operation", "ours s", "floor s", "ratio", "same-work s", "ours/same work", "cpu ours/floor s", "cpu ratio", "Δcpu prog/prov/engine", "calls"],
      rows.map((r) => [
        String(r.n),
        r.op,
        r.ours.toFixed(2),
        r.floor.toFixed(2),
        (r.ours / r.floor).toFixed(2),
        r.workFloor.toFixed(2),
        (r.ours / r.workFloor).toFixed(2),
        `${r.oursCpu.total.toFixed(1)} / ${r.floorCpu.total.toFixed(1)}`,
        (r.oursCpu.total / r.floorCpu.total).toFixed(2),
        cpuDelta(r),
        callSummary(r),
      ]),
    ),
  );
  const sized = rows.filter((r) => r.stateBytes);
  if (sized.length > 0) {
    lines.push("\nstate per resource after the create, in bytes (the engine rewrites all of it at every checkpoint): ours / floor / same-work floor");
    for (const r of sized) lines.push(`  N=${r.n}: ${r.stateBytes?.ours} / ${r.stateBytes?.floor} / ${r.stateBytes?.work} (ours / floor ${((r.stateBytes?.ours ?? 0) / (r.stateBytes?.floor ?? 1)).toFixed(2)})`);
  }
  const sizes = [...new Set(rows.map((r) => r.n))].sort((a, b) => a - b);
  if (sizes.length > 1) {
    lines.push("\ncost per added resource between consecutive N, in ms: wall ours / floor, then CPU ours / floor");
    const ops = [...new Set(rows.map((r) => r.op))];
    const header = ["operation", ...sizes.slice(1).map((n, i) => `${sizes[i]}→${n} wall`), ...sizes.slice(1).map((n, i) => `${sizes[i]}→${n} cpu`)];
    const slope = (op: string, i: number, pick: (r: Row) => [number, number]) => {
      const a = rows.find((r) => r.op === op && r.n === sizes[i]);
      const b = rows.find((r) => r.op === op && r.n === sizes[i + 1]);
      if (!a || !b) return "-";
      const per = (x: number, y: number) => (((y - x) * 1000) / (sizes[i + 1] - sizes[i])).toFixed(0);
      const [ao, af] = pick(a);
      const [bo, bf] = pick(b);
      return `${per(ao, bo)} / ${per(af, bf)}`;
    };
    const body = ops.map((op) => [
      op,
      ...sizes.slice(1).map((_, i) => slope(op, i, (r) => [r.ours, r.floor])),
      ...sizes.slice(1).map((_, i) => slope(op, i, (r) => [r.oursCpu.total, r.floorCpu.total])),
    ]);
    lines.push(table(header, body));
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const sizes = flagList("n") ?? [10, 100, 300];
  const repeat = flagNumber("repeat") ?? 3;
  const rows = await engineBench({ sizes, repeat });
  console.log(`\n${report(rows)}`);
  const out = path.join(REPO, ".tmp", "bench-engine.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(rows, null, 2));
  console.log(`\n(rows written to ${path.relative(REPO, out)})`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
