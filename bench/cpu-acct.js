// Preloaded into every Node process a bench's `pulumi` run starts (NODE_OPTIONS=--require): when the process ends,
// appends "<role> <cpu ms>" to $BENCH_CPU_ACCT, so a bench can say where an operation's CPU went: the program, the
// dynamic provider, or (the rest of the process tree's total) the Go CLI and language host. Plain JS: it loads before
// any transpiler.
const file = process.env.BENCH_CPU_ACCT;
if (file) {
  const argv = process.argv.join(" ");
  const role = argv.includes("dynamic-provider") ? "provider" : argv.includes("cmd/run") ? "program" : "other";
  const fs = require("node:fs");
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    const u = process.cpuUsage();
    fs.appendFileSync(file, `${role} ${Math.round((u.user + u.system) / 1000)}\n`);
  };
  process.on("exit", write);
  // The engine stops plugins with SIGINT (then SIGKILL after 5 s): record, then exit as the default handler would.
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      write();
      process.kill(process.pid, signal);
    });
  }
}
