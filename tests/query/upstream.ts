/**
 * A small OpenAI-compatible server on 127.0.0.1 standing in for an external model provider: it answers chat (JSON or
 * SSE), completions and embeddings, records what it received, and can be told to fail. Nothing leaves loopback.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface Upstream {
  url: string;
  received: Received[];
  /** Fail the next `times` requests with this status and body. */
  failNext(status: number, times?: number, body?: unknown, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startUpstream(opts: { reply?: string; name?: string } = {}): Promise<Upstream> {
  const received: Received[] = [];
  let failures: { status: number; times: number; body: unknown; headers: Record<string, string> } | undefined;
  const reply = opts.reply ?? `Hello from ${opts.name ?? "upstream"}`;
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (d: Buffer) => (raw += d.toString()));
    req.on("end", () => {
      try {
        answer(raw, req, res);
      } catch (err) {
        // A body this fake cannot handle is the caller's fault, as a real provider would say.
        if (!res.headersSent) res.writeHead(400, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: { message: `bad request: ${(err as Error).message}` } }));
      }
    });
  });
  const answer = (raw: string, req: http.IncomingMessage, res: http.ServerResponse) => {
    {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      received.push({ path: req.url ?? "", headers: req.headers, body });
      if (failures && failures.times > 0) {
        failures.times--;
        res.writeHead(failures.status, { "Content-Type": "application/json", ...failures.headers });
        res.end(JSON.stringify(failures.body));
        return;
      }
      const created = Math.floor(Date.now() / 1000);
      const id = `up-${received.length}`;
      const usage = { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 };
      if ((req.url ?? "").endsWith("/embeddings")) {
        const inputs = typeof body.input === "string" ? [body.input] : (body.input as string[]);
        if (!Array.isArray(inputs)) throw new Error("input must be a string or an array");
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ object: "list", model: body.model, data: inputs.map((_, index) => ({ object: "embedding", index, embedding: [0.1, 0.2, 0.3] })), usage: { prompt_tokens: 3, total_tokens: 3 } }));
        return;
      }
      const chat = (req.url ?? "").endsWith("/chat/completions");
      if (body.stream === true) {
        res.writeHead(200, { "Content-Type": "text/event-stream" });
        const words = reply.split(/(?=\s)/);
        const base = { id, created, model: body.model, object: chat ? "chat.completion.chunk" : "text_completion" };
        for (const w of words) {
          const choice = chat ? { index: 0, delta: { content: w }, finish_reason: null } : { index: 0, text: w, finish_reason: null };
          res.write(`data: ${JSON.stringify({ ...base, choices: [choice] })}\n\n`);
        }
        res.write(`data: ${JSON.stringify({ ...base, choices: [chat ? { index: 0, delta: {}, finish_reason: "stop" } : { index: 0, text: "", finish_reason: "stop" }] })}\n\n`);
        const so = body.stream_options as { include_usage?: boolean } | undefined;
        if (so?.include_usage) res.write(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
        res.end("data: [DONE]\n\n");
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify(
          chat
            ? { id, object: "chat.completion", created, model: body.model, choices: [{ index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop" }], usage }
            : { id, object: "text_completion", created, model: body.model, choices: [{ index: 0, text: reply, finish_reason: "stop" }], usage },
        ),
      );
    }
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return {
    url,
    received,
    failNext: (status, times = 1, body = { error: { message: `injected ${status}`, type: "test" } }, headers = {}) => {
      failures = { status, times, body, headers };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
