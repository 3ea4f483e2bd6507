/**
 * Which workspace a resource lives in. Every object records the workspace id its answers came from (`workspaceId`
 * output); before reading, changing or deleting it, the provider checks that the current connection reaches that
 * same workspace. Without this, a refresh with DATABRICKS_HOST pointing elsewhere (or unset, so the embedded plane
 * answers) sees 404s, reports every resource deleted and drops it from state, orphaning the real objects.
 */
import type { ApiClient } from "../client/http";

export class WrongWorkspace extends Error {
  constructor(what: string, recorded: string, current: string, host: string) {
    super(
      `${what} lives in workspace ${recorded}, but the current connection (${host}) reaches workspace ${current}. ` +
        "Nothing was read, changed or deleted. Point the stack back at its workspace (DATABRICKS_HOST / DATABRICKS_CONFIG_PROFILE, " +
        "or the databricks-serving:host config), or, if that workspace is gone for good, remove the resource from the stack with " +
        "`pulumi state delete <urn>`.",
    );
    this.name = "WrongWorkspace";
  }
}

/** Throws WrongWorkspace when both the recorded and the current workspace are known and differ. */
export async function assertSameWorkspace(client: ApiClient, recorded: unknown, what: string): Promise<void> {
  if (typeof recorded !== "string" || recorded === "") return;
  const current = await client.identity();
  if (current !== undefined && current !== recorded) throw new WrongWorkspace(what, recorded, current, client.host);
}
