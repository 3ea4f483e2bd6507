/**
 * Counting the API calls an operation makes, per route. The plane keeps a call log (`GET /api/2.0/dbserve/calls?since=N`,
 * from issue 9) once that lands; until then, and for planes without it, a counting proxy on loopback sits between the
 * Pulumi run and the plane. Either way the counts are the plane's view: method + route template + status.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface Call {
  method: string;
  path: string;
  status: number;
  /** Milliseconds since the epoch when the call was answered (proxy) or seen (log). */
  at: number;
  /** The `name` a create names in its body (proxy only). */
  target?: string;
}

/** A route template for counting: object names and numbers become placeholders. */
export function routeOf(path: string): string {
  return path
    .replace(/^(\/api\/2\.0\/serving-endpoints\/)(?!pt(?:\/|$)|get-model-optimization-info\/)[^/]+/, "$1{name}")
    .replace(/^(\/api\/2\.0\/serving-endpoints\/pt\/)[^/]+/, "$1{name}")
    .replace(/^(\/api\/2\.0\/permissions\/serving-endpoints\/)[^/]+/, "$1{id}")
    .replace(/^(\/api\/2\.1\/unity-catalog\/models\/)[^/]+/, "$1{model}")
    .replace(/\/versions\/\d+/, "/versions/{v}")
    .replace(/\/aliases\/[^/]+/, "/aliases/{alias}");
}

export interface CallSource {
  /** Where clients should send requests (the proxy's address, or the plane itself). */
  url: string;
  /** How calls are counted: "call log" or "counting proxy". */
  how: string;
  /** Every call since the previous `take()`. */
  take(): Promise<Call[]>;
  /** TCP connections clients opened since the previous call (proxy only: how well connections are reused). */
  connections?(): number;
  close(): Promise<void>;
}

/** Uses the plane's call log when it has one, else starts a counting proxy in front of it. */
export async function countCalls(plane: { url: string; token: string }): Promise<CallSource> {
  const log = await callLog(plane);
  return log ?? countingProxy(plane.url);
}

async function callLog(plane: { url: string; token: string }): Promise<CallSource | undefined> {
  const read = async (since: number) => {
    const res = await fetch(`${plane.url}/api/2.0/dbserve/calls?since=${since}`, { headers: { Authorization: `Bearer ${plane.token}` } });
    if (!res.ok) {
      await res.arrayBuffer();
      return undefined;
    }
    return (await res.json()) as { calls: { method: string; path: string; status: number }[]; next_seq: number };
  };
  const first = await read(0).catch(() => undefined);
  if (!first) return undefined;
  let since = first.next_seq;
  return {
    url: plane.url,
    how: "the plane's call log",
    async take() {
      const page = await read(since);
      if (!page) throw new Error("the plane's call log stopped answering");
      since = page.next_seq;
      const at = Date.now();
      return page.calls.map((c) => ({ method: c.method, path: c.path, status: c.status, at }));
    },
    close: async () => undefined,
  };
}

/** A loopback proxy that forwards every request to `target` (keep-alive both ways) and records it. */
export async function countingProxy(target: string): Promise<CallSource> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let calls: Call[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const fwd = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on("end", () => {
            const path = new URL(req.url ?? "/", "http://x").pathname;
            if (path.startsWith("/api/2.0/dbserve/")) return;
            let target: string | undefined;
            if (req.method === "POST" && body.length > 0) {
              try {
                const name = (JSON.parse(body.toString("utf8")) as { name?: unknown }).name;
                if (typeof name === "string") target = name;
              } catch {
                // not JSON: no target
              }
            }
            calls.push({ method: req.method ?? "GET", path, status: answer.statusCode ?? 0, at: Date.now(), ...(target ? { target } : {}) });
          });
        },
      );
      fwd.on("error", () => {
        // The plane dropped the connection (a fault): drop ours too, so the client sees what it would have seen.
        req.socket.destroy();
      });
      fwd.end(body);
    });
  });
  server.keepAliveTimeout = 5000;
  let opened = 0;
  server.on("connection", () => opened++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    how: "a counting proxy on loopback (the plane has no call log yet)",
    async take() {
      const out = calls;
      calls = [];
      return out;
    },
    connections() {
      const n = opened;
      opened = 0;
      return n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

/** Counts by `METHOD route` (and status when it is not 2xx), most frequent first. */
export function byRoute(calls: Call[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const c of calls) {
    const key = `${c.method} ${routeOf(c.path)}${c.status >= 200 && c.status < 300 ? "" : ` → ${c.status}`}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
