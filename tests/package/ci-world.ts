/**
 * The parts of the outside world a CI pipeline talks to, on loopback, for the pipeline test:
 *  - `FakeForge`: the GitHub REST routes serving-pipeline.mjs uses (PR comments, issues) and the Actions OIDC token
 *    endpoint, plus the GitLab notes/issues routes; it keeps comments and issues in memory and logs every call;
 *  - `WorkspaceFront`: a workspace URL in front of an embedded plane that adds Databricks' OAuth token-exchange
 *    endpoint (`/oidc/v1/token`, workload identity federation) and forwards every other request to the plane.
 * Stand-ins for services this machine cannot reach; what they check is what the real services require.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

interface Comment {
  id: number;
  body: string;
}
interface Issue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: "open" | "closed";
  comments: string[];
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => resolve(text));
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

/** A loopback HTTP server that answers with `handle`; `close` also ends kept-alive connections. */
abstract class LocalServer {
  url = "";
  private readonly server = http.createServer((req, res) => void this.handle(req, res));

  protected async listen(): Promise<this> {
    this.url = await listen(this.server);
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
}

export const OIDC_JWT = "eyJhbGciOiJSUzI1NiJ9.ci-oidc-subject-token.signature";

export class FakeForge extends LocalServer {
  readonly calls: string[] = [];
  readonly comments = new Map<number, Comment[]>();
  readonly issues: Issue[] = [];
  readonly requestToken = "actions-id-token-request-token";
  readonly forgeToken = "ghs_fake_installation_token";
  private nextId = 1000;

  static start(): Promise<FakeForge> {
    return new FakeForge().listen();
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const body = await readBody(req);
    const json = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    this.calls.push(`${req.method} ${url.pathname}`);
    const auth = req.headers.authorization ?? "";
    // GitHub Actions' OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL).
    if (url.pathname === "/_oidc/token") {
      if (auth !== `Bearer ${this.requestToken}`) return send(res, 401, { message: "bad request token" });
      if (!url.searchParams.get("audience")) return send(res, 400, { message: "audience required" });
      return send(res, 200, { value: OIDC_JWT });
    }
    let m: RegExpMatchArray | null;
    if ((m = url.pathname.match(/^\/repos\/acme\/serving\/(.*)$/))) {
      if (auth !== `Bearer ${this.forgeToken}`) return send(res, 401, { message: "Bad credentials" });
      const rest = m[1];
      const page = Number(url.searchParams.get("page") ?? 1);
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const paged = <T>(items: T[]) => items.slice((page - 1) * perPage, page * perPage);
      let n: RegExpMatchArray | null;
      if ((n = rest.match(/^issues\/(\d+)\/comments$/))) {
        const number = Number(n[1]);
        const issue = this.issues.find((i) => i.number === number);
        if (req.method === "GET") return send(res, 200, paged(this.comments.get(number) ?? []));
        if (req.method === "POST") {
          if (issue) issue.comments.push(String(json.body));
          const c = { id: this.nextId++, body: String(json.body) };
          this.comments.set(number, [...(this.comments.get(number) ?? []), c]);
          return send(res, 201, c);
        }
      }
      if ((n = rest.match(/^issues\/comments\/(\d+)$/)) && req.method === "PATCH") {
        const c = [...this.comments.values()].flat().find((x) => x.id === Number(n![1]));
        if (!c) return send(res, 404, { message: "Not Found" });
        c.body = String(json.body);
        return send(res, 200, c);
      }
      if (rest === "issues" && req.method === "GET") {
        const label = url.searchParams.get("labels");
        const state = url.searchParams.get("state") ?? "open";
        return send(
          res,
          200,
          paged(
            this.issues
              .filter((i) => (state === "all" || i.state === state) && (!label || i.labels.includes(label)))
              .map((i) => ({ ...i, html_url: `https://github.example/acme/serving/issues/${i.number}` })),
          ),
        );
      }
      if (rest === "issues" && req.method === "POST") {
        const issue: Issue = {
          number: this.nextId++,
          title: String(json.title),
          body: String(json.body),
          labels: (json.labels as string[]) ?? [],
          state: "open",
          comments: [],
        };
        this.issues.push(issue);
        return send(res, 201, { ...issue, html_url: `https://github.example/acme/serving/issues/${issue.number}` });
      }
      if ((n = rest.match(/^issues\/(\d+)$/)) && req.method === "PATCH") {
        const issue = this.issues.find((i) => i.number === Number(n![1]));
        if (!issue) return send(res, 404, { message: "Not Found" });
        if (typeof json.body === "string") issue.body = json.body;
        if (json.state === "closed" || json.state === "open") issue.state = json.state;
        return send(res, 200, issue);
      }
    }
    send(res, 404, { message: `no route ${req.method} ${url.pathname}` });
  }
}

/** A workspace URL: Databricks' token exchange in front of the plane, everything else forwarded to it. */
export class WorkspaceFront extends LocalServer {
  readonly exchanges: Record<string, string>[] = [];

  private constructor(
    private readonly plane: { url: string; token: string },
    private readonly clientId: string,
  ) {
    super();
  }

  static start(plane: { url: string; token: string }, clientId: string): Promise<WorkspaceFront> {
    return new WorkspaceFront(plane, clientId).listen();
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (req.url === "/oidc/v1/token" && req.method === "POST") {
      const form = Object.fromEntries(new URLSearchParams(body));
      this.exchanges.push(form);
      const ok =
        form.grant_type === "urn:ietf:params:oauth:grant-type:token-exchange" &&
        form.subject_token_type === "urn:ietf:params:oauth:token-type:jwt" &&
        form.subject_token === OIDC_JWT &&
        form.client_id === this.clientId &&
        form.scope === "all-apis";
      if (!ok) return send(res, 400, { error: "invalid_request", error_description: "token exchange rejected" });
      return send(res, 200, { access_token: this.plane.token, token_type: "Bearer", expires_in: 3600 });
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "content-length") headers[k] = v;
    const upstream = await fetch(`${this.plane.url}${req.url}`, { method: req.method, headers, body: body === "" ? undefined : body });
    const out: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (k !== "content-length" && k !== "transfer-encoding" && k !== "connection" && k !== "content-encoding") out[k] = v;
    });
    res.writeHead(upstream.status, out);
    res.end(Buffer.from(await upstream.arrayBuffer()));
  }
}
