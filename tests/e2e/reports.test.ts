/**
 * `dbserve preview-comment` and `dbserve drift` on a real stack: what a pull request and a scheduled drift check
 * see, rendered from the real CLI's JSON.
 */
import * as path from "node:path";
import { startPlaneProcess, PlaneProcess } from "../helpers/plane";
import { REPO } from "../helpers/paths";
import { TestStack } from "../helpers/stack";

const program = (opts: { comment: string; secondName: string; badSchema?: boolean }) => `
import * as serving from "pulumi-databricks-serving";
new serving.RegisteredModel("alpha", { catalog: "main", schema: "reports", name: "alpha", comment: ${JSON.stringify(opts.comment)} });
new serving.RegisteredModel("beta", { catalog: "main", schema: "reports", name: ${JSON.stringify(opts.secondName)} });
${opts.badSchema ? `new serving.RegisteredModel("gamma", { catalog: "main", schema: "not-valid", name: "gamma" });` : ""}
`;

describe("preview comments and drift reports", () => {
  let plane: PlaneProcess;
  let stack: TestStack;
  const dbserve = (...args: string[]) => stack.exec(process.execPath, [path.join(REPO, "bin/dbserve.js"), ...args]);
  const api = (method: string, p: string, body?: unknown) =>
    fetch(`${plane.url}${p}`, { method, headers: { Authorization: `Bearer ${plane.token}` }, body: body === undefined ? undefined : JSON.stringify(body) });

  beforeAll(async () => {
    plane = await startPlaneProcess();
    stack = await TestStack.create({ program: program({ comment: "v1", secondName: "beta" }), plane });
    expect((await stack.up()).code).toBe(0);
  });
  afterAll(async () => {
    await stack?.destroy();
    await plane?.stop();
    stack?.dispose();
  });

  it("renders a no-change preview", async () => {
    const r = await dbserve("preview-comment");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("No changes.");
  });

  it("renders updates and replacements with the fields that force them", async () => {
    stack.writeProgram(program({ comment: "v2", secondName: "beta_renamed" }));
    const r = await dbserve("preview-comment", "--title", "Serving estate");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("### Serving estate");
    // Each field with its value before → after, so a reviewer sees what changes, not only where.
    expect(r.stdout).toContain('| 🟡 update | `alpha` | RegisteredModel | `comment`: "v1" → "v2" |');
    expect(r.stdout).toContain('| 🔴 replace | `beta` | RegisteredModel | `name`: "beta" → "beta_renamed" (forces replacement) |');
    expect(r.stdout).not.toContain("__provider");
  });

  it("lists preview errors with the field that is wrong, and fails", async () => {
    stack.writeProgram(program({ comment: "v1", secondName: "beta", badSchema: true }));
    const r = await dbserve("preview-comment");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("The preview failed");
    expect(r.stdout).toMatch(/`gamma`: .*schema/);
    stack.writeProgram(program({ comment: "v1", secondName: "beta" }));
  });

  it("reports no drift, then drift made outside Pulumi, with exit code 3", async () => {
    const clean = await dbserve("drift");
    expect(clean.stderr).toBe("");
    expect(clean.stdout).toContain("No drift");
    expect(clean.code).toBe(0);

    expect((await api("PATCH", "/api/2.1/unity-catalog/models/main.reports.alpha", { comment: "edited in the UI" })).status).toBe(200);
    expect((await api("DELETE", "/api/2.1/unity-catalog/models/main.reports.beta")).status).toBe(200);
    const drift = await dbserve("drift", "--format", "json");
    expect(drift.code).toBe(3);
    const report = JSON.parse(drift.stdout) as { drifted: number; resources: { name: string; kind: string; fields: string[] }[] };
    expect(report.drifted).toBe(2);
    expect(report.resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "alpha", kind: "changed", fields: ["comment"] }),
        expect.objectContaining({ name: "beta", kind: "deleted" }),
      ]),
    );
    // A drift check only looks: the state still holds the declared values.
    const alpha = (await stack.exportState()).resources.find((r) => r.urn.endsWith("::alpha"));
    expect(alpha?.outputs?.comment).toBe("v1");
  });
});
