import { planeCommand, PLANE_USAGE } from "./plane";
import { UsageError } from "./args";
import { driftCommand, previewCommentCommand, REPORT_USAGE } from "./report/commands";
import { inferenceLogCommand, usageCommand, USAGE_USAGE } from "./usage";
import { batchCommand, BATCH_USAGE } from "./batch";
import { uiCommand, UI_USAGE } from "./ui";

/** Entry point of the `dbserve` command (bin/dbserve.js requires the compiled copy of this file). */
const USAGE = `dbserve: the local Databricks model-serving control plane and tools.\n\n${PLANE_USAGE}\n\nThe Serving page:\n${UI_USAGE}\n\n${REPORT_USAGE}\n\nQueries:\n${USAGE_USAGE}\n${BATCH_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "plane":
      return planeCommand(rest);
    case "preview-comment":
      return previewCommentCommand(rest);
    case "drift":
      return driftCommand(rest);
    case "usage":
      return usageCommand(rest);
    case "inference-log":
      return inferenceLogCommand(rest);
    case "batch":
      return batchCommand(rest);
    case "ui":
      return uiCommand(rest);
    case "help":
    case "--help":
    case "-h":
    case undefined:
      process.stdout.write(USAGE + "\n");
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`Unknown command '${command}'.\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(err.message + "\n");
      process.exitCode = 2;
    } else {
      process.stderr.write(`dbserve: ${(err as Error).message ?? String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
