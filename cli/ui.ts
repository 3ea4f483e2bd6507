import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startPlane } from "../plane";
import { defaultDataDir, pidAlive, readPlaneInfo, tokenPath } from "../plane/datadir";
import { flag, parseArgs, UsageError, type ParsedArgs } from "./args";
import { planeOptions } from "./plane";

export const UI_USAGE = `  dbserve ui [--data DIR] [--open] [plane start flags]   sign-in link to the Serving page of the plane on DIR
                                                         (starts that plane in the foreground when none runs)
  dbserve ui --host URL [--token TOKEN] [--open]         sign-in link for a token's user (default $DATABRICKS_TOKEN)`;

const BOOLEAN_FLAGS = new Set(["open", "detach", "verbose"]);

/** Ask the plane for a one-time sign-in link for the token's user (the token itself never goes into a URL). */
export async function signInLink(host: string, token: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${host.replace(/\/+$/, "")}/api/2.0/dbserve/ui/login-links`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: "{}",
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new Error(`No plane answers at ${host}: ${(err as Error).message}`, { cause: err });
  }
  const body = (await res.json().catch(() => ({}))) as { url?: string; message?: string; error_code?: string };
  if (!res.ok || typeof body.url !== "string") {
    throw new Error(`${host} refused a sign-in link (HTTP ${res.status}${body.error_code ? ` ${body.error_code}` : ""}): ${body.message ?? "no message"}`);
  }
  return body.url;
}

function openInBrowser(url: string): void {
  const [cmd, args] = process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", "", url]] : ["xdg-open", [url]];
  const child = spawn(cmd, args, { stdio: "ignore", detached: true });
  child.on("error", () => process.stderr.write(`Could not start ${cmd}; open the link yourself.\n`));
  child.unref();
}

function announce(url: string, args: ParsedArgs, serving: boolean): void {
  // The link alone on stdout, so scripts can take it; the explanation on stderr.
  process.stdout.write(`${url}\n`);
  process.stderr.write(
    `Open the link above to sign this browser in to the Serving page (it works once, for 5 minutes).` +
      (serving ? " The plane runs until Ctrl-C.\n" : "\n"),
  );
  if (flag(args, "open") === "true") openInBrowser(url);
}

export async function uiCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, BOOLEAN_FLAGS);
  if (args.positionals.length > 0) throw new UsageError(`Unexpected argument '${args.positionals[0]}'.\n\n${UI_USAGE}`);
  const host = flag(args, "host");
  if (host !== undefined) {
    const token = flag(args, "token") ?? process.env.DATABRICKS_TOKEN;
    if (!token) throw new UsageError("--host needs --token (or DATABRICKS_TOKEN): the link signs in as that token's user.");
    announce(await signInLink(host, token), args, false);
    return 0;
  }
  if (flag(args, "token") !== undefined) throw new UsageError("--token goes with --host; without --host the plane's admin token is used.");
  if (flag(args, "detach") === "true") throw new UsageError("dbserve ui serves in the foreground; start a background plane with dbserve plane start --detach, then run dbserve ui.");

  const dataDir = path.resolve(flag(args, "data") ?? defaultDataDir());
  const running = readPlaneInfo(dataDir);
  if (running && pidAlive(running.pid) && fs.existsSync(tokenPath(dataDir))) {
    announce(await signInLink(running.url, fs.readFileSync(tokenPath(dataDir), "utf8").trim()), args, false);
    return 0;
  }
  const plane = await startPlane(planeOptions(args));
  try {
    announce(await signInLink(plane.url, plane.token), args, true);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
  } finally {
    await plane.close();
  }
  return 0;
}
